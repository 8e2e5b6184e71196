package redis

// Following a submission's status (Submissions.Watch) over pub/sub.

import (
	"context"
	"fmt"
	"time"

	"assay/runner"
)

// watchRecheck is how often Watch reads the state even without an event.
// Pub/sub delivers at most once and go-redis resubscribes silently after a
// dropped connection, so an event can be lost; the recheck bounds how late
// Watch then notices the change.
const watchRecheck = 2 * time.Second

// Watch returns the submission's state as soon as its status is no longer
// from (queued -> running, or running -> done), or its current state, with
// no error, when ctx ends first. It returns an error wrapping
// runner.ErrNotFound for an unknown id. It subscribes before it reads, so a
// change between the two is not missed.
func (b *Submissions) Watch(ctx context.Context, id string, from runner.Status) (runner.State, error) {
	ps := b.rdb.Subscribe(ctx, b.keys.events(id))
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		if ctx.Err() != nil {
			return b.current(ctx, id)
		}
		return runner.State{}, fmt.Errorf("watch %s: subscribe: %w", id, err)
	}
	st, err := b.Get(ctx, id)
	if err != nil || st.Status != from {
		return st, err
	}
	events := ps.Channel()
	recheck := time.NewTicker(watchRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return b.current(ctx, id)
		case _, ok := <-events:
			if !ok {
				return runner.State{}, fmt.Errorf("watch %s: subscription closed", id)
			}
		case <-recheck.C:
		}
		st, err := b.Get(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return b.current(ctx, id)
			}
			return runner.State{}, err
		}
		if st.Status != from {
			return st, nil
		}
	}
}
