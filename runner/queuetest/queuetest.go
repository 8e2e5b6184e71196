// Package queuetest is the contract of runner.Queue as a test: the same
// checks run against the worker's unit tests' fake and against the Redis
// queue, so the fake cannot drift from what the worker really gets:
// the order jobs come in, what a lost claim looks like, and what happens
// to a job whose lease runs out.
package queuetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"assay/runner"
)

// Lease is the claim length the suite asks of the queue: short, so that
// a lapsed claim is seen quickly, long enough for a loaded machine to
// extend within it.
const Lease = 500 * time.Millisecond

// Harness gives the suite a fresh, empty queue whose claims last lease,
// and add, which stores a submission and queues it on lane (runner.LaneLive
// or runner.LaneRun): runner.Queue has no way to add one (the API does).
type Harness struct {
	New func(t *testing.T, lease time.Duration) (q runner.Queue, add func(id, lane string))
}

// Run checks h's queue against the contract.
func Run(t *testing.T, h Harness) {
	t.Run("an empty queue waits until ctx ends", func(t *testing.T) {
		q, _ := h.New(t, Lease)
		job, err := next(t, q, "w1", 200*time.Millisecond)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Next on an empty queue = %+v, %v; want ctx's error", job, err)
		}
	})
	t.Run("jobs come in the order queued, live before Runs", func(t *testing.T) {
		q, add := h.New(t, Lease)
		add("r1", runner.LaneRun)
		add("s1", runner.LaneLive)
		add("s2", runner.LaneLive)
		receipts := map[[2]string]bool{} // a receipt names a delivery within its lane
		for _, want := range []struct{ id, lane string }{{"s1", runner.LaneLive}, {"s2", runner.LaneLive}, {"r1", runner.LaneRun}} {
			job := must(t, q, "w1")
			if job.SubmissionID != want.id || job.Lane != want.lane || job.Attempt != 1 || job.Receipt == "" || receipts[[2]string{job.Lane, job.Receipt}] {
				t.Fatalf("Next = %+v; want %s on lane %q, attempt 1, a receipt of its own", job, want.id, want.lane)
			}
			receipts[[2]string{job.Lane, job.Receipt}] = true
		}
	})
	t.Run("an acked job is gone", func(t *testing.T) {
		q, add := h.New(t, Lease)
		add("s1", runner.LaneLive)
		job := must(t, q, "w1")
		if err := q.Ack(ctx(t), job); err != nil {
			t.Fatalf("Ack: %v", err)
		}
		if err := q.Ack(ctx(t), job); err != nil {
			t.Errorf("second Ack = %v; want it harmless", err)
		}
		if err := q.Extend(ctx(t), "w1", job); !errors.Is(err, runner.ErrClaimLost) {
			t.Errorf("Extend after Ack = %v; want ErrClaimLost", err)
		}
		// Not even once its lease would have run out.
		if again, err := next(t, q, "w2", 2*Lease); err == nil {
			t.Errorf("Next after Ack = %+v; want nothing", again)
		}
	})
	t.Run("only the owner extends a claim", func(t *testing.T) {
		q, add := h.New(t, Lease)
		add("s1", runner.LaneLive)
		job := must(t, q, "w1")
		if err := q.Extend(ctx(t), "w1", job); err != nil {
			t.Errorf("Extend by the owner: %v", err)
		}
		if err := q.Extend(ctx(t), "w2", job); !errors.Is(err, runner.ErrClaimLost) {
			t.Errorf("Extend by another worker = %v; want ErrClaimLost", err)
		}
		if err := q.Extend(ctx(t), "w1", job); err != nil {
			t.Errorf("Extend by the owner after another's try: %v", err)
		}
	})
	t.Run("a claim kept extended stays", func(t *testing.T) {
		q, add := h.New(t, Lease)
		add("s1", runner.LaneLive)
		job := must(t, q, "w1")
		for range 4 {
			time.Sleep(Lease / 4)
			if err := q.Extend(ctx(t), "w1", job); err != nil {
				t.Fatalf("Extend: %v", err)
			}
		}
		if other, err := next(t, q, "w2", Lease/2); err == nil {
			t.Errorf("another worker got %+v while its claim was kept", other)
		}
	})
	t.Run("a lapsed claim goes to the next worker as another attempt", func(t *testing.T) {
		q, add := h.New(t, Lease)
		add("s1", runner.LaneLive)
		first := must(t, q, "w1")
		time.Sleep(Lease + Lease/2)
		second := must(t, q, "w2")
		if second.SubmissionID != "s1" || second.Attempt != 2 || second.Lane != runner.LaneLive {
			t.Fatalf("Next after the lease = %+v; want s1's attempt 2", second)
		}
		if err := q.Extend(ctx(t), "w1", first); !errors.Is(err, runner.ErrClaimLost) {
			t.Errorf("Extend by the worker that lost it = %v; want ErrClaimLost", err)
		}
		if err := q.Extend(ctx(t), "w2", second); err != nil {
			t.Errorf("Extend by the new owner: %v", err)
		}
		if err := q.Ack(ctx(t), second); err != nil {
			t.Fatalf("Ack: %v", err)
		}
		if again, err := next(t, q, "w3", 2*Lease); err == nil {
			t.Errorf("Next after Ack = %+v; want nothing", again)
		}
	})
}

// ctx bounds one call of the queue.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// next calls Next with a ctx that ends after wait.
func next(t *testing.T, q runner.Queue, worker string, wait time.Duration) (runner.Job, error) {
	t.Helper()
	c, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	return q.Next(c, worker)
}

// must returns the next job, failing the test when none comes within 5s.
func must(t *testing.T, q runner.Queue, worker string) runner.Job {
	t.Helper()
	job, err := next(t, q, worker, 5*time.Second)
	if err != nil {
		t.Fatalf("Next(%s): %v", worker, err)
	}
	return job
}
