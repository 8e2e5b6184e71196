package challenges

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strings"
	"sync"
	"testing/fstest"
	"time"

	"assay/runner"
)

// ErrNoSandbox marks a publication asked of a process that has no sandbox
// to check the challenge in.
var ErrNoSandbox = errors.New("no sandbox to check challenges in")

// CheckError is a publication refused because the challenge misbehaved in
// the sandbox; Report says which solution and why.
type CheckError struct {
	Report CheckReport
}

func (e *CheckError) Error() string {
	var problems []string
	for _, s := range e.Report.Solutions {
		if s.Problem != "" {
			problems = append(problems, s.Name+": "+s.Problem)
		}
	}
	for _, o := range e.Report.Others {
		for _, s := range o.Solutions {
			if s.Problem != "" {
				problems = append(problems, "under "+o.Runtime+", "+s.Name+": "+s.Problem)
			}
		}
	}
	if e.Report.Scoring != "" {
		problems = append(problems, e.Report.Scoring)
	}
	if len(problems) == 0 {
		problems = append(problems, "the reference reported no tests")
	}
	return fmt.Sprintf("challenge %s version %s: %s", e.Report.Slug, e.Report.Version, strings.Join(problems, "; "))
}

// Unwrap makes a CheckError match ErrCheckFailed.
func (e *CheckError) Unwrap() error { return ErrCheckFailed }

// VersionStore keeps every version of every challenge (runner/redis's
// Broker implements it).
type VersionStore interface {
	// SaveChallengeVersion stores a version unless it is stored already,
	// and reports whether it stored it.
	SaveChallengeVersion(ctx context.Context, v runner.ChallengeVersion) (bool, error)
	// ChallengeVersion returns a version with its files, or an error
	// wrapping runner.ErrNotFound.
	ChallengeVersion(ctx context.Context, slug, version string) (runner.ChallengeVersion, error)
	// ChallengeVersions lists a challenge's versions, oldest first, without files.
	ChallengeVersions(ctx context.Context, slug string) ([]runner.ChallengeVersion, error)
	// PublishChallenge makes a stored version the challenge's current one.
	PublishChallenge(ctx context.Context, slug, version string, at time.Time) error
	// PublishedChallenges returns slug -> current published version, and
	// the revision read.
	PublishedChallenges(ctx context.Context) (map[string]string, int64, error)
	// ChallengesRevision grows with every publication.
	ChallengesRevision(ctx context.Context) (int64, error)
	// ChallengePublications lists when versions were made current, oldest first.
	ChallengePublications(ctx context.Context, slug string) ([]runner.Publication, error)
}

// LibraryConfig configures a Library. Zero values take the documented
// defaults.
type LibraryConfig struct {
	// Disk holds the challenges on disk (built-in and ASSAY_CHALLENGES_DIR).
	Disk              *Catalog
	Store             VersionStore
	Defaults, Ceiling runner.Limits
	// CacheSize bounds how many versions that are not current are kept
	// loaded for Suite; default 32.
	CacheSize int
	Logger    *slog.Logger // default: discard
	Now       func() time.Time
}

// Library is the catalog the server serves: the challenges on disk and
// those published over the API, and every stored version of each, so a
// submission is graded against the version it was made for even after the
// challenge changed. A published challenge's current version wins over a
// folder on disk with the same slug.
//
// List and Get answer from memory; Refresh (or Watch) reads what other
// processes published. It is safe for concurrent use.
type Library struct {
	cfg        LibraryConfig
	publishing chan struct{} // one sandbox check at a time

	mu        sync.RWMutex
	rev       int64
	refreshed bool
	published map[string]*Challenge // slug -> current published version
	cache     map[string]*Challenge // slug@version -> loaded
	order     []string              // cache keys, oldest first
}

// NewLibrary returns a library over the disk catalog and the store. Call
// Register for each on-disk source and Refresh before serving.
func NewLibrary(cfg LibraryConfig) (*Library, error) {
	if cfg.Disk == nil || cfg.Store == nil {
		return nil, errors.New("challenge library: Disk and Store are required")
	}
	if cfg.CacheSize <= 0 {
		cfg.CacheSize = 32
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Library{
		cfg: cfg, publishing: make(chan struct{}, 1),
		published: map[string]*Challenge{}, cache: map[string]*Challenge{},
	}, nil
}

// FolderFiles returns the files of the challenge folder dir of fsys as a
// version stores them: every regular file but the author's tools/ and
// Python's caches, keyed by path relative to the folder.
func FolderFiles(fsys fs.FS, dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
		if d.IsDir() {
			if rel == "tools" || d.Name() == "__pycache__" || d.Name() == ".pytest_cache" {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", rel)
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		out[rel] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	return out, nil
}

// folderFS puts files into an in-memory folder named slug.
func folderFS(slug string, files map[string][]byte) fstest.MapFS {
	fsys := make(fstest.MapFS, len(files))
	for p, data := range files {
		fsys[path.Join(slug, p)] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	return fsys
}

// Register stores every served version found on disk in fsys (one folder
// per challenge, as LoadAll reads), so that it stays available after the
// folder changes. Folders that do not load or have a stale expected.json
// are skipped: they are not served. It fails only when the store does.
func (l *Library) Register(ctx context.Context, fsys fs.FS, origin string) error {
	manifests, err := fs.Glob(fsys, "*/"+ManifestFile)
	if err != nil {
		return fmt.Errorf("list challenges: %w", err)
	}
	for _, m := range manifests {
		dir := path.Dir(m)
		files, err := FolderFiles(fsys, dir)
		if err != nil {
			continue // LoadAll has said why
		}
		ch, err := Load(folderFS(dir, files), dir)
		if err != nil || !ch.Fresh() {
			continue
		}
		created, err := l.cfg.Store.SaveChallengeVersion(ctx, record(ch, origin, l.cfg.Now(), files))
		if err != nil {
			return fmt.Errorf("register %s: %w", dir, err)
		}
		if created {
			l.cfg.Logger.Info("challenge version stored", slog.String("challenge", ch.Slug), slog.String("version", ch.Version), slog.String("origin", origin))
		}
	}
	return nil
}

func record(ch *Challenge, origin string, at time.Time, files map[string][]byte) runner.ChallengeVersion {
	v := runner.ChallengeVersion{Challenge: ch.Slug, Version: ch.Version, Origin: origin, StoredAt: at.UTC(), Files: files}
	if ch.Expected != nil {
		for _, t := range ch.Expected.Tests {
			v.Tests++
			if t.Hidden {
				v.HiddenTests++
			}
		}
	}
	return v
}

// Refresh reads the published challenges from the store when another
// process (or this one) published since the last Refresh.
func (l *Library) Refresh(ctx context.Context) error {
	rev, err := l.cfg.Store.ChallengesRevision(ctx)
	if err != nil {
		return fmt.Errorf("refresh challenges: %w", err)
	}
	l.mu.RLock()
	same := l.refreshed && rev == l.rev
	l.mu.RUnlock()
	if same {
		return nil
	}
	current, rev, err := l.cfg.Store.PublishedChallenges(ctx)
	if err != nil {
		return fmt.Errorf("refresh challenges: %w", err)
	}
	published := make(map[string]*Challenge, len(current))
	var errs []error
	for slug, version := range current {
		ch, err := l.version(ctx, slug, version)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		published[slug] = ch
	}
	l.mu.Lock()
	l.published, l.rev, l.refreshed = published, rev, true
	l.mu.Unlock()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("refresh challenges: %w", err)
	}
	return nil
}

// Watch refreshes every interval until ctx ends, logging failures.
func (l *Library) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := l.Refresh(ctx); err != nil && ctx.Err() == nil {
			l.cfg.Logger.Warn("refresh published challenges", slog.Any("err", err))
		}
	}
}

// List returns the served challenges, sorted by slug: on disk and
// published together, a published one replacing its slug's folder.
func (l *Library) List() []*Challenge {
	bySlug := map[string]*Challenge{}
	for _, ch := range l.cfg.Disk.List() {
		bySlug[ch.Slug] = ch
	}
	l.mu.RLock()
	for slug, ch := range l.published {
		bySlug[slug] = ch
	}
	l.mu.RUnlock()
	out := make([]*Challenge, 0, len(bySlug))
	for _, ch := range bySlug {
		out = append(out, ch)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// Get returns the current version of a challenge: its published version
// if it has one, else its folder on disk.
func (l *Library) Get(slug string) (*Challenge, error) {
	l.mu.RLock()
	ch, ok := l.published[slug]
	l.mu.RUnlock()
	if ok {
		return ch, nil
	}
	return l.cfg.Disk.Get(slug)
}

// Suite implements runner.Suites for any stored version, current or not.
func (l *Library) Suite(ctx context.Context, slug, version string) (runner.Suite, error) {
	if ch, err := l.Get(slug); err == nil && ch.Version == version {
		return SuiteOf(ch, l.cfg.Defaults, l.cfg.Ceiling), nil
	}
	if ch, err := l.cfg.Disk.Get(slug); err == nil && ch.Version == version {
		return SuiteOf(ch, l.cfg.Defaults, l.cfg.Ceiling), nil
	}
	ch, err := l.version(ctx, slug, version)
	if err != nil {
		return runner.Suite{}, err
	}
	return SuiteOf(ch, l.cfg.Defaults, l.cfg.Ceiling), nil
}

// Challenge returns any stored version of a challenge, current or not.
func (l *Library) Challenge(ctx context.Context, slug, version string) (*Challenge, error) {
	if ch, err := l.Get(slug); err == nil && ch.Version == version {
		return ch, nil
	}
	if ch, err := l.cfg.Disk.Get(slug); err == nil && ch.Version == version {
		return ch, nil
	}
	return l.version(ctx, slug, version)
}

// version returns a stored version, loaded, from the cache or the store.
func (l *Library) version(ctx context.Context, slug, version string) (*Challenge, error) {
	key := slug + "@" + version
	l.mu.RLock()
	ch, ok := l.cache[key]
	l.mu.RUnlock()
	if ok {
		return ch, nil
	}
	v, err := l.cfg.Store.ChallengeVersion(ctx, slug, version)
	if err != nil {
		return nil, err
	}
	ch, err = Load(folderFS(slug, v.Files), slug)
	if err != nil {
		return nil, fmt.Errorf("stored challenge %s version %s: %w", slug, version, err)
	}
	if ch.Version != version {
		// The rules of hashing changed since it was stored: what was
		// stored under this version is still what it names.
		l.cfg.Logger.Warn("stored challenge version hashes differently now", slog.String("challenge", slug),
			slog.String("version", version), slog.String("now", ch.Version))
		ch.Version = version
	}
	if !ch.Fresh() {
		return nil, fmt.Errorf("stored challenge %s version %s has no %s for it", slug, version, ExpectedFile)
	}
	l.mu.Lock()
	if _, ok := l.cache[key]; !ok {
		l.cache[key] = ch
		l.order = append(l.order, key)
		if len(l.order) > l.cfg.CacheSize {
			delete(l.cache, l.order[0])
			l.order = l.order[1:]
		}
	}
	l.mu.Unlock()
	return ch, nil
}

// Publication is the outcome of a successful Publish.
type Publication struct {
	Challenge string
	Version   string
	// Previous is the version that was current before, if any.
	Previous string
	// Created says the version is new; false means it was stored before
	// (published or found on disk) and is now current again, unchecked.
	Created bool
	Report  CheckReport
}

// Publisher publishes challenges into a Library after checking them in
// Sandbox; a nil Sandbox refuses new versions with ErrNoSandbox. It is what
// the API's upload endpoint uses.
type Publisher struct {
	Library *Library
	Sandbox runner.Sandbox
	// Also are sandboxes of other container runtimes that grade this
	// server's submissions (gVisor beside runc): a new version must pass
	// its check under each of them too.
	Also []runner.Sandbox
}

// Publish is Library.Publish with the Publisher's sandboxes.
func (p Publisher) Publish(ctx context.Context, fsys fs.FS, dir string) (Publication, error) {
	return p.Library.Publish(ctx, p.Sandbox, fsys, dir, p.Also...)
}

// Version is Library.StoredVersion.
func (p Publisher) Version(ctx context.Context, slug, version string) (runner.ChallengeVersion, error) {
	return p.Library.StoredVersion(ctx, slug, version)
}

// Versions is Library.Versions.
func (p Publisher) Versions(ctx context.Context, slug string) ([]VersionInfo, error) {
	return p.Library.Versions(ctx, slug)
}

// Publish validates the challenge folder dir of fsys for real and makes
// it the challenge's current version: it must load, and in the sandbox sb
// (and in each of also, other runtimes' sandboxes) its reference must
// pass and its starter and known-bad solutions fail. The
// check records its expected.json (the folder's own is ignored). Only then
// is the version stored, with its files, and made current. A version
// stored before is made current again without a new check.
//
// Errors: ErrInvalid (the folder), a *CheckError (the check), ErrNoSandbox,
// or the store's and sandbox's own failures.
func (l *Library) Publish(ctx context.Context, sb runner.Sandbox, fsys fs.FS, dir string, also ...runner.Sandbox) (Publication, error) {
	files, err := FolderFiles(fsys, dir)
	if err != nil {
		return Publication{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	delete(files, ExpectedFile)
	ch, err := Load(folderFS(dir, files), dir)
	if err != nil {
		return Publication{}, err
	}
	pub := Publication{Challenge: ch.Slug, Version: ch.Version}
	if prev, err := l.Get(ch.Slug); err == nil {
		pub.Previous = prev.Version
	}

	stored, err := l.cfg.Store.ChallengeVersion(ctx, ch.Slug, ch.Version)
	switch {
	case err == nil:
		if err := l.cfg.Store.PublishChallenge(ctx, ch.Slug, ch.Version, l.cfg.Now()); err != nil {
			return Publication{}, err
		}
		loaded, err := l.version(ctx, ch.Slug, ch.Version)
		if err != nil {
			return Publication{}, err
		}
		pub.Report = CheckReport{Slug: ch.Slug, Version: ch.Version, Expected: *loaded.Expected}
		l.setPublished(loaded)
		l.cfg.Logger.Info("challenge version published again", slog.String("challenge", ch.Slug), slog.String("version", ch.Version), slog.String("origin", stored.Origin))
		return pub, nil
	case !errors.Is(err, runner.ErrNotFound):
		return Publication{}, err
	}

	if sb == nil {
		return Publication{}, ErrNoSandbox
	}
	select {
	case l.publishing <- struct{}{}:
		defer func() { <-l.publishing }()
	case <-ctx.Done():
		return Publication{}, fmt.Errorf("wait to check %s: %w", ch.Slug, ctx.Err())
	}
	rep, err := Check(ctx, ch, sb, l.cfg.Defaults, l.cfg.Ceiling)
	if err != nil {
		return Publication{}, fmt.Errorf("check %s: %w", ch.Slug, err)
	}
	if rep.OK() { // a challenge refused already is not worth another runtime's time
		if err := CheckAlso(ctx, &rep, ch, also, l.cfg.Defaults, l.cfg.Ceiling); err != nil {
			return Publication{}, fmt.Errorf("check %s: %w", ch.Slug, err)
		}
	}
	pub.Report = rep
	if !rep.OK() {
		return pub, &CheckError{Report: rep}
	}
	expected, err := json.MarshalIndent(rep.Expected, "", "  ")
	if err != nil {
		return Publication{}, fmt.Errorf("publish %s: %w", ch.Slug, err)
	}
	files[ExpectedFile] = append(expected, '\n')
	served, err := Load(folderFS(dir, files), dir)
	if err != nil || !served.Fresh() || served.Version != ch.Version {
		return Publication{}, fmt.Errorf("publish %s: the checked folder does not load as checked: %v", ch.Slug, err)
	}
	now := l.cfg.Now()
	created, err := l.cfg.Store.SaveChallengeVersion(ctx, record(served, runner.OriginUpload, now, files))
	if err != nil {
		return Publication{}, err
	}
	if err := l.cfg.Store.PublishChallenge(ctx, ch.Slug, ch.Version, now); err != nil {
		return Publication{}, err
	}
	pub.Created = created
	l.setPublished(served)
	l.cfg.Logger.Info("challenge published", slog.String("challenge", ch.Slug), slog.String("version", ch.Version),
		slog.String("previous", pub.Previous), slog.Int("tests", len(rep.Expected.Tests)))
	return pub, nil
}

func (l *Library) setPublished(ch *Challenge) {
	l.mu.Lock()
	defer l.mu.Unlock()
	next := make(map[string]*Challenge, len(l.published)+1)
	for k, v := range l.published {
		next[k] = v
	}
	next[ch.Slug] = ch
	l.published = next
}

// VersionInfo is one stored version of a challenge, for admins.
type VersionInfo struct {
	runner.ChallengeVersion
	// Current says this version is the one new submissions get.
	Current bool `json:"current"`
	// PublishedAt lists when it was made current over the API.
	PublishedAt []time.Time `json:"published_at,omitempty"`
}

// Versions lists a challenge's stored versions, oldest first, or an error
// wrapping runner.ErrNotFound for a challenge neither served nor stored.
func (l *Library) Versions(ctx context.Context, slug string) ([]VersionInfo, error) {
	stored, err := l.cfg.Store.ChallengeVersions(ctx, slug)
	if err != nil {
		return nil, err
	}
	pubs, err := l.cfg.Store.ChallengePublications(ctx, slug)
	if err != nil {
		return nil, err
	}
	current := ""
	if ch, err := l.Get(slug); err == nil {
		current = ch.Version
	}
	if len(stored) == 0 && current == "" {
		return nil, fmt.Errorf("challenge %q: %w", slug, runner.ErrNotFound)
	}
	out := make([]VersionInfo, 0, len(stored))
	for _, v := range stored {
		info := VersionInfo{ChallengeVersion: v, Current: v.Version == current}
		for _, p := range pubs {
			if p.Version == v.Version {
				info.PublishedAt = append(info.PublishedAt, p.At)
			}
		}
		out = append(out, info)
	}
	return out, nil
}

// StoredVersion returns one stored version of a challenge with its files
// (what an admin compares two versions by), or an error wrapping
// runner.ErrNotFound.
func (l *Library) StoredVersion(ctx context.Context, slug, version string) (runner.ChallengeVersion, error) {
	v, err := l.cfg.Store.ChallengeVersion(ctx, slug, version)
	if err != nil {
		return v, fmt.Errorf("challenge %s version %s: %w", slug, version, err)
	}
	return v, nil
}
