package redis

// Regrading: regrades copy a challenge's earlier submissions and run them
// again, against a newer version, on the queue's regrade lane. The copies'
// results count the regrade's progress in SaveResult's script (store.go).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"assay/runner"
)

// Regrading keeps regrades and the per-challenge index of submissions
// they read (backfilled once by IndexChallengeSubmissions, backfill.go):
// it implements api.Regrades. (Not "Regrades": the Broker embeds it, and
// a field of that name would hide the method Regrades.)
type Regrading struct{ *shared }

// regradeBatch is how many copies one MULTI/EXEC writes: large enough to
// queue thousands quickly, small enough not to hold Redis up.
const regradeBatch = 100

// ChallengeSubmissions lists the ids of a challenge's submissions, oldest
// first (regrade copies are not listed).
func (b *Regrading) ChallengeSubmissions(ctx context.Context, slug string) ([]string, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.challengeSubmissions(slug), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("submissions of %s: %w", slug, err)
	}
	return ids, nil
}

// CreateRegrade records rg, then stores each copy and queues it on the
// regrade lane, with its item (items[i] describes copies[i]). Each batch
// of copies is written in one MULTI/EXEC, so a copy is never stored
// without being queued or listed; if the process dies midway, the
// regrade's progress shows fewer queued than its total. It returns an
// error wrapping runner.ErrConflict if rg.ID is taken.
func (b *Regrading) CreateRegrade(ctx context.Context, rg runner.Regrade, copies []runner.Submission, items []runner.RegradeItem) error {
	if rg.ID == "" || len(copies) != len(items) || rg.Total != len(copies) {
		return errors.New("create regrade: empty id, or copies, items and total disagree")
	}
	data, err := json.Marshal(rg)
	if err != nil {
		return fmt.Errorf("create regrade %s: %w", rg.ID, err)
	}
	ok, err := b.rdb.SetNX(ctx, b.keys.regrade(rg.ID), data, 0).Result()
	if err != nil {
		return fmt.Errorf("create regrade %s: %w", rg.ID, err)
	}
	if !ok {
		return fmt.Errorf("create regrade %s: %w", rg.ID, runner.ErrConflict)
	}
	_, err = b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.RPush(ctx, b.keys.regrades(), rg.ID)
		p.HSet(ctx, b.keys.regradeProgress(rg.ID), "queued", 0)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create regrade %s: %w", rg.ID, err)
	}
	for start := 0; start < len(copies); start += regradeBatch {
		end := min(start+regradeBatch, len(copies))
		_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
			for i := start; i < end; i++ {
				s := copies[i]
				if s.Regrade == nil || s.Regrade.ID != rg.ID {
					return fmt.Errorf("copy %s does not belong to regrade %s", s.ID, rg.ID)
				}
				sub, err := json.Marshal(s)
				if err != nil {
					return err
				}
				item, err := json.Marshal(items[i])
				if err != nil {
					return err
				}
				p.Set(ctx, b.keys.submission(s.ID), sub, 0)
				p.HSet(ctx, b.keys.state(s.ID), fieldStatus, string(runner.StatusQueued))
				p.XAdd(ctx, &goredis.XAddArgs{Stream: b.keys.lane(runner.LaneRegrade), Values: []any{fieldID, s.ID}})
				p.RPush(ctx, b.keys.regradeItems(rg.ID), item)
				p.RPush(ctx, b.keys.regradesOf(s.Regrade.Of), s.ID)
			}
			p.HIncrBy(ctx, b.keys.regradeProgress(rg.ID), "queued", int64(end-start))
			return nil
		})
		if err != nil {
			return fmt.Errorf("create regrade %s: queue copies %d-%d of %d: %w", rg.ID, start+1, end, len(copies), err)
		}
	}
	return nil
}

// Regrade returns a regrade and its progress, or an error wrapping
// runner.ErrNotFound.
func (b *Regrading) Regrade(ctx context.Context, id string) (runner.Regrade, runner.RegradeProgress, error) {
	var r regradeReads
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		r = b.readRegrade(ctx, p, id)
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return runner.Regrade{}, runner.RegradeProgress{}, fmt.Errorf("regrade %s: %w", id, err)
	}
	return r.parse(id)
}

// regradeReads are the two reads a regrade and its progress are made of.
type regradeReads struct {
	rec  *goredis.StringCmd
	prog *goredis.MapStringStringCmd
}

func (b *Regrading) readRegrade(ctx context.Context, p goredis.Pipeliner, id string) regradeReads {
	return regradeReads{rec: p.Get(ctx, b.keys.regrade(id)), prog: p.HGetAll(ctx, b.keys.regradeProgress(id))}
}

func (r regradeReads) parse(id string) (runner.Regrade, runner.RegradeProgress, error) {
	var rg runner.Regrade
	if err := decode(r.rec, &rg); err != nil {
		return runner.Regrade{}, runner.RegradeProgress{}, fmt.Errorf("regrade %s: %w", id, err)
	}
	pr := runner.RegradeProgress{Verdicts: map[runner.Verdict]int{}}
	for k, v := range r.prog.Val() {
		n, err := strconv.Atoi(v)
		if err != nil {
			return runner.Regrade{}, runner.RegradeProgress{}, fmt.Errorf("regrade %s: progress %s=%q: %w", id, k, v, err)
		}
		switch {
		case k == "queued":
			pr.Queued = n
		case k == "done":
			pr.Done = n
		case k == "changed":
			pr.Changed = n
		case strings.HasPrefix(k, "verdict:"):
			pr.Verdicts[runner.Verdict(strings.TrimPrefix(k, "verdict:"))] = n
		}
	}
	pr.Completed = pr.Queued == rg.Total && pr.Done == rg.Total
	return rg, pr, nil
}

// Regrades lists every regrade with its progress, oldest first: the ids
// in one round trip, then each regrade and its progress (each read at one
// instant) in one round trip per manyChunk, not one per regrade.
func (b *Regrading) Regrades(ctx context.Context) ([]runner.Regrade, []runner.RegradeProgress, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.regrades(), 0, -1).Result()
	if err != nil {
		return nil, nil, fmt.Errorf("regrades: %w", err)
	}
	reads, err := readChunked(ctx, b.rdb, "regrades", ids, func(p goredis.Pipeliner, id string) regradeReads {
		return b.readRegrade(ctx, p, id)
	})
	if err != nil {
		return nil, nil, err
	}
	rgs, prs := make([]runner.Regrade, len(ids)), make([]runner.RegradeProgress, len(ids))
	for i, id := range ids {
		if rgs[i], prs[i], err = reads[i].parse(id); err != nil {
			return nil, nil, err
		}
	}
	return rgs, prs, nil
}

// RegradeItems returns up to limit of a regrade's items from offset, with
// the copies' outcomes so far, and how many items there are in all.
func (b *Regrading) RegradeItems(ctx context.Context, id string, offset, limit int) ([]runner.RegradeItem, int, error) {
	if offset < 0 || limit <= 0 {
		return nil, 0, fmt.Errorf("regrade %s items: bad range %d+%d", id, offset, limit)
	}
	var raw *goredis.StringSliceCmd
	var n *goredis.IntCmd
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		raw = p.LRange(ctx, b.keys.regradeItems(id), int64(offset), int64(offset+limit-1))
		n = p.LLen(ctx, b.keys.regradeItems(id))
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("regrade %s items: %w", id, err)
	}
	items := make([]runner.RegradeItem, len(raw.Val()))
	ids := make([]string, len(items))
	for i, s := range raw.Val() {
		if err := json.Unmarshal([]byte(s), &items[i]); err != nil {
			return nil, 0, fmt.Errorf("regrade %s item %d: %w", id, offset+i, err)
		}
		ids[i] = items[i].ID
	}
	if len(ids) > 0 {
		outs, err := b.rdb.HMGet(ctx, b.keys.regradeOutcomes(id), ids...).Result()
		if err != nil {
			return nil, 0, fmt.Errorf("regrade %s outcomes: %w", id, err)
		}
		for i, o := range outs {
			s, _ := o.(string)
			if s == "" {
				continue
			}
			var verdict string
			if _, err := fmt.Sscanf(s, "%s %d %d", &verdict, &items[i].Passed, &items[i].Total); err != nil {
				return nil, 0, fmt.Errorf("regrade %s outcome of %s %q: %w", id, ids[i], s, err)
			}
			items[i].Verdict = runner.Verdict(verdict)
		}
	}
	return items, int(n.Val()), nil
}

// RegradesOf lists the ids of a submission's regrade copies, oldest first.
func (b *Regrading) RegradesOf(ctx context.Context, id string) ([]string, error) {
	ids, err := b.rdb.LRange(ctx, b.keys.regradesOf(id), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("regrades of %s: %w", id, err)
	}
	return ids, nil
}

// RegradeQueueLength returns how many regrade jobs are queued or running.
func (b *Regrading) RegradeQueueLength(ctx context.Context) (int64, error) {
	n, err := b.rdb.XLen(ctx, b.keys.lane(runner.LaneRegrade)).Result()
	if err != nil {
		return 0, fmt.Errorf("regrade queue length: %w", err)
	}
	return n, nil
}
