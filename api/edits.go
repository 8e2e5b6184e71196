package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/challenges"
	"assay/review"
	"assay/runner"
)

// Recordings keeps what candidates' editors record (edits, pastes, time
// away) and the markers of what they sent, for staff's replay.
type Recordings interface {
	RecordEdits(ctx context.Context, invitation, challenge, session string, seq int, events []review.Event) (int, error)
	MarkEdits(ctx context.Context, invitation, challenge string, e review.Event) error
	Edits(ctx context.Context, invitation, challenge string) ([]review.Event, bool, error)
}

// editBatches bounds one candidate's recording requests per minute (the
// page sends one every ten seconds, with each draft save, and before each
// Run and Submit).
const editBatches = 240

// maxEventsPerBatch bounds one request of recorded events.
const maxEventsPerBatch = 5000

var sessionID = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// EditBatch is the body of POST
// /api/v1/invitations/{id}/drafts/{challenge}/events: events recorded by
// one page session (Session, random per page load), the first of them
// being the session's Seq-th.
type EditBatch struct {
	Session string         `json:"session"`
	Seq     int            `json:"seq"`
	Events  []review.Event `json:"events"`
}

// EditsStored is its answer: how many of the session's events are stored.
type EditsStored struct {
	Stored int `json:"stored"`
}

func (s *server) editRoutes(v1 *gin.RouterGroup) {
	v1.POST("/invitations/:id/drafts/:challenge/events", s.allow(access.RoleCandidate), s.recordEdits)
	v1.GET("/invitations/:id/drafts/:challenge/events", s.allow(staff...), s.listEdits)
}

func (s *server) recordings() (Recordings, error) {
	if s.cfg.Recordings == nil {
		return nil, errorf(http.StatusNotImplemented, "this server keeps no recordings")
	}
	return s.cfg.Recordings, nil
}

func (s *server) recordEdits(c *gin.Context) {
	rec, err := s.recordings()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	inv, ch, err := app.OpenChallenge(s.cfg.Catalog, principalOf(c), c.Param("id"), c.Param("challenge"), s.cfg.Now())
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	slug := ch.Slug
	var req EditBatch
	if err := s.decodeLarge(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if err := s.checkBatch(ch, req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if acc, err := s.accounts(); err == nil {
		if err := s.rateLimit(c, acc, "edits:invitation:"+inv.ID, RateLimit{N: editBatches, Per: time.Minute}, "recording batches"); err != nil {
			writeError(c, s.cfg.Logger, err)
			return
		}
	}
	n, err := rec.RecordEdits(c.Request.Context(), inv.ID, slug, req.Session, req.Seq, req.Events)
	switch {
	case errors.Is(err, review.ErrRecordingGap):
		c.AbortWithStatusJSON(http.StatusConflict, gin.H{"error": fmt.Sprintf("send the session's events from %d", n), "stored": n})
		return
	case errors.Is(err, review.ErrRecordingFull):
		writeError(c, s.cfg.Logger, errorf(http.StatusRequestEntityTooLarge, "the recording of this challenge is full; your drafts and submissions are kept as always"))
		return
	case err != nil:
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, EditsStored{Stored: n})
}

// checkBatch refuses events a page cannot have recorded: unknown kinds
// (markers are the server's), files the challenge does not take, negative
// offsets, texts larger than a file may be.
func (s *server) checkBatch(ch *challenges.Challenge, b EditBatch) error {
	if !sessionID.MatchString(b.Session) {
		return errorf(http.StatusBadRequest, "session must be 8 to 64 letters, digits, - or _")
	}
	if b.Seq < 0 {
		return errorf(http.StatusBadRequest, "seq must not be negative")
	}
	if len(b.Events) == 0 || len(b.Events) > maxEventsPerBatch {
		return errorf(http.StatusBadRequest, "send 1 to %d events", maxEventsPerBatch)
	}
	files := map[string]bool{}
	for _, f := range ch.Files {
		files[f] = true
	}
	for i, e := range b.Events {
		if !review.Recorded(e.K) {
			return errorf(http.StatusBadRequest, "event %d: kind %q is not open, edit, blur or focus", i, e.K)
		}
		if e.T <= 0 {
			return errorf(http.StatusBadRequest, "event %d: t must be a time (Unix ms)", i)
		}
		if e.ID != "" {
			return errorf(http.StatusBadRequest, "event %d: id is the server's", i)
		}
		switch e.K {
		case review.EventOpen, review.EventEdit:
			if !files[e.F] {
				return errorf(http.StatusBadRequest, "event %d: %q is not a file of this challenge", i, e.F)
			}
		default:
			if e.F != "" || e.Ins != "" || e.Text != "" || e.At != 0 || e.Del != 0 {
				return errorf(http.StatusBadRequest, "event %d: a %s event carries no text", i, e.K)
			}
		}
		if e.At < 0 || e.Del < 0 || e.At > s.cfg.MaxFileBytes || e.Del > s.cfg.MaxFileBytes {
			return errorf(http.StatusBadRequest, "event %d: at and del must be from 0 to %d", i, s.cfg.MaxFileBytes)
		}
		if len(e.Ins) > s.cfg.MaxFileBytes || len(e.Text) > s.cfg.MaxFileBytes {
			return errorf(http.StatusRequestEntityTooLarge, "event %d: text larger than a file may be (%d bytes)", i, s.cfg.MaxFileBytes)
		}
	}
	return nil
}

// ReplayView is the answer of GET
// /api/v1/invitations/{id}/drafts/{challenge}/events: the recording, the
// starter texts it starts from, and each marker checked against what was
// sent.
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

func (s *server) listEdits(c *gin.Context) {
	v, err := s.replayOf(c.Request.Context(), c.Param("id"), c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func (s *server) replayOf(ctx context.Context, id, slug string) (ReplayView, error) {
	rec, err := s.recordings()
	if err != nil {
		return ReplayView{}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return ReplayView{}, err
	}
	inv, err := acc.Invitation(ctx, id)
	if err != nil {
		return ReplayView{}, unavailable(err)
	}
	if !inv.Allows(slug) {
		return ReplayView{}, errorf(http.StatusNotFound, "invitation %s has no challenge %q", id, slug)
	}
	events, full, err := rec.Edits(ctx, id, slug)
	if err != nil {
		return ReplayView{}, unavailable(err)
	}
	v := ReplayView{Invitation: id, Challenge: slug, Start: map[string]string{}, Events: events, Full: full, Checks: []ReplayCheck{}}
	if ch, err := s.cfg.Catalog.Get(slug); err == nil {
		for _, f := range ch.Files {
			v.Start[f] = string(ch.Starter[f])
		}
	}
	_, marks, err := review.Replay(v.Start, events)
	if err != nil {
		v.Error = err.Error()
	}
	for _, m := range marks {
		st, err := s.cfg.Submissions.Get(ctx, m.ID)
		if errors.Is(err, runner.ErrNotFound) {
			continue
		}
		if err != nil {
			return v, unavailable(err)
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

// replayPageView is the staff's replay of one candidate's work at one
// challenge.
type replayPageView struct {
	Title      string
	Principal  access.Principal
	Invitation access.Invitation
	Replay     ReplayView
	Data       template.JS
	Away       string
}

// replayPage is GET /review/invitations/{id}/replay/{challenge}: the
// recording on a timeline (pastes, time away, Runs and submissions
// marked), played at a chosen speed in the browser (static/replay.js).
func (s *server) replayPage(c *gin.Context) {
	v, err := s.replayOf(c.Request.Context(), c.Param("id"), c.Param("challenge"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	inv, err := s.cfg.Accounts.Invitation(c.Request.Context(), v.Invitation)
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	data, err := json.Marshal(v)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	s.render(c, http.StatusOK, "replay", replayPageView{Title: "Replay · " + inv.Candidate + " · " + v.Challenge, Principal: principalOf(c),
		Invitation: inv, Replay: v, Data: template.JS(data), Away: (time.Duration(v.AwayMS) * time.Millisecond).Round(time.Second).String()})
}
