package redis

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"assay/runner"
)

// regradeOf makes and stores a regrade of the given finished originals
// against version v2.
func regradeOf(t *testing.T, b *Broker, id string, originals ...string) (runner.Regrade, []runner.Submission) {
	t.Helper()
	ctx := testCtx(t)
	var states []runner.State
	for _, o := range originals {
		states = append(states, mustGet(t, b, o))
	}
	n := 0
	rg, copies, items := runner.PlanRegrade(runner.Regrade{
		ID: id, Challenge: "fizzbuzz", Versions: map[string]string{"fizzbuzz": "v2"},
		CreatedBy: "admin", CreatedAt: time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC),
	}, states, func() string { n++; return fmt.Sprintf("%s-copy%d", id, n) })
	if err := b.CreateRegrade(ctx, rg, copies, items); err != nil {
		t.Fatalf("CreateRegrade: %v", err)
	}
	return rg, copies
}

// finished creates a submission and records a result for it, without the
// queue (its entry is acked).
func finished(t *testing.T, b *Broker, id string, v runner.Verdict) {
	t.Helper()
	ctx := testCtx(t)
	mustCreate(t, b, id)
	job := mustNext(t, b, "setup")
	if job.SubmissionID != id {
		t.Fatalf("setup took %s, want %s", job.SubmissionID, id)
	}
	if _, err := b.SaveResult(ctx, result(id, "setup", v)); err != nil {
		t.Fatal(err)
	}
	if err := b.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}
}

func TestLiveJobsBeforeRegradeJobs(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	for i := range 3 {
		finished(t, b, fmt.Sprintf("o%d", i), runner.VerdictPassed)
	}
	_, copies := regradeOf(t, b, "rg1", "o0", "o1", "o2")
	mustCreate(t, b, "live1")
	mustCreate(t, b, "live2")
	wantQueueLength(t, b, 2) // regrade jobs do not count toward the API's queue limit
	if n, err := b.RegradeQueueLength(ctx); err != nil || n != 3 {
		t.Fatalf("RegradeQueueLength = %d, %v; want 3", n, err)
	}

	var order []string
	for range 5 {
		job := mustNext(t, b, "A")
		wantLane := runner.LaneRegrade
		if job.SubmissionID == "live1" || job.SubmissionID == "live2" || job.SubmissionID == "live3" {
			wantLane = runner.LaneLive
		}
		if job.Lane != wantLane || job.Attempt != 1 {
			t.Errorf("job %s: lane %q attempt %d, want lane %q attempt 1", job.SubmissionID, job.Lane, job.Attempt, wantLane)
		}
		if err := b.Extend(ctx, "A", job); err != nil {
			t.Errorf("Extend %s: %v", job.SubmissionID, err)
		}
		order = append(order, job.SubmissionID)
		if err := b.Ack(ctx, job); err != nil {
			t.Fatal(err)
		}
		if job.SubmissionID == copies[0].ID {
			// A live job arriving while the regrade runs goes next.
			mustCreate(t, b, "live3")
		}
	}
	want := []string{"live1", "live2", copies[0].ID, "live3", copies[1].ID}
	if !reflect.DeepEqual(order, want) {
		t.Fatalf("order = %v, want %v", order, want)
	}
}

func TestNextWaitsOnBothLanes(t *testing.T) {
	b := newBroker(t, Config{Block: 2 * time.Second})
	finished(t, b, "o1", runner.VerdictFailed)
	got := make(chan runner.Job, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		job, _ := b.Next(ctx, "A")
		got <- job
	}()
	// Whether Next is already blocked or not, the regrade entry must reach it.
	_, copies := regradeOf(t, b, "rg1", "o1")
	select {
	case job := <-got:
		if job.SubmissionID != copies[0].ID || job.Lane != runner.LaneRegrade {
			t.Fatalf("Next = %+v, want %s on the regrade lane", job, copies[0].ID)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("Next did not return the regrade job")
	}
}

func TestRegradeJobReclaimed(t *testing.T) {
	const lease = 200 * time.Millisecond
	b := newBroker(t, Config{Lease: lease, Block: 50 * time.Millisecond})
	ctx := testCtx(t)
	finished(t, b, "o1", runner.VerdictFailed)
	_, copies := regradeOf(t, b, "rg1", "o1")
	a := mustNext(t, b, "A")
	// A dies; B takes the job over once the lease runs out, on its lane.
	bj := mustNext(t, b, "B")
	if bj.SubmissionID != copies[0].ID || bj.Lane != runner.LaneRegrade || bj.Attempt != 2 || bj.Receipt != a.Receipt {
		t.Fatalf("B's job = %+v, want %s on the regrade lane, attempt 2", bj, copies[0].ID)
	}
	if err := b.Extend(ctx, "A", a); !errors.Is(err, ErrClaimLost) {
		t.Errorf("A's Extend after takeover: %v, want ErrClaimLost", err)
	}
	if err := b.Ack(ctx, bj); err != nil {
		t.Fatal(err)
	}
	if n, err := b.RegradeQueueLength(ctx); err != nil || n != 0 {
		t.Fatalf("RegradeQueueLength after ack = %d, %v", n, err)
	}
}

func TestRegradeRecordsBesideTheOld(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	finished(t, b, "o1", runner.VerdictPassed)
	finished(t, b, "o2", runner.VerdictFailed)
	mustCreate(t, b, "pending") // no result yet: skipped
	ids, err := b.ChallengeSubmissions(ctx, "fizzbuzz")
	if err != nil || !reflect.DeepEqual(ids, []string{"o1", "o2", "pending"}) {
		t.Fatalf("ChallengeSubmissions = %v, %v", ids, err)
	}
	var states []runner.State
	for _, id := range ids {
		states = append(states, mustGet(t, b, id))
	}
	rg, copies, items := runner.PlanRegrade(runner.Regrade{ID: "rg1", Challenge: "fizzbuzz",
		Versions: map[string]string{"fizzbuzz": "v2"}, CreatedBy: "admin"}, states, func() string { return fmt.Sprint("c", time.Now().UnixNano()) })
	if rg.Total != 2 || rg.Skipped != 1 || len(copies) != 2 {
		t.Fatalf("plan: total %d skipped %d copies %d; want 2, 1, 2", rg.Total, rg.Skipped, len(copies))
	}
	if err := b.CreateRegrade(ctx, rg, copies, items); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateRegrade(ctx, rg, copies, items); !errors.Is(err, runner.ErrConflict) {
		t.Fatalf("second CreateRegrade: %v, want ErrConflict", err)
	}
	_, pr, err := b.Regrade(ctx, "rg1")
	if err != nil || pr.Queued != 2 || pr.Done != 0 || pr.Completed {
		t.Fatalf("progress before = %+v, %v", pr, err)
	}
	// The copy is a submission of its own: candidates' invitation is not on
	// it, the version is the new one.
	c0 := mustGet(t, b, copies[0].ID)
	if c0.Status != runner.StatusQueued || c0.Submission.ChallengeVersion != "v2" || c0.Submission.Invitation != "" ||
		c0.Submission.Regrade == nil || c0.Submission.Regrade.Of != "o1" {
		t.Fatalf("copy = %+v", c0)
	}

	// The live "pending" goes first; take it out of the way.
	if job := mustNext(t, b, "W"); job.SubmissionID != "pending" {
		t.Fatalf("first job = %s, want the live one", job.SubmissionID)
	} else if err := b.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}
	// Both copies now pass: o1 stays passed, o2 changes.
	for range copies {
		job := mustNext(t, b, "W")
		r := result(job.SubmissionID, "W", runner.VerdictPassed)
		r.Passed, r.Total = 2, 2
		r.Regrade = mustGet(t, b, job.SubmissionID).Submission.Regrade
		for range 2 { // a second save must not count twice
			if _, err := b.SaveResult(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Ack(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	_, pr, err = b.Regrade(ctx, "rg1")
	want := runner.RegradeProgress{Queued: 2, Done: 2, Changed: 1, Verdicts: map[runner.Verdict]int{runner.VerdictPassed: 2}, Completed: true}
	if err != nil || !reflect.DeepEqual(pr, want) {
		t.Fatalf("progress after = %+v, %v; want %+v", pr, err, want)
	}
	got, n, err := b.RegradeItems(ctx, "rg1", 0, 10)
	if err != nil || n != 2 || len(got) != 2 {
		t.Fatalf("RegradeItems = %v, %d, %v", got, n, err)
	}
	if got[1].Of != "o2" || got[1].PreviousVerdict != runner.VerdictFailed || got[1].Verdict != runner.VerdictPassed || got[1].Passed != 2 || got[1].Total != 2 {
		t.Fatalf("item 2 = %+v", got[1])
	}
	// The originals keep their results.
	if o2 := mustGet(t, b, "o2"); o2.Result == nil || o2.Result.Verdict != runner.VerdictFailed {
		t.Fatalf("original changed: %+v", o2.Result)
	}
	of, err := b.RegradesOf(ctx, "o2")
	if err != nil || !reflect.DeepEqual(of, []string{copies[1].ID}) {
		t.Fatalf("RegradesOf(o2) = %v, %v", of, err)
	}
	// Regrade results are not announced to webhooks; the originals' were.
	announced := 0
	for {
		ev, ok, err := b.NextEvent(ctx, "n", time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if ev.SubmissionID != "o1" && ev.SubmissionID != "o2" {
			t.Errorf("announced %s", ev.SubmissionID)
		}
		announced++
		if err := b.AckEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	if announced != 2 {
		t.Errorf("announced %d events, want the 2 originals'", announced)
	}
	if _, _, err := b.Regrade(ctx, "nope"); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("unknown regrade: %v", err)
	}
}

func TestCreateRegradeManyBatches(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	finished(t, b, "o1", runner.VerdictPassed)
	st := mustGet(t, b, "o1")
	states := make([]runner.State, 0, 250)
	for i := range 250 {
		s := st
		s.Submission.ID = fmt.Sprintf("o1-%d", i)
		states = append(states, s)
	}
	n := 0
	rg, copies, items := runner.PlanRegrade(runner.Regrade{ID: "big", Versions: map[string]string{"fizzbuzz": "v2"}},
		states, func() string { n++; return fmt.Sprint("big-", n) })
	if err := b.CreateRegrade(context.WithoutCancel(ctx), rg, copies, items); err != nil {
		t.Fatal(err)
	}
	_, pr, err := b.Regrade(ctx, "big")
	if err != nil || pr.Queued != 250 {
		t.Fatalf("progress = %+v, %v; want 250 queued", pr, err)
	}
	if q, err := b.RegradeQueueLength(ctx); err != nil || q != 250 {
		t.Fatalf("RegradeQueueLength = %d, %v", q, err)
	}
	page, total, err := b.RegradeItems(ctx, "big", 200, 100)
	if err != nil || total != 250 || len(page) != 50 || page[0].ID != "big-201" {
		t.Fatalf("RegradeItems(200, 100) = %d items (first %+v), total %d, %v", len(page), page, total, err)
	}
}

// Regrades lists every regrade with its progress, oldest first, across
// more than one chunk of reads, each as Regrade reads it alone; a record
// that does not decode fails the list, naming it.
func TestRegradesListsEachWithItsProgress(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	finished(t, b, "o0", runner.VerdictFailed)
	finished(t, b, "o1", runner.VerdictPassed)
	n := manyChunk + 3
	want := make([]string, n)
	for i := range n {
		want[i] = fmt.Sprintf("rg%03d", i)
		if i%2 == 0 {
			regradeOf(t, b, want[i], "o0")
		} else {
			regradeOf(t, b, want[i], "o0", "o1")
		}
	}
	rgs, prs, err := b.Regrades(ctx)
	if err != nil || len(rgs) != n || len(prs) != n {
		t.Fatalf("Regrades: %d regrades, %d progresses, %v; want %d", len(rgs), len(prs), err, n)
	}
	for i, id := range want {
		rg, pr, err := b.Regrade(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(rgs[i], rg) || !reflect.DeepEqual(prs[i], pr) {
			t.Fatalf("listed #%d = %+v %+v; Regrade(%s) = %+v %+v", i, rgs[i], prs[i], id, rg, pr)
		}
		if rg.ID != id || pr.Queued != 1+i%2 {
			t.Fatalf("#%d: %s queued %d; want %s with %d", i, rg.ID, pr.Queued, id, 1+i%2)
		}
	}

	if err := b.rdb.Set(ctx, b.keys.regrade(want[manyChunk+1]), "{not json", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Regrades(ctx); err == nil || !strings.Contains(err.Error(), want[manyChunk+1]) {
		t.Fatalf("a corrupt record listed: %v", err)
	}
	if _, _, err := newBroker(t, Config{}).Regrades(ctx); err != nil {
		t.Fatalf("no regrades: %v", err)
	}
}
