package runner_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"assay/runner"
)

var expectedIDs = []string{
	"tests.hidden.test_b::test_hidden_add",
	"tests.visible.test_a::test_add",
	"tests.visible.test_a.TestMore::test_neg",
}

var testcase = regexp.MustCompile(`<testcase classname="([^"]*)"[^>]*?(/>|>[\s\S]*?</testcase>)`)

// one turns a phase into a run as the harness makes it: the report's
// hidden tests in a hidden phase of their own, the others in the visible
// phase, each with p's exit status.
func one(p runner.PhaseResult) runner.RunResult {
	p.Name = runner.PhaseVisible
	if p.Report == nil || !testcase.Match(p.Report) {
		return runner.RunResult{Phases: []runner.PhaseResult{p}}
	}
	h := p
	h.Name = runner.PhaseHidden
	p.Report = testcase.ReplaceAllFunc(p.Report, func(m []byte) []byte {
		return keep(m, false)
	})
	h.Report = testcase.ReplaceAllFunc(h.Report, func(m []byte) []byte {
		return keep(m, true)
	})
	for _, ph := range []*runner.PhaseResult{&p, &h} {
		if ph.ExitCode == 0 || ph.ExitCode == 1 {
			// pytest's status for what the phase's report holds
			ph.ExitCode = 0
			if strings.Contains(string(ph.Report), "<failure") || strings.Contains(string(ph.Report), "<error") {
				ph.ExitCode = 1
			}
		}
	}
	return runner.RunResult{Phases: []runner.PhaseResult{p, h}}
}

func withTimeout(r runner.RunResult) runner.RunResult {
	r.TimedOut = true
	return r
}

func withOutputLimit(r runner.RunResult) runner.RunResult {
	r.OutputLimit = true
	return r
}

func withDuration(r runner.RunResult, d time.Duration) runner.RunResult {
	r.Duration = d
	return r
}

func keep(tc []byte, hidden bool) []byte {
	if strings.Contains(string(tc), `classname="tests.hidden.`) == hidden {
		return tc
	}
	return nil
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
		{"fixture error fails", []string{"tests.hidden.test_b::test_hidden_add", "tests.visible.test_a::test_add", "tests.visible.test_a::test_ok"},
			one(runner.PhaseResult{ExitCode: 1, Report: report(t, "fixture_error")}), runner.VerdictFailed, 2, "1 of 3"},
		{"a test left out of a phase that ended normally", append(expectedIDs, "tests.hidden.test_b::test_more"), one(runner.PhaseResult{Report: pass}), runner.VerdictTampered, 3, "could not be graded"},
		{"a test missing from an interrupted phase", append(expectedIDs, "tests.hidden.test_b::test_more"), one(runner.PhaseResult{ExitCode: 2, Report: pass}), runner.VerdictError, 3, "1 of 4 expected tests are missing"},
		{"exit 0 without report", expectedIDs, one(runner.PhaseResult{ExitCode: 0, Problem: "pytest wrote no report"}), runner.VerdictError, 0, "no test report"},
		{"passed but nonzero exit", expectedIDs, one(runner.PhaseResult{ExitCode: 3, Report: pass}), runner.VerdictError, 3, "status 3"},
		{"forged report", expectedIDs, one(runner.PhaseResult{Report: []byte("<testsuites><testsuite><testcase")}), runner.VerdictError, 0, "unreadable"},
		{"empty report from a clean exit", expectedIDs, one(runner.PhaseResult{Report: []byte("<testsuites></testsuites>")}), runner.VerdictTampered, 0, "could not be graded"},
		{"empty report from an interrupted run", expectedIDs, one(runner.PhaseResult{ExitCode: 2, Report: []byte("<testsuites></testsuites>")}), runner.VerdictError, 0, "missing"},
		{"timeout wins", expectedIDs, withTimeout(one(runner.PhaseResult{Report: pass})), runner.VerdictTimeout, 3, "time limit"},
		{"oom wins", expectedIDs, runner.RunResult{OOMKilled: true, TimedOut: true}, runner.VerdictMemoryLimit, 0, "memory"},
		{"output flood", expectedIDs, withOutputLimit(one(runner.PhaseResult{Report: pass})), runner.VerdictOutputLimit, 3, "output"},
		{"no expected ids: report counts", nil, one(runner.PhaseResult{Report: pass}), runner.VerdictPassed, 3, "all 3"},
		{"conftest import error", expectedIDs, one(runner.PhaseResult{ExitCode: 4, Output: []byte("ImportError while loading conftest\ntests/conftest.py:5: in <module>\nE   SyntaxError: invalid syntax\n")}), runner.VerdictError, 0, "SyntaxError: invalid syntax"},
		{"harness silent", expectedIDs, runner.RunResult{Problem: "the harness sent no result"}, runner.VerdictError, 0, "harness sent no result"},
		{"tampered", expectedIDs, one(runner.PhaseResult{Report: pass, Findings: []runner.Finding{{Check: runner.CheckWatcher, Seen: "created tests/visible/conftest.py"}}}), runner.VerdictTampered, 3, "could not be graded"},
		{"tampering outranks a timeout", expectedIDs, withTimeout(one(runner.PhaseResult{Report: pass, Findings: []runner.Finding{{Check: runner.CheckWatcher, Seen: "wrote tests/conftest.py"}}})), runner.VerdictTampered, 3, "could not be graded"},
		{"tampering outranks the memory limit", expectedIDs, func() runner.RunResult {
			r := one(runner.PhaseResult{ExitCode: -1, Signal: 9, Findings: []runner.Finding{{Check: runner.CheckAudit, Seen: "ctypes"}}})
			r.OOMKilled, r.TimedOut = true, true
			return r
		}(), runner.VerdictTampered, 0, "could not be graded"},
		{"a visible phase that ended on its own is held to its report when the hidden phase is cut", expectedIDs, func() runner.RunResult {
			r := one(runner.PhaseResult{Report: pass})
			r.Phases[0].ExitCode = 1 // pytest said a test failed; its report shows none
			r.Phases[1] = runner.PhaseResult{Name: runner.PhaseHidden, ExitCode: -1, Signal: 9}
			r.OOMKilled = true
			return r
		}(), runner.VerdictTampered, 2, "could not be graded"},
		{"the cut phase is not held to its report", expectedIDs, func() runner.RunResult {
			r := one(runner.PhaseResult{Report: pass})
			r.Phases[1].ExitCode = 1 // interrupted: its report may say anything
			r.OOMKilled = true
			return r
		}(), runner.VerdictMemoryLimit, 3, "memory"},
		{"hidden phase lost its report", expectedIDs, runner.RunResult{Phases: []runner.PhaseResult{one(runner.PhaseResult{Report: pass}).Phases[0], {Name: "hidden", ExitCode: -1, Signal: 9}}}, runner.VerdictError, 2, "hidden tests' run ended without a report"},
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
	visiblePass := one(runner.PhaseResult{Report: report(t, "pass")}).Phases[0]
	cases := map[string]runner.RunResult{
		"no report": {Phases: []runner.PhaseResult{visiblePass,
			{Name: runner.PhaseHidden, ExitCode: 2, Output: []byte("boom\nE   " + secret + "\n")}}},
		"tampering": {Phases: []runner.PhaseResult{visiblePass,
			{Name: runner.PhaseHidden, Report: report(t, "pass"), Findings: []runner.Finding{{Check: runner.CheckGuard, Seen: "the guard says " + secret}}}}},
		"collection": {Phases: []runner.PhaseResult{visiblePass,
			{Name: runner.PhaseHidden, ExitCode: 2, Report: report(t, "syntax")}}},
	}
	for name, run := range cases {
		g := runner.Grade(expectedIDs, run)
		if (g.Verdict != runner.VerdictError && g.Verdict != runner.VerdictTampered) || strings.Contains(g.Reason, secret) || strings.Contains(g.Reason, "SyntaxError") {
			t.Errorf("%s: verdict %s, reason %q", name, g.Verdict, g.Reason)
		}
		if !strings.Contains(g.Detail, secret) && !strings.Contains(g.Detail, "SyntaxError") {
			t.Errorf("%s: detail %q lacks the hidden phase's text", name, g.Detail)
		}
	}
}

// junit builds a report from "id=outcome" pairs (outcome passed, failed,
// error or skipped; the id's class name and test name split at "::").
func junit(cases ...string) []byte {
	var b strings.Builder
	b.WriteString(`<testsuites><testsuite name="pytest">`)
	for _, c := range cases {
		id, outcome, _ := strings.Cut(c, "=")
		cls, name, _ := strings.Cut(id, "::")
		fmt.Fprintf(&b, `<testcase classname="%s" name="%s" time="0.001">`, cls, name)
		switch outcome {
		case "failed":
			fmt.Fprintf(&b, `<failure message="assert 1 == 2">%s failed</failure>`, name)
		case "error":
			b.WriteString(`<error message="boom">boom</error>`)
		case "skipped":
			b.WriteString(`<skipped message="skip"/>`)
		}
		b.WriteString(`</testcase>`)
	}
	b.WriteString(`</testsuite></testsuites>`)
	return []byte(b.String())
}

// The report is evidence to check: each route by which a candidate's code
// could make pytest's report claim more than happened is a finding.
func TestGradeChecksTheReport(t *testing.T) {
	const (
		vis  = "tests.visible.test_a::test_add"
		hid  = "tests.hidden.test_b::test_hidden_add"
		hid2 = "tests.hidden.test_b::test_other"
	)
	expected := []string{hid, hid2, vis}
	visible := func(exit int, cases ...string) runner.PhaseResult {
		return runner.PhaseResult{Name: runner.PhaseVisible, ExitCode: exit, Report: junit(cases...)}
	}
	hidden := func(exit int, cases ...string) runner.PhaseResult {
		return runner.PhaseResult{Name: runner.PhaseHidden, ExitCode: exit, Report: junit(cases...)}
	}
	run := func(phases ...runner.PhaseResult) runner.RunResult { return runner.RunResult{Phases: phases} }
	canaryRun := func(r runner.RunResult) runner.RunResult {
		r.Renames = map[string]string{"test_r1": "test_hidden_add", "test_r2": "test_other"}
		r.Canaries = []string{"test_c1"}
		return r
	}
	// With twins: test_c1 copies test_hidden_add (run name test_r1).
	twinRun := func(r runner.RunResult) runner.RunResult {
		r = canaryRun(r)
		r.Twins = map[string]string{"test_c1": "test_hidden_add"}
		return r
	}
	cases := []struct {
		name    string
		run     runner.RunResult
		verdict runner.Verdict
		seen    string // in the staff's detail
	}{
		{"twins: a canary passed, its twin failed: an honest near miss", twinRun(run(visible(0, vis+"=passed"), hidden(1, "tests.hidden.test_b::test_r1=failed", "tests.hidden.test_b::test_c1=passed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictFailed, "1 of 3"},
		{"twins: a canary and its twin passed", twinRun(run(visible(0, vis+"=passed"), hidden(0, "tests.hidden.test_b::test_r1=passed", "tests.hidden.test_b::test_c1=passed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictTampered, "a canary test and its twin both passed"},
		{"twins: both failed, a clean fail", twinRun(run(visible(0, vis+"=passed"), hidden(1, "tests.hidden.test_b::test_r1=failed", "tests.hidden.test_b::test_c1=failed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictFailed, "1 of 3"},
		{"twins: the canary failed, a clean pass", twinRun(run(visible(0, vis+"=passed"), hidden(1, "tests.hidden.test_b::test_r1=passed", "tests.hidden.test_b::test_c1=failed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictPassed, "all 3"},
		{"honest pass", run(visible(0, vis+"=passed"), hidden(0, hid+"=passed", hid2+"=passed")), runner.VerdictPassed, "all 3"},
		{"honest fail", run(visible(0, vis+"=passed"), hidden(1, hid+"=failed", hid2+"=passed")), runner.VerdictFailed, "1 of 3"},
		{"hidden ids passed in the visible phase, an empty hidden report",
			run(visible(0, vis+"=passed", hid+"=passed", hid2+"=passed"), hidden(0)), runner.VerdictTampered, "visible phase's report names " + hid},
		{"visible ids in the hidden phase", run(visible(1, vis+"=failed"), hidden(0, hid+"=passed", hid2+"=passed", vis+"=passed")), runner.VerdictTampered, "hidden phase's report names " + vis},
		{"an id twice", run(visible(0, vis+"=passed"), hidden(1, hid+"=failed", hid+"=passed", hid2+"=passed")), runner.VerdictTampered, "names " + hid + " twice"},
		{"an unexpected id", run(visible(0, vis+"=passed", "tests.visible.test_a::test_new=passed"), hidden(0, hid+"=passed", hid2+"=passed")), runner.VerdictTampered, "not one of the challenge's tests"},
		{"an id left out", run(visible(0, vis+"=passed"), hidden(0, hid+"=passed")), runner.VerdictTampered, "leaves out " + hid2},
		{"exit 0 with a failure", run(visible(0, vis+"=passed"), hidden(0, hid+"=failed", hid2+"=passed")), runner.VerdictTampered, "exited 0"},
		{"exit 1 with no failure", run(visible(0, vis+"=passed"), hidden(1, hid+"=passed", hid2+"=passed")), runner.VerdictTampered, "exited 1"},
		{"the tally saw a failure the report hides", run(visible(0, vis+"=passed"), func() runner.PhaseResult {
			h := hidden(0, hid+"=passed", hid2+"=passed")
			h.Tally = &runner.Tally{Passed: 1, Failed: 1}
			return h
		}()), runner.VerdictTampered, "pytest reported 1 passed and 1 failed"},
		{"a tally that agrees", run(visible(0, vis+"=passed"), func() runner.PhaseResult {
			h := hidden(1, hid+"=failed", hid2+"=passed")
			h.Tally = &runner.Tally{Passed: 1, Failed: 2}
			return h
		}()), runner.VerdictFailed, "1 of 3"},
		{"canaries failed: a clean pass", canaryRun(run(visible(0, vis+"=passed"), hidden(1, "tests.hidden.test_b::test_r1=passed", "tests.hidden.test_b::test_c1=failed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictPassed, "all 3"},
		{"a canary passed", canaryRun(run(visible(0, vis+"=passed"), hidden(0, "tests.hidden.test_b::test_r1=passed", "tests.hidden.test_b::test_c1=passed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictTampered, "canary: a canary test, which every honest run fails, was reported passed"},
		{"a canary skipped alone", canaryRun(run(visible(0, vis+"=passed"), hidden(0, "tests.hidden.test_b::test_r1=passed", "tests.hidden.test_b::test_c1=skipped", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictTampered, "canary test was reported skipped"},
		{"a canary skipped with the real tests", canaryRun(run(visible(0, vis+"=passed"), hidden(0, "tests.hidden.test_b::test_r1=skipped", "tests.hidden.test_b::test_c1=skipped", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictFailed, "1 of 3"},
		{"a canary missing", canaryRun(run(visible(0, vis+"=passed"), hidden(0, "tests.hidden.test_b::test_r1=passed", "tests.hidden.test_b::test_r2=passed"))), runner.VerdictTampered, "canary test is missing"},
		{"a canary missing from a timed-out run", withTimeout(canaryRun(run(visible(0, vis+"=passed"), hidden(2, "tests.hidden.test_b::test_r1=passed")))), runner.VerdictTimeout, "time limit"},
		{"a run cut short is not held to its report", withTimeout(run(visible(2, vis+"=passed", "::=passed"))), runner.VerdictTimeout, "time limit"},
		{"hidden exit status stays out of the reason", run(visible(0, vis+"=passed"), hidden(3, hid+"=passed", hid2+"=passed")), runner.VerdictError, "status 3 in the hidden phase"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := runner.Grade(expected, tc.run)
			if g.Verdict != tc.verdict || !strings.Contains(g.Detail, tc.seen) {
				t.Errorf("got %s %q (%q); want %s with %q", g.Verdict, g.Detail, g.Reason, tc.verdict, tc.seen)
			}
			if (g.Verdict == runner.VerdictTampered) != (len(g.Findings) > 0) {
				t.Errorf("verdict %s with findings %v", g.Verdict, g.Findings)
			}
			if g.Verdict == runner.VerdictTampered && g.Reason != runner.CandidateTamperedReason {
				t.Errorf("the candidate's reason for tampering is %q", g.Reason)
			}
			if strings.Contains(g.Reason, "status") || strings.Contains(g.Reason, "signal") || strings.Contains(g.Reason, "canary") {
				t.Errorf("the candidate's reason %q tells how the hidden phase ended", g.Reason)
			}
			for _, tr := range g.Tests {
				if strings.Contains(tr.ID, "test_r") || strings.Contains(tr.ID, "test_c1") {
					t.Errorf("a run name or canary in the result: %s", tr.ID)
				}
			}
		})
	}
}

// A parametrized canary's cases pair with its twin's cases of the same
// parameters; a canary passed beside a failed twin is a note for staff,
// never evidence.
func TestGradeCanaryTwinsByParameters(t *testing.T) {
	vis := "tests.visible.test_a::test_add"
	expected := []string{"tests.hidden.test_b.TestX::test_sum[1-2]", "tests.hidden.test_b.TestX::test_sum[3-4]", vis}
	r := runner.RunResult{
		Phases: []runner.PhaseResult{
			{Name: runner.PhaseVisible, Report: junit(vis + "=passed")},
			{Name: runner.PhaseHidden, ExitCode: 1, Report: junit(
				"tests.hidden.test_b.TestX::test_9f2c[1-2]=passed", "tests.hidden.test_b.TestX::test_9f2c[3-4]=failed",
				"tests.hidden.test_b.TestX::test_c0ffee[1-2]=failed", "tests.hidden.test_b.TestX::test_c0ffee[3-4]=passed")},
		},
		Renames:  map[string]string{"test_9f2c": "test_sum"},
		Canaries: []string{"test_c0ffee"},
		Twins:    map[string]string{"test_c0ffee": "test_sum"},
	}
	g := runner.Grade(expected, r)
	if g.Verdict != runner.VerdictFailed || len(g.Findings) != 0 || len(g.Notes) != 1 || !strings.Contains(g.Notes[0], "its twin failed") || g.NearMisses != 1 {
		t.Fatalf("each case against its own twin: %s %v %v", g.Verdict, g.Findings, g.Notes)
	}
	r.Phases[1].Report = junit("tests.hidden.test_b.TestX::test_9f2c[1-2]=passed", "tests.hidden.test_b.TestX::test_9f2c[3-4]=passed",
		"tests.hidden.test_b.TestX::test_c0ffee[1-2]=failed", "tests.hidden.test_b.TestX::test_c0ffee[3-4]=passed")
	r.Phases[1].ExitCode = 1
	if g := runner.Grade(expected, r); g.Verdict != runner.VerdictTampered {
		t.Errorf("a case and its twin both passed: %s %q", g.Verdict, g.Detail)
	}
}

func TestGradeGivesHiddenTestsTheirNamesBack(t *testing.T) {
	r := runner.RunResult{
		Phases: []runner.PhaseResult{
			{Name: runner.PhaseVisible, Report: junit("tests.visible.test_a::test_add=passed")},
			{Name: runner.PhaseHidden, ExitCode: 1, Report: junit("tests.hidden.test_b.TestX::test_9f2c[1-2]=failed", "tests.hidden.test_b::test_c0ffee=failed")},
		},
		Renames:  map[string]string{"test_9f2c": "test_sum"},
		Canaries: []string{"test_c0ffee"},
	}
	g := runner.Grade([]string{"tests.hidden.test_b.TestX::test_sum[1-2]", "tests.visible.test_a::test_add"}, r)
	if g.Verdict != runner.VerdictFailed || len(g.Tests) != 2 {
		t.Fatalf("%s %q %+v", g.Verdict, g.Detail, g.Tests)
	}
	h := g.Tests[0]
	if h.ID != "tests.hidden.test_b.TestX::test_sum[1-2]" || !h.Hidden || h.Outcome != runner.OutcomeFailed || !strings.Contains(h.Message, "test_sum[1-2] failed") || strings.Contains(h.Message, "test_9f2c") {
		t.Errorf("%+v", h)
	}
}
