package redis

// Drafts: a candidate's latest draft of a challenge and its bounded
// history.

import (
	"context"
	"encoding/json"
	"fmt"

	"assay/runner"
)

// Drafts keeps candidates' drafts.
type Drafts struct{ *shared }

// SaveDraft stores d as its invitation's latest draft of its challenge and
// appends it to the draft's history, in one step. The history keeps the
// last runner.MaxDraftHistory saves and at most runner.MaxDraftHistoryBytes
// (the oldest go first), so a candidate saving large files as fast as the
// rate limit allows cannot fill Redis.
func (b *Drafts) SaveDraft(ctx context.Context, d runner.Draft) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("save draft: %w", err)
	}
	latest, history := b.keys.draft(d.Invitation, d.Challenge), b.keys.draftHistory(d.Invitation, d.Challenge)
	err = b.saveDraftScript.Run(ctx, b.rdb, []string{latest, history, history + ":bytes"},
		data, runner.MaxDraftHistory, runner.MaxDraftHistoryBytes).Err()
	if err != nil {
		return fmt.Errorf("save draft of %s at %s: %w", d.Invitation, d.Challenge, err)
	}
	return nil
}

// Draft returns the invitation's latest draft of a challenge, or an error
// wrapping runner.ErrNotFound.
func (b *Drafts) Draft(ctx context.Context, invitation, challenge string) (runner.Draft, error) {
	var d runner.Draft
	if err := decode(b.rdb.Get(ctx, b.keys.draft(invitation, challenge)), &d); err != nil {
		return d, fmt.Errorf("draft of %s at %s: %w", invitation, challenge, err)
	}
	return d, nil
}

// DraftHistory returns every kept save of the draft, oldest first.
func (b *Drafts) DraftHistory(ctx context.Context, invitation, challenge string) ([]runner.Draft, error) {
	out, err := listJSON[runner.Draft](ctx, b.rdb, b.keys.draftHistory(invitation, challenge))
	if err != nil {
		return nil, fmt.Errorf("draft history of %s at %s: %w", invitation, challenge, err)
	}
	return out, nil
}
