package redis

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"assay/runner"
)

func challengeVersion(version string, at time.Time) runner.ChallengeVersion {
	return runner.ChallengeVersion{
		Challenge: "add", Version: version, Origin: runner.OriginUpload, StoredAt: at, Tests: 2, HiddenTests: 1,
		Files: map[string][]byte{"challenge.yaml": []byte("slug: add\n"), "expected.json": []byte(`{"version":"` + version + `"}`)},
	}
}

func TestChallengeVersionsAreStoredOnceAndListed(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	v1, v2 := challengeVersion("aaaa", t0), challengeVersion("bbbb", t0.Add(time.Minute))

	if _, err := b.ChallengeVersion(ctx, "add", "aaaa"); !errors.Is(err, runner.ErrNotFound) {
		t.Fatalf("unknown version: %v", err)
	}
	if list, err := b.ChallengeVersions(ctx, "add"); err != nil || len(list) != 0 {
		t.Fatalf("versions of an unknown challenge: %v %v", list, err)
	}
	for _, v := range []runner.ChallengeVersion{v2, v1} {
		if created, err := b.SaveChallengeVersion(ctx, v); err != nil || !created {
			t.Fatalf("save %s: %v %v", v.Version, created, err)
		}
	}
	// A second save of the same version changes nothing, whatever it says.
	again := challengeVersion("aaaa", t0.Add(time.Hour))
	again.Origin = runner.OriginBuiltin
	again.Files["prompt.md"] = []byte("other")
	if created, err := b.SaveChallengeVersion(ctx, again); err != nil || created {
		t.Fatalf("second save: %v %v", created, err)
	}
	got, err := b.ChallengeVersion(ctx, "add", "aaaa")
	if err != nil || !reflect.DeepEqual(got, v1) {
		t.Fatalf("stored %+v %v; want %+v", got, err, v1)
	}
	list, err := b.ChallengeVersions(ctx, "add")
	if err != nil || len(list) != 2 || list[0].Version != "aaaa" || list[1].Version != "bbbb" || list[0].Files != nil || list[0].Tests != 2 || list[0].Origin != runner.OriginUpload {
		t.Fatalf("listing: %+v %v", list, err)
	}
}

func TestPublishChallengeMovesTheCurrentVersion(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

	cur, rev, err := b.PublishedChallenges(ctx)
	if err != nil || len(cur) != 0 || rev != 0 {
		t.Fatalf("empty store: %v %d %v", cur, rev, err)
	}
	if err := b.PublishChallenge(ctx, "add", "aaaa", t0); !errors.Is(err, runner.ErrNotFound) {
		t.Fatalf("publishing an unstored version: %v", err)
	}
	if _, rev, _ := b.PublishedChallenges(ctx); rev != 0 {
		t.Fatalf("a refused publication bumped the revision to %d", rev)
	}
	for _, v := range []string{"aaaa", "bbbb"} {
		if _, err := b.SaveChallengeVersion(ctx, challengeVersion(v, t0)); err != nil {
			t.Fatal(err)
		}
	}
	steps := []string{"aaaa", "bbbb", "aaaa"} // the last one rolls back
	for i, v := range steps {
		if err := b.PublishChallenge(ctx, "add", v, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
		cur, rev, err := b.PublishedChallenges(ctx)
		if err != nil || cur["add"] != v || rev != int64(i+1) {
			t.Fatalf("after publishing %s: %v rev %d %v", v, cur, rev, err)
		}
		if r, err := b.ChallengesRevision(ctx); err != nil || r != rev {
			t.Fatalf("revision %d %v; want %d", r, err, rev)
		}
	}
	pubs, err := b.ChallengePublications(ctx, "add")
	if err != nil || len(pubs) != 3 || pubs[1].Version != "bbbb" || !pubs[2].At.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("publications: %+v %v", pubs, err)
	}
}
