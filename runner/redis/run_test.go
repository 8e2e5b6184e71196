package redis

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"assay/access"
	"assay/runner"
)

func run(id string) runner.Submission {
	s := submission(id)
	s.Mode, s.Scratch = runner.ModeRun, "def test_mine():\n    assert True\n"
	return s
}

// A flood of Runs never delays a submission: 200 Runs queued before it,
// the submission is the next job any worker takes, and the Runs come after
// it in their order, before a regrade's copies.
func TestRunsWaitBehindSubmissions(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	finished(t, b, "o1", runner.VerdictPassed)
	_, copies := regradeOf(t, b, "rg1", "o1")
	for i := range 200 {
		if err := b.Create(ctx, run(fmt.Sprintf("run%03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	mustCreate(t, b, "live1")
	wantQueueLength(t, b, 1) // Runs do not count toward the submissions' queue limit
	if n, err := b.RunQueueLength(ctx); err != nil || n != 200 {
		t.Fatalf("RunQueueLength = %d, %v; want 200", n, err)
	}
	job := mustNext(t, b, "A")
	if job.SubmissionID != "live1" || job.Lane != runner.LaneLive {
		t.Fatalf("first job %s on lane %q; want the submission, on the live lane", job.SubmissionID, job.Lane)
	}
	if err := b.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		job := mustNext(t, b, "A")
		if want := fmt.Sprintf("run%03d", i); job.SubmissionID != want || job.Lane != runner.LaneRun {
			t.Fatalf("job %d: %s on lane %q; want %s on the run lane", i, job.SubmissionID, job.Lane, want)
		}
		if err := b.Extend(ctx, "A", job); err != nil {
			t.Fatalf("Extend %s: %v", job.SubmissionID, err)
		}
		if err := b.Ack(ctx, job); err != nil {
			t.Fatal(err)
		}
		if i == 10 {
			// A submission arriving while the Runs are served goes next.
			mustCreate(t, b, "live2")
			if next := mustNext(t, b, "A"); next.SubmissionID != "live2" {
				t.Fatalf("after a Run, %s; want the new submission", next.SubmissionID)
			} else if err := b.Ack(ctx, next); err != nil {
				t.Fatal(err)
			}
		}
	}
	if job := mustNext(t, b, "A"); job.SubmissionID != copies[0].ID || job.Lane != runner.LaneRegrade {
		t.Fatalf("after the Runs, %s on lane %q; want the regrade's copy", job.SubmissionID, job.Lane)
	}
}

// A blocked worker wakes for a Run as for any job.
func TestNextWaitsForARun(t *testing.T) {
	b := newBroker(t, Config{Block: 2 * time.Second})
	got := make(chan runner.Job, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		job, _ := b.Next(ctx, "A")
		got <- job
	}()
	if err := b.Create(testCtx(t), run("r1")); err != nil {
		t.Fatal(err)
	}
	select {
	case job := <-got:
		if job.SubmissionID != "r1" || job.Lane != runner.LaneRun {
			t.Fatalf("Next = %+v, want r1 on the run lane", job)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("Next did not return the Run")
	}
}

// A candidate's Run is no attempt: the attempt limit does not count it,
// it is listed apart from the submissions, and its result is not
// announced to webhooks.
func TestARunIsNotAnAttempt(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	now := time.Now().UTC()
	if err := b.CreateAssessment(ctx, access.Assessment{ID: "as-1", Name: "A", Challenges: []string{"fizzbuzz"}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	inv := access.Invitation{ID: "inv-1", Assessment: "as-1", Candidate: "Ada", Challenges: []string{"fizzbuzz"}, AttemptLimit: 1, CreatedAt: now}
	if err := b.CreateInvitation(ctx, inv, access.HashToken("inv-token")); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		r := run(fmt.Sprintf("r%d", i))
		r.Invitation = "inv-1"
		if err := b.Create(ctx, r); err != nil {
			t.Fatalf("Run %d with one attempt allowed: %v", i, err)
		}
	}
	s := submission("s1")
	s.Invitation = "inv-1"
	if err := b.Create(ctx, s); err != nil {
		t.Fatalf("the one attempt after three Runs: %v", err)
	}
	s.ID = "s2"
	if err := b.Create(ctx, s); err == nil {
		t.Fatal("a second attempt was accepted")
	}
	subs, err := b.InvitationSubmissions(ctx, "inv-1")
	if err != nil || !slices.Equal(subs, []string{"s1"}) {
		t.Errorf("submissions %v, %v; want [s1]", subs, err)
	}
	runs, err := b.InvitationRuns(ctx, "inv-1")
	if err != nil || !slices.Equal(runs, []string{"r0", "r1", "r2"}) {
		t.Errorf("runs %v, %v; want [r0 r1 r2]", runs, err)
	}
	ids, err := b.ChallengeSubmissions(ctx, "fizzbuzz")
	if err != nil || slices.Contains(ids, "r0") {
		t.Errorf("the challenge's submissions %v, %v: a Run is never regraded", ids, err)
	}

	// Record the Run's result and the submission's: only the submission's
	// is announced.
	for _, id := range []string{"r0", "s1"} {
		res := result(id, "A", runner.VerdictPassed)
		if id == "r0" {
			res.Mode = runner.ModeRun
		}
		if ok, err := b.SaveResult(ctx, res); err != nil || !ok {
			t.Fatalf("SaveResult %s: %v %v", id, ok, err)
		}
	}
	n, err := b.rdb.XLen(ctx, b.keys.notify()).Result()
	if err != nil || n != 1 {
		t.Fatalf("notify stream holds %d entries, %v; want the submission's alone", n, err)
	}
	msgs, err := b.rdb.XRange(context.Background(), b.keys.notify(), "-", "+").Result()
	if err != nil || len(msgs) != 1 || msgs[0].Values["id"] != "s1" {
		t.Errorf("notify stream %v, %v", msgs, err)
	}
	st := mustGet(t, b, "r0")
	if st.Submission.Mode != runner.ModeRun || st.Submission.Scratch == "" || st.Result == nil || st.Result.Mode != runner.ModeRun {
		t.Errorf("the Run's state: %+v", st)
	}
}
