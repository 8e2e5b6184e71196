package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"assay/access"
	"assay/review"
	"assay/runner"
)

// ReviewStore keeps what staff add to candidates' work: revocations and
// new links, notes on submissions, decisions about candidates.
type ReviewStore interface {
	RevokeInvitation(ctx context.Context, id, by string, now time.Time) (access.Invitation, error)
	// NewInvitationToken replaces an invitation's token hash; an error
	// wrapping runner.ErrConflict when the invitation is revoked.
	NewInvitationToken(ctx context.Context, id, tokenHash string) (access.Invitation, error)
	// AddNote keeps a note; an error wrapping runner.ErrConflict when the
	// submission has review.MaxNotes already.
	AddNote(ctx context.Context, n review.Note) error
	Notes(ctx context.Context, submission string) ([]review.Note, error)
	Decide(ctx context.Context, d review.Decision) error
	// Decisions lists an invitation's decisions, oldest first.
	Decisions(ctx context.Context, invitation string) ([]review.Decision, error)
}

// InvitationReader reads one invitation (an error wrapping
// runner.ErrNotFound for an unknown id).
type InvitationReader interface {
	Invitation(ctx context.Context, id string) (access.Invitation, error)
}

// SubmissionReader reads one submission (an error wrapping
// runner.ErrNotFound for an unknown id).
type SubmissionReader interface {
	Get(ctx context.Context, id string) (runner.State, error)
}

// Reviews is the use case of staff's review: revoking an invitation,
// giving it a new link, notes on submissions, decisions about candidates.
type Reviews struct {
	// Store nil: this server keeps no reviews (Unsupported).
	Store ReviewStore
	// Invitations nil: this server keeps no accounts (Unsupported, for
	// decisions).
	Invitations InvitationReader
	Submissions SubmissionReader
	Now         func() time.Time
	NewID       func() string
}

// NewNote is a note to add (the body of POST
// /api/v1/submissions/{id}/notes, and the submission page's form): on a
// line of a file, or with neither on the whole submission.
type NewNote struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Text string `json:"text"`
}

// NewDecision is a decision to record (the body of POST
// /api/v1/invitations/{id}/decisions, and the assessment page's form).
type NewDecision struct {
	Decision review.Verdict `json:"decision"`
	Reason   string         `json:"reason,omitempty"`
}

// Decisions is an invitation's decisions: the one standing (the latest)
// and the history, oldest first.
type Decisions struct {
	Current *review.Decision  `json:"current,omitempty"`
	History []review.Decision `json:"history"`
}

var errNoReviews = Errorf(Unsupported, "this server keeps no reviews")

func (u *Reviews) store() (ReviewStore, error) {
	if u.Store == nil {
		return nil, errNoReviews
	}
	return u.Store, nil
}

// Revoke makes an invitation's link stop working at once, by p; the
// candidate's work stays for review. Errors: Unsupported, NotFound,
// Unavailable.
func (u *Reviews) Revoke(ctx context.Context, p access.Principal, id string) (access.Invitation, error) {
	rv, err := u.store()
	if err != nil {
		return access.Invitation{}, err
	}
	inv, err := rv.RevokeInvitation(ctx, id, p.ID, u.Now())
	if err != nil {
		return inv, StoreFailed(err)
	}
	return inv, nil
}

// Relink gives an invitation a new token (links are shown once, at
// creation; this is how staff get one again); the old link stops
// working. Errors: Unsupported, NotFound, Conflict (revoked),
// Unavailable.
func (u *Reviews) Relink(ctx context.Context, id string) (CreatedInvitation, error) {
	rv, err := u.store()
	if err != nil {
		return CreatedInvitation{}, err
	}
	tok, err := access.NewToken()
	if err != nil {
		return CreatedInvitation{}, fmt.Errorf("new invitation token: %w", err)
	}
	inv, err := rv.NewInvitationToken(ctx, id, access.HashToken(tok))
	if errors.Is(err, runner.ErrConflict) {
		return CreatedInvitation{}, Errorf(Conflict, "invitation %s is revoked: it gets no new link", id)
	}
	if err != nil {
		return CreatedInvitation{}, StoreFailed(err)
	}
	return CreatedInvitation{Invitation: inv, Token: tok, Link: "/i/" + tok}, nil
}

// Notes lists a submission's notes, oldest first. Errors: Unsupported,
// NotFound (the submission), Unavailable.
func (u *Reviews) Notes(ctx context.Context, submission string) ([]review.Note, error) {
	rv, err := u.store()
	if err != nil {
		return nil, err
	}
	if _, err := u.submission(ctx, submission); err != nil {
		return nil, err
	}
	notes, err := rv.Notes(ctx, submission)
	if err != nil {
		return nil, StoreFailed(err)
	}
	return notes, nil
}

// Note checks and keeps p's note on a submission. Errors: Unsupported,
// NotFound (the submission), an error wrapping review.ErrInvalid (the
// note: its kind is Invalid; the forms show its text without the
// sentinel's prefix), Conflict (too many notes), Unavailable.
func (u *Reviews) Note(ctx context.Context, p access.Principal, submission string, req NewNote) (review.Note, error) {
	rv, err := u.store()
	if err != nil {
		return review.Note{}, err
	}
	st, err := u.submission(ctx, submission)
	if err != nil {
		return review.Note{}, err
	}
	n := review.Note{ID: u.NewID(), Submission: submission, File: req.File, Line: req.Line, Text: strings.TrimSpace(req.Text),
		Author: p.ID, AuthorName: p.Name, CreatedAt: u.Now().UTC()}
	if err := review.CheckNote(n, st.Submission.Files); err != nil {
		return n, err
	}
	if err := rv.AddNote(ctx, n); err != nil {
		if errors.Is(err, runner.ErrConflict) {
			return n, Errorf(Conflict, "this submission has %d notes, the most it keeps", review.MaxNotes)
		}
		return n, StoreFailed(err)
	}
	return n, nil
}

// submission loads a submission named by a caller: NotFound for what is
// not a submission id (a uuid), without asking the store.
func (u *Reviews) submission(ctx context.Context, id string) (runner.State, error) {
	if _, err := uuid.Parse(id); err != nil {
		return runner.State{}, Errorf(NotFound, "no submission %q", id)
	}
	st, err := u.Submissions.Get(ctx, id)
	if err != nil {
		return st, StoreFailed(err)
	}
	return st, nil
}

// invitation checks that decisions can be kept and that the invitation
// exists.
func (u *Reviews) invitation(ctx context.Context, id string) (ReviewStore, error) {
	rv, err := u.store()
	if err != nil {
		return nil, err
	}
	if u.Invitations == nil {
		return nil, errNoAccounts
	}
	if _, err := u.Invitations.Invitation(ctx, id); err != nil {
		return nil, StoreFailed(err)
	}
	return rv, nil
}

// Decisions is an invitation's decisions. Errors: Unsupported (no
// reviews, no accounts), NotFound (the invitation), Unavailable.
func (u *Reviews) Decisions(ctx context.Context, invitation string) (Decisions, error) {
	rv, err := u.invitation(ctx, invitation)
	if err != nil {
		return Decisions{}, err
	}
	list, err := rv.Decisions(ctx, invitation)
	if err != nil {
		return Decisions{}, StoreFailed(err)
	}
	out := Decisions{History: list}
	if len(list) > 0 {
		out.Current = &list[len(list)-1]
	}
	return out, nil
}

// Decide records p's decision about an invitation's candidate; the latest
// stands. Errors: Unsupported (no reviews, no accounts), NotFound (the
// invitation), an error wrapping review.ErrInvalid (the decision),
// Unavailable.
func (u *Reviews) Decide(ctx context.Context, p access.Principal, invitation string, req NewDecision) (review.Decision, error) {
	rv, err := u.invitation(ctx, invitation)
	if err != nil {
		return review.Decision{}, err
	}
	d := review.Decision{Invitation: invitation, Decision: req.Decision, Reason: strings.TrimSpace(req.Reason), By: p.ID, ByName: p.Name, At: u.Now().UTC()}
	if err := review.CheckDecision(d); err != nil {
		return d, err
	}
	if err := rv.Decide(ctx, d); err != nil {
		return d, StoreFailed(err)
	}
	return d, nil
}
