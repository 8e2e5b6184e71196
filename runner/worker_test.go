package runner_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"assay/runner"
	"assay/runner/queuetest"
	"assay/runner/storetest"
)

// fakes: small structs with function fields where behaviour varies.

// memQueue is an in-memory runner.Queue held to the Redis queue's
// contract (TestMemQueueKeepsTheQueueContract): lanes served live, run,
// regrade, each in the order queued (add); a claim lasts lease (a minute
// when 0) unless extended, then goes to the next worker as another
// attempt; Extend of a job acked or claimed by another is ErrClaimLost.
//
// Beyond the contract, for the tests that call Worker.Process with a job
// they made up: a job it never handed out may be extended by anyone
// (Redis would say the claim is lost), and extendErr, when set, is what
// every Extend returns.
type memQueue struct {
	mu        sync.Mutex
	acked     []string
	extends   int
	extendErr error

	lease  time.Duration
	seq    int
	queued []runner.Job           // not handed out yet, in the order added
	claims map[[2]string]memClaim // lane and receipt -> claim, until acked
	done   map[[2]string]bool     // lane and receipt of each acked job
}

type memClaim struct {
	job    runner.Job
	worker string
	until  time.Time
}

// add queues submission id on lane.
func (q *memQueue) add(id, lane string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.seq++
	q.queued = append(q.queued, runner.Job{SubmissionID: id, Receipt: fmt.Sprintf("%d-0", q.seq), Attempt: 1, Lane: lane})
}

func (q *memQueue) Next(ctx context.Context, worker string) (runner.Job, error) {
	for {
		if job, ok := q.take(worker); ok {
			return job, nil
		}
		select {
		case <-ctx.Done():
			return runner.Job{}, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// take claims for worker, lane by lane, a job whose claim lapsed (the
// oldest first), else the first one queued.
func (q *memQueue) take(worker string) (runner.Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.claims == nil {
		q.claims, q.done = map[[2]string]memClaim{}, map[[2]string]bool{}
	}
	lease := q.lease
	if lease == 0 {
		lease = time.Minute
	}
	now := time.Now()
	for _, lane := range []string{runner.LaneLive, runner.LaneRun, runner.LaneRegrade} {
		var lapsed *memClaim
		for _, c := range q.claims {
			if c.job.Lane == lane && now.After(c.until) && (lapsed == nil || c.until.Before(lapsed.until)) {
				lapsed = &c
			}
		}
		if lapsed != nil {
			job := lapsed.job
			job.Attempt++
			q.claims[[2]string{lane, job.Receipt}] = memClaim{job: job, worker: worker, until: now.Add(lease)}
			return job, true
		}
		for i, job := range q.queued {
			if job.Lane == lane {
				q.queued = append(q.queued[:i:i], q.queued[i+1:]...)
				q.claims[[2]string{lane, job.Receipt}] = memClaim{job: job, worker: worker, until: now.Add(lease)}
				return job, true
			}
		}
	}
	return runner.Job{}, false
}

func (q *memQueue) Extend(_ context.Context, worker string, job runner.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.extends++
	if q.extendErr != nil {
		return q.extendErr
	}
	key := [2]string{job.Lane, job.Receipt}
	if q.done[key] {
		return fmt.Errorf("extend %s: acked: %w", job.SubmissionID, runner.ErrClaimLost)
	}
	c, ok := q.claims[key]
	if !ok {
		return nil // a job the test made up
	}
	if c.worker != worker {
		return fmt.Errorf("extend %s: claimed by %s: %w", job.SubmissionID, c.worker, runner.ErrClaimLost)
	}
	lease := q.lease
	if lease == 0 {
		lease = time.Minute
	}
	c.until = time.Now().Add(lease)
	q.claims[key] = c
	return nil
}

func (q *memQueue) Ack(_ context.Context, j runner.Job) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.acked = append(q.acked, j.SubmissionID)
	if q.done == nil {
		q.claims, q.done = map[[2]string]memClaim{}, map[[2]string]bool{}
	}
	key := [2]string{j.Lane, j.Receipt}
	delete(q.claims, key)
	q.done[key] = true
	return nil
}

// counts returns the acks and extensions so far.
func (q *memQueue) counts() (acked, extends int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.acked), q.extends
}

type memStore struct {
	mu      sync.Mutex
	subs    map[string]runner.Submission
	results map[string]runner.Result
	saves   int
	// attachErr, when set, is what AttachReference returns.
	attachErr error
	attaches  int
}

func (s *memStore) Submission(_ context.Context, id string) (runner.Submission, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, ok := s.subs[id]
	if !ok {
		return sub, runner.ErrNotFound
	}
	return sub, nil
}
func (s *memStore) MarkRunning(context.Context, string, string, time.Time) error { return nil }
func (s *memStore) SaveResult(_ context.Context, r runner.Result) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.saves++
	if _, ok := s.results[r.SubmissionID]; ok {
		return false, nil
	}
	s.results[r.SubmissionID] = r
	return true, nil
}

// AttachReference is the Redis store's contract: only a recorded result
// without a reference timing gets one.
func (s *memStore) AttachReference(_ context.Context, id string, t *runner.ReferenceTiming) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attaches++
	if s.attachErr != nil {
		return false, s.attachErr
	}
	r, ok := s.results[id]
	if !ok || r.Reference != nil {
		return false, nil
	}
	r.Reference = t
	s.results[id] = r
	return true, nil
}

// result returns the recorded result of id, if any.
func (s *memStore) result(id string) (runner.Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[id]
	return r, ok
}

type suitesFunc func(ctx context.Context, slug, version string) (runner.Suite, error)

func (f suitesFunc) Suite(ctx context.Context, slug, version string) (runner.Suite, error) {
	return f(ctx, slug, version)
}

type sandboxFunc func(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error)

func (f sandboxFunc) Run(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	return f(ctx, spec)
}

var (
	_ runner.Queue   = (*memQueue)(nil)
	_ runner.Store   = (*memStore)(nil)
	_ runner.Suites  = suitesFunc(nil)
	_ runner.Sandbox = sandboxFunc(nil)
)

func TestWorkerProcess(t *testing.T) {
	created := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	suite := runner.Suite{Challenge: "add", Version: "v1", Entry: []string{"solution.py"},
		Files: map[string][]byte{"tests/visible/test_a.py": []byte("..."), "tests/hidden/test_b.py": []byte("...")}, Expected: expectedIDs,
		ReferenceMS: map[string]float64{"tests.hidden.test_b::test_b": 12}}
	passing := func(_ context.Context, spec runner.RunSpec) (runner.RunResult, error) {
		if len(spec.Files) != 2 || spec.Files[0].Path != "solution.py" || len(spec.Hidden) != 1 || spec.Hidden[0].Path != "tests/hidden/test_b.py" {
			return runner.RunResult{}, errors.New("unexpected files")
		}
		// the reference's runtimes size the canaries
		if spec.Canaries.All || spec.Canaries.CostMS["tests.hidden.test_b::test_b"] != 12 {
			return runner.RunResult{}, errors.New("unexpected canary policy")
		}
		return withDuration(one(runner.PhaseResult{Report: report(t, "pass")}), 300*time.Millisecond), nil
	}
	cases := []struct {
		name    string
		files   map[string]string
		attempt int
		suites  suitesFunc
		sandbox sandboxFunc
		verdict runner.Verdict // "" means no result and no ack
	}{
		{"pass", map[string]string{"solution.py": "x"}, 1, nil, passing, runner.VerdictPassed},
		{"sandbox failure leaves the job queued", map[string]string{"solution.py": "x"}, 1, nil,
			func(context.Context, runner.RunSpec) (runner.RunResult, error) {
				return runner.RunResult{}, errors.New("engine down")
			}, ""},
		{"too many attempts", map[string]string{"solution.py": "x"}, 4, nil, passing, runner.VerdictInternalError},
		{"unknown version", map[string]string{"solution.py": "x"}, 1,
			func(context.Context, string, string) (runner.Suite, error) { return runner.Suite{}, runner.ErrNotFound }, passing, runner.VerdictRejected},
		{"suite store down", map[string]string{"solution.py": "x"}, 1,
			func(context.Context, string, string) (runner.Suite, error) { return runner.Suite{}, errors.New("io") }, passing, ""},
		{"extra file", map[string]string{"solution.py": "x", "conftest.py": "y"}, 1, nil, passing, runner.VerdictRejected},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := &memQueue{}
			st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: tc.files, CreatedAt: created}}, results: map[string]runner.Result{}}
			suites := tc.suites
			if suites == nil {
				suites = func(context.Context, string, string) (runner.Suite, error) { return suite, nil }
			}
			w, err := runner.NewWorker(runner.WorkerConfig{ID: "w1", Queue: q, Store: st, Suites: suites, Sandbox: tc.sandbox,
				Now: func() time.Time { return created.Add(2 * time.Second) }})
			if err != nil {
				t.Fatal(err)
			}
			err = w.Process(context.Background(), runner.Job{SubmissionID: "s1", Receipt: "1-0", Attempt: tc.attempt})
			r, recorded := st.results["s1"]
			if tc.verdict == "" {
				if err == nil || recorded || len(q.acked) != 0 {
					t.Fatalf("err %v, recorded %v, acked %v: want an error and the job left alone", err, recorded, q.acked)
				}
				return
			}
			if err != nil || !recorded || len(q.acked) != 1 {
				t.Fatalf("err %v, recorded %v, acked %v", err, recorded, q.acked)
			}
			if r.Verdict != tc.verdict || r.ChallengeVersion != "v1" || r.QueuedMS != 2000 || r.Worker != "w1" || r.Attempt != tc.attempt {
				t.Errorf("result %+v", r)
			}
		})
	}
}

func TestWorkerRecordsOnce(t *testing.T) {
	st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}}},
		results: map[string]runner.Result{"s1": {SubmissionID: "s1", Verdict: runner.VerdictFailed}}}
	q := &memQueue{}
	w, _ := runner.NewWorker(runner.WorkerConfig{ID: "w2", Queue: q, Store: st,
		Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) {
			return runner.Suite{Entry: []string{"solution.py"}, Expected: expectedIDs}, nil
		}),
		Sandbox: sandboxFunc(func(context.Context, runner.RunSpec) (runner.RunResult, error) {
			return one(runner.PhaseResult{Report: report(t, "pass")}), nil
		})})
	if err := w.Process(context.Background(), runner.Job{SubmissionID: "s1", Attempt: 2}); err != nil {
		t.Fatal(err)
	}
	if st.results["s1"].Verdict != runner.VerdictFailed || st.saves != 1 || len(q.acked) != 1 {
		t.Errorf("first result replaced or job not acked: %+v saves=%d acked=%v", st.results["s1"], st.saves, q.acked)
	}
}

func TestWorkerRunStopsWithContext(t *testing.T) {
	w, err := runner.NewWorker(runner.WorkerConfig{ID: "w", Concurrency: 3, Queue: &memQueue{}, Store: &memStore{},
		Suites: suitesFunc(nil), Sandbox: sandboxFunc(nil)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

func TestNewWorkerValidates(t *testing.T) {
	if _, err := runner.NewWorker(runner.WorkerConfig{}); err == nil {
		t.Fatal("want an error for an empty config")
	}
}

func TestWorkerStopsAJobItNoLongerOwns(t *testing.T) {
	st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}}},
		results: map[string]runner.Result{}}
	q := &memQueue{extendErr: runner.ErrClaimLost}
	w, _ := runner.NewWorker(runner.WorkerConfig{ID: "w", Queue: q, Store: st, ExtendEvery: 10 * time.Millisecond,
		Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) {
			return runner.Suite{Entry: []string{"solution.py"}}, nil
		}),
		Sandbox: sandboxFunc(func(ctx context.Context, _ runner.RunSpec) (runner.RunResult, error) {
			<-ctx.Done() // a long run, until the worker stops it
			return runner.RunResult{}, ctx.Err()
		})})
	err := w.Process(context.Background(), runner.Job{SubmissionID: "s1", Attempt: 1})
	if !errors.Is(err, runner.ErrClaimLost) || len(st.results) != 0 || len(q.acked) != 0 {
		t.Fatalf("err %v, results %v, acked %v", err, st.results, q.acked)
	}
}

// oneJobQueue hands out one job, then blocks until ctx ends.
type oneJobQueue struct {
	memQueue
	given chan struct{}
}

func (q *oneJobQueue) Next(ctx context.Context, _ string) (runner.Job, error) {
	select {
	case <-q.given:
		<-ctx.Done()
		return runner.Job{}, ctx.Err()
	default:
		close(q.given)
		return runner.Job{SubmissionID: "s1", Attempt: 1}, nil
	}
}

func TestWorkerDrainsRunningJobsOnShutdown(t *testing.T) {
	for _, tc := range []struct {
		name     string
		drain    time.Duration
		recorded bool
	}{
		{"finishes within the drain timeout", 10 * time.Second, true},
		{"hands the job back after it", 10 * time.Millisecond, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &memStore{subs: map[string]runner.Submission{"s1": {ID: "s1", Challenge: "add", ChallengeVersion: "v1", Files: map[string]string{"solution.py": "x"}}},
				results: map[string]runner.Result{}}
			q := &oneJobQueue{given: make(chan struct{})}
			started := make(chan struct{})
			ctx, cancel := context.WithCancel(context.Background())
			w, _ := runner.NewWorker(runner.WorkerConfig{ID: "w", Queue: q, Store: st, DrainTimeout: tc.drain,
				Suites: suitesFunc(func(context.Context, string, string) (runner.Suite, error) {
					return runner.Suite{Entry: []string{"solution.py"}, Expected: expectedIDs}, nil
				}),
				Sandbox: sandboxFunc(func(runCtx context.Context, _ runner.RunSpec) (runner.RunResult, error) {
					close(started)
					cancel() // shutdown arrives while the job runs
					select {
					case <-time.After(300 * time.Millisecond):
						return one(runner.PhaseResult{Report: report(t, "pass")}), nil
					case <-runCtx.Done():
						return runner.RunResult{}, runCtx.Err()
					}
				})})
			done := make(chan error)
			go func() { done <- w.Run(ctx) }()
			<-started
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return")
			}
			_, recorded := st.results["s1"]
			if recorded != tc.recorded || (len(q.acked) == 1) != tc.recorded {
				t.Errorf("recorded %v, acked %v; want recorded %v", recorded, q.acked, tc.recorded)
			}
		})
	}
}

// The fake is held to the contract the Redis store is held to
// (runner/redis's TestBrokerKeepsTheStoreContract).
func TestMemStoreKeepsTheStoreContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) (runner.Store, func(runner.Submission), func(string) (runner.Result, bool)) {
		s := &memStore{subs: map[string]runner.Submission{}, results: map[string]runner.Result{}}
		create := func(sub runner.Submission) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.subs[sub.ID] = sub
		}
		return s, create, s.result
	}})
}

// The fake queue is held to the contract the Redis queue is held to
// (runner/redis's TestBrokerKeepsTheQueueContract).
func TestMemQueueKeepsTheQueueContract(t *testing.T) {
	queuetest.Run(t, queuetest.Harness{New: func(t *testing.T, lease time.Duration) (runner.Queue, func(string, string)) {
		q := &memQueue{lease: lease}
		return q, q.add
	}})
}
