package runner_test

import (
	"context"
	"testing"
	"time"

	"assay/runner"
)

// TestWorkerRecordsTheScore: the worker scores each graded submission with
// its suite's weights and stores the score in the result; a Run has none.
func TestWorkerRecordsTheScore(t *testing.T) {
	created := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	suite := runner.Suite{Challenge: "add", Version: "v1", Entry: []string{"solution.py"},
		Files: map[string][]byte{"tests/visible/test_a.py": []byte("..."), "tests/hidden/test_b.py": []byte("...")}, Expected: expectedIDs,
		Weights: map[string]runner.TestWeight{"tests.hidden.test_b::test_hidden_add": {Weight: 3, Tags: []string{"edge"}}}}
	for _, c := range []struct {
		name, report string
		mode         runner.Mode
		want         float64 // -1: no score
	}{
		{"passed", "pass", "", 100},
		{"failed", "fail", "", 0},
		{"a Run", "pass", runner.ModeRun, -1},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}, CreatedAt: created, Mode: c.mode}},
				results: map[string]runner.Result{}}
			sb := sandboxFunc(func(context.Context, runner.RunSpec) (runner.RunResult, error) {
				return one(runner.PhaseResult{Report: report(t, c.report), ExitCode: map[string]int{"pass": 0, "fail": 1}[c.report]}), nil
			})
			w, err := runner.NewWorker(runner.WorkerConfig{ID: "w1", Queue: &memQueue{}, Store: st, Sandbox: sb,
				Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) { return suite, nil })})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Process(context.Background(), runner.Job{SubmissionID: "s1", Receipt: "1-0", Attempt: 1}); err != nil {
				t.Fatal(err)
			}
			r := st.results["s1"]
			switch s := r.Score; {
			case c.want < 0 && s != nil:
				t.Errorf("%s scored %+v", r.Verdict, s)
			case c.want < 0:
			case s == nil:
				t.Errorf("%s: no score", r.Verdict)
			case s.Percent != c.want || s.Possible != 5 || len(s.Tags) != 1 || s.Tags[0].Possible != 3:
				t.Errorf("%s: score %+v, want %v%% of 5 points, edge 3 of them", r.Verdict, s, c.want)
			}
		})
	}
}
