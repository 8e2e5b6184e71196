package redis

// The queue: the workers' side of it. Submissions wait on a stream per
// lane (live, run, regrade; keys.go) in one consumer group; Next hands a
// worker the next entry, reclaiming one whose lease ran out first, Extend
// renews the worker's claim, Ack removes a finished entry.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/runner"
)

// Queue hands submissions to workers: it implements runner.Queue.
type Queue struct{ *shared }

var _ runner.Queue = (*Queue)(nil)

// ErrClaimLost is returned (wrapped) by Extend when the worker no longer
// owns the job: it was acked, or its lease ran out and another worker took
// it over. The worker should stop running it; its result, if saved first,
// still counts.
var ErrClaimLost = runner.ErrClaimLost

// cleanupTimeout bounds the Redis calls Next makes after its ctx has ended.
const cleanupTimeout = 2 * time.Second

// ensureGroup creates the stream and its consumer group unless they exist.
// The group starts at id 0, not $, so that entries added before the group
// existed (after a Redis restart that lost the group, say) are delivered.
func (b *Queue) ensureGroup(ctx context.Context) error {
	for _, lane := range lanes() {
		err := b.rdb.XGroupCreateMkStream(ctx, b.keys.lane(lane), group, "0").Err()
		if err != nil && !goredis.HasErrorPrefix(err, "BUSYGROUP") {
			return fmt.Errorf("create consumer group on %s: %w", b.keys.lane(lane), err)
		}
	}
	return nil
}

// Next returns the next job for worker. Live jobs come first: it takes
// over a live job whose lease ran out (its worker died), else a queued live
// job, and only then does the same on the regrade lane; when both lanes are
// empty it waits for either, up to Config.Block per XREADGROUP and as many
// reads as it takes. It returns ctx.Err() when ctx ends first; cancelling
// ctx ends a waiting read at once rather than after Block. A Redis failure
// is returned as an error, not retried: the caller decides how to back off.
//
// Entries whose submission record is missing are acked and skipped.
func (b *Queue) Next(ctx context.Context, worker string) (runner.Job, error) {
	if worker == "" {
		return runner.Job{}, errors.New("next: empty worker name")
	}
	// The blocking read gets a connection of its own, so that a cancelled
	// ctx can unblock exactly that connection (see wait).
	conn := b.rdb.Conn()
	defer conn.Close()
	for {
		if err := ctx.Err(); err != nil {
			return runner.Job{}, err
		}
		job, ok, err := b.take(ctx, worker)
		if err == nil && !ok {
			job, ok, err = b.wait(ctx, conn, worker)
		}
		if err != nil {
			if ctx.Err() != nil {
				return runner.Job{}, ctx.Err()
			}
			if isNoGroup(err) {
				// The group is gone: Redis restarted without persistence
				// or was flushed. Recreate it and carry on.
				b.log.Warn("queue consumer group missing; recreating it", "queue", b.keys.queue())
				if err := b.ensureGroup(ctx); err != nil {
					return runner.Job{}, fmt.Errorf("next: %w", err)
				}
				continue
			}
			return runner.Job{}, fmt.Errorf("next: %w", err)
		}
		if !ok {
			continue
		}
		if ctx.Err() != nil {
			// The job came in as ctx ended. The caller is going away and
			// will not run it, so hand it back at once rather than leave
			// it to wait out a lease.
			b.release(ctx, worker, job)
			return runner.Job{}, ctx.Err()
		}
		return job, nil
	}
}

// take returns a job that is ready now, lane by lane in order: first one
// whose lease ran out, then a new one.
func (b *Queue) take(ctx context.Context, worker string) (runner.Job, bool, error) {
	for _, lane := range lanes() {
		job, ok, err := b.reclaim(ctx, lane, worker)
		if err != nil || ok {
			return job, ok, err
		}
		job, ok, err = b.read(ctx, b.rdb, lane, worker, -1)
		if err != nil || ok {
			return job, ok, err
		}
	}
	return runner.Job{}, false, nil
}

// reclaim takes over the oldest job of lane whose lease ran out, if there
// is one.
func (b *Queue) reclaim(ctx context.Context, lane, worker string) (runner.Job, bool, error) {
	// XAUTOCLAIM scans a bounded part of the pending list per call and
	// returns a cursor; follow it until a job is found or the list ends.
	// The pending list holds only running jobs, so it is short.
	start := "0-0"
	for {
		msgs, next, err := b.rdb.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
			Stream:   b.keys.lane(lane),
			Group:    group,
			Consumer: worker,
			MinIdle:  b.cfg.Lease,
			Start:    start,
			Count:    1,
		}).Result()
		if err != nil {
			return runner.Job{}, false, fmt.Errorf("reclaim: %w", err)
		}
		for _, msg := range msgs {
			attempt, err := b.deliveries(ctx, lane, msg.ID)
			if err != nil {
				return runner.Job{}, false, fmt.Errorf("reclaim: %w", err)
			}
			if attempt == 0 {
				// Acked by its old worker since the claim: finished after all.
				continue
			}
			job, ok, err := b.job(ctx, lane, msg, attempt)
			if err != nil || ok {
				if ok {
					b.log.Info("reclaimed job", "submission", job.SubmissionID, "entry", msg.ID, "worker", worker, "attempt", attempt, "lane", lane)
				}
				return job, ok, err
			}
		}
		if next == "0-0" || next == "" {
			return runner.Job{}, false, nil
		}
		start = next
	}
}

// deliveries returns how many times the entry has been delivered, or 0 if it
// is no longer pending.
func (b *Queue) deliveries(ctx context.Context, lane, entry string) (int, error) {
	p, err := b.rdb.XPendingExt(ctx, &goredis.XPendingExtArgs{
		Stream: b.keys.lane(lane),
		Group:  group,
		Start:  entry,
		End:    entry,
		Count:  1,
	}).Result()
	if err != nil {
		return 0, fmt.Errorf("delivery count of %s: %w", entry, err)
	}
	if len(p) == 0 {
		return 0, nil
	}
	return int(p[0].RetryCount), nil
}

// read takes one new entry of lane, waiting up to block for it (a negative
// block does not wait).
func (b *Queue) read(ctx context.Context, c goredis.Cmdable, lane, worker string, block time.Duration) (runner.Job, bool, error) {
	streams, err := c.XReadGroup(ctx, &goredis.XReadGroupArgs{
		Group:    group,
		Consumer: worker,
		Streams:  []string{b.keys.lane(lane), ">"},
		Count:    1,
		Block:    block,
	}).Result()
	if errors.Is(err, goredis.Nil) {
		return runner.Job{}, false, nil
	}
	if err != nil {
		return runner.Job{}, false, fmt.Errorf("read %s: %w", b.keys.lane(lane), err)
	}
	for _, s := range streams {
		for _, msg := range s.Messages {
			// A fresh read is the entry's first delivery.
			return b.job(ctx, lane, msg, 1)
		}
	}
	return runner.Job{}, false, nil
}

// wait waits up to Config.Block on conn for a new entry in any lane. It is
// only called when take found every lane empty.
func (b *Queue) wait(ctx context.Context, conn *goredis.Conn, worker string) (runner.Job, bool, error) {
	// go-redis does not abort a blocking read when ctx is cancelled (only a
	// deadline would, and only with ContextTimeoutEnabled), so cancellation
	// would otherwise wait out Block. CLIENT UNBLOCK, sent on another
	// connection, ends the read as if it had timed out: Redis then hands
	// this consumer nothing, so no entry is lost in flight. If the unblock
	// comes late and hits the connection's next blocking read (here or in
	// another Next once the connection is back in the pool), that read just
	// returns early and loops. If it comes before the read has started,
	// the read waits out Block: cancellation is prompt, not guaranteed
	// instant.
	id, err := conn.ClientID(ctx).Result()
	if err != nil {
		return runner.Job{}, false, fmt.Errorf("client id: %w", err)
	}
	stop := context.AfterFunc(ctx, func() {
		uctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
		defer cancel()
		_ = b.rdb.ClientUnblock(uctx, id).Err()
	})
	defer stop()
	order := lanes()
	names := make([]string, 0, 2*len(order))
	for _, lane := range order {
		names = append(names, b.keys.lane(lane))
	}
	for range order {
		names = append(names, ">")
	}
	streams, err := conn.XReadGroup(ctx, &goredis.XReadGroupArgs{
		Group:    group,
		Consumer: worker,
		Streams:  names,
		Count:    1,
		Block:    b.cfg.Block,
	}).Result()
	if errors.Is(err, goredis.Nil) {
		return runner.Job{}, false, nil
	}
	if err != nil {
		return runner.Job{}, false, fmt.Errorf("read: %w", err)
	}
	// Entries arriving in several lanes at once are all delivered; keep the
	// first lane's and hand the others back.
	var got []runner.Job
	for _, s := range streams {
		for _, msg := range s.Messages {
			lane := runner.LaneLive
			for _, l := range order {
				if s.Stream == b.keys.lane(l) {
					lane = l
				}
			}
			job, ok, err := b.job(ctx, lane, msg, 1)
			if err != nil {
				return runner.Job{}, false, err
			}
			if ok {
				got = append(got, job)
			}
		}
	}
	if len(got) == 0 {
		return runner.Job{}, false, nil
	}
	rank := func(lane string) int { return slices.Index(order[:], lane) }
	best := 0
	for i, j := range got {
		if rank(j.Lane) < rank(got[best].Lane) {
			best = i
		}
	}
	for i, j := range got {
		if i != best {
			b.release(ctx, worker, j)
		}
	}
	return got[best], true, nil
}

// job turns a stream entry into a Job. An entry without a submission id or
// whose submission record is missing cannot be run by anyone: it is acked
// and deleted so it does not come back, and ok is false.
func (b *Queue) job(ctx context.Context, lane string, msg goredis.XMessage, attempt int) (runner.Job, bool, error) {
	id, _ := msg.Values[fieldID].(string)
	if id != "" {
		n, err := b.rdb.Exists(ctx, b.keys.submission(id)).Result()
		if err != nil {
			return runner.Job{}, false, fmt.Errorf("check submission %s: %w", id, err)
		}
		if n == 1 {
			return runner.Job{SubmissionID: id, Receipt: msg.ID, Attempt: attempt, Lane: lane}, true, nil
		}
	}
	b.log.Warn("dropping queue entry without a submission record", "entry", msg.ID, "submission", id)
	if err := b.ack(ctx, lane, msg.ID); err != nil {
		return runner.Job{}, false, fmt.Errorf("drop entry %s: %w", msg.ID, err)
	}
	return runner.Job{}, false, nil
}

// release hands a job that Next will not return back to the queue: it stays
// pending on this worker, but with its idle time set to the lease, so the
// next Next anywhere takes it over at once, and with its delivery count set
// back, so the undelivered claim does not count as an attempt.
func (b *Queue) release(ctx context.Context, worker string, job runner.Job) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	err := b.rdb.Do(ctx, "XCLAIM", b.keys.lane(job.Lane), group, worker, 0, job.Receipt,
		"IDLE", b.cfg.Lease.Milliseconds(), "RETRYCOUNT", job.Attempt-1, "JUSTID").Err()
	if err != nil {
		// Not fatal: the job is reclaimed when its lease runs out.
		b.log.Warn("could not release job", "submission", job.SubmissionID, "entry", job.Receipt, "err", err)
	}
}

// Extend renews worker's claim on job, which it must do within every lease.
// It returns an error wrapping ErrClaimLost if the worker no longer owns
// the job.
func (b *Queue) Extend(ctx context.Context, worker string, job runner.Job) error {
	n, err := b.extendScript.Run(ctx, b.rdb, []string{b.keys.lane(job.Lane)}, group, worker, job.Receipt).Int()
	if err != nil {
		return fmt.Errorf("extend %s: %w", job.SubmissionID, err)
	}
	switch n {
	case 0:
		return fmt.Errorf("extend %s: entry %s is no longer pending: %w", job.SubmissionID, job.Receipt, ErrClaimLost)
	case -1:
		return fmt.Errorf("extend %s: entry %s is owned by another worker: %w", job.SubmissionID, job.Receipt, ErrClaimLost)
	}
	return nil
}

// Ack removes a finished job from the queue.
func (b *Queue) Ack(ctx context.Context, job runner.Job) error {
	if err := b.ack(ctx, job.Lane, job.Receipt); err != nil {
		return fmt.Errorf("ack %s: %w", job.SubmissionID, err)
	}
	return nil
}

// ack acknowledges and deletes one entry. Deleting it too keeps XLEN equal
// to the unfinished jobs and the stream from growing forever. MULTI/EXEC
// makes the two one step, so no entry is left acked but still counted.
func (b *Queue) ack(ctx context.Context, lane, entry string) error {
	if entry == "" {
		return errors.New("empty receipt")
	}
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAck(ctx, b.keys.lane(lane), group, entry)
		p.XDel(ctx, b.keys.lane(lane), entry)
		return nil
	})
	return err
}

// isNoGroup reports whether Redis said the stream or its group is missing.
func isNoGroup(err error) bool {
	return goredis.HasErrorPrefix(err, "NOGROUP")
}
