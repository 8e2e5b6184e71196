package redis

// Regrading's one-off backfill of the per-challenge index.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/runner"
)

// backfillLock is how long one process may take to index old submissions
// before another may try again (if the first died midway).
const backfillLock = 5 * time.Minute

// IndexChallengeSubmissions adds the submissions stored before the
// per-challenge index existed ({prefix}:challenge:{slug}:submissions,
// which a challenge-wide regrade reads) to that index, once per Redis: a
// marker key records that it was done, and a lock keeps two processes
// from doing it together. The unlisted go ahead of the listed ones (they
// predate the index), oldest first. It returns how many it added.
// Submissions made meanwhile index themselves, so none is missed; one
// already listed is not added twice, so an interrupted run can be redone.
func (b *Regrading) IndexChallengeSubmissions(ctx context.Context) (int, error) {
	marker := b.keys.prefix + ":migrated:challenge-index"
	ok, err := b.rdb.SetNX(ctx, marker, "running", backfillLock).Result()
	if err != nil {
		return 0, fmt.Errorf("index challenge submissions: %w", err)
	}
	if !ok {
		return 0, nil // done, or another process is doing it
	}
	type sub struct {
		id      string
		created time.Time
	}
	bySlug := map[string][]sub{}
	prefix := b.keys.submission("")
	iter := b.rdb.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		cmds := make([]*goredis.StringCmd, len(batch))
		if _, err := b.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, k := range batch {
				cmds[i] = p.Get(ctx, k)
			}
			return nil
		}); err != nil && !errors.Is(err, goredis.Nil) {
			return err
		}
		for _, cmd := range cmds {
			var s runner.Submission
			if err := decode(cmd, &s); err != nil {
				continue // gone since the scan, or not a submission record
			}
			if s.Regrade == nil && s.Challenge != "" {
				bySlug[s.Challenge] = append(bySlug[s.Challenge], sub{s.ID, s.CreatedAt})
			}
		}
		batch = batch[:0]
		return nil
	}
	for iter.Next(ctx) {
		if strings.Contains(strings.TrimPrefix(iter.Val(), prefix), ":") {
			continue
		}
		if batch = append(batch, iter.Val()); len(batch) == 500 {
			if err := flush(); err != nil {
				return 0, fmt.Errorf("index challenge submissions: %w", err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return 0, fmt.Errorf("index challenge submissions: scan: %w", err)
	}
	if err := flush(); err != nil {
		return 0, fmt.Errorf("index challenge submissions: %w", err)
	}
	added := 0
	for slug, subs := range bySlug {
		key := b.keys.challengeSubmissions(slug)
		listed, err := b.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return added, fmt.Errorf("index challenge submissions: %s: %w", slug, err)
		}
		have := make(map[string]bool, len(listed))
		for _, id := range listed {
			have[id] = true
		}
		// Newest first, each pushed to the front: the oldest ends up first.
		sort.Slice(subs, func(i, j int) bool { return subs[i].created.After(subs[j].created) })
		var missing []any
		for _, s := range subs {
			if !have[s.id] {
				missing = append(missing, s.id)
			}
		}
		if len(missing) == 0 {
			continue
		}
		if err := b.rdb.LPush(ctx, key, missing...).Err(); err != nil {
			return added, fmt.Errorf("index challenge submissions: %s: %w", slug, err)
		}
		added += len(missing)
	}
	if err := b.rdb.Set(ctx, marker, "done", 0).Err(); err != nil {
		return added, fmt.Errorf("index challenge submissions: mark done: %w", err)
	}
	return added, nil
}
