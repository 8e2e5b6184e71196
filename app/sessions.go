package app

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"assay/access"
	"assay/challenges"
)

// SessionStore keeps timed sessions' clocks.
type SessionStore interface {
	InvitationReader
	// StartInvitation starts a timed session's clock, once: after, it
	// returns the invitation with an error wrapping
	// access.ErrAlreadyStarted.
	StartInvitation(ctx context.Context, id string, now time.Time) (access.Invitation, error)
	// GiveTime adds extra time, and sets the multiplier when it is above 0.
	GiveTime(ctx context.Context, id string, extra time.Duration, multiplier float64) (access.Invitation, error)
}

// Sessions is the use case of timed sessions: the candidate starts the
// clock; staff give one candidate more time.
type Sessions struct {
	// Store nil: this server keeps no accounts (Unsupported).
	Store  SessionStore
	Now    func() time.Time
	Logger *slog.Logger
}

// Session is a timed session's clock as the API shows it.
type Session struct {
	Invitation string          `json:"invitation"`
	Timed      bool            `json:"timed"`
	Duration   access.Duration `json:"duration,omitempty"`
	Multiplier float64         `json:"time_multiplier,omitempty"`
	ExtraTime  access.Duration `json:"extra_time,omitempty"`
	StartedAt  *time.Time      `json:"started_at,omitempty"`
	EndsAt     *time.Time      `json:"ends_at,omitempty"`
	Left       access.Duration `json:"left"`
	State      string          `json:"state"` // not_started, running, over
	Deadline   *time.Time      `json:"deadline,omitempty"`
}

// SessionOf is an invitation's clock at now.
func SessionOf(inv access.Invitation, now time.Time) Session {
	out := Session{Invitation: inv.ID, Timed: inv.Timed(), Duration: inv.Duration, Multiplier: inv.TimeMultiplier,
		ExtraTime: inv.ExtraTime, StartedAt: inv.StartedAt, EndsAt: inv.Ends(), Deadline: inv.Deadline, State: "running"}
	switch {
	case inv.WaitsForStart():
		out.State = "not_started"
	case inv.Expired(now):
		out.State = "over"
	}
	if out.EndsAt != nil && out.State == "running" {
		out.Left = access.Duration(out.EndsAt.Sub(now).Round(time.Second))
	}
	return out
}

// NewTime is staff's gift of time to one candidate (the body of POST
// /api/v1/invitations/{id}/time, and the assessment page's form): minutes
// added, and an accommodation as a multiplier of the duration.
type NewTime struct {
	ExtraMinutes float64 `json:"extra_minutes,omitempty"`
	Multiplier   float64 `json:"multiplier,omitempty"`
}

// Supported is Unsupported when this server keeps no accounts: for
// callers that must refuse before they read a request.
func (u *Sessions) Supported() error {
	if u.Store == nil {
		return errNoAccounts
	}
	return nil
}

// Own is p's own invitation when it is the one named id: Forbidden for
// anyone else, staff included (only its candidate works in it).
func Own(p access.Principal, id string) (*access.Invitation, error) {
	if p.Role != access.RoleCandidate || p.Invitation == nil || p.ID != id {
		return nil, Errorf(Forbidden, "invitation %s is not yours", id)
	}
	return p.Invitation, nil
}

// Start starts the clock of p's timed session (invitation id); starting
// again changes nothing. Errors: Unsupported, Forbidden (not p's; expired
// before it started), Conflict (not a timed session), Unavailable.
func (u *Sessions) Start(ctx context.Context, p access.Principal, id string) (Session, error) {
	if err := u.Supported(); err != nil {
		return Session{}, err
	}
	inv, err := Own(p, id)
	if err != nil {
		return Session{}, err
	}
	if !inv.Timed() {
		return Session{}, Errorf(Conflict, "this invitation is not a timed session: there is no clock to start")
	}
	if now := u.Now(); inv.StartedAt == nil && inv.Expired(now) {
		return Session{}, Errorf(Forbidden, "your invitation expired at %s", inv.Ends().UTC().Format(time.RFC3339))
	}
	started, err := u.Store.StartInvitation(ctx, inv.ID, u.Now())
	if err != nil && !errors.Is(err, access.ErrAlreadyStarted) {
		return Session{}, StoreFailed(err)
	}
	return SessionOf(started, u.Now()), nil
}

// maxExtraMinutes bounds extra time: a week.
const maxExtraMinutes = 7 * 24 * 60

// GiveTime checks and applies by's gift of time to invitation id.
// Errors: Unsupported, Invalid (the gift), NotFound, Conflict (not a
// timed session), Unavailable.
func (u *Sessions) GiveTime(ctx context.Context, by access.Principal, id string, req NewTime) (access.Invitation, error) {
	if err := u.Supported(); err != nil {
		return access.Invitation{}, err
	}
	switch {
	case req.ExtraMinutes < 0 || req.ExtraMinutes > maxExtraMinutes:
		return access.Invitation{}, Errorf(Invalid, "extra_minutes must be from 0 to %d (a week)", maxExtraMinutes)
	case req.Multiplier != 0 && (req.Multiplier < 1 || req.Multiplier > 4):
		return access.Invitation{}, Errorf(Invalid, "multiplier must be from 1 to 4 (1.5: half as much time again)")
	case req.ExtraMinutes == 0 && req.Multiplier == 0:
		return access.Invitation{}, Errorf(Invalid, "give extra_minutes, a multiplier, or both")
	}
	inv, err := u.Store.Invitation(ctx, id)
	if err != nil {
		return inv, StoreFailed(err)
	}
	if !inv.Timed() {
		return inv, Errorf(Conflict, "invitation %s is not a timed session (it has no duration)", id)
	}
	inv, err = u.Store.GiveTime(ctx, id, time.Duration(req.ExtraMinutes*float64(time.Minute)), req.Multiplier)
	if err != nil {
		return inv, StoreFailed(err)
	}
	u.Logger.Info("time given", "invitation", id, "extra_minutes", req.ExtraMinutes, "multiplier", req.Multiplier, "by", by.ID)
	return inv, nil
}

// OpenChallenge is p's own invitation (Own) and the challenge slug, while
// the invitation takes work (WorkOpen): where drafts and recordings go.
// Errors: Forbidden, NotFound (a challenge not in the invitation, or not
// in the catalog: the same answer, so a candidate learns nothing of
// other challenges).
func OpenChallenge(cat Catalog, p access.Principal, id, slug string, now time.Time) (*access.Invitation, *challenges.Challenge, error) {
	inv, err := Own(p, id)
	if err != nil {
		return nil, nil, err
	}
	ch, err := cat.Get(slug)
	if err != nil || !inv.Allows(slug) {
		return nil, nil, Errorf(NotFound, "your invitation has no challenge %q", slug)
	}
	if err := WorkOpen(inv, now); err != nil {
		return nil, nil, err
	}
	return inv, ch, nil
}
