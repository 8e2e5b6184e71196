package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/runner"
)

// accessRoutes registers the routes of roles and review: who each may be
// called by is declared here, route by route, through allow (API) and
// page (HTML). Routes without allow are public on purpose: health,
// the challenge catalog, the OpenAPI document, static files, the login
// form and the invitation page (whose path holds its credential).
func (s *server) accessRoutes(r *gin.Engine, v1 *gin.RouterGroup) error {
	v1.GET("/openapi.json", s.openAPI)
	v1.GET("/me", s.allow(everyone...), s.me)
	v1.GET("/submissions/:id/events", s.allow(everyone...), s.events)
	v1.GET("/submissions/:id/deliveries", s.allow(staff...), s.listDeliveries)

	v1.POST("/interviewers", s.allow(access.RoleAdmin), s.createInterviewer)
	v1.GET("/interviewers", s.allow(access.RoleAdmin), s.listInterviewers)
	v1.DELETE("/interviewers/:id", s.allow(access.RoleAdmin), s.revokeInterviewer)

	v1.POST("/assessments", s.allow(staff...), s.createAssessment)
	v1.GET("/assessments", s.allow(staff...), s.listAssessments)
	v1.GET("/assessments/:id", s.allow(staff...), s.getAssessment)
	v1.POST("/assessments/:id/invitations", s.allow(staff...), s.createInvitation)
	v1.GET("/assessments/:id/results", s.allow(staff...), s.exportResults)
	v1.GET("/invitations/:id", s.allow(everyone...), s.getInvitation)
	s.sessionRoutes(v1)
	s.staffRoutes(v1)
	s.editRoutes(v1)

	return s.pageRoutes(r)
}

// accounts returns the configured Accounts, or an error answering 501
// when the server has none (an API without a store of accounts).
func (s *server) accounts() (Accounts, error) {
	if s.cfg.Accounts == nil {
		return nil, errorf(http.StatusNotImplemented, "this server keeps no accounts")
	}
	return s.cfg.Accounts, nil
}

// Me is the answer of GET /api/v1/me.
type Me struct {
	access.Principal
	// Attempts counts a candidate's submissions per challenge.
	Attempts map[string]int `json:"attempts,omitempty"`
}

func (s *server) me(c *gin.Context) {
	p := principalOf(c)
	out := Me{Principal: p}
	if p.Role == access.RoleCandidate {
		rep, err := s.candidateReport(c.Request.Context(), *p.Invitation)
		if err != nil {
			writeError(c, s.cfg.Logger, err)
			return
		}
		out.Attempts = map[string]int{}
		for _, ch := range rep.Challenges {
			out.Attempts[ch.Challenge] = ch.Attempts
		}
	}
	c.JSON(http.StatusOK, out)
}

// decodeJSON reads a small JSON body strictly into v.
func (s *server) decodeJSON(c *gin.Context, v any) error {
	if ct := c.ContentType(); ct != "" && ct != "application/json" {
		return errorf(http.StatusUnsupportedMediaType, "send JSON (Content-Type: application/json), not %s", ct)
	}
	dec := jsonDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10))
	if err := dec.Decode(v); err != nil {
		return errorf(http.StatusBadRequest, "request body is not valid JSON: %s", jsonProblem(err))
	}
	return nil
}

// NewInterviewer is the body of POST /api/v1/interviewers.
type NewInterviewer struct {
	Name string `json:"name"`
}

// CreatedInterviewer is its answer (package app's): the token is shown
// this once.
type CreatedInterviewer = app.CreatedInterviewer

func (s *server) createInterviewer(c *gin.Context) {
	// No accounts is refused before the body is read, as it always was.
	if err := s.interviewers.Supported(); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	var req NewInterviewer
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	created, err := s.interviewers.Create(c.Request.Context(), principalOf(c), req.Name)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusCreated, created)
}

func (s *server) listInterviewers(c *gin.Context) {
	list, err := s.interviewers.List(c.Request.Context())
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"interviewers": list})
}

func (s *server) revokeInterviewer(c *gin.Context) {
	if err := s.interviewers.Revoke(c.Request.Context(), c.Param("id")); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// The bodies of assessments and invitations are package app's
// (app/assessments.go).
type (
	NewAssessment     = app.NewAssessment
	NewInvitation     = app.NewInvitation
	CreatedInvitation = app.CreatedInvitation
)

func (s *server) createAssessment(c *gin.Context) {
	var req NewAssessment
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	a, err := s.assessments.Create(c.Request.Context(), principalOf(c), req)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.Header("Location", "/api/v1/assessments/"+a.ID)
	c.JSON(http.StatusCreated, a)
}

func (s *server) listAssessments(c *gin.Context) {
	list, err := s.assessments.List(c.Request.Context())
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"assessments": list})
}

// The reports' types are package app's (app/reports.go).
type (
	AssessmentReport  = app.AssessmentReport
	CandidateReport   = app.CandidateReport
	ChallengeReport   = app.ChallengeReport
	SubmissionSummary = app.SubmissionSummary
)

// summarize is staff's summary of a submission.
func summarize(st runner.State) SubmissionSummary {
	out := SubmissionSummary{ID: st.Submission.ID, Challenge: st.Submission.Challenge, Status: st.Status, CreatedAt: st.Submission.CreatedAt, Mode: st.Submission.Mode}
	if r := st.Result; r != nil {
		out.Verdict, out.Passed, out.Total, out.RunMS, out.Tampering = r.Verdict, r.Passed, r.Total, r.RunMS, r.Tampering
		out.CanaryNearMisses = r.CanaryNearMisses
	}
	return out
}

// candidateSummary is a candidate's summary of their submission, made
// from the candidate's view so that it shows no more than that does.
func candidateSummary(st runner.State) SubmissionSummary {
	v := candidateView(st)
	out := SubmissionSummary{ID: v.Submission.ID, Challenge: v.Submission.Challenge, Status: v.Status, CreatedAt: v.Submission.CreatedAt, Mode: v.Submission.Mode}
	if r := v.Result; r != nil {
		out.Verdict, out.Passed, out.Total, out.RunMS = r.Verdict, r.Passed, r.Total, r.RunMS
	}
	return out
}

// report gathers an invitation's submissions into its standing as staff
// see it (with scores).
func (s *server) report(ctx context.Context, inv access.Invitation) (CandidateReport, error) {
	return s.reports.Invitation(ctx, inv, s.staffSummary(ctx))
}

// staffSummary is staff's summary of a submission with its score.
func (s *server) staffSummary(ctx context.Context) app.Summarize {
	return func(st runner.State) SubmissionSummary {
		out := summarize(st)
		sc := s.scores.Of(ctx, st)
		out.Score, out.ScoreTags = app.Percent(sc), app.TagPercents(sc)
		return out
	}
}

// candidateReport is the invitation's standing as its candidate sees it:
// each submission summarised from the candidate's view, and the best of
// them chosen among those summaries, so that which one is best tells the
// candidate nothing the summaries do not (a tampered run ranks as the
// error it reads as).
func (s *server) candidateReport(ctx context.Context, inv access.Invitation) (CandidateReport, error) {
	return s.reports.Invitation(ctx, inv, candidateSummary)
}

// assessmentReport is the assessment's report as staff see it.
func (s *server) assessmentReport(ctx context.Context, id string) (AssessmentReport, error) {
	return s.reports.Assessment(ctx, id, s.staffSummary(ctx))
}

func (s *server) getAssessment(c *gin.Context) {
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

func (s *server) createInvitation(c *gin.Context) {
	var req NewInvitation
	if err := s.decodeJSON(c, &req); err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	out, err := s.assessments.Invite(c.Request.Context(), principalOf(c), c.Param("id"), req, s.baseURL(c))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.Header("Location", "/api/v1/invitations/"+out.ID)
	c.JSON(http.StatusCreated, out)
}

func (s *server) getInvitation(c *gin.Context) {
	p := principalOf(c)
	inv, err := s.assessments.Invitation(c.Request.Context(), p, c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	report := s.report
	if !p.Role.Staff() {
		report = s.candidateReport
	}
	rep, err := report(c.Request.Context(), inv)
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	c.JSON(http.StatusOK, rep)
}

// ResultRow is one line of an assessment's export: a candidate at a challenge.
type ResultRow struct {
	Candidate      string         `json:"candidate"`
	Email          string         `json:"email"`
	Invitation     string         `json:"invitation"`
	Challenge      string         `json:"challenge"`
	Attempts       int            `json:"attempts"`
	BestVerdict    runner.Verdict `json:"best_verdict"`
	BestPassed     int            `json:"best_passed"`
	BestTotal      int            `json:"best_total"`
	BestSubmission string         `json:"best_submission"`
	LatestVerdict  runner.Verdict `json:"latest_verdict"`
	LatestPassed   int            `json:"latest_passed"`
	LatestTotal    int            `json:"latest_total"`
	LatestAt       string         `json:"latest_at"`
	LatestID       string         `json:"latest_submission"`
	// Tampered counts the attempts at the challenge graded tampered, and
	// Tampering is the evidence against each of them, oldest first.
	Tampered  int                 `json:"tampered"`
	Tampering []TamperingEvidence `json:"tampering"`
	// CanaryNearMisses sums the attempts' canaries passed while their
	// twins failed: honest near misses, or a forgery's wrong guesses
	// before an attempt whose guesses were all right.
	CanaryNearMisses int `json:"canary_near_misses"`
	// BestScore is the candidate's score at the challenge (the best
	// attempt's, 0-100), LatestScore the latest attempt's; null for none.
	BestScore   *float64 `json:"best_score"`
	LatestScore *float64 `json:"latest_score"`
	// BestScoreTags is the best attempt's subscore per tag (in CSV one
	// cell: "tag percent; ...").
	BestScoreTags map[string]float64 `json:"best_score_tags,omitempty"`
}

// TamperingEvidence is one finding against one submission, in an export.
type TamperingEvidence struct {
	Submission string `json:"submission"`
	runner.Finding
}

func exportRows(rep AssessmentReport) []ResultRow {
	rows := []ResultRow{}
	for _, cand := range rep.Candidates {
		for _, ch := range cand.Challenges {
			row := ResultRow{Candidate: cand.Invitation.Candidate, Email: cand.Invitation.Email, Invitation: cand.Invitation.ID, Challenge: ch.Challenge, Attempts: ch.Attempts,
				Tampered: ch.Tampered, Tampering: []TamperingEvidence{}, CanaryNearMisses: ch.CanaryNearMisses}
			for _, sub := range cand.Submissions {
				if sub.Challenge != ch.Challenge || sub.Verdict != runner.VerdictTampered {
					continue
				}
				if len(sub.Tampering) == 0 {
					row.Tampering = append(row.Tampering, TamperingEvidence{Submission: sub.ID, Finding: runner.Finding{Seen: "(no evidence recorded)"}})
				}
				for _, f := range sub.Tampering {
					row.Tampering = append(row.Tampering, TamperingEvidence{Submission: sub.ID, Finding: f})
				}
			}
			if b := ch.Best; b != nil {
				row.BestVerdict, row.BestPassed, row.BestTotal, row.BestSubmission, row.BestScore = b.Verdict, b.Passed, b.Total, b.ID, b.Score
				row.BestScoreTags = b.ScoreTags
			}
			if l := ch.Latest; l != nil {
				row.LatestVerdict, row.LatestPassed, row.LatestTotal, row.LatestID, row.LatestScore = l.Verdict, l.Passed, l.Total, l.ID, l.Score
				row.LatestAt = l.CreatedAt.UTC().Format(time.RFC3339)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// exportResults answers an assessment's results as JSON (the default) or
// CSV (?format=csv), one row per candidate and challenge.
func (s *server) exportResults(c *gin.Context) {
	format := c.DefaultQuery("format", "json")
	if format != "json" && format != "csv" {
		writeError(c, s.cfg.Logger, errorf(http.StatusBadRequest, "format=%q: use json or csv", format))
		return
	}
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		writeError(c, s.cfg.Logger, err)
		return
	}
	rows := exportRows(rep)
	name := "assessment-" + rep.Assessment.ID
	if format == "json" {
		c.Header("Content-Disposition", `attachment; filename="`+name+`.json"`)
		c.JSON(http.StatusOK, gin.H{"assessment": rep.Assessment, "results": rows})
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	c.Header("Content-Type", "text/csv; charset=utf-8")
	c.Status(http.StatusOK)
	w := csv.NewWriter(c.Writer)
	_ = w.Write([]string{"candidate", "email", "invitation", "challenge", "attempts", "best_verdict", "best_passed", "best_total", "best_submission", "latest_verdict", "latest_passed", "latest_total", "latest_at", "latest_submission", "best_score", "latest_score", "best_score_tags", "tampered", "tampering", "canary_near_misses"})
	for _, r := range rows {
		_ = w.Write([]string{csvSafe(r.Candidate), csvSafe(r.Email), r.Invitation, r.Challenge, strconv.Itoa(r.Attempts),
			string(r.BestVerdict), strconv.Itoa(r.BestPassed), strconv.Itoa(r.BestTotal), r.BestSubmission,
			string(r.LatestVerdict), strconv.Itoa(r.LatestPassed), strconv.Itoa(r.LatestTotal), r.LatestAt, r.LatestID,
			scoreCell(r.BestScore), scoreCell(r.LatestScore), tagsCell(r.BestScoreTags), strconv.Itoa(r.Tampered), csvSafe(tamperingCell(r.Tampering)), strconv.Itoa(r.CanaryNearMisses)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		s.cfg.Logger.Warn("export csv", "err", err)
	}
}

// scoreCell is a score in a CSV cell: "84.6", or empty for none.
func scoreCell(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', 1, 64)
}

// tamperingCell is the evidence in one CSV cell: "check (phase): seen"
// per finding, "; " between them, each submission's findings after its
// id ("ID: ...") and " | " between submissions.
func tamperingCell(ev []TamperingEvidence) string {
	var b strings.Builder
	for i, e := range ev {
		switch {
		case i == 0:
		case e.Submission != ev[i-1].Submission:
			b.WriteString(" | ")
		default:
			b.WriteString("; ")
		}
		if i == 0 || e.Submission != ev[i-1].Submission {
			b.WriteString(e.Submission + ": ")
		}
		b.WriteString(findingText(e.Finding))
	}
	return b.String()
}

// findingText is a finding on one line: "check (phase): seen".
func findingText(f runner.Finding) string {
	var b strings.Builder
	b.WriteString(f.Check)
	if f.Phase != "" {
		b.WriteString(" (" + f.Phase + ")")
	}
	if f.Check != "" {
		b.WriteString(": ")
	}
	b.WriteString(strings.Join(strings.Fields(f.Seen), " "))
	return b.String()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (CSV
// injection): a leading = + - @ gets a quote mark before it.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}

// jsonDecoder decodes strictly: unknown fields are an error.
func jsonDecoder(r io.Reader) *json.Decoder {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	return dec
}
