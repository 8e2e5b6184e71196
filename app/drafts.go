package app

import (
	"context"
	"errors"
	"time"

	"assay/access"
	"assay/challenges"
	"assay/runner"
)

// DraftStore keeps candidates' drafts and their histories.
type DraftStore interface {
	InvitationReader
	DraftSaver
	// Draft is the latest draft (an error wrapping runner.ErrNotFound
	// when none was saved); DraftHistory every save, oldest first.
	Draft(ctx context.Context, invitation, challenge string) (runner.Draft, error)
	DraftHistory(ctx context.Context, invitation, challenge string) ([]runner.Draft, error)
}

// Drafts is the use case of candidates' drafts: saved while the candidate
// types (and on every Run and Submit, by Submissions), restored on any
// device, kept as a history for staff.
type Drafts struct {
	Catalog Catalog
	// Store nil: this server keeps no accounts (Unsupported).
	Store DraftStore
	// Limiter counts the draft saves; nil: none are counted.
	Limiter      Limiter
	MaxFileBytes int
	Now          func() time.Time
}

// DraftHistory is every save of a draft, oldest first.
type DraftHistory struct {
	Invitation string         `json:"invitation"`
	Challenge  string         `json:"challenge"`
	Saves      []runner.Draft `json:"saves"`
}

// draftSaves bounds one candidate's draft saves per minute (the page
// saves every few seconds while they type).
const draftSaves = 240

// Supported is Unsupported when this server keeps no accounts: for
// callers that must refuse before they read a request.
func (u *Drafts) Supported() error {
	if u.Store == nil {
		return errNoAccounts
	}
	return nil
}

// Open is where p may save a draft: p's own invitation id and its
// challenge slug, while it takes work (OpenChallenge). Callers open before
// they read the draft, so a refusal does not wait for a large body.
func (u *Drafts) Open(p access.Principal, id, slug string) (*access.Invitation, *challenges.Challenge, error) {
	if err := u.Supported(); err != nil {
		return nil, nil, err
	}
	return OpenChallenge(u.Catalog, p, id, slug, u.Now())
}

// Save keeps a draft of an opened challenge (Open) as its latest, typed.
// Errors: Invalid and TooLarge (the files, CheckEntry), RateLimited,
// Unavailable.
func (u *Drafts) Save(ctx context.Context, inv *access.Invitation, ch *challenges.Challenge, files map[string]string, scratch string) (runner.Draft, error) {
	if err := CheckEntry(ch.Files, files, scratch, u.MaxFileBytes); err != nil {
		return runner.Draft{}, err
	}
	if u.Limiter != nil {
		if err := Allow(ctx, u.Limiter, "draft:invitation:"+inv.ID, RateLimit{N: draftSaves, Per: time.Minute}, "draft saves", u.Now()); err != nil {
			return runner.Draft{}, err
		}
	}
	d := runner.Draft{Invitation: inv.ID, Challenge: ch.Slug, Files: files, Scratch: scratch, SavedAt: u.Now().UTC(), Source: runner.DraftTyping}
	if err := u.Store.SaveDraft(ctx, d); err != nil {
		return runner.Draft{}, StoreFailed(err)
	}
	return d, nil
}

// Latest is an invitation's latest draft of a challenge, for its
// candidate or staff. Errors: Unsupported, Forbidden (another candidate's),
// NotFound (none saved), Unavailable.
func (u *Drafts) Latest(ctx context.Context, p access.Principal, id, slug string) (runner.Draft, error) {
	if err := u.Supported(); err != nil {
		return runner.Draft{}, err
	}
	if p.Role == access.RoleCandidate && p.ID != id {
		return runner.Draft{}, Errorf(Forbidden, "invitation %s is not yours", id)
	}
	d, err := u.Store.Draft(ctx, id, slug)
	if errors.Is(err, runner.ErrNotFound) {
		return runner.Draft{}, Errorf(NotFound, "no draft of %s was saved", slug)
	}
	if err != nil {
		return runner.Draft{}, StoreFailed(err)
	}
	return d, nil
}

// History is every save of an invitation's draft of a challenge, for
// staff. Errors: Unsupported, NotFound (the invitation), Unavailable.
func (u *Drafts) History(ctx context.Context, id, slug string) (DraftHistory, error) {
	if err := u.Supported(); err != nil {
		return DraftHistory{}, err
	}
	if _, err := u.Store.Invitation(ctx, id); err != nil {
		return DraftHistory{}, StoreFailed(err)
	}
	saves, err := u.Store.DraftHistory(ctx, id, slug)
	if err != nil {
		return DraftHistory{}, StoreFailed(err)
	}
	return DraftHistory{Invitation: id, Challenge: slug, Saves: saves}, nil
}
