package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/internal/testenv"
	"assay/runner"
)

// newBroker returns a broker on a fresh Redis of its own. Block is short
// unless the test says otherwise, so Next's loops turn quickly.
func newBroker(t *testing.T, cfg Config) *Broker {
	t.Helper()
	cfg.URL = testenv.Redis(t)
	if cfg.Block == 0 {
		cfg.Block = 100 * time.Millisecond
	}
	cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := New(ctx, cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// testCtx bounds every test so a hung Redis call fails it instead of the run.
func testCtx(t *testing.T) context.Context {
	// A bound for a hang, not a time to meet: the draft and recording
	// tests move tens of MiB through the race-enabled client, 7 s alone
	// and past 20 s beside the rest of make test on two cores.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func submission(id string) runner.Submission {
	return runner.Submission{
		ID:               id,
		Challenge:        "fizzbuzz",
		ChallengeVersion: "v1",
		Files:            map[string]string{"solution.py": "def fizzbuzz(n):\n    return str(n)\n"},
		Submitter:        "cand@example.com",
		CreatedAt:        time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC),
	}
}

func result(id, worker string, verdict runner.Verdict) runner.Result {
	return runner.Result{
		SubmissionID: id,
		Verdict:      verdict,
		Reason:       "because",
		Passed:       1,
		Total:        2,
		Tests: []runner.TestResult{
			{ID: "tests/visible/test_a.py::test_one", Outcome: runner.OutcomePassed, DurationMS: 1.5},
			{ID: "tests/hidden/test_b.py::test_two", Hidden: true, Outcome: runner.OutcomeFailed, Message: "assert 1 == 2"},
		},
		ChallengeVersion: "v1",
		StartedAt:        time.Date(2025, 3, 1, 12, 0, 1, 0, time.UTC),
		FinishedAt:       time.Date(2025, 3, 1, 12, 0, 3, 0, time.UTC),
		Worker:           worker,
		Attempt:          1,
	}
}

func mustCreate(t *testing.T, b *Broker, id string) {
	t.Helper()
	if err := b.Create(testCtx(t), submission(id)); err != nil {
		t.Fatalf("Create(%s): %v", id, err)
	}
}

func mustNext(t *testing.T, b *Broker, worker string) runner.Job {
	t.Helper()
	ctx, cancel := context.WithTimeout(testCtx(t), 5*time.Second)
	defer cancel()
	job, err := b.Next(ctx, worker)
	if err != nil {
		t.Fatalf("Next(%s): %v", worker, err)
	}
	return job
}

func mustGet(t *testing.T, b *Broker, id string) runner.State {
	t.Helper()
	st, err := b.Get(testCtx(t), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return st
}

func wantQueueLength(t *testing.T, b *Broker, want int64) {
	t.Helper()
	n, err := b.QueueLength(testCtx(t))
	if err != nil {
		t.Fatalf("QueueLength: %v", err)
	}
	if n != want {
		t.Errorf("QueueLength = %d, want %d", n, want)
	}
}

func TestNewConfig(t *testing.T) {
	url := testenv.Redis(t)
	ctx := testCtx(t)
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{"defaults", Config{URL: url}, false},
		{"again: the group exists", Config{URL: url}, false},
		{"empty URL", Config{}, true},
		{"bad URL", Config{URL: "http://nowhere"}, true},
		{"negative lease", Config{URL: url, Lease: -time.Second}, true},
		{"negative block", Config{URL: url, Block: -time.Second}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := New(ctx, tt.cfg)
			if (err != nil) != tt.wantErr {
				t.Fatalf("New: err = %v, want error: %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			defer b.Close()
			if b.cfg.Prefix != DefaultPrefix || b.cfg.Lease != DefaultLease || b.cfg.Block != DefaultBlock || b.log == nil {
				t.Errorf("defaults not applied: %+v", b.cfg)
			}
			if err := b.Ping(ctx); err != nil {
				t.Errorf("Ping: %v", err)
			}
		})
	}
}

func TestCreateGet(t *testing.T) {
	b := newBroker(t, Config{})
	want := submission("s1")
	mustCreate(t, b, want.ID)

	st := mustGet(t, b, want.ID)
	if !reflect.DeepEqual(st.Submission, want) {
		t.Errorf("Submission = %+v, want %+v", st.Submission, want)
	}
	if st.Status != runner.StatusQueued || st.StartedAt != nil || st.Worker != "" || st.Result != nil {
		t.Errorf("state = %+v, want queued with no start, worker or result", st)
	}
	got, err := b.Submission(testCtx(t), want.ID)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Submission() = %+v, %v; want %+v", got, err, want)
	}
	wantQueueLength(t, b, 1)
}

func TestGetManyReadsEachStateAsGetDoes(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	// More than one chunk, in every state: queued, running, done; and ids
	// with no submission, which are left out.
	var ids []string
	for i := range 2*manyChunk + 5 {
		id := fmt.Sprintf("s%03d", i)
		mustCreate(t, b, id)
		switch i % 3 {
		case 1:
			if err := b.MarkRunning(ctx, id, "A", time.Date(2025, 3, 1, 12, 0, i, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
		case 2:
			if _, err := b.SaveResult(ctx, result(id, "A", runner.VerdictPassed)); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, id, "missing-"+id)
	}
	got, err := b.GetMany(ctx, ids)
	if err != nil {
		t.Fatalf("GetMany: %v", err)
	}
	if len(got) != len(ids)/2 {
		t.Errorf("GetMany gave %d states, want %d", len(got), len(ids)/2)
	}
	for _, id := range ids {
		st, ok := got[id]
		want, err := b.Get(ctx, id)
		if errors.Is(err, runner.ErrNotFound) {
			if ok {
				t.Errorf("GetMany has %s, which Get does not find", id)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if !ok || !reflect.DeepEqual(st, want) {
			t.Errorf("GetMany[%s] = %+v (%v), Get = %+v", id, st, ok, want)
		}
	}
	if none, err := b.GetMany(ctx, nil); err != nil || len(none) != 0 {
		t.Errorf("GetMany(nil) = %v, %v", none, err)
	}
}

func TestCreateConflict(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	first := submission("s1")
	if err := b.Create(ctx, first); err != nil {
		t.Fatal(err)
	}
	second := submission("s1")
	second.Challenge = "other"
	err := b.Create(ctx, second)
	if !errors.Is(err, runner.ErrConflict) {
		t.Fatalf("second Create: err = %v, want ErrConflict", err)
	}
	wantQueueLength(t, b, 1)
	if st := mustGet(t, b, "s1"); st.Submission.Challenge != first.Challenge {
		t.Errorf("stored challenge = %q, want the first %q", st.Submission.Challenge, first.Challenge)
	}
}

func TestCreateEmptyID(t *testing.T) {
	b := newBroker(t, Config{})
	if err := b.Create(testCtx(t), runner.Submission{}); err == nil {
		t.Fatal("Create with empty id: no error")
	}
	wantQueueLength(t, b, 0)
}

func TestUnknownID(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	tests := []struct {
		name string
		call func() error
	}{
		{"Get", func() error { _, err := b.Get(ctx, "nope"); return err }},
		{"Wait", func() error { _, err := b.Wait(ctx, "nope"); return err }},
		{"Submission", func() error { _, err := b.Submission(ctx, "nope"); return err }},
		{"MarkRunning", func() error { return b.MarkRunning(ctx, "nope", "A", time.Now()) }},
		{"SaveResult", func() error { _, err := b.SaveResult(ctx, result("nope", "A", runner.VerdictPassed)); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, runner.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	}
	// Nothing was written for the unknown id.
	keys, err := b.rdb.Keys(ctx, b.keys.prefix+":*:nope").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("keys for unknown id: %v, %v", keys, err)
	}
}

func TestLifecycle(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	mustCreate(t, b, "s1")

	job := mustNext(t, b, "A")
	if job.SubmissionID != "s1" || job.Attempt != 1 || job.Receipt == "" {
		t.Fatalf("job = %+v, want s1, attempt 1, a receipt", job)
	}

	started := time.Date(2025, 3, 1, 12, 0, 1, 500, time.UTC)
	if err := b.MarkRunning(ctx, "s1", "A", started); err != nil {
		t.Fatal(err)
	}
	st := mustGet(t, b, "s1")
	if st.Status != runner.StatusRunning || st.Worker != "A" || st.StartedAt == nil || !st.StartedAt.Equal(started) || st.Result != nil {
		t.Fatalf("after MarkRunning: %+v", st)
	}

	first := result("s1", "A", runner.VerdictFailed)
	saved, err := b.SaveResult(ctx, first)
	if err != nil || !saved {
		t.Fatalf("SaveResult = %v, %v; want true", saved, err)
	}
	st = mustGet(t, b, "s1")
	if st.Status != runner.StatusDone || st.Result == nil || !reflect.DeepEqual(*st.Result, first) {
		t.Fatalf("after SaveResult: %+v, result %+v", st, st.Result)
	}
	if st.Worker != "A" || st.StartedAt == nil || !st.StartedAt.Equal(first.StartedAt) {
		t.Errorf("done state worker/start = %q/%v, want the result's", st.Worker, st.StartedAt)
	}

	// A second run's result and a late MarkRunning change nothing.
	second := result("s1", "B", runner.VerdictPassed)
	saved, err = b.SaveResult(ctx, second)
	if err != nil || saved {
		t.Fatalf("second SaveResult = %v, %v; want false, nil", saved, err)
	}
	if err := b.MarkRunning(ctx, "s1", "B", time.Now()); err != nil {
		t.Fatal(err)
	}
	if st2 := mustGet(t, b, "s1"); !reflect.DeepEqual(st2, st) {
		t.Errorf("state changed after second SaveResult/MarkRunning:\n got %+v\nwant %+v", st2, st)
	}

	wantQueueLength(t, b, 1)
	if err := b.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}
	wantQueueLength(t, b, 0)
	pending, err := b.rdb.XPending(ctx, b.keys.queue(), group).Result()
	if err != nil || pending.Count != 0 {
		t.Errorf("pending after Ack = %+v, %v; want none", pending, err)
	}
	// Acking twice is harmless.
	if err := b.Ack(ctx, job); err != nil {
		t.Errorf("second Ack: %v", err)
	}
}

func TestNextWaitsForCreate(t *testing.T) {
	b := newBroker(t, Config{})
	got := make(chan runner.Job, 1)
	errc := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		job, err := b.Next(ctx, "A")
		got <- job
		errc <- err
	}()
	// Let Next go round its loop a few times before there is anything.
	time.Sleep(300 * time.Millisecond)
	mustCreate(t, b, "s1")
	job, err := <-got, <-errc
	if err != nil || job.SubmissionID != "s1" || job.Attempt != 1 {
		t.Fatalf("Next = %+v, %v; want s1 attempt 1", job, err)
	}
}

func TestNextOrder(t *testing.T) {
	b := newBroker(t, Config{})
	for _, id := range []string{"s1", "s2", "s3"} {
		mustCreate(t, b, id)
	}
	for _, want := range []string{"s1", "s2", "s3"} {
		if job := mustNext(t, b, "A"); job.SubmissionID != want {
			t.Errorf("Next = %s, want %s", job.SubmissionID, want)
		}
	}
}

func TestReclaimAfterLease(t *testing.T) {
	const lease = 200 * time.Millisecond
	b := newBroker(t, Config{Lease: lease, Block: 50 * time.Millisecond})
	ctx := testCtx(t)
	mustCreate(t, b, "s1")

	a := mustNext(t, b, "A")
	taken := time.Now()
	// A dies here: it never extends. B's Next waits until the lease runs out.
	bj := mustNext(t, b, "B")
	if waited := time.Since(taken); waited < lease {
		t.Errorf("B got the job after %v, before the %v lease ran out", waited, lease)
	}
	if bj.SubmissionID != "s1" || bj.Receipt != a.Receipt || bj.Attempt != 2 {
		t.Fatalf("B's job = %+v, want s1, receipt %s, attempt 2", bj, a.Receipt)
	}
	if err := b.Extend(ctx, "A", a); !errors.Is(err, ErrClaimLost) {
		t.Errorf("A's Extend after takeover: err = %v, want ErrClaimLost", err)
	}
	if err := b.Extend(ctx, "B", bj); err != nil {
		t.Errorf("B's Extend: %v", err)
	}
	if err := b.Ack(ctx, bj); err != nil {
		t.Fatal(err)
	}
	if err := b.Extend(ctx, "B", bj); !errors.Is(err, ErrClaimLost) {
		t.Errorf("Extend after Ack: err = %v, want ErrClaimLost", err)
	}
	wantQueueLength(t, b, 0)
}

func TestExtendKeepsClaim(t *testing.T) {
	// The extender must run within each lease: under make test's load a
	// 500 ms lease was once outlived by a stalled goroutine (B reclaimed,
	// as it should have). A lease of seconds is a bound for a stall, not a
	// time to meet; extending ten times a lease keeps that margin.
	const lease = 2 * time.Second
	b := newBroker(t, Config{Lease: lease, Block: 50 * time.Millisecond})
	mustCreate(t, b, "s1")
	a := mustNext(t, b, "A")

	stop := make(chan struct{})
	extended := make(chan error, 1)
	go func() {
		tick := time.NewTicker(lease / 10)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				extended <- nil
				return
			case <-tick.C:
				if err := b.Extend(context.Background(), "A", a); err != nil {
					extended <- err
					return
				}
			}
		}
	}()

	// Over two leases, B gets nothing while A keeps extending.
	ctx, cancel := context.WithTimeout(testCtx(t), 2*lease)
	job, err := b.Next(ctx, "B")
	cancel()
	close(stop)
	if err := <-extended; err != nil {
		t.Fatalf("Extend: %v", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("B's Next while A extends = %+v, %v; want DeadlineExceeded", job, err)
	}

	// Once A stops, B takes over.
	if bj := mustNext(t, b, "B"); bj.SubmissionID != "s1" || bj.Attempt != 2 {
		t.Errorf("B's job after A stopped = %+v, want s1 attempt 2", bj)
	}
}

func TestNextCancel(t *testing.T) {
	// A long Block shows that cancellation does not wait it out.
	const block = 10 * time.Second
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled before", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"cancelled while waiting", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(200*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline while waiting", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 200*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBroker(t, Config{Block: block})
			ctx, cancel := tt.ctx()
			defer cancel()
			start := time.Now()
			job, err := b.Next(ctx, "A")
			if !errors.Is(err, tt.want) {
				t.Fatalf("Next = %+v, %v; want %v", job, err, tt.want)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("Next took %v to notice the end of ctx", took)
			}
			// The abandoned read took nothing: a new job goes straight to
			// the next worker as a first attempt.
			mustCreate(t, b, "s1")
			if job := mustNext(t, b, "B"); job.SubmissionID != "s1" || job.Attempt != 1 {
				t.Errorf("next job = %+v, want s1 attempt 1", job)
			}
		})
	}
}

func TestRelease(t *testing.T) {
	// A long lease: B can only get the job quickly because it was released.
	b := newBroker(t, Config{Lease: time.Minute})
	mustCreate(t, b, "s1")
	a := mustNext(t, b, "A")
	b.release(testCtx(t), "A", a)
	bj := mustNext(t, b, "B")
	if bj.SubmissionID != "s1" || bj.Attempt != 1 {
		t.Errorf("job after release = %+v, want s1 attempt 1", bj)
	}
}

func TestNextSkipsMissingRecord(t *testing.T) {
	t.Run("fresh entries", func(t *testing.T) {
		b := newBroker(t, Config{})
		ctx := testCtx(t)
		for _, values := range []map[string]any{{fieldID: "ghost"}, {"other": "x"}} {
			if err := b.rdb.XAdd(ctx, &goredis.XAddArgs{Stream: b.keys.queue(), Values: values}).Err(); err != nil {
				t.Fatal(err)
			}
		}
		mustCreate(t, b, "s1")
		if job := mustNext(t, b, "A"); job.SubmissionID != "s1" {
			t.Errorf("Next = %+v, want s1", job)
		}
		wantQueueLength(t, b, 1)
	})
	t.Run("reclaimed entry", func(t *testing.T) {
		b := newBroker(t, Config{Lease: 100 * time.Millisecond, Block: 50 * time.Millisecond})
		ctx := testCtx(t)
		mustCreate(t, b, "gone")
		mustNext(t, b, "A")
		if err := b.rdb.Del(ctx, b.keys.submission("gone")).Err(); err != nil {
			t.Fatal(err)
		}
		// B reclaims the entry once the lease runs out, finds no record,
		// drops it and waits on for real work.
		short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		if job, err := b.Next(short, "B"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Next = %+v, %v; want nothing", job, err)
		}
		wantQueueLength(t, b, 0)
	})
}

func TestNextRecreatesGroup(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	// As after a Redis restart without persistence: the stream and its
	// group are gone, and Create makes a stream without a group.
	if err := b.rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, b, "s1")
	if job := mustNext(t, b, "A"); job.SubmissionID != "s1" || job.Attempt != 1 {
		t.Errorf("Next = %+v, want s1 attempt 1", job)
	}
}

func TestWait(t *testing.T) {
	t.Run("returns when the result is saved", func(t *testing.T) {
		b := newBroker(t, Config{})
		mustCreate(t, b, "s1")
		want := result("s1", "A", runner.VerdictPassed)
		errc := make(chan error, 1)
		go func() {
			ctx := context.Background()
			time.Sleep(200 * time.Millisecond)
			if err := b.MarkRunning(ctx, "s1", "A", want.StartedAt); err != nil {
				errc <- err
				return
			}
			time.Sleep(100 * time.Millisecond)
			_, err := b.SaveResult(ctx, want)
			errc <- err
		}()
		ctx, cancel := context.WithTimeout(testCtx(t), 3*time.Second)
		defer cancel()
		st, err := b.Wait(ctx, "s1")
		if err != nil {
			t.Fatalf("Wait: %v", err)
		}
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if st.Status != runner.StatusDone || st.Result == nil || !reflect.DeepEqual(*st.Result, want) {
			t.Errorf("Wait = %+v, want done with the result", st)
		}
		if ctx.Err() != nil {
			t.Errorf("Wait returned only when ctx ended")
		}
	})
	t.Run("already done", func(t *testing.T) {
		b := newBroker(t, Config{})
		mustCreate(t, b, "s1")
		if _, err := b.SaveResult(testCtx(t), result("s1", "A", runner.VerdictPassed)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(testCtx(t), time.Second)
		defer cancel()
		st, err := b.Wait(ctx, "s1")
		if err != nil || st.Status != runner.StatusDone || ctx.Err() != nil {
			t.Errorf("Wait = %+v, %v (ctx %v); want done at once", st, err, ctx.Err())
		}
	})
	t.Run("ctx ends first", func(t *testing.T) {
		b := newBroker(t, Config{})
		mustCreate(t, b, "s1")
		if err := b.MarkRunning(testCtx(t), "s1", "A", time.Now()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(testCtx(t), 200*time.Millisecond)
		defer cancel()
		st, err := b.Wait(ctx, "s1")
		if err != nil || st.Status != runner.StatusRunning || st.Worker != "A" {
			t.Errorf("Wait = %+v, %v; want the running state and no error", st, err)
		}
	})
}

func TestEvents(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	mustCreate(t, b, "s1")
	ps := b.rdb.Subscribe(ctx, b.keys.events("s1"))
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkRunning(ctx, "s1", "A", time.Now()); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second result is not announced
		if _, err := b.SaveResult(ctx, result("s1", "A", runner.VerdictPassed)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.MarkRunning(ctx, "s1", "B", time.Now()); err != nil { // done stays done: no event
		t.Fatal(err)
	}
	if err := b.rdb.Publish(ctx, b.keys.events("s1"), "end").Err(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		msg, err := ps.ReceiveMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Payload == "end" {
			break
		}
		got = append(got, msg.Payload)
	}
	if want := []string{"running", "done"}; !reflect.DeepEqual(got, want) {
		t.Errorf("events = %q, want %q", got, want)
	}
}
