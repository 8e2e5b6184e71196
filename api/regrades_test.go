package api_test

import (
	"context"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

// TestRegradeAPI regrades an assessment's finished submissions through the
// API with the real Redis broker: the copies are queued on the regrade
// lane, the originals keep their results, a candidate cannot read the
// copies, and bad requests get clear 4xx answers.
func TestRegradeAPI(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A's submission finishes (failed); B's is still queued.
	job, err := s.broker.Next(ctx, "w")
	if err != nil || job.SubmissionID != f.subA {
		t.Fatalf("Next = %+v, %v; want A's submission", job, err)
	}
	if _, err := s.broker.SaveResult(ctx, runner.Result{SubmissionID: f.subA, Verdict: runner.VerdictFailed, Passed: 1, Total: 2, ChallengeVersion: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := s.broker.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}

	for _, bad := range []struct {
		status int
		body   string
	}{
		{400, `{}`},
		{400, `{"version":"v9"}`},
		{400, `{"challenge":"add","version":"v9"}`}, // no version store here: refused, not queued as rejects
		{404, `{"challenge":"nope"}`},
		{404, `{"assessment":"nope"}`},
		{400, `{"assessment":"` + f.assessment.ID + `","challenge":"sub"}`},
		{400, `{"challenge":"add","extra":1}`},
	} {
		s.must(t, bad.status, testAdminToken, "POST", "/api/v1/regrades", bad.body, nil)
	}
	s.must(t, 403, f.interviewer.Token, "POST", "/api/v1/regrades", `{"challenge":"add"}`, nil)

	var rg api.RegradeView
	s.must(t, 202, testAdminToken, "POST", "/api/v1/regrades", `{"assessment":"`+f.assessment.ID+`"}`, &rg)
	if rg.Total != 1 || rg.Skipped != 1 || rg.Versions["add"] == "" || rg.Versions["mul"] == "" {
		t.Fatalf("regrade = %+v; want 1 copy (A's), 1 skipped (B's, unfinished), versions of add and mul", rg)
	}
	var got api.RegradeView
	s.must(t, 200, testAdminToken, "GET", "/api/v1/regrades/"+rg.ID, "", &got)
	if got.Progress.Queued != 1 || got.Progress.Done != 0 || got.Progress.Completed || got.ItemsTotal != 1 {
		t.Fatalf("progress = %+v, items %d", got.Progress, got.ItemsTotal)
	}
	it := got.Items[0]
	if it.Of != f.subA || it.PreviousVerdict != runner.VerdictFailed || it.PreviousVersion != "old" || it.Version != rg.Versions["add"] || it.Verdict != "" {
		t.Fatalf("item = %+v", it)
	}
	// The copy waits on the regrade lane, behind B's live submission.
	for _, want := range []struct{ id, lane string }{{f.subB, runner.LaneLive}, {it.ID, runner.LaneRegrade}} {
		job, err = s.broker.Next(ctx, "w")
		if err != nil || job.SubmissionID != want.id || job.Lane != want.lane {
			t.Fatalf("Next = %+v, %v; want %s on lane %q", job, err, want.id, want.lane)
		}
	}
	s.must(t, 403, f.a.Token, "GET", "/api/v1/submissions/"+it.ID, "", nil)
	var orig runner.State
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+f.subA, "", &orig)
	if orig.Result == nil || orig.Result.Verdict != runner.VerdictFailed {
		t.Fatalf("original's result changed: %+v", orig.Result)
	}
	var list struct{ Regrades []api.RegradeView }
	s.must(t, 200, testAdminToken, "GET", "/api/v1/regrades", "", &list)
	if len(list.Regrades) != 1 || list.Regrades[0].ID != rg.ID {
		t.Fatalf("list = %+v", list)
	}
	s.must(t, 404, testAdminToken, "GET", "/api/v1/regrades/nope", "", nil)
	s.must(t, 400, testAdminToken, "GET", "/api/v1/regrades/"+rg.ID+"?limit=0", "", nil)
}
