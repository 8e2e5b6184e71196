package api

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/review"
)

// Recordings keeps what candidates' editors record (edits, pastes, time
// away) and the markers of what they sent, for staff's replay.
type Recordings interface {
	RecordEdits(ctx context.Context, invitation, challenge, session string, seq int, events []review.Event) (int, error)
	MarkEdits(ctx context.Context, invitation, challenge string, e review.Event) error
	Edits(ctx context.Context, invitation, challenge string) ([]review.Event, bool, error)
}

// The recordings' bodies and replay are package app's (app/recordings.go).
type (
	EditBatch   = app.EditBatch
	ReplayView  = app.ReplayView
	ReplayCheck = app.ReplayCheck
)

// EditsStored is the answer to an EditBatch: how many of the session's events are stored.
type EditsStored struct {
	Stored int `json:"stored"`
}

func (s *server) editRoutes(v1 *gin.RouterGroup) {
	v1.POST("/invitations/:id/drafts/:challenge/events", s.allow(access.RoleCandidate), s.recordEdits)
	v1.GET("/invitations/:id/drafts/:challenge/events", s.allow(staff...), s.listEdits)
}

// recordEdits is POST /api/v1/invitations/{id}/drafts/{challenge}/events:
// the challenge is opened before the batch is read. A gap is answered
// with how many events are stored, so the page can send from there.
func (s *server) recordEdits(c *gin.Context) {
	inv, ch, err := s.recordings.Open(principalOf(c), c.Param("id"), c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	var req EditBatch
	if err := s.decodeLarge(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	n, err := s.recordings.Record(c.Request.Context(), inv, ch, req)
	if errors.Is(err, review.ErrRecordingGap) {
		p := problemOf(err)
		c.AbortWithStatusJSON(p.status, gin.H{"error": p.msg, "stored": n})
		return
	}
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, EditsStored{Stored: n})
}

func (s *server) listEdits(c *gin.Context) {
	v, err := s.recordings.Replay(c.Request.Context(), c.Param("id"), c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, v)
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
	v, err := s.recordings.Replay(c.Request.Context(), c.Param("id"), c.Param("challenge"))
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
