package redis

// Results: what a worker records about the submission it runs. It reads
// the submission, marks it running, saves its result once (which also
// announces it, counts a regrade's progress and queues it for the
// similarity index, in one script) and attaches the reference's timing.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"assay/runner"
)

// Results is the worker's store: it implements runner.Store.
type Results struct{ *shared }

var _ runner.Store = (*Results)(nil)

// Submission returns a stored submission, or an error wrapping
// runner.ErrNotFound.
func (b *Results) Submission(ctx context.Context, id string) (runner.Submission, error) {
	var s runner.Submission
	if err := decode(b.rdb.Get(ctx, b.keys.submission(id)), &s); err != nil {
		return runner.Submission{}, fmt.Errorf("submission %s: %w", id, err)
	}
	return s, nil
}

// MarkRunning records that worker started the submission at the given time
// and publishes the change. It does nothing to a submission that already
// has a result, and returns an error wrapping runner.ErrNotFound for an
// unknown id.
func (b *Results) MarkRunning(ctx context.Context, id, worker string, at time.Time) error {
	n, err := b.markRunningScript.Run(ctx, b.rdb,
		[]string{b.keys.submission(id), b.keys.state(id), b.keys.result(id)},
		worker, formatTime(at), b.keys.events(id), string(runner.StatusRunning),
	).Int()
	if err != nil {
		return fmt.Errorf("mark %s running: %w", id, err)
	}
	if n < 0 {
		return fmt.Errorf("mark %s running: %w", id, runner.ErrNotFound)
	}
	return nil
}

// SaveResult records r unless a result for its submission is already
// recorded, marks the submission done and publishes the change. It reports
// whether this call recorded the result; a second call returns false and
// changes nothing, so a job run twice (after its lease ran out) keeps its
// first result. A result for an unknown submission is refused with an error
// wrapping runner.ErrNotFound rather than stored where nothing reaches it.
func (b *Results) SaveResult(ctx context.Context, r runner.Result) (bool, error) {
	id := r.SubmissionID
	if id == "" {
		return false, errors.New("save result: empty submission id")
	}
	data, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("save result %s: %w", id, err)
	}
	startedAt := ""
	if !r.StartedAt.IsZero() {
		startedAt = formatTime(r.StartedAt)
	}
	dead := "0"
	if r.DeadLettered {
		dead = "1"
	}
	progress, outcomes, previous := "", "", ""
	if r.Regrade != nil {
		progress, outcomes, previous = b.keys.regradeProgress(r.Regrade.ID), b.keys.regradeOutcomes(r.Regrade.ID), string(r.Regrade.PreviousVerdict)
	}
	notify, similar := b.keys.notify(), b.keys.similarityQueue()
	if r.Mode == runner.ModeRun {
		notify, similar = "", "" // a Run is not announced nor compared: it is not an attempt
	}
	n, err := b.saveResultScript.Run(ctx, b.rdb,
		[]string{b.keys.submission(id), b.keys.state(id), b.keys.result(id), b.keys.deadLetter(), notify, progress, outcomes, similar},
		data, r.Worker, startedAt, b.keys.events(id), string(runner.StatusDone), dead, id,
		string(r.Verdict), previous, fmt.Sprintf("%d %d", r.Passed, r.Total),
	).Int()
	if err != nil {
		return false, fmt.Errorf("save result %s: %w", id, err)
	}
	if n < 0 {
		return false, fmt.Errorf("save result %s: %w", id, runner.ErrNotFound)
	}
	return n == 1, nil
}

// AttachReference adds the reference's timing run to the recorded result
// of submission id, in one script: the stored result is otherwise left as
// it is, byte for byte. It reports whether it attached t; it does nothing
// (false, nil) when no result is recorded (a result is never created
// here) or the result already has a reference timing (never replaced).
// Nothing is published: waiters and webhooks learned of the result when
// it was recorded, and readers see the timing from now on.
func (b *Results) AttachReference(ctx context.Context, id string, t *runner.ReferenceTiming) (bool, error) {
	if id == "" || t == nil {
		return false, errors.New("attach reference: empty submission id or timing")
	}
	data, err := json.Marshal(t)
	if err != nil {
		return false, fmt.Errorf("attach reference %s: %w", id, err)
	}
	n, err := b.attachRefScript.Run(ctx, b.rdb, []string{b.keys.result(id)}, data).Int()
	if err != nil {
		return false, fmt.Errorf("attach reference %s: %w", id, err)
	}
	return n == 1, nil
}

// formatTime writes times in UTC with full precision, so they read back
// equal to what was written.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// DeadLetters returns the ids of submissions given up on after too many
// attempts, oldest first.
func (b *Results) DeadLetters(ctx context.Context) ([]string, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.deadLetter(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("dead letters: %w", err)
	}
	return ids, nil
}
