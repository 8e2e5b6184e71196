package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"assay/access"
	"assay/review"
	"assay/runner"
)

// Reviews keeps what staff add to candidates' work: revocations and new
// links, notes on submissions, decisions about candidates.
type Reviews interface {
	RevokeInvitation(ctx context.Context, id, by string, now time.Time) (access.Invitation, error)
	NewInvitationToken(ctx context.Context, id, tokenHash string) (access.Invitation, error)
	AddNote(ctx context.Context, n review.Note) error
	Notes(ctx context.Context, submission string) ([]review.Note, error)
	Decide(ctx context.Context, d review.Decision) error
	Decisions(ctx context.Context, invitation string) ([]review.Decision, error)
}

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

func (s *server) reviews() (Reviews, error) {
	if s.cfg.Reviews == nil {
		return nil, errorf(http.StatusNotImplemented, "this server keeps no reviews")
	}
	return s.cfg.Reviews, nil
}

// revokeInvitation is DELETE /api/v1/invitations/{id}: the link stops
// working at once; the candidate's work stays for review.
func (s *server) revokeInvitation(c *gin.Context) {
	inv, err := s.revoke(c.Request.Context(), principalOf(c), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, inv)
}

func (s *server) revoke(ctx context.Context, p access.Principal, id string) (access.Invitation, error) {
	rv, err := s.reviews()
	if err != nil {
		return access.Invitation{}, err
	}
	inv, err := rv.RevokeInvitation(ctx, id, p.ID, s.cfg.Now())
	if err != nil {
		return inv, unavailable(err)
	}
	return inv, nil
}

// newLink is POST /api/v1/invitations/{id}/link: a new token for the
// invitation (links are shown once, at creation; this is how staff get
// one again). The old link stops working.
func (s *server) newLink(c *gin.Context) {
	out, err := s.relink(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, out)
}

func (s *server) relink(ctx context.Context, id string) (CreatedInvitation, error) {
	rv, err := s.reviews()
	if err != nil {
		return CreatedInvitation{}, err
	}
	tok, err := access.NewToken()
	if err != nil {
		return CreatedInvitation{}, err
	}
	inv, err := rv.NewInvitationToken(ctx, id, access.HashToken(tok))
	if errors.Is(err, runner.ErrConflict) {
		return CreatedInvitation{}, errorf(http.StatusConflict, "invitation %s is revoked: it gets no new link", id)
	}
	if err != nil {
		return CreatedInvitation{}, unavailable(err)
	}
	return CreatedInvitation{Invitation: inv, Token: tok, Link: "/i/" + tok}, nil
}

// NewNote is the body of POST /api/v1/submissions/{id}/notes.
type NewNote struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Text string `json:"text"`
}

func (s *server) listNotes(c *gin.Context) {
	rv, err := s.reviews()
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	if _, err := s.submissionOf(c.Request.Context(), c.Param("id")); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	notes, err := rv.Notes(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, unavailable(err))
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
	n, err := s.note(c.Request.Context(), principalOf(c), c.Param("id"), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, n)
}

// note checks and keeps a note on a submission (the API's and the
// submission page's form).
func (s *server) note(ctx context.Context, p access.Principal, id string, req NewNote) (review.Note, error) {
	rv, err := s.reviews()
	if err != nil {
		return review.Note{}, err
	}
	st, err := s.submissionOf(ctx, id)
	if err != nil {
		return review.Note{}, err
	}
	n := review.Note{ID: uuid.NewString(), Submission: id, File: req.File, Line: req.Line, Text: strings.TrimSpace(req.Text),
		Author: p.ID, AuthorName: p.Name, CreatedAt: s.cfg.Now().UTC()}
	if err := review.CheckNote(n, st.Submission.Files); err != nil {
		return n, err
	}
	if err := rv.AddNote(ctx, n); err != nil {
		if errors.Is(err, runner.ErrConflict) {
			return n, errorf(http.StatusConflict, "this submission has %d notes, the most it keeps", review.MaxNotes)
		}
		return n, unavailable(err)
	}
	return n, nil
}

// submissionOf loads a submission named by a path, 404 for what is not a
// submission id.
func (s *server) submissionOf(ctx context.Context, id string) (runner.State, error) {
	if _, err := uuid.Parse(id); err != nil {
		return runner.State{}, errorf(http.StatusNotFound, "no submission %q", id)
	}
	st, err := s.cfg.Submissions.Get(ctx, id)
	if err != nil {
		return st, unavailable(err)
	}
	return st, nil
}

// NewDecision is the body of POST /api/v1/invitations/{id}/decisions.
type NewDecision struct {
	Decision review.Verdict `json:"decision"`
	Reason   string         `json:"reason,omitempty"`
}

// Decisions is the answer of GET /api/v1/invitations/{id}/decisions: the
// one standing (the latest) and the history, oldest first.
type Decisions struct {
	Current *review.Decision  `json:"current,omitempty"`
	History []review.Decision `json:"history"`
}

func (s *server) listDecisions(c *gin.Context) {
	out, err := s.decisionsOf(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (s *server) decisionsOf(ctx context.Context, id string) (Decisions, error) {
	rv, err := s.reviews()
	if err != nil {
		return Decisions{}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return Decisions{}, err
	}
	if _, err := acc.Invitation(ctx, id); err != nil {
		return Decisions{}, unavailable(err)
	}
	list, err := rv.Decisions(ctx, id)
	if err != nil {
		return Decisions{}, unavailable(err)
	}
	out := Decisions{History: list}
	if len(list) > 0 {
		out.Current = &list[len(list)-1]
	}
	return out, nil
}

func (s *server) decide(c *gin.Context) {
	var req NewDecision
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	d, err := s.decideOn(c.Request.Context(), principalOf(c), c.Param("id"), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, d)
}

func (s *server) decideOn(ctx context.Context, p access.Principal, id string, req NewDecision) (review.Decision, error) {
	rv, err := s.reviews()
	if err != nil {
		return review.Decision{}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return review.Decision{}, err
	}
	if _, err := acc.Invitation(ctx, id); err != nil {
		return review.Decision{}, unavailable(err)
	}
	d := review.Decision{Invitation: id, Decision: req.Decision, Reason: strings.TrimSpace(req.Reason), By: p.ID, ByName: p.Name, At: s.cfg.Now().UTC()}
	if err := review.CheckDecision(d); err != nil {
		return d, err
	}
	if err := rv.Decide(ctx, d); err != nil {
		return d, unavailable(err)
	}
	return d, nil
}

// CohortView is the answer of GET
// /api/v1/assessments/{id}/challenges/{challenge}/cohort: the challenge's
// statistics over the assessment's candidates who finished a submission
// (each by their best), and each such candidate's score and percentile.
type CohortView struct {
	Assessment string `json:"assessment"`
	Challenge  string `json:"challenge"`
	review.Cohort
	Candidates []CohortCandidate `json:"candidates"`
}

// CohortCandidate is one candidate's place in the cohort.
type CohortCandidate struct {
	Invitation string  `json:"invitation"`
	Candidate  string  `json:"candidate"`
	Submission string  `json:"submission"`
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile"`
	Passed     int     `json:"passed"`
	Total      int     `json:"total"`
}

func (s *server) cohort(c *gin.Context) {
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	v, err := s.cohortOf(c.Request.Context(), rep, c.Param("challenge"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// cohortOf gathers a challenge's cohort from an assessment's report: the
// best submission of each candidate with a finished one.
func (s *server) cohortOf(ctx context.Context, rep AssessmentReport, slug string) (CohortView, error) {
	v := CohortView{Assessment: rep.Assessment.ID, Challenge: slug, Candidates: []CohortCandidate{}}
	var best []string
	for _, cand := range rep.Candidates {
		for _, ch := range cand.Challenges {
			if ch.Challenge == slug && ch.Best != nil && ch.Best.Status == runner.StatusDone {
				best = append(best, ch.Best.ID)
			}
		}
	}
	states, err := s.cfg.Submissions.GetMany(ctx, best)
	if err != nil {
		return v, unavailable(fmt.Errorf("cohort of %s: %w", slug, err))
	}
	found := false
	var entries []review.Entry
	for _, cand := range rep.Candidates {
		for _, ch := range cand.Challenges {
			if ch.Challenge != slug {
				continue
			}
			found = true
			if ch.Best == nil || ch.Best.Status != runner.StatusDone {
				continue
			}
			st, ok := states[ch.Best.ID]
			if !ok {
				return v, unavailable(fmt.Errorf("cohort of %s: submission %s: %w", slug, ch.Best.ID, runner.ErrNotFound))
			}
			e := review.Entry{Candidate: cand.Invitation.ID, Score: scoreOf(*ch.Best), Tests: map[string]bool{}}
			if st.Result != nil {
				for _, t := range st.Result.Tests {
					e.Tests[t.ID] = t.Outcome == runner.OutcomePassed
				}
			}
			entries = append(entries, e)
			v.Candidates = append(v.Candidates, CohortCandidate{Invitation: cand.Invitation.ID, Candidate: cand.Invitation.Candidate,
				Submission: ch.Best.ID, Score: e.Score, Passed: ch.Best.Passed, Total: ch.Best.Total})
		}
	}
	if !found && !contains(rep.Assessment.Challenges, slug) {
		return v, errorf(http.StatusNotFound, "assessment %s has no challenge %q", rep.Assessment.ID, slug)
	}
	var tests []string
	if ch, err := s.cfg.Catalog.Get(slug); err == nil && ch.Expected != nil {
		for _, t := range ch.Expected.Tests {
			tests = append(tests, t.ID)
		}
	}
	v.Cohort = review.Summarize(entries, tests)
	for i := range v.Candidates {
		v.Candidates[i].Percentile = v.Cohort.Percentile(v.Candidates[i].Score)
	}
	return v, nil
}

// scoreOf is a summary's score, 0-100: its recorded score (the
// challenge's weights); without one, the share of its tests that passed.
// A tampered run scores 0 (its report cannot be trusted).
func scoreOf(sum SubmissionSummary) float64 {
	switch {
	case sum.Verdict == runner.VerdictTampered:
		return 0
	case sum.Score != nil:
		return *sum.Score
	case sum.Total == 0:
		return 0
	}
	return 100 * float64(sum.Passed) / float64(sum.Total)
}
