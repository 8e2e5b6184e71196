package redis

// Waiting for a submission's result (Submissions.Wait).

import (
	"context"
	"fmt"

	"assay/runner"
)

// Wait returns the submission's state as soon as it is done, or its current
// state, with no error, when ctx ends first: a long poll that times out is
// an answer, not a failure. It returns an error wrapping runner.ErrNotFound
// for an unknown id. It follows the status through Watch (watch.go), which
// subscribes before it reads, so no change is missed.
func (b *Submissions) Wait(ctx context.Context, id string) (runner.State, error) {
	st, err := b.Watch(ctx, id, runner.StatusQueued)
	for err == nil && st.Status != runner.StatusDone && ctx.Err() == nil {
		st, err = b.Watch(ctx, id, st.Status)
	}
	if err != nil {
		return runner.State{}, fmt.Errorf("wait: %w", err)
	}
	return st, nil
}

// current reads the state once more after ctx has ended, on a context that
// keeps ctx's values but not its end, bounded so it cannot hang.
func (b *Submissions) current(ctx context.Context, id string) (runner.State, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	return b.Get(ctx, id)
}
