package redis

import (
	"context"
	"fmt"
	"time"

	"assay/runner"
)

// waitRecheck is how often Wait reads the state even without an event. Pub/sub
// delivers at most once and go-redis resubscribes silently after a dropped
// connection, so an event can be lost; the recheck bounds how late Wait then
// notices the result.
const waitRecheck = 5 * time.Second

// Wait returns the submission's state as soon as it is done, or its current
// state, with no error, when ctx ends first: a long poll that times out is
// an answer, not a failure. It returns an error wrapping runner.ErrNotFound
// for an unknown id.
func (b *Broker) Wait(ctx context.Context, id string) (runner.State, error) {
	// Subscribe, and wait for Redis to confirm it, before reading the
	// state: a result saved between a read and a later subscription would
	// publish its event to no one and Wait would miss it.
	ps := b.rdb.Subscribe(ctx, b.keys.events(id))
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		if ctx.Err() != nil {
			return b.current(ctx, id)
		}
		return runner.State{}, fmt.Errorf("wait %s: subscribe: %w", id, err)
	}
	st, err := b.Get(ctx, id)
	if err != nil || st.Status == runner.StatusDone {
		return st, err
	}
	events := ps.Channel()
	recheck := time.NewTicker(waitRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-ctx.Done():
			return b.current(ctx, id)
		case msg, ok := <-events:
			if !ok {
				return runner.State{}, fmt.Errorf("wait %s: subscription closed", id)
			}
			if msg.Payload != string(runner.StatusDone) {
				continue
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
		if st.Status == runner.StatusDone {
			return st, nil
		}
	}
}

// current reads the state once more after ctx has ended, on a context that
// keeps ctx's values but not its end, bounded so it cannot hang.
func (b *Broker) current(ctx context.Context, id string) (runner.State, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	return b.Get(ctx, id)
}
