package redis

import (
	"errors"
	"strings"
	"testing"
	"time"

	"assay/access"
	"assay/review"
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

// TestRecordEdits: batches append in order; a batch sent again stores
// only what is new; a batch past what was stored is a gap; a recording
// stops at its size limit and says so; markers go in between.
func TestRecordEdits(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	ev := func(ins string) review.Event { return review.Event{T: 1, K: review.EventEdit, F: "s.py", Ins: ins} }
	n, err := b.RecordEdits(ctx, "i", "c", "s1", 0, []review.Event{ev("a"), ev("b")})
	if err != nil || n != 2 {
		t.Fatalf("first batch: %d %v", n, err)
	}
	if err := b.MarkEdits(ctx, "i", "c", review.Event{K: review.EventSubmit, ID: "sub"}); err != nil {
		t.Fatal(err)
	}
	// a retry of the first batch with one more event: only "c" is new
	if n, err = b.RecordEdits(ctx, "i", "c", "s1", 0, []review.Event{ev("a"), ev("b"), ev("c")}); err != nil || n != 3 {
		t.Fatalf("retry: %d %v", n, err)
	}
	if n, err = b.RecordEdits(ctx, "i", "c", "s1", 5, []review.Event{ev("z")}); !errors.Is(err, review.ErrRecordingGap) || n != 3 {
		t.Errorf("gap: %d %v", n, err)
	}
	if n, err = b.RecordEdits(ctx, "i", "c", "s2", 0, []review.Event{ev("d")}); err != nil || n != 1 {
		t.Errorf("another session: %d %v", n, err)
	}
	events, full, err := b.Edits(ctx, "i", "c")
	if err != nil || full {
		t.Fatal(err, full)
	}
	var got string
	for _, e := range events {
		got += e.Ins + e.ID
	}
	if got != "absubcd" {
		t.Errorf("recording %q", got)
	}
	big := review.Event{K: review.EventOpen, F: "s.py", Text: strings.Repeat("x", MaxEditBytes)}
	if _, err := b.RecordEdits(ctx, "i", "c", "s2", 1, []review.Event{big}); !errors.Is(err, review.ErrRecordingFull) {
		t.Errorf("past the limit: %v", err)
	}
	if events, full, _ = b.Edits(ctx, "i", "c"); !full || len(events) != 5 {
		t.Errorf("after the limit: %d events, full %v", len(events), full)
	}
}
