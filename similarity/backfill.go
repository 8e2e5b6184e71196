package similarity

import (
	"context"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// backfillLock is how long one process may take to queue the old
// submissions before another may try again (if the first died midway).
const backfillLock = 5 * time.Minute

// Backfill queues, once per Redis, the submissions of the given
// challenges (list returns a challenge's submission ids) that are not
// indexed: those recorded before the similarity queue existed. A marker
// key ({prefix}:similarity:backfilled) records that it was done, and
// holds a lock while it runs. A submission queued twice (by this and by
// its result) is indexed once: Add does nothing the second time. It
// returns how many it queued.
func (x *Index) Backfill(ctx context.Context, slugs []string, list func(ctx context.Context, slug string) ([]string, error)) (int, error) {
	rdb := x.cfg.Redis
	marker := x.keys.root() + ":backfilled"
	ok, err := rdb.SetNX(ctx, marker, "running", backfillLock).Result()
	if err != nil {
		return 0, fmt.Errorf("similarity backfill: %w", err)
	}
	if !ok {
		return 0, nil // done, or another process is doing it
	}
	n := 0
	for _, slug := range slugs {
		ids, err := list(ctx, slug)
		if err != nil {
			return n, fmt.Errorf("similarity backfill of %s: %w", slug, err)
		}
		for len(ids) > 0 {
			batch := ids[:min(len(ids), 500)]
			ids = ids[len(batch):]
			keys := make([]string, len(batch))
			for i, id := range batch {
				keys[i] = x.keys.record(id)
			}
			// One EXISTS per id, in one round trip.
			cmds, err := rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for _, k := range keys {
					p.Exists(ctx, k)
				}
				return nil
			})
			if err != nil {
				return n, fmt.Errorf("similarity backfill of %s: %w", slug, err)
			}
			_, err = rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
				for i, c := range cmds {
					if c.(*goredis.IntCmd).Val() == 0 {
						p.XAdd(ctx, &goredis.XAddArgs{Stream: x.keys.Queue(), Values: map[string]any{"id": batch[i]}})
						n++
					}
				}
				return nil
			})
			if err != nil {
				return n, fmt.Errorf("similarity backfill of %s: %w", slug, err)
			}
		}
	}
	if err := rdb.Set(ctx, marker, "done", 0).Err(); err != nil {
		return n, fmt.Errorf("similarity backfill: %w", err)
	}
	return n, nil
}
