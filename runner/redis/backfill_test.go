package redis

import (
	"reflect"
	"testing"
	"time"

	"assay/runner"
)

// Submissions stored before the per-challenge index existed are added to
// it once, oldest first and ahead of those listed already (which they
// predate), without duplicating any; regrade
// copies are never listed; a second call does nothing.
func TestIndexChallengeSubmissions(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	finished(t, b, "done1", runner.VerdictPassed)
	regradeOf(t, b, "rg1", "done1") // its copy must not be indexed
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, id := range []string{"old1", "old2", "old3"} {
		s := submission(id)
		s.CreatedAt = base.Add(time.Duration(i) * time.Minute)
		if err := b.Create(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	other := submission("other1")
	other.Challenge = "other"
	if err := b.Create(ctx, other); err != nil {
		t.Fatal(err)
	}
	// As before the index: only old3 is listed (an interrupted backfill
	// would leave the same), "other" not at all.
	if err := b.rdb.LRem(ctx, b.keys.challengeSubmissions("fizzbuzz"), 0, "old1").Err(); err != nil {
		t.Fatal(err)
	}
	if err := b.rdb.LRem(ctx, b.keys.challengeSubmissions("fizzbuzz"), 0, "old2").Err(); err != nil {
		t.Fatal(err)
	}
	if err := b.rdb.Del(ctx, b.keys.challengeSubmissions("other")).Err(); err != nil {
		t.Fatal(err)
	}

	added, err := b.IndexChallengeSubmissions(ctx)
	if err != nil || added != 3 {
		t.Fatalf("IndexChallengeSubmissions = %d, %v; want 3 added (old1, old2, other1)", added, err)
	}
	for slug, want := range map[string][]string{"fizzbuzz": {"old1", "old2", "done1", "old3"}, "other": {"other1"}} {
		got, err := b.ChallengeSubmissions(ctx, slug)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ChallengeSubmissions(%s) = %v, %v; want %v", slug, got, err, want)
		}
	}
	if err := b.rdb.Del(ctx, b.keys.challengeSubmissions("other")).Err(); err != nil {
		t.Fatal(err)
	}
	if added, err := b.IndexChallengeSubmissions(ctx); err != nil || added != 0 {
		t.Errorf("second IndexChallengeSubmissions = %d, %v; want 0 (done once)", added, err)
	}
}
