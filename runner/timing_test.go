package runner_test

import (
	"math"
	"testing"

	"assay/runner"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCompareRuntimes(t *testing.T) {
	passed := func(id string, us float64) runner.TestResult {
		return runner.TestResult{ID: id, Outcome: runner.OutcomePassed, DurationUS: us, DurationMS: us / 1000}
	}
	cases := []struct {
		name     string
		tests    []runner.TestResult
		sameRun  *runner.ReferenceTiming
		expected map[string]float64
		source   string
		ratios   map[string]float64 // 0: no ratio
		slow     map[string]bool
		overall  *runner.Spread
	}{
		{
			name:   "no reference at all",
			tests:  []runner.TestResult{passed("a", 500)},
			ratios: map[string]float64{"a": 0},
		},
		{
			name:     "absent and zero reference times give no ratio",
			tests:    []runner.TestResult{passed("a", 500), passed("b", 500), passed("c", 500)},
			sameRun:  &runner.ReferenceTiming{TestsUS: map[string]float64{"a": 250, "b": 0}},
			source:   runner.RefSourceRun,
			ratios:   map[string]float64{"a": 2, "b": 0, "c": 0},
			overall:  &runner.Spread{N: 1, Median: 2, Q1: 2, Q3: 2, Min: 2, Max: 2},
			expected: map[string]float64{"c": 1}, // never mixed with the same run's
		},
		{
			name:     "expected.json is the fallback, in milliseconds",
			tests:    []runner.TestResult{passed("a", 3000)},
			sameRun:  &runner.ReferenceTiming{Problem: "the reference's times did not come"},
			expected: map[string]float64{"a": 1.5},
			source:   runner.RefSourceExpected,
			ratios:   map[string]float64{"a": 2},
			overall:  &runner.Spread{N: 1, Median: 2, Q1: 2, Q3: 2, Min: 2, Max: 2},
		},
		{
			name: "old results: JUnit milliseconds only",
			tests: []runner.TestResult{
				{ID: "a", Outcome: runner.OutcomePassed, DurationMS: 4},
			},
			expected: map[string]float64{"a": 2},
			source:   runner.RefSourceExpected,
			ratios:   map[string]float64{"a": 2},
			overall:  &runner.Spread{N: 1, Median: 2, Q1: 2, Q3: 2, Min: 2, Max: 2},
		},
		{
			name:    "tiny times are floored: no ratio of noise",
			tests:   []runner.TestResult{passed("a", 4), passed("b", 0.5), passed("c", 40)},
			sameRun: &runner.ReferenceTiming{TestsUS: map[string]float64{"a": 0.8, "b": 6, "c": 2}},
			source:  runner.RefSourceRun,
			ratios:  map[string]float64{"a": 1, "b": 1, "c": 4},
			overall: &runner.Spread{N: 3, Median: 1, Q1: 1, Q3: 2.5, Min: 1, Max: 4},
		},
		{
			name: "slow needs both the ratio and the margin",
			tests: []runner.TestResult{
				passed("fast-but-tiny", 900),  // 9x, 800 µs more: not slow
				passed("slow", 6000),          // 6x, 5 ms more: slow
				passed("long-but-close", 9e6), // 1.5x of 6 s: not slow
				{ID: "failed-slow", Outcome: runner.OutcomeFailed, DurationUS: 20000},
			},
			sameRun: &runner.ReferenceTiming{TestsUS: map[string]float64{"fast-but-tiny": 100, "slow": 1000, "long-but-close": 6e6, "failed-slow": 1000}},
			source:  runner.RefSourceRun,
			ratios:  map[string]float64{"fast-but-tiny": 9, "slow": 6, "long-but-close": 1.5, "failed-slow": 20},
			slow:    map[string]bool{"slow": true, "failed-slow": true},
			// the failed test is flagged, but not in the overall ratio
			overall: &runner.Spread{N: 3, Median: 6, Q1: 3.75, Q3: 7.5, Min: 1.5, Max: 9},
		},
		{
			name: "a missing test has no time and no ratio",
			tests: []runner.TestResult{
				{ID: "a", Outcome: runner.OutcomeMissing},
			},
			sameRun: &runner.ReferenceTiming{TestsUS: map[string]float64{"a": 100}},
			source:  runner.RefSourceRun,
			ratios:  map[string]float64{"a": 0},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := runner.CompareRuntimes(tc.tests, tc.sameRun, tc.expected)
			if got.Source != tc.source {
				t.Errorf("source %q, want %q", got.Source, tc.source)
			}
			slow := 0
			for id, want := range tc.ratios {
				tr := got.Tests[id]
				if !near(tr.Ratio, want) {
					t.Errorf("%s: ratio %v, want %v", id, tr.Ratio, want)
				}
				if tr.Slow != tc.slow[id] {
					t.Errorf("%s: slow %v, want %v", id, tr.Slow, tc.slow[id])
				}
				if tc.slow[id] {
					slow++
				}
			}
			if got.Slow != slow {
				t.Errorf("%d flagged slow, want %d", got.Slow, slow)
			}
			switch {
			case tc.overall == nil && got.Overall != nil:
				t.Errorf("overall %+v, want none", *got.Overall)
			case tc.overall != nil && got.Overall == nil:
				t.Errorf("no overall, want %+v", *tc.overall)
			case tc.overall != nil:
				g, w := *got.Overall, *tc.overall
				if g.N != w.N || !near(g.Median, w.Median) || !near(g.Q1, w.Q1) || !near(g.Q3, w.Q3) || !near(g.Min, w.Min) || !near(g.Max, w.Max) {
					t.Errorf("overall %+v, want %+v", g, w)
				}
			}
		})
	}
}

func TestSpreadOf(t *testing.T) {
	cases := []struct {
		in   []float64
		want *runner.Spread
	}{
		{nil, nil},
		{[]float64{3}, &runner.Spread{N: 1, Median: 3, Q1: 3, Q3: 3, Min: 3, Max: 3}},
		{[]float64{4, 1, 3, 2}, &runner.Spread{N: 4, Median: 2.5, Q1: 1.75, Q3: 3.25, Min: 1, Max: 4}},
		{[]float64{1, 2, 3, 4, 100}, &runner.Spread{N: 5, Median: 3, Q1: 2, Q3: 4, Min: 1, Max: 100}},
	}
	for _, tc := range cases {
		got := runner.SpreadOf(tc.in)
		if (got == nil) != (tc.want == nil) {
			t.Errorf("%v: %+v, want %+v", tc.in, got, tc.want)
			continue
		}
		if got != nil && (*got != *tc.want) {
			t.Errorf("%v: %+v, want %+v", tc.in, *got, *tc.want)
		}
	}
	// the input is left as it was
	in := []float64{3, 1, 2}
	runner.SpreadOf(in)
	if in[0] != 3 || in[1] != 1 {
		t.Errorf("SpreadOf sorted its input: %v", in)
	}
}

func TestGradeTakesTheHarnessDurations(t *testing.T) {
	report := []byte(`<testsuites><testsuite>` +
		`<testcase classname="tests.visible.test_a" name="test_add" time="0.002"/>` +
		`<testcase classname="tests.visible.test_a.TestMore" name="test_neg" time="0.002"/>` +
		`</testsuite></testsuites>`)
	hidden := []byte(`<testsuites><testsuite>` +
		`<testcase classname="tests.hidden.test_b" name="test_r4nd0m" time="0.003"/>` +
		`</testsuite></testsuites>`)
	run := runner.RunResult{
		Phases: []runner.PhaseResult{
			{Name: runner.PhaseVisible, Report: report, Durations: map[string]int64{
				"tests.visible.test_a::test_add": 412_345,
				// a time for a test the report does not name is ignored
				"tests.visible.test_a::test_nothing": 1,
			}},
			{Name: runner.PhaseHidden, Report: hidden, Durations: map[string]int64{
				// by the run's name, as the guard saw it
				"tests.hidden.test_b::test_r4nd0m": 3_200_000,
			}},
		},
		Renames: map[string]string{"test_r4nd0m": "test_hidden_add"},
	}
	g := runner.Grade(expectedIDs, run)
	if g.Verdict != runner.VerdictPassed {
		t.Fatalf("verdict %s (%s): durations changed the grading", g.Verdict, g.Detail)
	}
	got := map[string]runner.TestResult{}
	for _, tr := range g.Tests {
		got[tr.ID] = tr
	}
	if tr := got["tests.visible.test_a::test_add"]; !near(tr.DurationUS, 412.345) || !near(tr.DurationMS, 0.412345) {
		t.Errorf("test_add: %v µs, %v ms; want 412.345 µs", tr.DurationUS, tr.DurationMS)
	}
	if tr := got["tests.hidden.test_b::test_hidden_add"]; !near(tr.DurationUS, 3200) || !near(tr.DurationMS, 3.2) {
		t.Errorf("hidden test: %v µs, %v ms; want 3200 µs under its own name", tr.DurationUS, tr.DurationMS)
	}
	// without the harness's time, JUnit's stays, and Micros reads it
	if tr := got["tests.visible.test_a.TestMore::test_neg"]; tr.DurationUS != 0 || !near(tr.DurationMS, 2) || !near(tr.Micros(), 2000) {
		t.Errorf("test_neg: %v µs, %v ms, Micros %v; want JUnit's 2 ms", tr.DurationUS, tr.DurationMS, tr.Micros())
	}
}
