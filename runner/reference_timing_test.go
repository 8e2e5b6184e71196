package runner_test

import (
	"context"
	"testing"
	"time"

	"assay/runner"
)

// The worker asks for the reference's timing run only for live
// submissions with the setting on (never a Run or a regrade's copy, nor a
// suite without the reference), records what the sandbox timed, and
// grades the same either way.
func TestWorkerAsksForTheReferenceTimingOfLiveSubmissionsOnly(t *testing.T) {
	created := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	suite := runner.Suite{Challenge: "add", Version: "v1", Entry: []string{"solution.py"},
		Files:     map[string][]byte{"tests/visible/test_a.py": []byte("..."), "tests/hidden/test_b.py": []byte("...")},
		Expected:  expectedIDs,
		Reference: map[string][]byte{"solution.py": []byte("def add(a, b): return a + b # REF")}}
	timing := &runner.ReferenceTiming{TestsUS: map[string]float64{expectedIDs[0]: 12.5}, RunMS: 80}
	cases := []struct {
		name    string
		on      bool
		sub     runner.Submission
		noRef   bool
		slow    bool
		timed   bool
		verdict runner.Verdict
	}{
		{name: "live submission", on: true, timed: true, verdict: runner.VerdictPassed},
		{name: "setting off", on: false, verdict: runner.VerdictPassed},
		{name: "a Run", on: true, sub: runner.Submission{Mode: runner.ModeRun}, verdict: runner.VerdictPassed},
		{name: "a regrade's copy", on: true, sub: runner.Submission{Regrade: &runner.RegradeRef{ID: "rg", Of: "s0"}}, verdict: runner.VerdictPassed},
		{name: "no reference in the suite", on: true, noRef: true, verdict: runner.VerdictPassed},
		{name: "a reference slower than the budget", on: true, slow: true, verdict: runner.VerdictPassed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sub := tc.sub
			sub.ID, sub.Challenge, sub.ChallengeVersion, sub.CreatedAt = "s1", "add", "v1", created
			sub.Files = map[string]string{"solution.py": "def add(a, b): return a + b"}
			s := suite
			if tc.noRef {
				s.Reference = nil
			}
			s.ReferenceMS = map[string]float64{expectedIDs[0]: 3}
			if tc.slow {
				s.ReferenceMS[expectedIDs[0]] = runner.MaxTimedReferenceMS + 1
			}
			var got []runner.File
			sandbox := sandboxFunc(func(_ context.Context, spec runner.RunSpec) (runner.RunResult, error) {
				got = spec.Reference
				run := one(runner.PhaseResult{Report: report(t, "pass")})
				if len(spec.Hidden) == 0 { // a Run: its visible phase alone
					run.Phases = run.Phases[:1]
				}
				if len(spec.Reference) > 0 {
					run.Reference = delivered(timing)
				}
				return run, nil
			})
			st := &memStore{subs: map[string]runner.Submission{"s1": sub}, results: map[string]runner.Result{}}
			w, err := runner.NewWorker(runner.WorkerConfig{ID: "w1", Queue: &memQueue{}, Store: st, Sandbox: sandbox, ReferenceTiming: tc.on,
				Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) { return s, nil })})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Process(context.Background(), runner.Job{SubmissionID: "s1", Receipt: "1-0", Attempt: 1, Lane: runner.LaneLive}); err != nil {
				t.Fatal(err)
			}
			r := st.results["s1"]
			if tc.timed {
				if len(got) != 1 || got[0].Path != "solution.py" || string(got[0].Data) != string(suite.Reference["solution.py"]) {
					t.Errorf("reference sent %+v; want the suite's solution.py", got)
				}
				if r.Reference != timing {
					t.Errorf("recorded reference timing %+v; want the sandbox's", r.Reference)
				}
			} else if got != nil || r.Reference != nil {
				t.Errorf("reference sent %+v, recorded %+v; want none", got, r.Reference)
			}
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s (%s); want %s", r.Verdict, r.Reason, tc.verdict)
			}
		})
	}
}

func TestReferenceFilesNeedEveryEntryFile(t *testing.T) {
	s := runner.Suite{Entry: []string{"a.py", "b.py"}, Reference: map[string][]byte{"a.py": []byte("a"), "b.py": []byte("b"), "extra.py": []byte("x")}}
	if got := runner.ReferenceFiles(s); len(got) != 2 || got[0].Path != "a.py" || got[1].Path != "b.py" {
		t.Errorf("ReferenceFiles = %+v; want a.py and b.py, nothing else", got)
	}
	s.Reference = map[string][]byte{"a.py": []byte("a")}
	if got := runner.ReferenceFiles(s); got != nil {
		t.Errorf("ReferenceFiles without b.py = %+v; want nil", got)
	}
}
