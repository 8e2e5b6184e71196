package redis

// Notifications: every recorded result is added to the notify stream
// (by SaveResult's script), and the webhook notifier takes them from it
// here, with the records of its deliveries.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/runner"
)

// Notifications hands the webhook notifier the results to announce and
// keeps its delivery records (webhook.Store, with Submissions.Get;
// api.Deliveries).
type Notifications struct{ *shared }

// notifyGroup is the consumer group of the notify stream: each recorded
// result is announced by one notifier at a time.
const notifyGroup = "notifiers"

// NextEvent returns the next recorded result to announce for consumer: an
// entry another notifier left unacknowledged for reclaimIdle first (it
// died), else a new one, waiting up to Config.Block. ok is false when
// there is none yet.
func (b *Notifications) NextEvent(ctx context.Context, consumer string, reclaimIdle time.Duration) (ev runner.Event, ok bool, err error) {
	err = b.rdb.XGroupCreateMkStream(ctx, b.keys.notify(), notifyGroup, "0").Err()
	if err != nil && !goredis.HasErrorPrefix(err, "BUSYGROUP") {
		return ev, false, fmt.Errorf("next event: create group: %w", err)
	}
	msgs, _, err := b.rdb.XAutoClaim(ctx, &goredis.XAutoClaimArgs{
		Stream: b.keys.notify(), Group: notifyGroup, Consumer: consumer, MinIdle: reclaimIdle, Start: "0-0", Count: 1,
	}).Result()
	if err != nil {
		return ev, false, fmt.Errorf("next event: reclaim: %w", err)
	}
	if len(msgs) == 0 {
		streams, err := b.rdb.XReadGroup(ctx, &goredis.XReadGroupArgs{
			Group: notifyGroup, Consumer: consumer, Streams: []string{b.keys.notify(), ">"}, Count: 1, Block: b.cfg.Block,
		}).Result()
		if errors.Is(err, goredis.Nil) {
			return ev, false, nil
		}
		if err != nil {
			return ev, false, fmt.Errorf("next event: read: %w", err)
		}
		for _, s := range streams {
			msgs = append(msgs, s.Messages...)
		}
	}
	for _, m := range msgs {
		id, _ := m.Values[fieldID].(string)
		return runner.Event{Receipt: m.ID, SubmissionID: id}, true, nil
	}
	return ev, false, nil
}

// RenewEvent keeps consumer's claim on an event it is still delivering, so
// that no other notifier takes it over meanwhile.
func (b *Notifications) RenewEvent(ctx context.Context, consumer string, ev runner.Event) error {
	err := b.rdb.XClaimJustID(ctx, &goredis.XClaimArgs{
		Stream: b.keys.notify(), Group: notifyGroup, Consumer: consumer, MinIdle: 0, Messages: []string{ev.Receipt},
	}).Err()
	if err != nil {
		return fmt.Errorf("renew event %s: %w", ev.Receipt, err)
	}
	return nil
}

// AckEvent removes an announced (or given up) event from the stream.
func (b *Notifications) AckEvent(ctx context.Context, ev runner.Event) error {
	_, err := b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.XAck(ctx, b.keys.notify(), notifyGroup, ev.Receipt)
		p.XDel(ctx, b.keys.notify(), ev.Receipt)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack event %s: %w", ev.Receipt, err)
	}
	return nil
}

// RecordDelivery appends one webhook delivery attempt to the submission's
// record (the last 100 are kept).
func (b *Notifications) RecordDelivery(ctx context.Context, d runner.Delivery) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("record delivery: %w", err)
	}
	key := b.keys.deliveries(d.SubmissionID)
	_, err = b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.RPush(ctx, key, data)
		p.LTrim(ctx, key, -100, -1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record delivery for %s: %w", d.SubmissionID, err)
	}
	return nil
}

// Deliveries lists a submission's webhook delivery attempts, oldest first.
func (b *Notifications) Deliveries(ctx context.Context, id string) ([]runner.Delivery, error) {
	out, err := listJSON[runner.Delivery](ctx, b.rdb, b.keys.deliveries(id))
	if err != nil {
		return nil, fmt.Errorf("deliveries of %s: %w", id, err)
	}
	return out, nil
}

// MarkDelivered records that target accepted the submission's event, and
// reports whether this call recorded it (false: it was recorded before).
func (b *Notifications) MarkDelivered(ctx context.Context, id, target string) (bool, error) {
	ok, err := b.rdb.SetNX(ctx, b.keys.delivered(id, target), time.Now().UTC().Format(time.RFC3339Nano), 0).Result()
	if err != nil {
		return false, fmt.Errorf("mark delivered %s: %w", id, err)
	}
	return ok, nil
}

// WasDelivered reports whether target accepted the submission's event.
func (b *Notifications) WasDelivered(ctx context.Context, id, target string) (bool, error) {
	n, err := b.rdb.Exists(ctx, b.keys.delivered(id, target)).Result()
	if err != nil {
		return false, fmt.Errorf("was delivered %s: %w", id, err)
	}
	return n == 1, nil
}
