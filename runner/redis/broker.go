// Package redis keeps Assay's submissions, their state and results in Redis
// and queues them for the workers on a Redis stream. Its Broker implements
// runner.Queue and runner.Store, and offers the HTTP API what it needs:
// Create, Get, Wait, QueueLength and Ping.
//
// The queue is a stream with one consumer group, so each entry is delivered
// to one worker and stays pending, owned by it, until Ack. A worker that
// dies leaves its entry pending; once the entry has been idle longer than
// the lease, the next worker to ask for a job claims it (XAUTOCLAIM). A
// worker still running a job keeps it by calling Extend within the lease.
// Delivery is therefore at least once; SaveResult's write-once result makes
// the second run of a job harmless.
//
// Key layout: see keys.go.
package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/access"
	"assay/runner"
)

// Defaults for Config's zero values.
const (
	DefaultPrefix = "assay"
	DefaultLease  = 30 * time.Second
	DefaultBlock  = 2 * time.Second
)

// Config says where Redis is and how the queue behaves.
type Config struct {
	URL    string // redis://[user:password@]host:port/db
	Prefix string // key prefix; default "assay"
	// Lease is how long a claimed job may go without Extend before another
	// worker may take it over; default 30s. Workers must extend well within
	// it (every Lease/3, say), and it bounds how long a dead worker's job
	// waits before it is run again.
	Lease time.Duration
	// Block is how long one XREADGROUP waits for new entries; default 2s.
	// Between blocks Next looks for jobs whose lease ran out, so Block also
	// adds to how long a dead worker's job waits.
	Block  time.Duration
	Logger *slog.Logger // default: discard
}

// Broker is the Redis-backed queue and store. It is safe for concurrent use.
type Broker struct {
	rdb  *goredis.Client
	cfg  Config
	keys keys
	log  *slog.Logger

	// The scripts live on the Broker rather than in package variables so
	// the package holds no state of its own.
	createScript       *goredis.Script
	claimSessionScript *goredis.Script
	saveDraftScript    *goredis.Script
	markRunningScript  *goredis.Script
	saveResultScript   *goredis.Script
	attachRefScript    *goredis.Script
	extendScript       *goredis.Script
	boundedPushScript  *goredis.Script
	recordEditsScript  *goredis.Script
}

// Compile-time checks that Broker is what the worker needs.
var (
	_ runner.Queue = (*Broker)(nil)
	_ runner.Store = (*Broker)(nil)
)

// New connects to Redis, checks that it answers, and creates the queue's
// consumer group if it does not exist yet.
func New(ctx context.Context, cfg Config) (*Broker, error) {
	if cfg.URL == "" {
		return nil, errors.New("redis broker: empty URL")
	}
	if cfg.Lease < 0 || cfg.Block < 0 {
		return nil, fmt.Errorf("redis broker: negative lease %v or block %v", cfg.Lease, cfg.Block)
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.Lease == 0 {
		cfg.Lease = DefaultLease
	}
	// Block must never be 0: to Redis, BLOCK 0 means wait forever.
	if cfg.Block == 0 {
		cfg.Block = DefaultBlock
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	opts, err := goredis.ParseURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("redis broker: parse URL: %w", err)
	}
	// While Redis is unreachable, a request should fail fast (the API then
	// answers 503) rather than wait out go-redis's default 5s dial three
	// times. A dial_timeout in the URL wins.
	if !strings.Contains(cfg.URL, "dial_timeout") {
		opts.DialTimeout = 2 * time.Second
	}
	b := &Broker{
		rdb:                goredis.NewClient(opts),
		cfg:                cfg,
		keys:               keys{prefix: cfg.Prefix},
		log:                cfg.Logger,
		createScript:       goredis.NewScript(createLua),
		claimSessionScript: goredis.NewScript(claimSessionLua),
		saveDraftScript:    goredis.NewScript(saveDraftLua),
		markRunningScript:  goredis.NewScript(markRunningLua),
		saveResultScript:   goredis.NewScript(saveResultLua),
		attachRefScript:    goredis.NewScript(attachReferenceLua),
		extendScript:       goredis.NewScript(extendLua),
		boundedPushScript:  goredis.NewScript(boundedPush),
		recordEditsScript:  goredis.NewScript(recordEditsLua),
	}
	if err := b.Ping(ctx); err != nil {
		b.rdb.Close()
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	if err := b.ensureGroup(ctx); err != nil {
		b.rdb.Close()
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	return b, nil
}

// ensureGroup creates the stream and its consumer group unless they exist.
// The group starts at id 0, not $, so that entries added before the group
// existed (after a Redis restart that lost the group, say) are delivered.
func (b *Broker) ensureGroup(ctx context.Context) error {
	for _, lane := range lanes() {
		err := b.rdb.XGroupCreateMkStream(ctx, b.keys.lane(lane), group, "0").Err()
		if err != nil && !goredis.HasErrorPrefix(err, "BUSYGROUP") {
			return fmt.Errorf("create consumer group on %s: %w", b.keys.lane(lane), err)
		}
	}
	return nil
}

// Close closes the connections to Redis.
func (b *Broker) Close() error { return b.rdb.Close() }

// Ping checks that Redis answers.
func (b *Broker) Ping(ctx context.Context) error {
	if err := b.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	return nil
}

// Create stores the submission and enqueues it in one atomic step, so that
// no submission is stored but never run and no job lacks its record. It
// returns an error wrapping runner.ErrConflict if the id is taken.
func (b *Broker) Create(ctx context.Context, s runner.Submission) error {
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
func (b *Broker) CreateIdempotent(ctx context.Context, s runner.Submission, key, fingerprint string) (string, error) {
	if key == "" || strings.ContainsAny(fingerprint, " ") || fingerprint == "" {
		return "", errors.New("enqueue: idempotency key and a fingerprint without spaces are required")
	}
	return b.create(ctx, s, key, fingerprint)
}

func (b *Broker) create(ctx context.Context, s runner.Submission, key, fingerprint string) (string, error) {
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
		inv, err := b.Invitation(ctx, s.Invitation)
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
func (b *Broker) Get(ctx context.Context, id string) (runner.State, error) {
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

// manyChunk bounds one MULTI/EXEC of GetMany: a report of thousands of
// submissions is read in a few round trips, none holding Redis long.
const manyChunk = 64

// GetMany reads the states of ids (each as Get would, each at one instant)
// in one round trip per manyChunk ids instead of one per id. An id without a
// submission is left out of the map.
func (b *Broker) GetMany(ctx context.Context, ids []string) (map[string]runner.State, error) {
	out := make(map[string]runner.State, len(ids))
	for chunk := range slices.Chunk(ids, manyChunk) {
		reads := make([]stateReads, len(chunk))
		_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for i, id := range chunk {
				reads[i] = b.readState(ctx, p, id)
			}
			return nil
		})
		if err != nil && !errors.Is(err, goredis.Nil) {
			return nil, fmt.Errorf("get %d submissions: %w", len(chunk), err)
		}
		for i, id := range chunk {
			st, err := reads[i].state(id)
			if errors.Is(err, runner.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out[id] = st
		}
	}
	return out, nil
}

// stateReads are the three reads a submission's state is made of.
type stateReads struct {
	sub, res *goredis.StringCmd
	fields   *goredis.MapStringStringCmd
}

func (b *Broker) readState(ctx context.Context, p goredis.Pipeliner, id string) stateReads {
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
func (b *Broker) QueueLength(ctx context.Context) (int64, error) {
	n, err := b.rdb.XLen(ctx, b.keys.queue()).Result()
	if err != nil {
		return 0, fmt.Errorf("queue length: %w", err)
	}
	return n, nil
}

// RunQueueLength returns how many Runs are queued or running.
func (b *Broker) RunQueueLength(ctx context.Context) (int64, error) {
	n, err := b.rdb.XLen(ctx, b.keys.lane(runner.LaneRun)).Result()
	if err != nil {
		return 0, fmt.Errorf("run queue length: %w", err)
	}
	return n, nil
}

// RegradeQueueLength returns how many regrade jobs are queued or running.
func (b *Broker) RegradeQueueLength(ctx context.Context) (int64, error) {
	n, err := b.rdb.XLen(ctx, b.keys.lane(runner.LaneRegrade)).Result()
	if err != nil {
		return 0, fmt.Errorf("regrade queue length: %w", err)
	}
	return n, nil
}

// decode unmarshals a GET's JSON into v, and turns a missing key into
// runner.ErrNotFound.
func decode(cmd *goredis.StringCmd, v any) error {
	data, err := cmd.Bytes()
	if errors.Is(err, goredis.Nil) {
		return runner.ErrNotFound
	}
	if err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
