// Package redis keeps Assay's state in Redis (go-redis/v9): submissions,
// their queue, state and results, and around them the accounts, sessions,
// drafts, editor recordings, reviews, regrades, challenge versions and
// webhook events. Every key is listed in keys.go, every Lua script beside
// what runs it (most in scripts.go).
//
// One Broker owns the connection to Redis and is made of one type per
// concern, each in its own file and each sharing the Broker's client:
//
//	Queue          queue.go       the workers' queue (runner.Queue): Next, Extend, Ack
//	Submissions    submissions.go create and queue a submission, read its state, wait
//	                              for it (wait.go, watch.go), the queue's length (api.Submissions)
//	Results        store.go       what a worker records: running, the result, the
//	                              reference's timing (runner.Store); the dead letters
//	Accounts       accounts.go    tokens, interviewers, assessments, invitations and
//	                              their submissions and Runs
//	RateLimit      ratelimit.go   the fixed-window rate limit (Allow)
//	Sessions       sessions.go    timed sessions: start, more time, the ended ones to close
//	Drafts         drafts.go      a candidate's latest draft and its history
//	Recordings     edits.go       what candidates' editors record (api.Recordings)
//	Reviews        review.go      revocations, new links, notes, decisions (api.Reviews)
//	Regrading      regrade.go     regrades and the per-challenge index they read,
//	                              backfilled once (backfill.go) (api.Regrades)
//	Challenges     challenges.go  every version of every challenge, and publication
//	                              (challenges.VersionStore)
//	Notifications  notify.go      the results to announce by webhook and the delivery
//	                              records (webhook.Store with Get; api.Deliveries)
//
// The Broker embeds them all, so a *Broker has every method and serves a
// port that spans concerns (api.Accounts, session.Store, webhook.Store);
// where a port is one concern, the wiring can hand out that part alone
// (broker.Queue, broker.Results). The methods keep the receiver name b:
// each type is one part of the Broker.
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
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

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

// shared is what every part of the Broker holds: the one client, the
// configuration, the key names, the logger and the Lua scripts.
type shared struct {
	rdb  *goredis.Client
	cfg  Config
	keys keys
	log  *slog.Logger

	// The scripts live here rather than in package variables so the
	// package holds no state of its own.
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

// Broker is Assay's state on Redis: it owns the client, and its parts (one
// per concern, see the package documentation) share it. It is safe for
// concurrent use.
type Broker struct {
	*shared

	*Queue
	*Submissions
	*Results
	*Accounts
	*RateLimit
	*Sessions
	*Drafts
	*Recordings
	*Reviews
	*Regrading
	*Challenges
	*Notifications
}

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
	sh := &shared{
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
	accounts, sessions := &Accounts{sh}, &Sessions{sh}
	b := &Broker{
		shared:        sh,
		Queue:         &Queue{sh},
		Submissions:   &Submissions{shared: sh, accounts: accounts},
		Results:       &Results{sh},
		Accounts:      accounts,
		RateLimit:     &RateLimit{sh},
		Sessions:      sessions,
		Drafts:        &Drafts{sh},
		Recordings:    &Recordings{sh},
		Reviews:       &Reviews{shared: sh, sessions: sessions},
		Regrading:     &Regrading{sh},
		Challenges:    &Challenges{sh},
		Notifications: &Notifications{sh},
	}
	if err := b.Ping(ctx); err != nil {
		b.rdb.Close()
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	if err := b.Queue.ensureGroup(ctx); err != nil {
		b.rdb.Close()
		return nil, fmt.Errorf("redis broker: %w", err)
	}
	return b, nil
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

// listJSON reads a list of JSON values, oldest first.
func listJSON[T any](ctx context.Context, rdb *goredis.Client, key string) ([]T, error) {
	raw, err := rdb.LRange(ctx, key, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	out := make([]T, 0, len(raw))
	for _, s := range raw {
		var v T
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, fmt.Errorf("read %s: %w", key, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// getJSONs reads the JSON record of each id (its key from key) in one
// round trip, in ids' order; a missing one is an error wrapping
// runner.ErrNotFound that names it (what (kind) and which).
func getJSONs[T any](ctx context.Context, rdb *goredis.Client, what string, ids []string, key func(string) string) ([]T, error) {
	if len(ids) == 0 {
		return []T{}, nil
	}
	cmds := make([]*goredis.StringCmd, len(ids))
	_, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.Get(ctx, key(id))
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("read %d %ss: %w", len(ids), what, err)
	}
	out := make([]T, len(ids))
	for i, id := range ids {
		if err := decode(cmds[i], &out[i]); err != nil {
			return nil, fmt.Errorf("%s %s: %w", what, id, err)
		}
	}
	return out, nil
}
