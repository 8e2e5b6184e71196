package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
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

// The clock's and the drafts' types are package app's (app/sessions.go,
// app/drafts.go).
type (
	Session      = app.Session
	NewTime      = app.NewTime
	DraftHistory = app.DraftHistory
)

// startSession is POST /api/v1/invitations/{id}/start: the candidate
// starts their timed session's clock. Starting again changes nothing.
func (s *server) startSession(c *gin.Context) {
	out, err := s.sessions.Start(c.Request.Context(), principalOf(c), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

// giveTime is POST /api/v1/invitations/{id}/time: staff give one candidate
// more time.
func (s *server) giveTime(c *gin.Context) {
	// No accounts is refused before the body is read, as it always was.
	if err := s.sessions.Supported(); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	var req NewTime
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	inv, err := s.sessions.GiveTime(c.Request.Context(), principalOf(c), c.Param("id"), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, app.SessionOf(inv, s.cfg.Now()))
}

// DraftRequest is the body of PUT /api/v1/invitations/{id}/drafts/{challenge}.
type DraftRequest struct {
	Files   map[string]string `json:"files"`
	Scratch string            `json:"scratch,omitempty"`
}

// saveDraft is PUT /api/v1/invitations/{id}/drafts/{challenge}: the
// challenge is opened before the body is read.
func (s *server) saveDraft(c *gin.Context) {
	inv, ch, err := s.drafts.Open(principalOf(c), c.Param("id"), c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	var req DraftRequest
	if err := s.decodeLarge(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	d, err := s.drafts.Save(c.Request.Context(), inv, ch, req.Files, req.Scratch)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// getDraft is GET /api/v1/invitations/{id}/drafts/{challenge}: the latest
// draft, for its candidate or staff.
func (s *server) getDraft(c *gin.Context) {
	d, err := s.drafts.Latest(c.Request.Context(), principalOf(c), c.Param("id"), c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// draftHistory is every save of a draft, oldest first, for staff.
func (s *server) draftHistory(c *gin.Context) {
	h, err := s.drafts.History(c.Request.Context(), c.Param("id"), c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, h)
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
