package similarity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/internal/wait"
	"assay/runner"
)

// group is the consumer group of the similarity queue.
const group = "similarity"

// Submissions loads a recorded submission.
type Submissions interface {
	Submission(ctx context.Context, id string) (runner.Submission, error)
}

// Scaffolds returns the scaffolding of one challenge version (an error
// wrapping runner.ErrNotFound when the version is unknown).
type Scaffolds interface {
	Scaffold(ctx context.Context, slug, version string) (Scaffold, error)
}

// Indexer indexes each recorded submission once, off the request path:
// SaveResult's script adds the submission to the queue in the same step
// as its result, and the indexer reads it through a consumer group,
// acknowledging it only after Index.Add; an entry whose indexer died is
// taken over after ReclaimIdle, and Add does nothing the second time.
type Indexer struct {
	Index       *Index
	Submissions Submissions
	Scaffolds   Scaffolds
	Consumer    string        // this process's name in the group
	ReclaimIdle time.Duration // default 1 minute
	Block       time.Duration // longest wait for a new entry; default 2s
	// MaxDeliveries bounds the tries of one entry (default 5): an entry
	// that failed that often is logged and dropped, so a poisoned one is
	// not retried every ReclaimIdle forever.
	MaxDeliveries int64
	// IncludeStaff indexes submissions made by interviewers too (by
	// default they are left out: staff try the challenges themselves).
	IncludeStaff bool
	Logger       *slog.Logger

	// prepared caches the scaffolding of the versions seen last (Step is
	// not called concurrently: Run calls it in one goroutine).
	prepared map[string]*Prepared
}

// prepare returns the version's scaffolding, hashed once.
func (ix *Indexer) prepare(ctx context.Context, slug, version string) (*Prepared, error) {
	key := slug + "@" + version
	if pr, ok := ix.prepared[key]; ok {
		return pr, nil
	}
	sc, err := ix.Scaffolds.Scaffold(ctx, slug, version)
	if err != nil {
		return nil, err
	}
	if ix.prepared == nil || len(ix.prepared) >= 32 {
		ix.prepared = map[string]*Prepared{}
	}
	pr := sc.Prepare(ix.Index.cfg.Params)
	ix.prepared[key] = pr
	return pr, nil
}

// Run indexes until ctx ends; it returns nil then. Redis errors are
// logged and retried every second.
func (ix *Indexer) Run(ctx context.Context) error {
	log := ix.logger()
	failing := false
	for ctx.Err() == nil {
		err := ix.Step(ctx)
		if err == nil || ctx.Err() != nil {
			if failing && err == nil {
				log.Info("similarity indexing is back")
				failing = false
			}
			continue
		}
		if !failing {
			log.Warn("similarity indexing failed; retrying every second", slog.Any("err", err))
			failing = true
		}
		_ = wait.Sleep(ctx, time.Second)
	}
	return nil
}

// Step takes one entry off the queue (waiting up to Block) and indexes it.
func (ix *Indexer) Step(ctx context.Context) error {
	rdb, queue := ix.Index.cfg.Redis, ix.Index.Queue()
	if err := rdb.XGroupCreateMkStream(ctx, queue, group, "0").Err(); err != nil && !goredis.HasErrorPrefix(err, "BUSYGROUP") {
		return fmt.Errorf("similarity queue: create group: %w", err)
	}
	idle := ix.ReclaimIdle
	if idle <= 0 {
		idle = time.Minute
	}
	block := ix.Block
	if block <= 0 {
		block = 2 * time.Second
	}
	msgs, _, err := rdb.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
		Stream: queue, Group: group, Consumer: ix.Consumer, MinIdle: idle, Start: "0-0", Count: 1,
	}).Result()
	if err != nil {
		return fmt.Errorf("similarity queue: reclaim: %w", err)
	}
	for _, m := range msgs {
		// A taken-over entry: how often was it delivered?
		p, err := rdb.XPendingExt(ctx, &goredis.XPendingExtArgs{Stream: queue, Group: group, Start: m.ID, End: m.ID, Count: 1}).Result()
		if err != nil {
			return fmt.Errorf("similarity queue: pending %s: %w", m.ID, err)
		}
		limit := ix.MaxDeliveries
		if limit <= 0 {
			limit = 5
		}
		if len(p) == 1 && p[0].RetryCount > limit {
			id, _ := m.Values["id"].(string)
			ix.logger().Error("similarity: submission given up on after repeated failures; not compared",
				slog.String("submission", id), slog.Int64("deliveries", p[0].RetryCount))
			return ix.ack(ctx, m.ID)
		}
	}
	if len(msgs) == 0 {
		streams, err := rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{
			Group: group, Consumer: ix.Consumer, Streams: []string{queue, ">"}, Count: 1, Block: block,
		}).Result()
		if errors.Is(err, goredis.Nil) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("similarity queue: read: %w", err)
		}
		for _, s := range streams {
			msgs = append(msgs, s.Messages...)
		}
	}
	for _, m := range msgs {
		id, _ := m.Values["id"].(string)
		if err := ix.index(ctx, id); err != nil {
			return err // left pending: taken over after ReclaimIdle
		}
		if err := ix.ack(ctx, m.ID); err != nil {
			return err
		}
	}
	return nil
}

// ack removes an entry that is done with.
func (ix *Indexer) ack(ctx context.Context, entry string) error {
	rdb, queue := ix.Index.cfg.Redis, ix.Index.Queue()
	_, err := rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAck(ctx, queue, group, entry)
		p.XDel(ctx, queue, entry)
		return nil
	})
	if err != nil {
		return fmt.Errorf("similarity queue: ack %s: %w", entry, err)
	}
	return nil
}

func (ix *Indexer) logger() *slog.Logger {
	if ix.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return ix.Logger
}

// index indexes one submission; what cannot be indexed ever (gone, a Run,
// staff's, a challenge version no longer known) is logged and skipped.
func (ix *Indexer) index(ctx context.Context, id string) error {
	log := ix.logger()
	s, err := ix.Submissions.Submission(ctx, id)
	if errors.Is(err, runner.ErrNotFound) {
		log.Warn("similarity: submission not found; skipped", slog.String("submission", id))
		return nil
	}
	if err != nil {
		return fmt.Errorf("similarity: load %s: %w", id, err)
	}
	if s.Mode == runner.ModeRun || s.Regrade != nil || (s.Interviewer != "" && !ix.IncludeStaff) {
		return nil
	}
	pr, err := ix.prepare(ctx, s.Challenge, s.ChallengeVersion)
	if errors.Is(err, runner.ErrNotFound) {
		log.Warn("similarity: challenge version not found; submission skipped", slog.String("submission", id),
			slog.String("challenge", s.Challenge), slog.String("version", s.ChallengeVersion))
		return nil
	}
	if err != nil {
		return fmt.Errorf("similarity: scaffolding of %s: %w", id, err)
	}
	a := pr.Analyze(s.Files)
	matches, added, err := ix.Index.Add(ctx, Record{
		ID: s.ID, Challenge: s.Challenge, Version: s.ChallengeVersion, Author: s.Invitation, IndexedAt: time.Now().UTC(),
	}, a)
	if err != nil {
		return err
	}
	if added && len(matches) > 0 {
		log.Info("similarity: pairs found", slog.String("submission", id), slog.Int("pairs", len(matches)))
	}
	return nil
}
