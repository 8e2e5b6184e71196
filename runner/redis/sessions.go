package redis

// Sessions: a timed invitation's session. Its clock starts once, may be
// given more time, and once it has ended the closer (package session)
// claims it to submit the candidate's drafts. The invitation's record and
// the list of session ends change together (updateStored), which Reviews
// uses too.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/access"
	"assay/runner"
)

// Sessions starts timed sessions, gives them time, and lists and claims
// the ended ones.
type Sessions struct{ *shared }

// updateInvitation changes an invitation's record with change, atomically
// (optimistic: retried if it changed meanwhile), and keeps the timed
// sessions' end times in step. change returns an error to leave it as is.
func (b *Sessions) updateInvitation(ctx context.Context, id string, change func(*access.Invitation) error) (access.Invitation, error) {
	return b.updateStored(ctx, id, func(st *storedInvitation) (func(goredis.Pipeliner), error) {
		return nil, change(&st.Invitation)
	})
}

// updateStored is updateInvitation on the stored record (its token hash
// too); the function change returns, if any, adds commands to the same
// transaction. A started timed session's end is listed for the closer,
// unless the invitation is revoked.
func (b *Sessions) updateStored(ctx context.Context, id string, change func(*storedInvitation) (func(goredis.Pipeliner), error)) (access.Invitation, error) {
	key := b.keys.invitation(id)
	var out access.Invitation
	for range 20 {
		err := b.rdb.Watch(ctx, func(tx *goredis.Tx) error {
			var stored storedInvitation
			if err := decode(tx.Get(ctx, key), &stored); err != nil {
				return err
			}
			more, err := change(&stored)
			if err != nil {
				out = stored.Invitation
				return err
			}
			data, err := json.Marshal(stored)
			if err != nil {
				return err
			}
			inv := stored.Invitation
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				p.Set(ctx, key, data, 0)
				switch end := inv.Ends(); {
				case inv.Revoked():
					p.ZRem(ctx, b.keys.sessionEnds(), id)
				case inv.Timed() && inv.StartedAt != nil && end != nil:
					p.ZAdd(ctx, b.keys.sessionEnds(), goredis.Z{Score: float64(end.UnixMilli()), Member: id})
				}
				if more != nil {
					more(p)
				}
				return nil
			})
			out = inv
			return err
		}, key)
		if errors.Is(err, goredis.TxFailedErr) {
			continue
		}
		if err != nil {
			return out, fmt.Errorf("invitation %s: %w", id, err)
		}
		return out, nil
	}
	return out, fmt.Errorf("invitation %s: changed by others 20 times in a row", id)
}

// StartInvitation starts a timed session's clock at now, once: a second
// call returns the invitation with an error wrapping access.ErrAlreadyStarted.
func (b *Sessions) StartInvitation(ctx context.Context, id string, now time.Time) (access.Invitation, error) {
	return b.updateInvitation(ctx, id, func(inv *access.Invitation) error {
		if !inv.Timed() {
			return fmt.Errorf("invitation %s is not timed: %w", id, runner.ErrConflict)
		}
		if inv.StartedAt != nil {
			return access.ErrAlreadyStarted
		}
		t := now.UTC()
		inv.StartedAt = &t
		return nil
	})
}

// GiveTime adds extra time to an invitation's session and, when
// multiplier is above 0, sets its multiplier (an accommodation).
func (b *Sessions) GiveTime(ctx context.Context, id string, extra time.Duration, multiplier float64) (access.Invitation, error) {
	return b.updateInvitation(ctx, id, func(inv *access.Invitation) error {
		inv.ExtraTime += access.Duration(extra)
		if multiplier > 0 {
			inv.TimeMultiplier = multiplier
		}
		return nil
	})
}

// EndedSessions lists the invitations whose timed session ended at or
// before now and has not been closed (ClaimEndedSession).
func (b *Sessions) EndedSessions(ctx context.Context, now time.Time) ([]string, error) {
	ids, err := b.rdb.ZRangeByScore(ctx, b.keys.sessionEnds(), &goredis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fmt.Errorf("ended sessions: %w", err)
	}
	return ids, nil
}

// ClaimEndedSession takes an ended session off the list of those to
// close, if its end is still the one listed at or before now: true for
// exactly one caller. (Time given since moves its end and keeps it listed.)
func (b *Sessions) ClaimEndedSession(ctx context.Context, id string, now time.Time) (bool, error) {
	n, err := b.claimSessionScript.Run(ctx, b.rdb, []string{b.keys.sessionEnds()}, id, now.UnixMilli()).Int()
	if err != nil {
		return false, fmt.Errorf("claim ended session %s: %w", id, err)
	}
	return n == 1, nil
}
