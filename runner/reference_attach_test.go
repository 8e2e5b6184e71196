package runner_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"assay/runner"
)

// delivered is a timing run that has already ended with t.
func delivered(t *runner.ReferenceTiming) <-chan *runner.ReferenceTiming {
	ch := make(chan *runner.ReferenceTiming, 1)
	ch <- t
	close(ch)
	return ch
}

// timedSetup is a live submission whose suite has a reference to time,
// and a sandbox that passes it and hands back timing as its timing run.
func timedSetup(t *testing.T, timing <-chan *runner.ReferenceTiming) (*memStore, runner.WorkerConfig) {
	t.Helper()
	suite := runner.Suite{Challenge: "add", Version: "v1", Entry: []string{"solution.py"},
		Files:       map[string][]byte{"tests/visible/test_a.py": []byte("..."), "tests/hidden/test_b.py": []byte("...")},
		Expected:    expectedIDs,
		ReferenceMS: map[string]float64{expectedIDs[0]: 3},
		Reference:   map[string][]byte{"solution.py": []byte("def add(a, b): return a + b # REF")}}
	st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1",
		Files: map[string]string{"solution.py": "def add(a, b): return a + b"}}}, results: map[string]runner.Result{}}
	sandbox := sandboxFunc(func(_ context.Context, spec runner.RunSpec) (runner.RunResult, error) {
		if len(spec.Reference) == 0 {
			t.Error("no reference asked for")
		}
		run := one(runner.PhaseResult{Report: report(t, "pass")})
		run.Reference = timing
		return run, nil
	})
	return st, runner.WorkerConfig{ID: "w1", Store: st, Sandbox: sandbox, ReferenceTiming: true, ExtendEvery: 5 * time.Millisecond,
		Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) { return suite, nil })}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within 5s: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

var liveJob = runner.Job{SubmissionID: "s1", Receipt: "1-0", Attempt: 1, Lane: runner.LaneLive}

// The result is recorded, whole and without the reference, while the
// timing run is still going; the job stays claimed (and unacknowledged)
// until the timing has ended and is attached, and attaching changes
// nothing else of the result.
func TestTheResultIsRecordedBeforeTheReferenceTiming(t *testing.T) {
	timing := make(chan *runner.ReferenceTiming, 1)
	st, cfg := timedSetup(t, timing)
	q := &memQueue{}
	cfg.Queue = q
	w, err := runner.NewWorker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- w.Process(context.Background(), liveJob) }()

	waitFor(t, "the result recorded before the timing run ends", func() bool { _, ok := st.result("s1"); return ok })
	before, _ := st.result("s1")
	if before.Verdict != runner.VerdictPassed || before.Passed != len(expectedIDs) || before.Reference != nil {
		t.Fatalf("recorded %s %d/%d, reference %+v; want passed, every test, no reference yet", before.Verdict, before.Passed, before.Total, before.Reference)
	}
	_, extendsAtSave := q.counts()
	waitFor(t, "the claim extended while the timing runs", func() bool { _, n := q.counts(); return n > extendsAtSave })
	if acked, _ := q.counts(); acked != 0 {
		t.Fatal("job acknowledged before the timing run ended")
	}
	select {
	case err := <-done:
		t.Fatalf("Process returned (%v) before the timing run ended", err)
	default:
	}

	ref := &runner.ReferenceTiming{TestsUS: map[string]float64{expectedIDs[0]: 12.5}, RunMS: 80}
	timing <- ref
	close(timing)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Process did not return after the timing run ended")
	}
	after, _ := st.result("s1")
	if after.Reference != ref {
		t.Fatalf("reference %+v; want the timing run's", after.Reference)
	}
	after.Reference = nil
	if !reflect.DeepEqual(after, before) {
		t.Errorf("attaching the reference changed the result:\n got %+v\nwant %+v", after, before)
	}
	if acked, _ := q.counts(); acked != 1 || st.saves != 1 {
		t.Errorf("acked %d, saves %d; want 1 each", acked, st.saves)
	}
}

// A timing run that failed, sent nothing, or could not be attached, or a
// job stopped during it, leaves the recorded result as it was (with the
// failure's own words when there is one), and the job acknowledged.
func TestAFailedReferenceTimingLeavesTheResult(t *testing.T) {
	problem := &runner.ReferenceTiming{Problem: "the reference's times did not come within 30s", TimedOut: true, RunMS: 30000}
	closed := make(chan *runner.ReferenceTiming)
	close(closed)
	cases := []struct {
		name      string
		timing    <-chan *runner.ReferenceTiming
		attachErr error
		claimLost bool // the claim is lost once the result is recorded
		stop      bool // the job's context ends once the result is recorded
		want      *runner.ReferenceTiming
	}{
		{name: "the timing run's own problem", timing: delivered(problem), want: problem},
		{name: "nothing delivered", timing: closed},
		{name: "the store cannot attach it", timing: delivered(problem), attachErr: errors.New("redis down")},
		{name: "claim lost during the timing run", timing: make(chan *runner.ReferenceTiming), claimLost: true},
		{name: "job stopped during the timing run", timing: make(chan *runner.ReferenceTiming), stop: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, cfg := timedSetup(t, tc.timing)
			st.attachErr = tc.attachErr
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			q := &savedQueue{st: st}
			q.afterSave = func() error {
				if tc.stop {
					cancel()
				}
				if tc.claimLost {
					return runner.ErrClaimLost
				}
				return nil
			}
			cfg.Queue = q
			w, err := runner.NewWorker(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := process(t, w, ctx); err != nil {
				t.Fatalf("Process: %v; the result is recorded, so the job is done", err)
			}
			r, ok := st.result("s1")
			if !ok || r.Verdict != runner.VerdictPassed || r.Passed != len(expectedIDs) || r.Reference != tc.want {
				t.Errorf("recorded %v: %s %d/%d, reference %+v; want passed, every test, reference %+v", ok, r.Verdict, r.Passed, r.Total, r.Reference, tc.want)
			}
			if acked, _ := q.counts(); acked != 1 {
				t.Errorf("acked %d times; want once", acked)
			}
		})
	}
}

// A job run again whose first result stands does not wait for, nor
// attach, its timing run: the run's context is cancelled, which stops it.
func TestASecondResultDropsItsReferenceTiming(t *testing.T) {
	timing := make(chan *runner.ReferenceTiming, 1)
	st, cfg := timedSetup(t, nil)
	first := runner.Result{SubmissionID: "s1", Verdict: runner.VerdictFailed}
	st.results["s1"] = first
	stopped := make(chan struct{})
	inner := cfg.Sandbox
	cfg.Sandbox = sandboxFunc(func(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
		run, err := inner.Run(ctx, spec)
		run.Reference = timing
		go func() {
			<-ctx.Done()
			close(stopped)
			timing <- &runner.ReferenceTiming{Problem: "the run was stopped before the reference's times came"}
			close(timing)
		}()
		return run, err
	})
	q := &memQueue{}
	cfg.Queue = q
	w, err := runner.NewWorker(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := process(t, w, context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		t.Fatal("the timing run's context was not cancelled")
	}
	if r, _ := st.result("s1"); !reflect.DeepEqual(r, first) || st.attaches != 0 {
		t.Errorf("result %+v after %d attaches; want the first result untouched", r, st.attaches)
	}
	if acked, _ := q.counts(); acked != 1 {
		t.Errorf("acked %d times; want once", acked)
	}
}

// process runs liveJob, failing the test (rather than hanging it) when it
// does not return within 10s.
func process(t *testing.T, w *runner.Worker, ctx context.Context) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- w.Process(ctx, liveJob) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Process did not return within 10s")
		return nil
	}
}

// savedQueue's Extend answers afterSave once st has the result (before,
// the claim is kept).
type savedQueue struct {
	memQueue
	st        *memStore
	afterSave func() error
}

func (q *savedQueue) Extend(ctx context.Context, worker string, job runner.Job) error {
	if err := q.memQueue.Extend(ctx, worker, job); err != nil {
		return err
	}
	if _, ok := q.st.result(job.SubmissionID); ok {
		return q.afterSave()
	}
	return nil
}
