package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"assay/runner"
)

var expectedIDs = []string{
	"tests.hidden.test_b::test_hidden_add",
	"tests.visible.test_a::test_add",
	"tests.visible.test_a.TestMore::test_neg",
}

func one(p runner.PhaseResult) runner.RunResult {
	return runner.RunResult{Phases: []runner.PhaseResult{p}}
}

func report(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGrade(t *testing.T) {
	pass := report(t, "pass")
	cases := []struct {
		name     string
		expected []string
		run      runner.RunResult
		verdict  runner.Verdict
		passed   int
		reason   string
	}{
		{"all pass", expectedIDs, one(runner.PhaseResult{Report: pass}), runner.VerdictPassed, 3, "all 3"},
		{"fail", expectedIDs, one(runner.PhaseResult{ExitCode: 1, Report: report(t, "fail")}), runner.VerdictFailed, 0, "3 of 3"},
		{"syntax error", expectedIDs, one(runner.PhaseResult{ExitCode: 2, Report: report(t, "syntax")}), runner.VerdictError, 0, "SyntaxError"},
		{"skips never pass", expectedIDs, one(runner.PhaseResult{Report: report(t, "skip")}), runner.VerdictFailed, 0, "3 of 3"},
		{"fixture error fails", []string{"tests.visible.test_a::test_add", "tests.visible.test_a::test_ok"},
			one(runner.PhaseResult{ExitCode: 1, Report: report(t, "fixture_error")}), runner.VerdictFailed, 1, "1 of 2"},
		{"missing expected test", append(expectedIDs, "tests.hidden.test_b::test_more"), one(runner.PhaseResult{Report: pass}), runner.VerdictError, 3, "1 of 4 expected tests are missing"},
		{"exit 0 without report", expectedIDs, one(runner.PhaseResult{ExitCode: 0, Problem: "pytest wrote no report"}), runner.VerdictError, 0, "no test report"},
		{"passed but nonzero exit", expectedIDs, one(runner.PhaseResult{ExitCode: 3, Report: pass}), runner.VerdictError, 3, "status 3"},
		{"forged report", expectedIDs, one(runner.PhaseResult{Report: []byte("<testsuites><testsuite><testcase")}), runner.VerdictError, 0, "unreadable"},
		{"empty report", expectedIDs, one(runner.PhaseResult{Report: []byte("<testsuites></testsuites>")}), runner.VerdictError, 0, "missing"},
		{"timeout wins", expectedIDs, runner.RunResult{TimedOut: true, Phases: []runner.PhaseResult{{Report: pass}}}, runner.VerdictTimeout, 3, "time limit"},
		{"oom wins", expectedIDs, runner.RunResult{OOMKilled: true, TimedOut: true}, runner.VerdictMemoryLimit, 0, "memory"},
		{"output flood", expectedIDs, runner.RunResult{OutputLimit: true, Phases: []runner.PhaseResult{{Report: pass}}}, runner.VerdictOutputLimit, 3, "output"},
		{"no expected ids: report counts", nil, one(runner.PhaseResult{Report: pass}), runner.VerdictPassed, 3, "all 3"},
		{"conftest import error", expectedIDs, one(runner.PhaseResult{ExitCode: 4, Output: []byte("ImportError while loading conftest\ntests/conftest.py:5: in <module>\nE   SyntaxError: invalid syntax\n")}), runner.VerdictError, 0, "SyntaxError: invalid syntax"},
		{"harness silent", expectedIDs, runner.RunResult{Problem: "the harness sent no result"}, runner.VerdictError, 0, "harness sent no result"},
		{"tampered", expectedIDs, runner.RunResult{Phases: []runner.PhaseResult{{Report: pass, Tampered: []string{"created tests/visible/conftest.py"}}}}, runner.VerdictError, 3, "conftest.py"},
		{"tampering outranks a timeout", expectedIDs, runner.RunResult{TimedOut: true, Phases: []runner.PhaseResult{{Report: pass, Tampered: []string{"wrote tests/conftest.py"}}}}, runner.VerdictError, 3, "conftest.py"},
		{"hidden phase lost its report", expectedIDs, runner.RunResult{Phases: []runner.PhaseResult{{Report: pass}, {Name: "hidden", ExitCode: -1, Signal: 9}}}, runner.VerdictError, 3, "signal 9"},
		{"no tests at all", nil, one(runner.PhaseResult{ExitCode: 5, Report: []byte("<testsuites><testsuite/></testsuites>")}), runner.VerdictError, 0, "no tests ran"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := runner.Grade(tc.expected, tc.run)
			if g.Verdict != tc.verdict || g.Passed != tc.passed || !strings.Contains(g.Reason, tc.reason) {
				t.Errorf("got %s %d/%d %q; want %s %d passed, reason containing %q", g.Verdict, g.Passed, g.Total, g.Reason, tc.verdict, tc.passed, tc.reason)
			}
		})
	}
}

func TestGradeMarksHiddenAndKeepsMessages(t *testing.T) {
	g := runner.Grade(expectedIDs, one(runner.PhaseResult{ExitCode: 1, Report: report(t, "fail")}))
	if len(g.Tests) != 3 {
		t.Fatalf("%d tests", len(g.Tests))
	}
	for _, tr := range g.Tests {
		if tr.Hidden != strings.HasPrefix(tr.ID, "tests.hidden.") {
			t.Errorf("%s: hidden=%v", tr.ID, tr.Hidden)
		}
		if tr.Outcome != runner.OutcomeFailed || !strings.Contains(tr.Message, "assert") || tr.DurationMS <= 0 {
			t.Errorf("%s: %s %q %.3fms", tr.ID, tr.Outcome, tr.Message, tr.DurationMS)
		}
	}
}

func TestParseJUnitSingleSuite(t *testing.T) {
	cases, err := runner.ParseJUnit([]byte(`<testsuite><testcase classname="tests.visible.test_a" name="test_x" time="0.5"/></testsuite>`))
	if err != nil || len(cases) != 1 || cases[0].ID != "tests.visible.test_a::test_x" || cases[0].DurationMS != 500 {
		t.Fatalf("%+v %v", cases, err)
	}
}

// The candidate sees Reason; nothing of the hidden phase's own text may be
// in it, since the candidate's code there can print the hidden tests.
func TestHiddenPhaseTextStaysOutOfTheReason(t *testing.T) {
	const secret = "SECRET-HIDDEN-TEST-SOURCE"
	visiblePass := runner.PhaseResult{Name: runner.PhaseVisible, Report: report(t, "pass")}
	cases := map[string]runner.RunResult{
		"no report": {Phases: []runner.PhaseResult{visiblePass,
			{Name: runner.PhaseHidden, ExitCode: 2, Output: []byte("boom\nE   " + secret + "\n")}}},
		"tampering": {Phases: []runner.PhaseResult{visiblePass,
			{Name: runner.PhaseHidden, Report: report(t, "pass"), Tampered: []string{"the guard says " + secret}}}},
		"collection": {Phases: []runner.PhaseResult{visiblePass,
			{Name: runner.PhaseHidden, ExitCode: 2, Report: report(t, "syntax")}}},
	}
	for name, run := range cases {
		g := runner.Grade(expectedIDs, run)
		if g.Verdict != runner.VerdictError || strings.Contains(g.Reason, secret) || strings.Contains(g.Reason, "SyntaxError") {
			t.Errorf("%s: verdict %s, reason %q", name, g.Verdict, g.Reason)
		}
		if !strings.Contains(g.Detail, secret) && !strings.Contains(g.Detail, "SyntaxError") {
			t.Errorf("%s: detail %q lacks the hidden phase's text", name, g.Detail)
		}
	}
}
