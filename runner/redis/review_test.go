package redis

import (
	"errors"
	"testing"
	"time"

	"assay/access"
	"assay/runner"
)

// TestRevokeInvitation: revoking deletes the token and takes a started
// session off the list to close; a new token replaces the old one, and a
// revoked invitation gets none.
func TestRevokeInvitation(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	if err := b.CreateAssessment(ctx, access.Assessment{ID: "a1", Name: "A", Challenges: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	inv := access.Invitation{ID: "i1", Assessment: "a1", Candidate: "Ada", Challenges: []string{"x"}, Duration: access.Duration(time.Minute)}
	if err := b.CreateInvitation(ctx, inv, "hash1"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.StartInvitation(ctx, "i1", now); err != nil {
		t.Fatal(err)
	}
	if _, err := b.NewInvitationToken(ctx, "i1", "hash2"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Resolve(ctx, "hash1"); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("the replaced token still resolves: %v", err)
	}
	if p, err := b.Resolve(ctx, "hash2"); err != nil || p.ID != "i1" {
		t.Errorf("the new token: %+v %v", p, err)
	}
	got, err := b.RevokeInvitation(ctx, "i1", "iv1", now)
	if err != nil || got.RevokedAt == nil || got.RevokedBy != "iv1" {
		t.Fatalf("revoke: %+v %v", got, err)
	}
	if _, err := b.Resolve(ctx, "hash2"); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("the revoked token still resolves: %v", err)
	}
	ended, err := b.EndedSessions(ctx, now.Add(time.Hour))
	if err != nil || len(ended) != 0 {
		t.Errorf("a revoked session is still to be closed: %v %v", ended, err)
	}
	if _, err := b.NewInvitationToken(ctx, "i1", "hash3"); !errors.Is(err, runner.ErrConflict) {
		t.Errorf("a new token for a revoked invitation: %v", err)
	}
	if _, err := b.Resolve(ctx, "hash3"); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("the refused token resolves: %v", err)
	}
	if _, err := b.RevokeInvitation(ctx, "nope", "iv1", now); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("revoke an unknown invitation: %v", err)
	}
}
