package redis

// Submissions: what the API does with a submission. Create stores one and
// queues it in one script (createLua), Get and GetMany read its state,
// Wait and Watch (wait.go, watch.go) follow it, and QueueLength and
// RunQueueLength say how busy the workers are. It implements api.Submissions.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/access"
	"assay/runner"
)

// Submissions creates, queues and reads submissions: the API's side of
// the queue. A candidate's submission is checked against its invitation's
// attempt limit, which it reads from Accounts.
type Submissions struct {
	*shared
	accounts *Accounts
}

// Create stores the submission and enqueues it in one atomic step, so that
// no submission is stored but never run and no job lacks its record. It
// returns an error wrapping runner.ErrConflict if the id is taken.
func (b *Submissions) Create(ctx context.Context, s runner.Submission) error {
	_, err := b.create(ctx, s, "", "")
	return err
}

// IdempotencyTTL is how long an idempotency key names its submission.
const IdempotencyTTL = 24 * time.Hour

// CreateIdempotent is Create for a request that carries an idempotency
// key: the first request with the key creates s and returns its id; a
// later one with the same key and fingerprint (a hash of what was asked)
// creates nothing and returns the first submission's id; one with the same
// key but another fingerprint gets an error wrapping runner.ErrKeyReused.
// The check and the create are one atomic step, so two concurrent retries
// cannot both create.
func (b *Submissions) CreateIdempotent(ctx context.Context, s runner.Submission, key, fingerprint string) (string, error) {
	if key == "" || strings.ContainsAny(fingerprint, " ") || fingerprint == "" {
		return "", errors.New("enqueue: idempotency key and a fingerprint without spaces are required")
	}
	return b.create(ctx, s, key, fingerprint)
}

func (b *Submissions) create(ctx context.Context, s runner.Submission, key, fingerprint string) (string, error) {
	if s.ID == "" {
		return "", errors.New("enqueue: empty submission id")
	}
	data, err := json.Marshal(s)
	if err != nil {
		return "", fmt.Errorf("enqueue %s: %w", s.ID, err)
	}
	idemKey := ""
	if key != "" {
		idemKey = b.keys.idempotency(key)
	}
	attemptsKey, listKey, limit := "", "", 0
	queue, challengeKey := b.keys.queue(), b.keys.challengeSubmissions(s.Challenge)
	if s.Mode == runner.ModeRun {
		// A Run: its own lane, not an attempt, never regraded.
		queue, challengeKey = b.keys.lane(runner.LaneRun), ""
		if s.Invitation != "" {
			listKey = b.keys.invitationRuns(s.Invitation)
		}
	} else if s.Invitation != "" {
		inv, err := b.accounts.Invitation(ctx, s.Invitation)
		if err != nil {
			return "", fmt.Errorf("enqueue %s: %w", s.ID, err)
		}
		attemptsKey, listKey, limit = b.keys.invitationAttempts(s.Invitation), b.keys.invitationSubmissions(s.Invitation), inv.AttemptLimit
	}
	reply, err := b.createScript.Run(ctx, b.rdb,
		[]string{b.keys.submission(s.ID), b.keys.state(s.ID), queue, idemKey, attemptsKey, listKey, challengeKey},
		data, s.ID, string(runner.StatusQueued), fingerprint+" "+s.ID, int64(IdempotencyTTL/time.Second), s.Challenge, limit,
	).Slice()
	if err != nil {
		return "", fmt.Errorf("enqueue %s: %w", s.ID, err)
	}
	code, _ := reply[0].(int64)
	switch code {
	case 1:
		return s.ID, nil
	case 2:
		rec, _ := reply[1].(string)
		prevPrint, prevID, _ := strings.Cut(rec, " ")
		if prevPrint != fingerprint {
			return "", fmt.Errorf("enqueue: idempotency key %q: %w", key, runner.ErrKeyReused)
		}
		return prevID, nil
	case 3:
		return "", fmt.Errorf("enqueue %s: %d attempts at %s: %w", s.ID, limit, s.Challenge, access.ErrNoAttemptsLeft)
	}
	return "", fmt.Errorf("enqueue %s: %w", s.ID, runner.ErrConflict)
}

// Get returns what is known about a submission, or an error wrapping
// runner.ErrNotFound.
func (b *Submissions) Get(ctx context.Context, id string) (runner.State, error) {
	// MULTI/EXEC reads the three keys at one instant, so a result saved
	// between the reads cannot leave the state half updated.
	var r stateReads
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		r = b.readState(ctx, p, id)
		return nil
	})
	// A missing key makes its GET, and so the pipeline, report Nil; the
	// individual commands say which one.
	if err != nil && !errors.Is(err, goredis.Nil) {
		return runner.State{}, fmt.Errorf("get %s: %w", id, err)
	}
	return r.state(id)
}

// manyChunk bounds one MULTI/EXEC of a list's reads (readChunked): a
// report of thousands of submissions is read in a few round trips, none
// holding Redis long.
const manyChunk = 64

// readChunked queues read's commands for every id, in one MULTI/EXEC per
// manyChunk ids (so each id's reads see one instant), and returns what
// read returned for each, in ids' order, its commands done. what names
// the records in an error.
func readChunked[R any](ctx context.Context, rdb *goredis.Client, what string, ids []string, read func(p goredis.Pipeliner, id string) R) ([]R, error) {
	out := make([]R, 0, len(ids))
	for chunk := range slices.Chunk(ids, manyChunk) {
		reads := make([]R, len(chunk))
		_, err := rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range chunk {
				reads[i] = read(p, id)
			}
			return nil
		})
		if err != nil && !errors.Is(err, goredis.Nil) {
			return nil, fmt.Errorf("read %d %s: %w", len(chunk), what, err)
		}
		out = append(out, reads...)
	}
	return out, nil
}

// GetMany reads the states of ids (each as Get would, each at one instant)
// in one round trip per manyChunk ids instead of one per id. An id without a
// submission is left out of the map.
func (b *Submissions) GetMany(ctx context.Context, ids []string) (map[string]runner.State, error) {
	reads, err := readChunked(ctx, b.rdb, "submissions", ids, func(p goredis.Pipeliner, id string) stateReads {
		return b.readState(ctx, p, id)
	})
	if err != nil {
		return nil, err
	}
	out := make(map[string]runner.State, len(ids))
	for i, id := range ids {
		st, err := reads[i].state(id)
		if errors.Is(err, runner.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, nil
}

// stateReads are the three reads a submission's state is made of.
type stateReads struct {
	sub, res *goredis.StringCmd
	fields   *goredis.MapStringStringCmd
}

func (b *Submissions) readState(ctx context.Context, p goredis.Pipeliner, id string) stateReads {
	return stateReads{
		sub:    p.Get(ctx, b.keys.submission(id)),
		fields: p.HGetAll(ctx, b.keys.state(id)),
		res:    p.Get(ctx, b.keys.result(id)),
	}
}

// state assembles the reads once the pipeline ran; runner.ErrNotFound (wrapped)
// when there is no such submission.
func (r stateReads) state(id string) (runner.State, error) {
	var st runner.State
	if err := decode(r.sub, &st.Submission); err != nil {
		return runner.State{}, fmt.Errorf("get %s: submission: %w", id, err)
	}
	fields := r.fields.Val()
	st.Status = runner.Status(fields[fieldStatus])
	if st.Status == "" {
		st.Status = runner.StatusQueued
	}
	st.Worker = fields[fieldWorker]
	if v := fields[fieldStartedAt]; v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return runner.State{}, fmt.Errorf("get %s: started_at: %w", id, err)
		}
		st.StartedAt = &t
	}
	var res runner.Result
	switch err := decode(r.res, &res); {
	case err == nil:
		// The result is the truth: it is written in the same script that
		// sets status done, but it is the record that cannot be lost.
		st.Status = runner.StatusDone
		st.Result = &res
	case errors.Is(err, runner.ErrNotFound):
	default:
		return runner.State{}, fmt.Errorf("get %s: result: %w", id, err)
	}
	return st, nil
}

// QueueLength returns how many live jobs are queued or running: entries
// stay in the stream until Ack deletes them, so XLEN counts both. Regrade
// jobs are not counted (see RegradeQueueLength): a regrade in progress must
// not make the API turn candidates away.
func (b *Submissions) QueueLength(ctx context.Context) (int64, error) {
	n, err := b.rdb.XLen(ctx, b.keys.queue()).Result()
	if err != nil {
		return 0, fmt.Errorf("queue length: %w", err)
	}
	return n, nil
}

// RunQueueLength returns how many Runs are queued or running.
func (b *Submissions) RunQueueLength(ctx context.Context) (int64, error) {
	n, err := b.rdb.XLen(ctx, b.keys.lane(runner.LaneRun)).Result()
	if err != nil {
		return 0, fmt.Errorf("run queue length: %w", err)
	}
	return n, nil
}
