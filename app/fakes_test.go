package app_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"assay/access"
	"assay/challenges"
	"assay/review"
	"assay/runner"
)

// The fakes stand for the ports: in memory, no Redis, no HTTP.

var now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func ids() func() string {
	n := 0
	return func() string { n++; return "id-" + strconv.Itoa(n) }
}

var quiet = slog.New(slog.DiscardHandler)

var errDown = errors.New("dial tcp 127.0.0.1:6379: connection refused")

type catalog map[string]*challenges.Challenge

func (c catalog) Get(slug string) (*challenges.Challenge, error) {
	if ch, ok := c[slug]; ok {
		return ch, nil
	}
	return nil, fmt.Errorf("challenge %q: %w", slug, runner.ErrNotFound)
}

func addCatalog() catalog {
	return catalog{
		"add": {Manifest: challenges.Manifest{Slug: "add", Files: []string{"solution.py"}}, Version: "v2"},
		"sum": {Manifest: challenges.Manifest{Slug: "sum", Files: []string{"solution.py"}}, Version: "s1"},
	}
}

type store struct {
	created  []runner.Submission
	keys     map[string][2]string // key -> fingerprint, id
	states   map[string]runner.State
	queued   int64
	err      error // every call fails with it
	createFn func(runner.Submission) error
}

func (s *store) Create(_ context.Context, sub runner.Submission) error {
	if s.err != nil {
		return s.err
	}
	if s.createFn != nil {
		if err := s.createFn(sub); err != nil {
			return err
		}
	}
	s.created = append(s.created, sub)
	return nil
}

func (s *store) CreateIdempotent(ctx context.Context, sub runner.Submission, key, print string) (string, error) {
	if s.err != nil {
		return "", s.err
	}
	if prev, ok := s.keys[key]; ok {
		if prev[0] != print {
			return "", fmt.Errorf("key %s: %w", key, runner.ErrKeyReused)
		}
		return prev[1], nil
	}
	if s.keys == nil {
		s.keys = map[string][2]string{}
	}
	s.keys[key] = [2]string{print, sub.ID}
	if s.states == nil {
		s.states = map[string]runner.State{}
	}
	s.states[sub.ID] = runner.State{Submission: sub, Status: runner.StatusQueued}
	return sub.ID, s.Create(ctx, sub)
}

func (s *store) Get(_ context.Context, id string) (runner.State, error) {
	if s.err != nil {
		return runner.State{}, s.err
	}
	st, ok := s.states[id]
	if !ok {
		return st, fmt.Errorf("submission %s: %w", id, runner.ErrNotFound)
	}
	return st, nil
}

func (s *store) GetMany(_ context.Context, want []string) (map[string]runner.State, error) {
	if s.err != nil {
		return nil, s.err
	}
	out := map[string]runner.State{}
	for _, id := range want {
		if st, ok := s.states[id]; ok {
			out[id] = st
		}
	}
	return out, nil
}

func (s *store) QueueLength(context.Context) (int64, error) {
	if s.err != nil {
		return 0, s.err
	}
	return s.queued, nil
}

func (s *store) RunQueueLength(ctx context.Context) (int64, error) { return s.QueueLength(ctx) }

// limiter allows n events per who, then refuses with 42.4s left.
type limiter struct {
	n    int
	seen map[string]int
	err  error
}

func (l *limiter) Allow(_ context.Context, who string, limit int, per time.Duration, now time.Time) (bool, time.Duration, error) {
	if l.err != nil {
		return false, 0, l.err
	}
	if l.seen == nil {
		l.seen = map[string]int{}
	}
	l.seen[who]++
	if l.seen[who] > limit {
		return false, 42400 * time.Millisecond, nil
	}
	return true, 0, nil
}

type drafts struct{ saved []runner.Draft }

func (d *drafts) SaveDraft(_ context.Context, dr runner.Draft) error {
	d.saved = append(d.saved, dr)
	return nil
}

type marker struct{ events []review.Event }

func (m *marker) MarkEdits(_ context.Context, invitation, challenge string, e review.Event) error {
	m.events = append(m.events, e)
	return nil
}

type accounts struct {
	assessments map[string]access.Assessment
	invitations map[string][]access.Invitation
	submissions map[string][]string
	runs        map[string][]string
	err         error
}

func (a *accounts) InvitationRuns(_ context.Context, id string) ([]string, error) {
	return a.runs[id], a.err
}

func (a *accounts) Assessment(_ context.Context, id string) (access.Assessment, error) {
	if a.err != nil {
		return access.Assessment{}, a.err
	}
	x, ok := a.assessments[id]
	if !ok {
		return x, fmt.Errorf("assessment %s: %w", id, runner.ErrNotFound)
	}
	return x, nil
}

func (a *accounts) Invitations(_ context.Context, id string) ([]access.Invitation, error) {
	return a.invitations[id], a.err
}

func (a *accounts) InvitationSubmissions(_ context.Context, id string) ([]string, error) {
	return a.submissions[id], a.err
}

type regradeStore struct {
	bySlug map[string][]string
	rg     []runner.Regrade
	copies [][]runner.Submission
	err    error
}

func (r *regradeStore) ChallengeSubmissions(_ context.Context, slug string) ([]string, error) {
	return r.bySlug[slug], r.err
}

func (r *regradeStore) CreateRegrade(_ context.Context, rg runner.Regrade, copies []runner.Submission, items []runner.RegradeItem) error {
	if r.err != nil {
		return r.err
	}
	r.rg, r.copies = append(r.rg, rg), append(r.copies, copies)
	return nil
}

type versions map[string][]string

func (v versions) Versions(_ context.Context, slug string) ([]challenges.VersionInfo, error) {
	var out []challenges.VersionInfo
	for _, ver := range v[slug] {
		out = append(out, challenges.VersionInfo{ChallengeVersion: runner.ChallengeVersion{Challenge: slug, Version: ver}})
	}
	return out, nil
}

// invitationMap reads invitations by id, as the accounts' store does; the
// fakes of stores that also keep invitations read theirs through it.
type invitationMap map[string]access.Invitation

func (m invitationMap) Invitation(_ context.Context, id string) (access.Invitation, error) {
	inv, ok := m[id]
	if !ok {
		return inv, fmt.Errorf("invitation %s: %w", id, runner.ErrNotFound)
	}
	return inv, nil
}
