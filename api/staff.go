package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"assay/app"
)

// Reviews keeps what staff add to candidates' work (app's port: the pages
// read notes and decisions from it too).
type Reviews = app.ReviewStore

// staffRoutes registers the routes interviewers work with beside the
// assessments: revoking invitations and making new links, notes,
// decisions and a challenge's cohort statistics.
func (s *server) staffRoutes(v1 *gin.RouterGroup) {
	v1.DELETE("/invitations/:id", s.allow(staff...), s.revokeInvitation)
	v1.POST("/invitations/:id/link", s.allow(staff...), s.newLink)
	v1.GET("/invitations/:id/decisions", s.allow(staff...), s.listDecisions)
	v1.POST("/invitations/:id/decisions", s.allow(staff...), s.decide)
	v1.GET("/submissions/:id/notes", s.allow(staff...), s.listNotes)
	v1.POST("/submissions/:id/notes", s.allow(staff...), s.addNote)
	v1.GET("/assessments/:id/challenges/:challenge/cohort", s.allow(staff...), s.cohort)
}

// revokeInvitation is DELETE /api/v1/invitations/{id}: the link stops
// working at once; the candidate's work stays for review.
func (s *server) revokeInvitation(c *gin.Context) {
	inv, err := s.reviews.Revoke(c.Request.Context(), principalOf(c), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, inv)
}

// newLink is POST /api/v1/invitations/{id}/link: a new token for the
// invitation (links are shown once, at creation; this is how staff get
// one again). The old link stops working.
func (s *server) newLink(c *gin.Context) {
	out, err := s.reviews.Relink(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

// The bodies and answers of notes, decisions and cohorts are package
// app's (app/reviews.go, app/cohort.go).
type (
	NewNote         = app.NewNote
	NewDecision     = app.NewDecision
	Decisions       = app.Decisions
	CohortView      = app.CohortView
	CohortCandidate = app.CohortCandidate
)

func (s *server) listNotes(c *gin.Context) {
	notes, err := s.reviews.Notes(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"notes": notes})
}

func (s *server) addNote(c *gin.Context) {
	var req NewNote
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	n, err := s.reviews.Note(c.Request.Context(), principalOf(c), c.Param("id"), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, n)
}

func (s *server) listDecisions(c *gin.Context) {
	out, err := s.reviews.Decisions(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) decide(c *gin.Context) {
	var req NewDecision
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	d, err := s.reviews.Decide(c.Request.Context(), principalOf(c), c.Param("id"), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

func (s *server) cohort(c *gin.Context) {
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	v, err := s.reports.Cohort(c.Request.Context(), rep, c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
