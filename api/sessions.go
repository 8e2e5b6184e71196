package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/challenges"
	"assay/runner"
)

// The candidate's workspace on the server: timed sessions (Start, the
// staff's extra time) and drafts (saved while the candidate types, on every
// Run and Submit, restored on any device, kept as a history for staff).

func (s *server) sessionRoutes(v1 *gin.RouterGroup) {
	v1.POST("/invitations/:id/start", s.allow(access.RoleCandidate), s.startSession)
	v1.POST("/invitations/:id/time", s.allow(staff...), s.giveTime)
	v1.PUT("/invitations/:id/drafts/:challenge", s.allow(access.RoleCandidate), s.saveDraft)
	v1.GET("/invitations/:id/drafts/:challenge", s.allow(everyone...), s.getDraft)
	v1.GET("/invitations/:id/drafts/:challenge/history", s.allow(staff...), s.draftHistory)
}

// ownInvitation is the candidate's own invitation named by the path, or a
// 403 for anyone else's.
func ownInvitation(c *gin.Context) (*access.Invitation, error) {
	p := principalOf(c)
	if p.Role != access.RoleCandidate || p.Invitation == nil || p.ID != c.Param("id") {
		return nil, errorf(http.StatusForbidden, "invitation %s is not yours", c.Param("id"))
	}
	return p.Invitation, nil
}

// startSession is POST /api/v1/invitations/{id}/start: the candidate
// starts their timed session's clock. Starting again changes nothing.
func (s *server) startSession(c *gin.Context) {
	acc, err := s.accounts()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	inv, err := ownInvitation(c)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if !inv.Timed() {
		writeError(c, s.cfg.Logger, errorf(http.StatusConflict, "this invitation is not a timed session: there is no clock to start"))
		return
	}
	if now := s.cfg.Now(); inv.StartedAt == nil && inv.Expired(now) {
		writeError(c, s.cfg.Logger, errorf(http.StatusForbidden, "your invitation expired at %s", inv.Ends().UTC().Format(time.RFC3339)))
		return
	}
	started, err := acc.StartInvitation(c.Request.Context(), inv.ID, s.cfg.Now())
	if err != nil && !errors.Is(err, access.ErrAlreadyStarted) {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, sessionOf(started, s.cfg.Now()))
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

func sessionOf(inv access.Invitation, now time.Time) Session {
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

// NewTime is the body of POST /api/v1/invitations/{id}/time: minutes
// added, and an accommodation as a multiplier of the duration.
type NewTime struct {
	ExtraMinutes float64 `json:"extra_minutes,omitempty"`
	Multiplier   float64 `json:"multiplier,omitempty"`
}

// giveTime is POST /api/v1/invitations/{id}/time: staff give one candidate
// more time.
func (s *server) giveTime(c *gin.Context) {
	acc, err := s.accounts()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	var req NewTime
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	inv, err := s.giveTimeTo(c, acc, c.Param("id"), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, sessionOf(inv, s.cfg.Now()))
}

// giveTimeTo checks and applies a NewTime (the API's and the review
// page's).
func (s *server) giveTimeTo(c *gin.Context, acc Accounts, id string, req NewTime) (access.Invitation, error) {
	switch {
	case req.ExtraMinutes < 0 || req.ExtraMinutes > 7*24*60:
		return access.Invitation{}, errorf(http.StatusBadRequest, "extra_minutes must be from 0 to %d (a week)", 7*24*60)
	case req.Multiplier != 0 && (req.Multiplier < 1 || req.Multiplier > 4):
		return access.Invitation{}, errorf(http.StatusBadRequest, "multiplier must be from 1 to 4 (1.5: half as much time again)")
	case req.ExtraMinutes == 0 && req.Multiplier == 0:
		return access.Invitation{}, errorf(http.StatusBadRequest, "give extra_minutes, a multiplier, or both")
	}
	inv, err := acc.Invitation(c.Request.Context(), id)
	if err != nil {
		return inv, unavailable(err)
	}
	if !inv.Timed() {
		return inv, errorf(http.StatusConflict, "invitation %s is not a timed session (it has no duration)", id)
	}
	inv, err = acc.GiveTime(c.Request.Context(), id, time.Duration(req.ExtraMinutes*float64(time.Minute)), req.Multiplier)
	if err != nil {
		return inv, unavailable(err)
	}
	s.cfg.Logger.Info("time given", "invitation", id, "extra_minutes", req.ExtraMinutes, "multiplier", req.Multiplier, "by", principalOf(c).ID)
	return inv, nil
}

// DraftRequest is the body of PUT /api/v1/invitations/{id}/drafts/{challenge}.
type DraftRequest struct {
	Files   map[string]string `json:"files"`
	Scratch string            `json:"scratch,omitempty"`
}

// draftSaves bounds one candidate's draft saves (the page saves every few
// seconds while they type).
const draftSaves = 240

// saveDraft is PUT /api/v1/invitations/{id}/drafts/{challenge}.
func (s *server) saveDraft(c *gin.Context) {
	acc, err := s.accounts()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	inv, ch, err := s.openChallenge(c)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	slug := ch.Slug
	var req DraftRequest
	if err := s.decodeLarge(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if err := s.checkEntry(ch.Files, req.Files, req.Scratch); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if err := s.rateLimit(c, acc, "draft:invitation:"+inv.ID, RateLimit{N: draftSaves, Per: time.Minute}, "draft saves"); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	d := runner.Draft{Invitation: inv.ID, Challenge: slug, Files: req.Files, Scratch: req.Scratch, SavedAt: s.cfg.Now().UTC(), Source: runner.DraftTyping}
	if err := acc.SaveDraft(c.Request.Context(), d); err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, d)
}

// openChallenge is the candidate's own invitation and the challenge the
// path names, while the invitation takes work (drafts, recordings).
func (s *server) openChallenge(c *gin.Context) (*access.Invitation, *challenges.Challenge, error) {
	inv, err := ownInvitation(c)
	if err != nil {
		return nil, nil, err
	}
	slug := c.Param("challenge")
	ch, err := s.cfg.Catalog.Get(slug)
	if err != nil || !inv.Allows(slug) {
		return nil, nil, errorf(http.StatusNotFound, "your invitation has no challenge %q", slug)
	}
	if err := app.WorkOpen(inv, s.cfg.Now()); err != nil {
		return nil, nil, err
	}
	return inv, ch, nil
}

// getDraft is GET /api/v1/invitations/{id}/drafts/{challenge}: the latest
// draft, for its candidate or staff.
func (s *server) getDraft(c *gin.Context) {
	acc, err := s.accounts()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	p, id := principalOf(c), c.Param("id")
	if p.Role == access.RoleCandidate && p.ID != id {
		writeError(c, s.cfg.Logger, errorf(http.StatusForbidden, "invitation %s is not yours", id))
		return
	}
	d, err := acc.Draft(c.Request.Context(), id, c.Param("challenge"))
	if errors.Is(err, runner.ErrNotFound) {
		writeError(c, s.cfg.Logger, errorf(http.StatusNotFound, "no draft of %s was saved", c.Param("challenge")))
		return
	}
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, d)
}

// DraftHistory is the answer of GET .../drafts/{challenge}/history.
type DraftHistory struct {
	Invitation string         `json:"invitation"`
	Challenge  string         `json:"challenge"`
	Saves      []runner.Draft `json:"saves"`
}

// draftHistory is every save of a draft, oldest first, for staff.
func (s *server) draftHistory(c *gin.Context) {
	acc, err := s.accounts()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	id, slug := c.Param("id"), c.Param("challenge")
	if _, err := acc.Invitation(c.Request.Context(), id); err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	saves, err := acc.DraftHistory(c.Request.Context(), id, slug)
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
		return
	}
	c.JSON(http.StatusOK, DraftHistory{Invitation: id, Challenge: slug, Saves: saves})
}

// checkEntry checks a body's files: exactly the challenge's entry files,
// each (and the scratch file) bounded (app.CheckEntry).
func (s *server) checkEntry(entry []string, files map[string]string, scratch string) error {
	return app.CheckEntry(entry, files, scratch, s.cfg.MaxFileBytes)
}

// rateLimit counts one event of who's in rl's current window
// (app.Allow: past the limit, RateLimited with its Retry-After).
func (s *server) rateLimit(c *gin.Context, acc Accounts, who string, rl RateLimit, what string) error {
	return app.Allow(c.Request.Context(), acc, who, rl, what, s.cfg.Now())
}

// decodeLarge decodes a JSON body of up to MaxBodyBytes into v: valid
// UTF-8, no unknown fields, one value.
func (s *server) decodeLarge(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "send JSON (Content-Type: application/json), not %s", ct)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", s.cfg.MaxBodyBytes)
		}
		return errorf(http.StatusBadRequest, "read request body: %s", err)
	}
	if !utf8.Valid(body) {
		return errorf(http.StatusBadRequest, "request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "request body is not valid JSON: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errorf(http.StatusBadRequest, "request body has more than one JSON value")
	}
	return nil
}
