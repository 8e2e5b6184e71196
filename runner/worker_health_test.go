package runner_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"assay/runner"
)

// countingQueue counts Next calls and hands out one job at the first.
type countingQueue struct {
	oneJobQueue
	calls atomic.Int32
}

func (q *countingQueue) Next(ctx context.Context, w string) (runner.Job, error) {
	q.calls.Add(1)
	return q.oneJobQueue.Next(ctx, w)
}

// While the engine is not ready the worker must not take jobs: a job taken
// then would only fail and burn one of its attempts.
func TestWorkerTakesNoJobsWhileNotReady(t *testing.T) {
	q := &countingQueue{oneJobQueue: oneJobQueue{given: make(chan struct{})}}
	st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}}},
		results: map[string]runner.Result{}}
	var engineUp atomic.Bool
	readyCalls := make(chan struct{}, 100)
	ran := make(chan struct{})
	w, err := runner.NewWorker(runner.WorkerConfig{ID: "w", Queue: q, Store: st, RetryDelay: time.Millisecond,
		Ready: func(context.Context) error {
			select {
			case readyCalls <- struct{}{}:
			default:
			}
			if !engineUp.Load() {
				return errors.New("docker: connection refused")
			}
			return nil
		},
		Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) {
			return runner.Suite{Entry: []string{"solution.py"}, Expected: expectedIDs}, nil
		}),
		Sandbox: sandboxFunc(func(context.Context, runner.RunSpec) (runner.RunResult, error) {
			close(ran)
			return one(runner.PhaseResult{Report: report(t, "pass")}), nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	for range 5 { // several readiness checks, each failing
		<-readyCalls
	}
	if n := q.calls.Load(); n != 0 {
		t.Fatalf("worker asked the queue for %d jobs while the engine was down", n)
	}
	engineUp.Store(true)
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the job did not run once the engine was back")
	}
	cancel()
	<-done
	if r, ok := st.results["s1"]; !ok || r.Verdict != runner.VerdictPassed || r.Attempt != 1 {
		t.Errorf("result = %+v, %v; want passed at attempt 1", r, ok)
	}
}

type recordingObserver struct {
	mu                        sync.Mutex
	started, ended, reclaimed int
	dead                      int
	recorded                  []string
	inflightSeen              bool
	w                         *runner.Worker
}

func (o *recordingObserver) JobStarted() { o.mu.Lock(); o.started++; o.mu.Unlock() }
func (o *recordingObserver) JobEnded()   { o.mu.Lock(); o.ended++; o.mu.Unlock() }
func (o *recordingObserver) Recorded(ch string, v runner.Verdict, _ time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recorded = append(o.recorded, ch+":"+string(v))
}
func (o *recordingObserver) Reclaimed()    { o.mu.Lock(); o.reclaimed++; o.mu.Unlock() }
func (o *recordingObserver) DeadLettered() { o.mu.Lock(); o.dead++; o.mu.Unlock() }

var _ runner.Observer = (*recordingObserver)(nil)

func TestWorkerObserverAndRunningSet(t *testing.T) {
	st := &memStore{subs: map[string]runner.Submission{
		"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}},
		"s2": {ID: "s2", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}},
	}, results: map[string]runner.Result{}}
	obs := &recordingObserver{}
	var w *runner.Worker
	w, err := runner.NewWorker(runner.WorkerConfig{ID: "w", Queue: &memQueue{}, Store: st, Observer: obs, MaxAttempts: 2,
		Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) {
			return runner.Suite{Entry: []string{"solution.py"}, Expected: expectedIDs}, nil
		}),
		Sandbox: sandboxFunc(func(_ context.Context, spec runner.RunSpec) (runner.RunResult, error) {
			obs.inflightSeen = w.Running(spec.ID) && !w.Running("s2")
			return one(runner.PhaseResult{Report: report(t, "pass")}), nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := w.Process(ctx, runner.Job{SubmissionID: "s1", Attempt: 2}); err != nil {
		t.Fatal(err)
	}
	if err := w.Process(ctx, runner.Job{SubmissionID: "s2", Attempt: 3}); err != nil {
		t.Fatal(err)
	}
	if !obs.inflightSeen {
		t.Error("Running did not report the job in flight during its run")
	}
	if w.Running("s1") || w.Running("s2") {
		t.Error("Running still reports finished jobs")
	}
	if obs.started != 2 || obs.ended != 2 || obs.reclaimed != 2 || obs.dead != 1 {
		t.Errorf("observer: started %d ended %d reclaimed %d dead %d; want 2 2 2 1", obs.started, obs.ended, obs.reclaimed, obs.dead)
	}
	want := []string{"add:passed", "add:internal_error"}
	if len(obs.recorded) != 2 || obs.recorded[0] != want[0] || obs.recorded[1] != want[1] {
		t.Errorf("recorded %v, want %v", obs.recorded, want)
	}
	if r := st.results["s2"]; !r.DeadLettered || r.Verdict != runner.VerdictInternalError {
		t.Errorf("s2 result %+v: want dead-lettered internal_error", r)
	}
}
