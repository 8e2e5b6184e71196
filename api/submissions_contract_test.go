package api_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"assay/api"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
)

// The contract of api.Submissions, run against the API's unit tests' fake
// and against the Redis store, so the fake cannot drift from what the
// handlers really get: not found, conflicts, idempotency, what GetMany
// leaves out, what the queue lengths count, and what a wait that ends
// answers. (A submission with an invitation, checked against its attempt
// limit, needs Accounts: the Redis store's own tests cover it.)
func submissionsContract(t *testing.T, newSubs func(t *testing.T) api.Submissions) {
	ctx := context.Background()
	sub := func(id string, mode runner.Mode) runner.Submission {
		return runner.Submission{ID: id, Challenge: "add", ChallengeVersion: "v1", Mode: mode,
			Files:     map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"},
			CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	}
	t.Run("an unknown submission is ErrNotFound", func(t *testing.T) {
		s := newSubs(t)
		if _, err := s.Get(ctx, "nope"); !errors.Is(err, runner.ErrNotFound) {
			t.Errorf("Get = %v; want ErrNotFound", err)
		}
		if _, err := s.Wait(ctx, "nope"); !errors.Is(err, runner.ErrNotFound) {
			t.Errorf("Wait = %v; want ErrNotFound", err)
		}
		if _, err := s.Watch(ctx, "nope", runner.StatusQueued); !errors.Is(err, runner.ErrNotFound) {
			t.Errorf("Watch = %v; want ErrNotFound", err)
		}
	})
	t.Run("a submission reads back queued, as created", func(t *testing.T) {
		s := newSubs(t)
		want := sub("s1", runner.ModeSubmit)
		if err := s.Create(ctx, want); err != nil {
			t.Fatal(err)
		}
		st, err := s.Get(ctx, "s1")
		if err != nil || !reflect.DeepEqual(st.Submission, want) || st.Status != runner.StatusQueued || st.Result != nil || st.StartedAt != nil {
			t.Errorf("Get = %+v, %v; want %+v queued", st, err, want)
		}
	})
	t.Run("an id is created once", func(t *testing.T) {
		s := newSubs(t)
		first := sub("s1", runner.ModeSubmit)
		if err := s.Create(ctx, first); err != nil {
			t.Fatal(err)
		}
		second := sub("s1", runner.ModeRun)
		if err := s.Create(ctx, second); !errors.Is(err, runner.ErrConflict) {
			t.Errorf("Create(taken id) = %v; want ErrConflict", err)
		}
		if err := s.Create(ctx, sub("", runner.ModeSubmit)); err == nil {
			t.Error("Create(empty id) succeeded")
		}
		if st, err := s.Get(ctx, "s1"); err != nil || !reflect.DeepEqual(st.Submission, first) {
			t.Errorf("Get = %+v, %v; want the first", st.Submission, err)
		}
		if n, err := s.RunQueueLength(ctx); err != nil || n != 0 {
			t.Errorf("RunQueueLength = %d, %v; want the refused Run not queued", n, err)
		}
	})
	t.Run("an idempotency key names its first submission", func(t *testing.T) {
		s := newSubs(t)
		id, err := s.CreateIdempotent(ctx, sub("s1", runner.ModeSubmit), "k", "print1")
		if err != nil || id != "s1" {
			t.Fatalf("CreateIdempotent = %q, %v; want s1", id, err)
		}
		id, err = s.CreateIdempotent(ctx, sub("s2", runner.ModeSubmit), "k", "print1")
		if err != nil || id != "s1" {
			t.Errorf("retry = %q, %v; want s1", id, err)
		}
		if _, err := s.Get(ctx, "s2"); !errors.Is(err, runner.ErrNotFound) {
			t.Errorf("the retry created s2 (Get = %v)", err)
		}
		if _, err := s.CreateIdempotent(ctx, sub("s3", runner.ModeSubmit), "k", "print2"); !errors.Is(err, runner.ErrKeyReused) {
			t.Errorf("another request with the key = %v; want ErrKeyReused", err)
		}
		if _, err := s.CreateIdempotent(ctx, sub("s4", runner.ModeSubmit), "", "print1"); err == nil {
			t.Error("CreateIdempotent without a key succeeded")
		}
		if n, err := s.QueueLength(ctx); err != nil || n != 1 {
			t.Errorf("QueueLength = %d, %v; want 1", n, err)
		}
	})
	t.Run("GetMany leaves out unknown ids", func(t *testing.T) {
		s := newSubs(t)
		for _, id := range []string{"s1", "s2"} {
			if err := s.Create(ctx, sub(id, runner.ModeSubmit)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.GetMany(ctx, []string{"s2", "nope", "s1"})
		if err != nil || len(got) != 2 || got["s1"].Submission.ID != "s1" || got["s2"].Status != runner.StatusQueued {
			t.Errorf("GetMany = %+v, %v; want s1 and s2", got, err)
		}
		if got, err := s.GetMany(ctx, nil); err != nil || got == nil || len(got) != 0 {
			t.Errorf("GetMany(none) = %#v, %v; want an empty map", got, err)
		}
	})
	t.Run("the queue lengths count submissions and Runs apart", func(t *testing.T) {
		s := newSubs(t)
		for _, c := range []struct {
			id   string
			mode runner.Mode
		}{{"s1", runner.ModeSubmit}, {"r1", runner.ModeRun}, {"s2", runner.ModeSubmit}} {
			if err := s.Create(ctx, sub(c.id, c.mode)); err != nil {
				t.Fatal(err)
			}
		}
		live, err1 := s.QueueLength(ctx)
		runs, err2 := s.RunQueueLength(ctx)
		if live != 2 || runs != 1 || err1 != nil || err2 != nil {
			t.Errorf("QueueLength %d (%v), RunQueueLength %d (%v); want 2 and 1", live, err1, runs, err2)
		}
	})
	t.Run("a wait that ends answers the current state", func(t *testing.T) {
		s := newSubs(t)
		if err := s.Create(ctx, sub("s1", runner.ModeSubmit)); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if st, err := s.Wait(short, "s1"); err != nil || st.Status != runner.StatusQueued || st.Submission.ID != "s1" {
			t.Errorf("Wait = %+v, %v; want s1 queued, no error", st, err)
		}
		short, cancel = context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if st, err := s.Watch(short, "s1", runner.StatusQueued); err != nil || st.Status != runner.StatusQueued {
			t.Errorf("Watch(from queued) = %+v, %v; want s1 queued, no error", st, err)
		}
		if st, err := s.Watch(ctx, "s1", runner.StatusRunning); err != nil || st.Status != runner.StatusQueued {
			t.Errorf("Watch(from running) = %+v, %v; want s1 queued at once", st, err)
		}
	})
}

// The fake the handlers' unit tests use keeps the contract.
func TestFakeSubmissionsKeepTheContract(t *testing.T) {
	submissionsContract(t, func(*testing.T) api.Submissions { return &fakeSubmissions{} })
}

// So does the Redis store the API is wired to.
func TestRedisSubmissionsKeepTheContract(t *testing.T) {
	submissionsContract(t, func(t *testing.T) api.Submissions {
		b, err := redis.New(context.Background(), redis.Config{URL: testenv.Redis(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b.Submissions
	})
}
