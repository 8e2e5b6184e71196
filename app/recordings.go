package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"assay/access"
	"assay/challenges"
	"assay/review"
)

// RecordingStore keeps what candidates' editors record (edits, pastes,
// time away) and the markers of what they sent, for staff's replay.
type RecordingStore interface {
	// RecordEdits appends a page session's events from its seq-th and
	// returns how many of the session's events are stored: with an error
	// wrapping review.ErrRecordingGap when seq is past them, or
	// review.ErrRecordingFull when the recording reached its limit.
	RecordEdits(ctx context.Context, invitation, challenge, session string, seq int, events []review.Event) (int, error)
	// Edits is the recording, and whether it is full.
	Edits(ctx context.Context, invitation, challenge string) ([]review.Event, bool, error)
}

// Recordings is the use case of candidates' editor recordings: a page
// sends what its editor recorded; staff replay it, checked against what
// was sent at each Run and submission.
type Recordings struct {
	Catalog Catalog
	// Store nil: this server keeps no recordings (Unsupported).
	Store RecordingStore
	// Invitations nil: this server keeps no accounts (Unsupported, for
	// the replay).
	Invitations InvitationReader
	Submissions States
	// Limiter counts the batches; nil: none are counted.
	Limiter Limiter
	// MaxFileBytes bounds an event's offsets and texts, as it bounds a
	// file.
	MaxFileBytes int
	Now          func() time.Time
}

// EditBatch is events recorded by one page session (Session, random per
// page load), the first of them being the session's Seq-th (the body of
// POST /api/v1/invitations/{id}/drafts/{challenge}/events).
type EditBatch struct {
	Session string         `json:"session"`
	Seq     int            `json:"seq"`
	Events  []review.Event `json:"events"`
}

// ReplayView is a recording, the starter texts it starts from, and each
// marker checked against what was sent.
type ReplayView struct {
	Invitation string            `json:"invitation"`
	Challenge  string            `json:"challenge"`
	Start      map[string]string `json:"start"`
	Events     []review.Event    `json:"events"`
	// Full: the recording reached its size limit and stops there.
	Full   bool          `json:"full,omitempty"`
	Checks []ReplayCheck `json:"checks"`
	// Error is why the recording does not replay (a gap), if it does not.
	Error string `json:"error,omitempty"`
	// Pastes, PastedChars and AwayMS sum up what the timeline marks.
	Pastes      int   `json:"pastes"`
	PastedChars int   `json:"pasted_chars"`
	AwayMS      int64 `json:"away_ms"`
}

// ReplayCheck says whether the replay at a marker is what was sent.
type ReplayCheck struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Event   int    `json:"event"`
	Matches bool   `json:"matches"`
}

// editBatches bounds one candidate's recording requests per minute (the
// page sends one every ten seconds, with each draft save, and before each
// Run and Submit).
const editBatches = 240

// maxEventsPerBatch bounds one request of recorded events.
const maxEventsPerBatch = 5000

var sessionID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

var errNoRecordings = Errorf(Unsupported, "this server keeps no recordings")

// Open is where p may record: p's own invitation id and its challenge
// slug, while it takes work (OpenChallenge). Callers open before they read
// the batch. Errors: Unsupported, Forbidden, NotFound.
func (u *Recordings) Open(p access.Principal, id, slug string) (*access.Invitation, *challenges.Challenge, error) {
	if u.Store == nil {
		return nil, nil, errNoRecordings
	}
	return OpenChallenge(u.Catalog, p, id, slug, u.Now())
}

// Record stores a batch of an opened challenge's recording (Open) and
// returns how many of its page session's events are stored. Errors:
// Invalid and TooLarge (the batch), RateLimited, Conflict wrapping
// review.ErrRecordingGap (the client must send from the count returned),
// TooLarge (the recording is full), Unavailable.
func (u *Recordings) Record(ctx context.Context, inv *access.Invitation, ch *challenges.Challenge, b EditBatch) (int, error) {
	if err := u.checkBatch(ch, b); err != nil {
		return 0, err
	}
	if u.Limiter != nil {
		if err := Allow(ctx, u.Limiter, "edits:invitation:"+inv.ID, RateLimit{N: editBatches, Per: time.Minute}, "recording batches", u.Now()); err != nil {
			return 0, err
		}
	}
	n, err := u.Store.RecordEdits(ctx, inv.ID, ch.Slug, b.Session, b.Seq, b.Events)
	switch {
	case errors.Is(err, review.ErrRecordingGap):
		return n, &Error{Kind: Conflict, Msg: fmt.Sprintf("send the session's events from %d", n), Err: err}
	case errors.Is(err, review.ErrRecordingFull):
		return n, &Error{Kind: TooLarge, Msg: "the recording of this challenge is full; your drafts and submissions are kept as always", Err: err}
	case err != nil:
		return n, StoreFailed(err)
	}
	return n, nil
}

// checkBatch refuses events a page cannot have recorded: unknown kinds
// (markers are the server's), files the challenge does not take, negative
// offsets, texts larger than a file may be.
func (u *Recordings) checkBatch(ch *challenges.Challenge, b EditBatch) error {
	if !sessionID.MatchString(b.Session) {
		return Errorf(Invalid, "session must be 8 to 64 letters, digits, - or _")
	}
	if b.Seq < 0 {
		return Errorf(Invalid, "seq must not be negative")
	}
	if len(b.Events) == 0 || len(b.Events) > maxEventsPerBatch {
		return Errorf(Invalid, "send 1 to %d events", maxEventsPerBatch)
	}
	files := map[string]bool{}
	for _, f := range ch.Files {
		files[f] = true
	}
	limit := u.MaxFileBytes
	for i, e := range b.Events {
		if !review.Recorded(e.K) {
			return Errorf(Invalid, "event %d: kind %q is not open, edit, blur or focus", i, e.K)
		}
		if e.T <= 0 {
			return Errorf(Invalid, "event %d: t must be a time (Unix ms)", i)
		}
		if e.ID != "" {
			return Errorf(Invalid, "event %d: id is the server's", i)
		}
		switch e.K {
		case review.EventOpen, review.EventEdit:
			if !files[e.F] {
				return Errorf(Invalid, "event %d: %q is not a file of this challenge", i, e.F)
			}
		default:
			if e.F != "" || e.Ins != "" || e.Text != "" || e.At != 0 || e.Del != 0 {
				return Errorf(Invalid, "event %d: a %s event carries no text", i, e.K)
			}
		}
		if e.At < 0 || e.Del < 0 || e.At > limit || e.Del > limit {
			return Errorf(Invalid, "event %d: at and del must be from 0 to %d", i, limit)
		}
		if len(e.Ins) > limit || len(e.Text) > limit {
			return Errorf(TooLarge, "event %d: text larger than a file may be (%d bytes)", i, limit)
		}
	}
	return nil
}

// Replay is an invitation's recording at a challenge, for staff: its
// events replayed from the starter, each marker checked against the
// submission it marks, and the pastes and time away summed. Errors:
// Unsupported (no recordings, no accounts), NotFound (the invitation, or
// a challenge not in it), Unavailable.
func (u *Recordings) Replay(ctx context.Context, id, slug string) (ReplayView, error) {
	if u.Store == nil {
		return ReplayView{}, errNoRecordings
	}
	if u.Invitations == nil {
		return ReplayView{}, errNoAccounts
	}
	inv, err := u.Invitations.Invitation(ctx, id)
	if err != nil {
		return ReplayView{}, StoreFailed(err)
	}
	if !inv.Allows(slug) {
		return ReplayView{}, Errorf(NotFound, "invitation %s has no challenge %q", id, slug)
	}
	events, full, err := u.Store.Edits(ctx, id, slug)
	if err != nil {
		return ReplayView{}, StoreFailed(err)
	}
	v := ReplayView{Invitation: id, Challenge: slug, Start: map[string]string{}, Events: events, Full: full, Checks: []ReplayCheck{}}
	if ch, err := u.Catalog.Get(slug); err == nil {
		for _, f := range ch.Files {
			v.Start[f] = string(ch.Starter[f])
		}
	}
	_, marks, err := review.Replay(v.Start, events)
	if err != nil {
		v.Error = err.Error()
	}
	ids := make([]string, len(marks))
	for i, m := range marks {
		ids[i] = m.ID
	}
	// One read for every marker, not one round trip each.
	states, err := u.Submissions.GetMany(ctx, ids)
	if err != nil {
		return v, StoreFailed(err)
	}
	for _, m := range marks {
		st, found := states[m.ID]
		if !found {
			// A marker whose submission is gone is not checked.
			continue
		}
		ok := true
		for f, text := range st.Submission.Files {
			if m.Files[f] != text {
				ok = false
			}
		}
		v.Checks = append(v.Checks, ReplayCheck{ID: m.ID, Kind: events[m.Event].K, Event: m.Event, Matches: ok})
	}
	var away int64 = -1
	for _, e := range events {
		switch {
		case e.K == review.EventEdit && e.Paste:
			v.Pastes++
			v.PastedChars += len([]rune(e.Ins))
		case e.K == review.EventBlur && away < 0:
			away = e.T
		case e.K == review.EventFocus && away >= 0:
			v.AwayMS += max(0, e.T-away)
			away = -1
		}
	}
	return v, nil
}
