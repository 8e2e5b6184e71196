package runner

import (
	"math"
	"slices"
)

// Runtime ratios put a candidate's test times beside the reference
// solution's: "candidate / reference" per test, and over the run as the
// median of the per-test ratios with their spread. Times from one
// container, one right after the other, share the machine's load, so
// their ratio holds on a busy machine where the times themselves do not.
// They are for interviewers only and never decide a verdict.

// The thresholds of a ratio.
const (
	// RatioFloorUS: a time under it counts as it in a ratio. Below some
	// microseconds a test's time is pytest's own call overhead and the
	// clock's noise, and a ratio of two such times says nothing.
	RatioFloorUS = 10.0
	// A test is flagged slow when its ratio is over SlowRatio and it took
	// SlowMarginUS more than the reference's: both, so that neither a
	// large ratio of tiny times nor a small ratio of long ones is flagged.
	SlowRatio    = 5.0
	SlowMarginUS = 1000.0
)

// Where a run's reference times come from.
const (
	RefSourceRun      = "run"      // the same container, right after the candidate's run (Result.Reference)
	RefSourceExpected = "expected" // the challenge's expected.json (recorded when it was checked)
)

// TestRatio compares one test's time with the reference's.
type TestRatio struct {
	// CandidateUS and ReferenceUS are the times compared; ReferenceUS is
	// 0 when the reference has none for this test.
	CandidateUS float64
	ReferenceUS float64
	// Ratio is max(CandidateUS, floor) / max(ReferenceUS, floor); 0 when
	// either time is missing.
	Ratio float64
	// Slow: far slower than the reference (SlowRatio and SlowMarginUS).
	Slow bool
}

// Spread summarises ratios: their count, median, quartiles (linear
// interpolation between the closest ranks) and extremes.
type Spread struct {
	N                        int
	Median, Q1, Q3, Min, Max float64
}

// Runtimes is a run's comparison with the reference.
type Runtimes struct {
	// Source says where the reference times come from (RefSource*), ""
	// when there are none.
	Source string
	// Tests holds each test's comparison, by test id.
	Tests map[string]TestRatio
	// Overall spreads the ratios of the tests the candidate passed (a
	// failed test's time says little about its code's speed); nil when
	// there is none.
	Overall *Spread
	// Slow counts the tests flagged slow.
	Slow int
}

// CompareRuntimes compares tests' times with the reference's: those of
// the same container's timing run (sameRun) when there are any, otherwise
// expected.json's milliseconds (expectedMS, by test id). The two are never
// mixed: expected.json's were measured on another machine at another
// time, so a ratio against them is weaker, and the page says which it is.
func CompareRuntimes(tests []TestResult, sameRun *ReferenceTiming, expectedMS map[string]float64) Runtimes {
	ref, source := map[string]float64{}, ""
	switch {
	case sameRun != nil && len(sameRun.TestsUS) > 0:
		ref, source = sameRun.TestsUS, RefSourceRun
	case len(expectedMS) > 0:
		for id, ms := range expectedMS {
			ref[id] = ms * 1000
		}
		source = RefSourceExpected
	}
	out := Runtimes{Source: source, Tests: make(map[string]TestRatio, len(tests))}
	var passed []float64
	for _, t := range tests {
		tr := TestRatio{CandidateUS: t.Micros(), ReferenceUS: ref[t.ID]}
		if tr.CandidateUS > 0 && tr.ReferenceUS > 0 {
			tr.Ratio = math.Max(tr.CandidateUS, RatioFloorUS) / math.Max(tr.ReferenceUS, RatioFloorUS)
			tr.Slow = tr.Ratio > SlowRatio && tr.CandidateUS-tr.ReferenceUS > SlowMarginUS
			if t.Outcome == OutcomePassed {
				passed = append(passed, tr.Ratio)
			}
		}
		if tr.Slow {
			out.Slow++
		}
		out.Tests[t.ID] = tr
	}
	out.Overall = SpreadOf(passed)
	return out
}

// SpreadOf summarises values; nil when there are none.
func SpreadOf(values []float64) *Spread {
	if len(values) == 0 {
		return nil
	}
	v := slices.Sorted(slices.Values(values))
	return &Spread{N: len(v), Median: quantile(v, 0.5), Q1: quantile(v, 0.25), Q3: quantile(v, 0.75), Min: v[0], Max: v[len(v)-1]}
}

// quantile of sorted values, interpolating linearly between the closest
// ranks (as numpy's default and R's type 7).
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}
