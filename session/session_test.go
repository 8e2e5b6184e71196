package session_test

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"testing"
	"time"

	"assay/access"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
	"assay/session"
)

func setup(t *testing.T) (*redis.Broker, context.Context) {
	t.Helper()
	ctx := t.Context()
	b, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b, ctx
}

func invite(t *testing.T, b *redis.Broker, ctx context.Context, id string, challenges []string, duration time.Duration) {
	t.Helper()
	now := time.Now().UTC()
	if err := b.CreateAssessment(ctx, access.Assessment{ID: "as-" + id, Name: "Timed", Challenges: challenges, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	inv := access.Invitation{ID: id, Assessment: "as-" + id, Candidate: "Ada", Challenges: challenges, Duration: access.Duration(duration), CreatedAt: now}
	if err := b.CreateInvitation(ctx, inv, access.HashToken("tok-"+id)); err != nil {
		t.Fatal(err)
	}
}

func closer(b *redis.Broker, now *time.Time) session.Closer {
	return session.Closer{Store: b, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return *now },
		Versions: session.VersionFunc(func(slug string) (string, error) { return "v-" + slug, nil })}
}

func submissions(t *testing.T, b *redis.Broker, ctx context.Context, inv string) []runner.Submission {
	t.Helper()
	ids, err := b.InvitationSubmissions(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	var out []runner.Submission
	for _, id := range ids {
		st, err := b.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, st.Submission)
	}
	return out
}

// When the time runs out, each challenge's last draft is submitted once,
// unless it is what the candidate last submitted; a session given more
// time is closed at its new end.
func TestClosingEndedSessions(t *testing.T) {
	b, ctx := setup(t)
	invite(t, b, ctx, "inv-close", []string{"add", "mul", "div"}, 30*time.Minute)
	start := time.Now().UTC().Truncate(time.Second)
	if _, err := b.StartInvitation(ctx, "inv-close", start); err != nil {
		t.Fatal(err)
	}
	if _, err := b.StartInvitation(ctx, "inv-close", start.Add(time.Minute)); err == nil {
		t.Error("a second Start was accepted")
	}
	// add: a draft newer than its submission; mul: the draft is what was
	// submitted; div: nothing at all.
	sent := map[string]string{"solution.py": "def add(a, b): return 0\n"}
	if err := b.Create(ctx, runner.Submission{ID: "s-add", Challenge: "add", Invitation: "inv-close", Files: sent, CreatedAt: start}); err != nil {
		t.Fatal(err)
	}
	if err := b.Create(ctx, runner.Submission{ID: "s-mul", Challenge: "mul", Invitation: "inv-close", Files: map[string]string{"solution.py": "mul"}, CreatedAt: start}); err != nil {
		t.Fatal(err)
	}
	latest := map[string]string{"solution.py": "def add(a, b): return a + b\n"}
	for _, d := range []runner.Draft{
		{Invitation: "inv-close", Challenge: "add", Files: latest, SavedAt: start, Source: runner.DraftTyping},
		{Invitation: "inv-close", Challenge: "mul", Files: map[string]string{"solution.py": "mul"}, SavedAt: start, Source: runner.DraftSubmit},
	} {
		if err := b.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
	}

	now := start.Add(29 * time.Minute)
	c := closer(b, &now)
	if err := c.CloseEnded(ctx); err != nil || len(submissions(t, b, ctx, "inv-close")) != 2 {
		t.Fatalf("before the end: %v, %d submissions", err, len(submissions(t, b, ctx, "inv-close")))
	}
	now = start.Add(31 * time.Minute)
	// Several closers at once (API processes): one submission.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.CloseEnded(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	subs := submissions(t, b, ctx, "inv-close")
	if len(subs) != 3 {
		t.Fatalf("%d submissions after the end; want 3 (the add draft's added)", len(subs))
	}
	auto := subs[2]
	if !auto.Auto || auto.Challenge != "add" || !maps.Equal(auto.Files, latest) || auto.ChallengeVersion != "v-add" || auto.Submitter != "Ada" {
		t.Errorf("the automatic submission: %+v", auto)
	}
	if err := c.CloseEnded(ctx); err != nil || len(submissions(t, b, ctx, "inv-close")) != 3 {
		t.Errorf("closed twice: %v", err)
	}

	// Ten more minutes: open until 9:41 after the start; a new draft is
	// submitted at that end.
	if _, err := b.GiveTime(ctx, "inv-close", 10*time.Minute, 0); err != nil {
		t.Fatal(err)
	}
	newer := map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"}
	if err := b.SaveDraft(ctx, runner.Draft{Invitation: "inv-close", Challenge: "add", Files: newer, SavedAt: now, Source: runner.DraftTyping}); err != nil {
		t.Fatal(err)
	}
	if err := c.CloseEnded(ctx); err != nil || len(submissions(t, b, ctx, "inv-close")) != 3 {
		t.Fatalf("closed before the new end: %v", err)
	}
	now = start.Add(41 * time.Minute)
	if err := c.CloseEnded(ctx); err != nil {
		t.Fatal(err)
	}
	if subs := submissions(t, b, ctx, "inv-close"); len(subs) != 4 || !maps.Equal(subs[3].Files, newer) {
		t.Errorf("after the new end: %d submissions", len(subs))
	}
}

// No attempt left: the last draft is not submitted, and nothing fails.
func TestClosingWithoutAttemptsLeft(t *testing.T) {
	b, ctx := setup(t)
	now := time.Now().UTC()
	if err := b.CreateAssessment(ctx, access.Assessment{ID: "as-x", Name: "T", Challenges: []string{"add"}, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	inv := access.Invitation{ID: "inv-x", Assessment: "as-x", Candidate: "Ada", Challenges: []string{"add"}, AttemptLimit: 1, Duration: access.Duration(time.Minute), CreatedAt: now}
	if err := b.CreateInvitation(ctx, inv, access.HashToken("tok-x")); err != nil {
		t.Fatal(err)
	}
	if _, err := b.StartInvitation(ctx, "inv-x", now); err != nil {
		t.Fatal(err)
	}
	if err := b.Create(ctx, runner.Submission{ID: "s-x", Challenge: "add", Invitation: "inv-x", Files: map[string]string{"solution.py": "1"}}); err != nil {
		t.Fatal(err)
	}
	if err := b.SaveDraft(ctx, runner.Draft{Invitation: "inv-x", Challenge: "add", Files: map[string]string{"solution.py": "2"}, SavedAt: now}); err != nil {
		t.Fatal(err)
	}
	later := now.Add(2 * time.Minute)
	if err := closer(b, &later).CloseEnded(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(submissions(t, b, ctx, "inv-x")); n != 1 {
		t.Errorf("%d submissions; want the one attempt", n)
	}
}
