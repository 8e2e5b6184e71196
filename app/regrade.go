package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"assay/access"
	"assay/runner"
)

// Regrades is the use case of regrading: copies of earlier submissions
// run again against a challenge version on the queue's regrade lane.
type Regrades struct {
	Catalog     Catalog
	Submissions States
	// Store keeps regrades; nil: this server keeps none (Unsupported).
	Store RegradeStore
	// Assessments, for a regrade of an assessment; nil: this server keeps
	// no accounts (Unsupported).
	Assessments AssessmentReader
	// Versions lists stored versions, for a regrade that names one; nil:
	// a version cannot be named (Invalid).
	Versions VersionLister
	// Reader reads regrades and their progress; nil: this server keeps
	// none (Unsupported).
	Reader RegradeReader
	Now    func() time.Time
	NewID  func() string
	Logger *slog.Logger
}

// RegradeRequest names what to regrade: a challenge's submissions, an
// assessment's, or an assessment's at one challenge; Version, with a
// challenge, a stored version instead of the current one.
type RegradeRequest struct {
	Challenge, Assessment, Version string
}

// Start checks req, copies the finished submissions in its scope and
// queues the copies on the regrade lane. Only the admin regrades
// (Forbidden). Errors: Unsupported (no store of regrades, or of accounts
// for an assessment), Invalid (the scope), NotFound (the assessment, a
// challenge), Unavailable.
func (u *Regrades) Start(ctx context.Context, by access.Principal, req RegradeRequest) (runner.Regrade, error) {
	if by.Role != access.RoleAdmin {
		return runner.Regrade{}, Errorf(Forbidden, "a %s may not regrade; it needs the admin role", by.Role)
	}
	if u.Store == nil {
		return runner.Regrade{}, errNoRegrades
	}
	rg, ids, err := u.Scope(ctx, req)
	if err != nil {
		return runner.Regrade{}, err
	}
	found, err := u.Submissions.GetMany(ctx, ids)
	if err != nil {
		return runner.Regrade{}, StoreFailed(fmt.Errorf("regrade: %w", err))
	}
	states := make([]runner.State, 0, len(ids))
	for _, id := range ids {
		if st, ok := found[id]; ok {
			states = append(states, st)
		}
	}
	rg.ID = u.NewID()
	rg.CreatedBy = by.ID
	rg.CreatedAt = u.Now().UTC()
	rg, copies, items := runner.PlanRegrade(rg, states, u.NewID)
	if err := u.Store.CreateRegrade(ctx, rg, copies, items); err != nil {
		return runner.Regrade{}, StoreFailed(fmt.Errorf("create regrade: %w", err))
	}
	u.Logger.Info("regrade queued", "regrade", rg.ID, "challenge", rg.Challenge, "assessment", rg.Assessment, "total", rg.Total, "skipped", rg.Skipped)
	return rg, nil
}

var (
	errNoRegrades = Errorf(Unsupported, "this server keeps no regrades")
	errNoAccounts = Errorf(Unsupported, "this server keeps no accounts")
)

// Scope checks a regrade request and returns the regrade's target
// versions and the candidate submissions' ids.
func (u *Regrades) Scope(ctx context.Context, req RegradeRequest) (runner.Regrade, []string, error) {
	rg := runner.Regrade{Challenge: req.Challenge, Assessment: req.Assessment, Versions: map[string]string{}}
	if req.Challenge == "" && req.Assessment == "" {
		return rg, nil, Errorf(Invalid, "name a challenge, an assessment, or both")
	}
	if req.Version != "" && req.Challenge == "" {
		return rg, nil, Errorf(Invalid, "version needs a challenge")
	}
	var slugs, ids []string
	var err error
	if req.Assessment != "" {
		slugs, ids, err = u.assessmentScope(ctx, req)
	} else {
		slugs = []string{req.Challenge}
		ids, err = u.challengeScope(ctx, req.Challenge)
	}
	if err != nil {
		return rg, nil, err
	}
	for _, slug := range slugs {
		ch, err := u.Catalog.Get(slug)
		if err != nil {
			return rg, nil, err
		}
		rg.Versions[slug] = ch.Version
	}
	if req.Version != "" {
		if err := u.knownVersion(ctx, req.Challenge, req.Version); err != nil {
			return rg, nil, err
		}
		rg.Versions[req.Challenge] = req.Version
	}
	return rg, ids, nil
}

// assessmentScope is an assessment's challenges (or the one req names,
// which must be one of them) and its invitations' submissions.
func (u *Regrades) assessmentScope(ctx context.Context, req RegradeRequest) (slugs, ids []string, err error) {
	if u.Assessments == nil {
		return nil, nil, errNoAccounts
	}
	a, err := u.Assessments.Assessment(ctx, req.Assessment)
	if err != nil {
		return nil, nil, StoreFailed(fmt.Errorf("assessment %s: %w", req.Assessment, err))
	}
	slugs = a.Challenges
	if req.Challenge != "" {
		if !slices.Contains(slugs, req.Challenge) {
			return nil, nil, Errorf(Invalid, "challenge %s is not part of assessment %s", req.Challenge, req.Assessment)
		}
		slugs = []string{req.Challenge}
	}
	invs, err := u.Assessments.Invitations(ctx, req.Assessment)
	if err != nil {
		return nil, nil, StoreFailed(err)
	}
	for _, inv := range invs {
		subs, err := u.Assessments.InvitationSubmissions(ctx, inv.ID)
		if err != nil {
			return nil, nil, StoreFailed(err)
		}
		ids = append(ids, subs...)
	}
	return slugs, ids, nil
}

// challengeScope is every submission to the challenge.
func (u *Regrades) challengeScope(ctx context.Context, slug string) ([]string, error) {
	if u.Store == nil {
		return nil, errNoRegrades
	}
	ids, err := u.Store.ChallengeSubmissions(ctx, slug)
	if err != nil {
		return nil, StoreFailed(err)
	}
	return ids, nil
}

// knownVersion refuses a version the server does not store: every copy
// would otherwise be recorded as rejected.
func (u *Regrades) knownVersion(ctx context.Context, slug, version string) error {
	if u.Versions == nil {
		return Errorf(Invalid, "this server cannot list versions; leave version out to use the current one")
	}
	vs, err := u.Versions.Versions(ctx, slug)
	if err != nil {
		return StoreFailed(err)
	}
	for _, v := range vs {
		if v.Version == version {
			return nil
		}
	}
	return Errorf(Invalid, "challenge %s has no version %s (GET /api/v1/challenges/%s/versions lists them)", slug, version, slug)
}

// RegradeReader reads regrades and their progress.
type RegradeReader interface {
	// Regrades lists every regrade with its progress, oldest first (in
	// a few round trips, not one per regrade).
	Regrades(ctx context.Context) ([]runner.Regrade, []runner.RegradeProgress, error)
	// Regrade is one regrade and its progress (an error wrapping
	// runner.ErrNotFound for an unknown id).
	Regrade(ctx context.Context, id string) (runner.Regrade, runner.RegradeProgress, error)
	// RegradeItems is a page of a regrade's items and how many it has.
	RegradeItems(ctx context.Context, id string, offset, limit int) ([]runner.RegradeItem, int, error)
}

// RegradeStatus is a regrade with its progress and, when asked for, a
// page of its items. Its fields are those of the API's RegradeView, which
// converts from it.
type RegradeStatus struct {
	runner.Regrade
	Progress   runner.RegradeProgress
	Items      []runner.RegradeItem
	ItemsTotal int
}

// List is every regrade with its progress, oldest first, without items.
// Errors: Unsupported, Unavailable.
func (u *Regrades) List(ctx context.Context) ([]RegradeStatus, error) {
	if u.Reader == nil {
		return nil, errNoRegrades
	}
	rgs, prs, err := u.Reader.Regrades(ctx)
	if err != nil {
		return nil, StoreFailed(err)
	}
	out := make([]RegradeStatus, len(rgs))
	for i := range rgs {
		out[i] = RegradeStatus{Regrade: rgs[i], Progress: prs[i]}
	}
	return out, nil
}

// Get is a regrade with its progress and the page of its items from
// offset (at most limit). Errors: Unsupported, NotFound, Unavailable.
func (u *Regrades) Get(ctx context.Context, id string, offset, limit int) (RegradeStatus, error) {
	if u.Reader == nil {
		return RegradeStatus{}, errNoRegrades
	}
	rg, pr, err := u.Reader.Regrade(ctx, id)
	if err != nil {
		return RegradeStatus{}, StoreFailed(err)
	}
	items, total, err := u.Reader.RegradeItems(ctx, rg.ID, offset, limit)
	if err != nil {
		return RegradeStatus{}, StoreFailed(err)
	}
	return RegradeStatus{Regrade: rg, Progress: pr, Items: items, ItemsTotal: total}, nil
}
