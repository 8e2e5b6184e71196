package runner_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"assay/runner"
)

// A Run sends the sandbox no hidden test, grades the visible tests alone,
// and reports the scratch phase's tests beside them, never counted.
func TestWorkerRunsARun(t *testing.T) {
	created := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	suite := runner.Suite{Challenge: "add", Version: "v1", Entry: []string{"solution.py"},
		Files: map[string][]byte{"tests/visible/test_a.py": []byte("..."), "tests/hidden/test_b.py": []byte("...")}, Expected: expectedIDs}
	visible := []byte(`<testsuites><testsuite>` +
		`<testcase classname="tests.visible.test_a" name="test_add" time="0.001"/>` +
		`<testcase classname="tests.visible.test_a.TestMore" name="test_neg" time="0.002"/>` +
		`</testsuite></testsuites>`)
	scratch := []byte(`<testsuites><testsuite>` +
		`<testcase classname="tests.scratch.test_scratch" name="test_mine" time="0.001"/>` +
		`<testcase classname="tests.scratch.test_scratch" name="test_wrong" time="0.001"><failure message="assert 3 == 4">x</failure></testcase>` +
		`</testsuite></testsuites>`)
	var spec runner.RunSpec
	sandbox := sandboxFunc(func(_ context.Context, s runner.RunSpec) (runner.RunResult, error) {
		spec = s
		if len(s.Hidden) != 0 {
			return runner.RunResult{}, errors.New("a Run was sent hidden tests")
		}
		return runner.RunResult{Phases: []runner.PhaseResult{
			{Name: runner.PhaseVisible, Report: visible, Output: []byte("2 passed\n")},
			{Name: runner.PhaseScratch, ExitCode: 1, Report: scratch, Output: []byte("1 failed, 1 passed\n")},
		}, Duration: time.Second, VisibleDuration: 400 * time.Millisecond}, nil
	})
	sub := runner.Submission{ID: "r1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"},
		CreatedAt: created, Mode: runner.ModeRun, Scratch: "def test_mine(): ...\n"}
	q := &memQueue{}
	st := &memStore{subs: map[string]runner.Submission{"r1": sub}, results: map[string]runner.Result{}}
	w, err := runner.NewWorker(runner.WorkerConfig{ID: "w1", Queue: q, Store: st, Sandbox: sandbox,
		Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) { return suite, nil })})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Process(context.Background(), runner.Job{SubmissionID: "r1", Receipt: "1-0", Attempt: 1, Lane: runner.LaneRun}); err != nil {
		t.Fatal(err)
	}
	if len(spec.Scratch) != 1 || spec.Scratch[0].Path != runner.ScratchPath || string(spec.Scratch[0].Data) != sub.Scratch {
		t.Errorf("scratch sent %+v", spec.Scratch)
	}
	r := st.results["r1"]
	if r.Mode != runner.ModeRun || r.Verdict != runner.VerdictPassed || r.Passed != 2 || r.Total != 2 {
		t.Errorf("the Run's result: mode %q verdict %s %d/%d (%s); want passed 2/2 on the visible tests", r.Mode, r.Verdict, r.Passed, r.Total, r.Reason)
	}
	for _, tr := range r.Tests {
		if tr.Hidden {
			t.Errorf("a Run's result names a hidden test: %s", tr.ID)
		}
	}
	if len(r.Scratch) != 2 || r.Scratch[1].Outcome != runner.OutcomeFailed || !strings.HasPrefix(r.Scratch[1].Message, "assert 3 == 4") {
		t.Errorf("scratch lines %+v", r.Scratch)
	}
	if len(r.Tampering) != 0 {
		t.Errorf("findings %+v", r.Tampering)
	}
}

func TestSplitScratchWithoutAReport(t *testing.T) {
	run := runner.RunResult{Phases: []runner.PhaseResult{{Name: runner.PhaseVisible}, {Name: runner.PhaseScratch, ExitCode: 2}}}
	rest, lines, _ := runner.SplitScratch(run)
	if len(rest.Phases) != 1 || rest.Phases[0].Name != runner.PhaseVisible {
		t.Errorf("phases left %+v", rest.Phases)
	}
	if len(lines) != 1 || lines[0].Outcome != runner.OutcomeError || lines[0].Message == "" {
		t.Errorf("lines %+v; want one error saying why", lines)
	}
	if _, lines, _ := runner.SplitScratch(runner.RunResult{Phases: []runner.PhaseResult{{Name: runner.PhaseVisible}}}); lines != nil {
		t.Errorf("no scratch phase gave %+v", lines)
	}
}
