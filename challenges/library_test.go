package challenges_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
)

// fakeSandbox passes whatever contains "return a + b" and fails the rest,
// reporting the two tests of validFS, each in its own phase.
func fakeSandbox() runner.Sandbox {
	return &phasedSandbox{pass: []string{"return a + b"}}
}

// freshFS is validFS with an expected.json recorded for its version.
func freshFS(t *testing.T) fstest.MapFS {
	t.Helper()
	fsys := validFS()
	ch, err := challenges.Load(fsys, "add")
	if err != nil {
		t.Fatal(err)
	}
	fsys["add/expected.json"] = &fstest.MapFile{Data: []byte(`{"version":"` + ch.Version + `","tests":[{"id":"tests.visible.test_add::test_add"},{"id":"tests.hidden.test_more::test_more","hidden":true}]}`)}
	return fsys
}

func newLibrary(t *testing.T, store challenges.VersionStore, disk fstest.MapFS) *challenges.Library {
	t.Helper()
	list, err := challenges.LoadAll(disk)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := challenges.NewCatalog(list, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := challenges.NewLibrary(challenges.LibraryConfig{Disk: cat, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	if err := lib.Register(t.Context(), disk, runner.OriginBuiltin); err != nil {
		t.Fatal(err)
	}
	if err := lib.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	return lib
}

func newStore(t *testing.T) *redis.Broker {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	b, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// changed is the add challenge with another hidden test file: a new version.
func changed(t *testing.T) fstest.MapFS {
	fsys := validFS()
	fsys["add/tests/hidden/test_more.py"] = &fstest.MapFile{Data: []byte("def test_more(): assert True\n")}
	fsys["add/expected.json"] = &fstest.MapFile{Data: []byte(`{"version":"whatever the author had","tests":[]}`)}
	return fsys
}

func TestLibraryPublishesNewVersionsAndKeepsOldOnes(t *testing.T) {
	ctx := t.Context()
	store := newStore(t)
	disk := freshFS(t)
	lib := newLibrary(t, store, disk)
	v1, err := lib.Get("add")
	if err != nil {
		t.Fatal(err)
	}
	if vs, err := store.ChallengeVersions(ctx, "add"); err != nil || len(vs) != 1 || vs[0].Version != v1.Version || vs[0].Origin != runner.OriginBuiltin {
		t.Fatalf("the on-disk version was not stored at Register: %+v %v", vs, err)
	}

	pub, err := lib.Publish(ctx, fakeSandbox(), changed(t), "add")
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Created || pub.Previous != v1.Version || pub.Version == v1.Version || len(pub.Report.Expected.Tests) != 2 {
		t.Fatalf("publication: %+v", pub)
	}
	v2, _ := lib.Get("add")
	if v2.Version != pub.Version || !v2.Fresh() {
		t.Fatalf("current after publishing: %s fresh %v; want %s", v2.Version, v2.Fresh(), pub.Version)
	}
	if list := lib.List(); len(list) != 1 || list[0].Version != pub.Version {
		t.Fatalf("List shows %+v", list)
	}
	for _, v := range []string{v1.Version, pub.Version} {
		s, err := lib.Suite(ctx, "add", v)
		if err != nil || s.Version != v || len(s.Expected) != 2 {
			t.Fatalf("suite of %s: %+v %v", v, s, err)
		}
	}
	if _, err := lib.Suite(ctx, "add", "0000000000000000"); !errors.Is(err, runner.ErrNotFound) {
		t.Fatalf("suite of an unknown version: %v", err)
	}

	// Another process sharing the store sees the publication, and can
	// serve both versions.
	other := newLibrary(t, store, disk)
	if ch, _ := other.Get("add"); ch.Version != pub.Version {
		t.Fatalf("another process serves %s; want %s", ch.Version, pub.Version)
	}
	if _, err := other.Suite(ctx, "add", pub.Version); err != nil {
		t.Fatal(err)
	}

	// Publishing the on-disk content again makes it current, unchecked.
	again, err := other.Publish(ctx, nil, disk, "add")
	if err != nil || again.Created || again.Version != v1.Version || again.Previous != pub.Version {
		t.Fatalf("rollback: %+v %v", again, err)
	}
	if err := lib.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if ch, _ := lib.Get("add"); ch.Version != v1.Version {
		t.Fatalf("after the rollback the first process serves %s", ch.Version)
	}

	infos, err := lib.Versions(ctx, "add")
	if err != nil || len(infos) != 2 {
		t.Fatalf("versions: %+v %v", infos, err)
	}
	if infos[0].Version != v1.Version || !infos[0].Current || len(infos[0].PublishedAt) != 1 || infos[0].Origin != runner.OriginBuiltin ||
		infos[1].Version != pub.Version || infos[1].Current || len(infos[1].PublishedAt) != 1 || infos[1].Origin != runner.OriginUpload {
		t.Fatalf("versions: %+v", infos)
	}
	if _, err := lib.Versions(ctx, "nope"); !errors.Is(err, runner.ErrNotFound) {
		t.Fatalf("versions of an unknown challenge: %v", err)
	}
}

func TestLibraryRefusesAndStoresNothing(t *testing.T) {
	ctx := t.Context()
	store := newStore(t)
	disk := freshFS(t)
	lib := newLibrary(t, store, disk)
	before, _ := lib.Get("add")

	badRef := changed(t)
	badRef["add/reference/solution.py"] = &fstest.MapFile{Data: []byte("def add(a, b):\n    return 0\n")}
	lucky := changed(t)
	lucky["add/bad/lucky/solution.py"] = &fstest.MapFile{Data: []byte("def add(a, b):\n    return a + b\n")}
	broken := changed(t)
	delete(broken, "add/prompt.md")

	var checkErr *challenges.CheckError
	if _, err := lib.Publish(ctx, fakeSandbox(), badRef, "add"); !errors.As(err, &checkErr) || !errors.Is(err, challenges.ErrCheckFailed) || checkErr.Report.Solutions[0].Problem == "" {
		t.Fatalf("failing reference: %v", err)
	}
	if _, err := lib.Publish(ctx, fakeSandbox(), lucky, "add"); !errors.As(err, &checkErr) || !strings.Contains(err.Error(), "bad/lucky") {
		t.Fatalf("passing known-bad solution: %v", err)
	}
	if _, err := lib.Publish(ctx, fakeSandbox(), broken, "add"); !errors.Is(err, challenges.ErrInvalid) || !strings.Contains(err.Error(), "prompt.md") {
		t.Fatalf("broken folder: %v", err)
	}
	if _, err := lib.Publish(ctx, nil, changed(t), "add"); !errors.Is(err, challenges.ErrNoSandbox) {
		t.Fatalf("without a sandbox: %v", err)
	}

	vs, err := store.ChallengeVersions(ctx, "add")
	if err != nil || len(vs) != 1 {
		t.Fatalf("a refused publication stored something: %+v %v", vs, err)
	}
	if cur, rev, err := store.PublishedChallenges(ctx); err != nil || len(cur) != 0 || rev != 0 {
		t.Fatalf("a refused publication was made current: %v %d %v", cur, rev, err)
	}
	if ch, _ := lib.Get("add"); ch.Version != before.Version {
		t.Fatalf("current changed to %s", ch.Version)
	}
}

// renamedHidden is a sandbox of another runtime whose runs report the
// hidden test under another name: the reference does not report the same
// tests there.
type renamedHidden struct{ runner.Sandbox }

func (s renamedHidden) Run(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	res, err := s.Sandbox.Run(ctx, spec)
	for i := range res.Phases {
		res.Phases[i].Report = bytes.ReplaceAll(res.Phases[i].Report, []byte(`name="test_more"`), []byte(`name="test_other"`))
	}
	return res, err
}

func (renamedHidden) RuntimeName(context.Context) string { return "other" }

// TestLibraryChecksUnderEveryRuntime: a challenge is published only when
// it behaves the same under each runtime it is checked with.
func TestLibraryChecksUnderEveryRuntime(t *testing.T) {
	ctx := t.Context()
	store := newStore(t)
	lib := newLibrary(t, store, freshFS(t))
	var checkErr *challenges.CheckError
	_, err := lib.Publish(ctx, fakeSandbox(), changed(t), "add", renamedHidden{fakeSandbox()})
	if !errors.As(err, &checkErr) || !strings.Contains(err.Error(), "under other, reference: the reference reports other tests under other") ||
		len(checkErr.Report.Others) != 1 || checkErr.Report.Others[0].Runtime != "other" {
		t.Fatalf("different tests under another runtime: %v", err)
	}
	if vs, err := store.ChallengeVersions(ctx, "add"); err != nil || len(vs) != 1 {
		t.Fatalf("a refused publication stored something: %+v %v", vs, err)
	}
	pub, err := lib.Publish(ctx, fakeSandbox(), changed(t), "add", fakeSandbox())
	if err != nil || !pub.Created || len(pub.Report.Others) != 1 || len(pub.Report.Others[0].Solutions) != len(pub.Report.Solutions)-len(challenges.AdversarialSolutions()) {
		t.Fatalf("the same behaviour under two runtimes: %+v %v", pub.Report, err)
	}
}
