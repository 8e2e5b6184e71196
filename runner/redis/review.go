package redis

// Reviews: what staff add to candidates' work. Revoking an invitation and
// giving it a new link change its record through Sessions (updateStored,
// which keeps the session ends in step); notes and decisions are lists.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/access"
	"assay/review"
	"assay/runner"
)

// Reviews keeps revocations, new links, notes and decisions: it
// implements api.Reviews.
type Reviews struct {
	*shared
	sessions *Sessions
}

// RevokeInvitation stops an invitation's link from working: its token is
// deleted and the record says when and by whom; its submissions, Runs and
// drafts stay, and its timed session is no longer closed (nobody submits
// for a revoked candidate). Revoking twice is a no-op.
func (b *Reviews) RevokeInvitation(ctx context.Context, id, by string, now time.Time) (access.Invitation, error) {
	return b.changeInvitationToken(ctx, id, "", func(inv *access.Invitation) {
		if inv.RevokedAt == nil {
			t := now.UTC()
			inv.RevokedAt, inv.RevokedBy = &t, by
		}
	})
}

// NewInvitationToken replaces an invitation's token (a new link; the old
// one stops working at once). A revoked invitation gets none: an error
// wrapping runner.ErrConflict.
func (b *Reviews) NewInvitationToken(ctx context.Context, id, tokenHash string) (access.Invitation, error) {
	if tokenHash == "" {
		return access.Invitation{}, errors.New("new invitation token: empty hash")
	}
	return b.changeInvitationToken(ctx, id, tokenHash, nil)
}

// changeInvitationToken deletes the invitation's token and, when
// tokenHash is set, stores that one in its place, in one transaction with
// the record.
func (b *Reviews) changeInvitationToken(ctx context.Context, id, tokenHash string, change func(*access.Invitation)) (access.Invitation, error) {
	return b.sessions.updateStored(ctx, id, func(st *storedInvitation) (func(goredis.Pipeliner), error) {
		if tokenHash != "" && st.Revoked() {
			return nil, fmt.Errorf("invitation %s is revoked: %w", id, runner.ErrConflict)
		}
		old := st.TokenHash
		if change != nil {
			change(&st.Invitation)
		}
		if tokenHash != "" || st.Revoked() {
			st.TokenHash = tokenHash
		}
		return func(p goredis.Pipeliner) {
			if old != "" && old != st.TokenHash {
				p.Del(ctx, b.keys.token(old))
			}
			if tokenHash != "" {
				p.Set(ctx, b.keys.token(tokenHash), kindInvitation+":"+id, 0)
			}
		}, nil
	})
}

// AddNote appends a note to its submission's notes, refusing more than
// review.MaxNotes (an error wrapping runner.ErrConflict).
func (b *Reviews) AddNote(ctx context.Context, n review.Note) error {
	data, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("add note: %w", err)
	}
	added, err := b.boundedPushScript.Run(ctx, b.rdb, []string{b.keys.notes(n.Submission)}, data, review.MaxNotes).Int()
	if err != nil {
		return fmt.Errorf("add note to %s: %w", n.Submission, err)
	}
	if added == 0 {
		return fmt.Errorf("submission %s has %d notes already: %w", n.Submission, review.MaxNotes, runner.ErrConflict)
	}
	return nil
}

// Notes lists a submission's notes, oldest first.
func (b *Reviews) Notes(ctx context.Context, submission string) ([]review.Note, error) {
	return listJSON[review.Note](ctx, b.rdb, b.keys.notes(submission))
}

// Decide records a decision about a candidate; the latest one stands. The
// history is bounded (the oldest go first past maxDecisions).
func (b *Reviews) Decide(ctx context.Context, d review.Decision) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("decide: %w", err)
	}
	key := b.keys.decisions(d.Invitation)
	_, err = b.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.RPush(ctx, key, data)
		p.LTrim(ctx, key, -maxDecisions, -1)
		return nil
	})
	if err != nil {
		return fmt.Errorf("decide on %s: %w", d.Invitation, err)
	}
	return nil
}

// maxDecisions bounds a candidate's history of decisions.
const maxDecisions = 100

// Decisions lists the decisions about a candidate, oldest first.
func (b *Reviews) Decisions(ctx context.Context, invitation string) ([]review.Decision, error) {
	return listJSON[review.Decision](ctx, b.rdb, b.keys.decisions(invitation))
}

// boundedPush appends ARGV[1] to the list KEYS[1] unless it holds ARGV[2]
// items already: 1 when added, 0 when full.
const boundedPush = `
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1`
