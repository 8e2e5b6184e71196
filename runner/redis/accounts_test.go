package redis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"assay/access"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
)

func TestAccountsAndAttempts(t *testing.T) {
	ctx := context.Background()
	b, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	now := time.Now().UTC()
	if _, err := b.Resolve(ctx, access.HashToken("nobody")); !errors.Is(err, runner.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	iv := access.Interviewer{ID: "iv-1", Name: "Grace", CreatedAt: now}
	if err := b.CreateInterviewer(ctx, iv, access.HashToken("iv-token")); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateInterviewer(ctx, access.Interviewer{ID: "iv-2", CreatedAt: now}, access.HashToken("iv-token")); !errors.Is(err, runner.ErrConflict) {
		t.Errorf("a taken token: %v", err)
	}
	p, err := b.Resolve(ctx, access.HashToken("iv-token"))
	if err != nil || p.Role != access.RoleInterviewer || p.ID != "iv-1" || p.Name != "Grace" {
		t.Fatalf("resolve interviewer: %+v %v", p, err)
	}
	a := access.Assessment{ID: "as-1", Name: "Backend", Challenges: []string{"add"}, CreatedAt: now}
	if err := b.CreateAssessment(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := b.CreateInvitation(ctx, access.Invitation{ID: "x", Assessment: "missing", CreatedAt: now}, access.HashToken("x")); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("invitation to a missing assessment: %v", err)
	}
	inv := access.Invitation{ID: "inv-1", Assessment: "as-1", Candidate: "Ada", Challenges: []string{"add"}, AttemptLimit: 2, CreatedAt: now}
	if err := b.CreateInvitation(ctx, inv, access.HashToken("inv-token")); err != nil {
		t.Fatal(err)
	}
	p, err = b.Resolve(ctx, access.HashToken("inv-token"))
	if err != nil || p.Role != access.RoleCandidate || p.Invitation == nil || p.Invitation.AttemptLimit != 2 {
		t.Fatalf("resolve invitation: %+v %v", p, err)
	}
	// The attempt limit is per challenge, checked with the enqueue.
	for i, want := range []error{nil, nil, access.ErrNoAttemptsLeft} {
		s := runner.Submission{ID: "sub-" + string(rune('a'+i)), Challenge: "add", Invitation: "inv-1", CreatedAt: now}
		if err := b.Create(ctx, s); !errors.Is(err, want) || (want == nil && err != nil) {
			t.Errorf("attempt %d: %v; want %v", i+1, err, want)
		}
	}
	if err := b.Create(ctx, runner.Submission{ID: "sub-other", Challenge: "mul", Invitation: "inv-1"}); err != nil {
		t.Errorf("another challenge has its own attempts: %v", err)
	}
	ids, err := b.InvitationSubmissions(ctx, "inv-1")
	if err != nil || len(ids) != 3 || ids[0] != "sub-a" || ids[2] != "sub-other" {
		t.Errorf("the invitation's submissions: %v %v", ids, err)
	}
	if n, _ := b.QueueLength(ctx); n != 3 {
		t.Errorf("queued %d; the refused attempt must not be queued", n)
	}
	list, err := b.Invitations(ctx, "as-1")
	if err != nil || len(list) != 1 || list[0].Candidate != "Ada" {
		t.Errorf("invitations: %+v %v", list, err)
	}
	if err := b.RevokeInterviewer(ctx, "iv-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Resolve(ctx, access.HashToken("iv-token")); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("revoked token resolves: %v", err)
	}
	ivs, err := b.Interviewers(ctx)
	if err != nil || len(ivs) != 2 || ivs[0].RevokedAt == nil || ivs[1].RevokedAt != nil {
		t.Fatalf("after revoking, the list does not mark it revoked: %+v %v", ivs, err)
	}
	first := *ivs[0].RevokedAt
	if err := b.RevokeInterviewer(ctx, "iv-1"); err != nil {
		t.Fatal(err)
	}
	if ivs, err := b.Interviewers(ctx); err != nil || !ivs[0].RevokedAt.Equal(first) {
		t.Errorf("revoking again moved the date: %+v %v; want %s", ivs, err, first)
	}
	if err := b.RevokeInterviewer(ctx, "no-such"); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("revoking an unknown interviewer: %v; want not found", err)
	}
}

func TestAllowIsAFixedWindow(t *testing.T) {
	ctx := context.Background()
	b, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// A window boundary a minute from an aligned start: the clock is given.
	start := time.Unix(1_800_000_000, 0) // a multiple of a minute
	for i, want := range []bool{true, true, false} {
		ok, retry, err := b.Allow(ctx, "cand", 2, time.Minute, start.Add(time.Duration(i)*time.Second))
		if err != nil || ok != want {
			t.Fatalf("event %d: %v %v; want %v", i+1, ok, err, want)
		}
		if !ok && (retry <= 0 || retry > time.Minute) {
			t.Errorf("retry after %v", retry)
		}
	}
	if ok, _, _ := b.Allow(ctx, "other", 2, time.Minute, start); !ok {
		t.Error("another principal shares the window")
	}
	if ok, _, _ := b.Allow(ctx, "cand", 2, time.Minute, start.Add(time.Minute)); !ok {
		t.Error("the next window is still full")
	}
}
