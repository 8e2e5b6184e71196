package api

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/mail"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/app"
	"assay/challenges"
	"assay/review"
	"assay/runner"
)

// staffPageRoutes registers the interviewers' forms and pages beside the
// assessment page: creating assessments, inviting, revoking, new links,
// decisions, notes, the cohort of a challenge and a comparison of two
// candidates. Every form goes through formPage (the anti-forgery field).
func (s *server) staffPageRoutes(r *gin.Engine) {
	r.POST("/review/assessments", s.formPage(staff...), s.assessmentForm)
	r.GET("/review/challenges/:slug", s.page(staff...), s.challengePreview)
	r.POST("/review/assessments/:id/invitations", s.formPage(staff...), s.inviteForm)
	r.POST("/review/invitations/:id/revoke", s.formPage(staff...), s.revokeForm)
	r.POST("/review/invitations/:id/link", s.formPage(staff...), s.linkForm)
	r.POST("/review/invitations/:id/decision", s.formPage(staff...), s.decisionForm)
	r.POST("/review/submissions/:id/notes", s.formPage(staff...), s.noteForm)
	r.GET("/review/assessments/:id/challenges/:challenge", s.page(staff...), s.cohortPage)
	r.GET("/review/assessments/:id/compare", s.page(staff...), s.comparePage)
	r.GET("/review/invitations/:id/replay/:challenge", s.page(staff...), s.replayPage)
}

// formError is a form's failure the user can fix (a 4xx): its message,
// shown on the page the form came from. Anything else is the error page.
func formError(err error) (string, bool) {
	if _, msg, ok := refusal(err); ok {
		return msg, true
	}
	switch {
	case errors.Is(err, review.ErrInvalid):
		return strings.TrimPrefix(err.Error(), review.ErrInvalid.Error()+": "), true
	case errors.Is(err, runner.ErrNotFound):
		return "Not found: " + err.Error(), true
	}
	return "", false
}

// back redirects to a review page with a notice or an error in its query.
func back(c *gin.Context, path, key, msg string) {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	frag := ""
	if i := strings.Index(path, "#"); i >= 0 {
		path, frag = path[:i], path[i:]
	}
	c.Redirect(http.StatusSeeOther, path+sep+key+"="+url.QueryEscape(msg)+frag)
}

// assessmentForm is POST /review/assessments: the review index's form.
func (s *server) assessmentForm(c *gin.Context) {
	req := NewAssessment{Name: c.PostForm("name"), Challenges: c.PostFormArray("challenges"), WebhookURL: strings.TrimSpace(c.PostForm("webhook_url"))}
	var bad []string
	if v := strings.TrimSpace(c.PostForm("attempt_limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad = append(bad, "attempts must be a whole number")
		}
		req.AttemptLimit = n
	}
	if v := strings.TrimSpace(c.PostForm("duration_minutes")); v != "" {
		m, err := strconv.ParseFloat(v, 64)
		if err != nil || m < 0 {
			bad = append(bad, "minutes must be a number")
		}
		req.Duration = access.Duration(m * float64(time.Minute))
	}
	if v := strings.TrimSpace(c.PostForm("deadline")); v != "" {
		// <input type="datetime-local"> sends local time without a zone;
		// the form says it is UTC.
		t, err := time.Parse("2006-01-02T15:04", v)
		if err != nil {
			bad = append(bad, "the deadline must be a date and time")
		}
		req.Deadline = &t
	}
	if len(bad) > 0 {
		back(c, "/review", "error", strings.Join(bad, "; "))
		return
	}
	if req.Deadline != nil && req.Deadline.Before(s.cfg.Now()) {
		back(c, "/review", "error", "the deadline is in the past")
		return
	}
	a, err := s.assessments.Create(c.Request.Context(), principalOf(c), req)
	if msg, ok := formError(err); ok {
		back(c, "/review", "error", msg)
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	back(c, "/review/assessments/"+url.PathEscape(a.ID), "notice", "Assessment created. Invite candidates below.")
}

// previewView is a challenge as its candidates see it, for staff
// choosing challenges: the prompt, starter, provided modules and visible
// tests, and how many tests are hidden (never their names).
type previewView struct {
	Title        string
	Principal    access.Principal
	Challenge    *challenges.Challenge
	PromptHTML   template.HTML
	Files        []editorFile
	ReadOnly     []editorFile
	VisibleTests int
	HiddenTests  int
}

func (s *server) challengePreview(c *gin.Context) {
	ch, err := s.cfg.Catalog.Get(c.Param("slug"))
	if err != nil {
		s.errorPage(c, errorf(http.StatusNotFound, "No challenge %q.", c.Param("slug")))
		return
	}
	var md bytes.Buffer
	if err := s.pages.md.Convert([]byte(ch.Prompt), &md); err != nil {
		s.errorPage(c, fmt.Errorf("render prompt of %s: %w", ch.Slug, err))
		return
	}
	v := previewView{Title: "Preview · " + ch.Title, Principal: principalOf(c), Challenge: ch, PromptHTML: template.HTML(md.String())}
	for _, name := range ch.Files {
		v.Files = append(v.Files, editorFile{Name: name, Text: string(ch.Starter[name])})
	}
	v.ReadOnly = readOnlyFiles(ch)
	v.VisibleTests, v.HiddenTests = testCounts(ch)
	s.render(c, http.StatusOK, "preview", v)
}

// readOnlyFiles are the tabs beside a challenge's entry files: its
// provided modules and visible tests, by name.
func readOnlyFiles(ch *challenges.Challenge) []editorFile {
	var out []editorFile
	for _, group := range []map[string][]byte{ch.Lib, ch.Visible()} {
		names := slices.Sorted(maps.Keys(group))
		for _, name := range names {
			out = append(out, editorFile{Name: name, Text: string(group[name])})
		}
	}
	return out
}

// testCounts are a challenge's visible and hidden test counts as
// candidates see them.
func testCounts(ch *challenges.Challenge) (visible, hidden int) {
	if ch.Expected == nil {
		return len(ch.Visible()), 0
	}
	for _, t := range ch.Expected.Tests {
		if t.Hidden {
			hidden++
		} else {
			visible++
		}
	}
	return visible, hidden
}

// invitedView shows links just made: tokens are shown this once.
type invitedView struct {
	Title      string
	Principal  access.Principal
	Assessment string
	Created    []invitedLink
	Renewed    bool
}

type invitedLink struct {
	Candidate, Email, Link string
	// Mail: whether the link was to be emailed, and how that went.
	Mail, Emailed bool
	EmailError    string
}

// maxInvitesPerForm bounds one paste of candidates.
const maxInvitesPerForm = 200

// parseCandidates reads the invite form's list: one candidate a line,
// "Name <email>", "Name, email", "Name" or "email".
func parseCandidates(text string) ([]NewInvitation, error) {
	var out []NewInvitation
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if len(out) == maxInvitesPerForm {
			return nil, errorf(http.StatusBadRequest, "at most %d candidates at once", maxInvitesPerForm)
		}
		var inv NewInvitation
		switch {
		case strings.Contains(line, "<"):
			a, err := mail.ParseAddress(line)
			if err != nil {
				return nil, errorf(http.StatusBadRequest, "line %d: %q is not Name <email>", i+1, line)
			}
			inv.Candidate, inv.Email = a.Name, a.Address
		case strings.Contains(line, ","):
			name, addr, _ := strings.Cut(line, ",")
			inv.Candidate, inv.Email = strings.TrimSpace(name), strings.TrimSpace(addr)
		case strings.Contains(line, "@") && !strings.Contains(line, " "):
			inv.Email = line
		default:
			inv.Candidate = line
		}
		if inv.Email != "" {
			if _, err := mail.ParseAddress(inv.Email); err != nil {
				return nil, errorf(http.StatusBadRequest, "line %d: %q is not an email address", i+1, inv.Email)
			}
		}
		if inv.Candidate == "" {
			inv.Candidate = inv.Email
		}
		out = append(out, inv)
	}
	if len(out) == 0 {
		return nil, errorf(http.StatusBadRequest, "name at least one candidate")
	}
	return out, nil
}

// inviteForm is POST /review/assessments/{id}/invitations: one candidate
// or many (a pasted list), then a page with their links.
func (s *server) inviteForm(c *gin.Context) {
	id := c.Param("id")
	page := "/review/assessments/" + url.PathEscape(id)
	list, err := parseCandidates(c.PostForm("candidates"))
	if msg, ok := formError(err); ok {
		back(c, page, "error", msg)
		return
	}
	ctx := c.Request.Context()
	acc, err := s.accounts()
	if err != nil {
		s.errorPage(c, err)
		return
	}
	if _, err := acc.Assessment(ctx, id); err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	// Check every line before creating any, so a bad line leaves nothing
	// half done.
	for _, inv := range list {
		if err := app.CheckName("candidate", inv.Candidate, true); err != nil {
			msg, _ := formError(err)
			back(c, page, "error", inv.Candidate+": "+msg)
			return
		}
		if err := app.CheckName("email", inv.Email, false); err != nil {
			msg, _ := formError(err)
			back(c, page, "error", inv.Candidate+": "+msg)
			return
		}
	}
	send := c.PostForm("send_email") != ""
	if send && s.cfg.Mailer == nil {
		back(c, page, "error", "this server sends no email")
		return
	}
	v := invitedView{Title: "Invitations", Principal: principalOf(c), Assessment: id}
	base := s.baseURL(c)
	for _, req := range list {
		req.SendEmail = send && req.Email != ""
		out, err := s.assessments.Invite(ctx, principalOf(c), id, req, base)
		if msg, ok := formError(err); ok {
			back(c, page, "error", req.Candidate+": "+msg)
			return
		}
		if err != nil {
			s.errorPage(c, err)
			return
		}
		v.Created = append(v.Created, invitedLink{Candidate: out.Candidate, Email: out.Email, Link: base + out.Link,
			Mail: send, Emailed: out.Emailed, EmailError: out.EmailError})
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "invited", v)
}

// invitationBack is the assessment page of the form's invitation.
func (s *server) invitationBack(c *gin.Context) (access.Invitation, string, error) {
	acc, err := s.accounts()
	if err != nil {
		return access.Invitation{}, "", err
	}
	inv, err := acc.Invitation(c.Request.Context(), c.Param("id"))
	if err != nil {
		return inv, "", unavailable(err)
	}
	return inv, "/review/assessments/" + url.PathEscape(inv.Assessment), nil
}

func (s *server) revokeForm(c *gin.Context) {
	inv, page, err := s.invitationBack(c)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	if _, err := s.reviews.Revoke(c.Request.Context(), principalOf(c), inv.ID); err != nil {
		s.errorPage(c, err)
		return
	}
	back(c, page, "notice", inv.Candidate+"'s link is revoked: it no longer opens. Their work stays here.")
}

func (s *server) linkForm(c *gin.Context) {
	inv, page, err := s.invitationBack(c)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	out, err := s.reviews.Relink(c.Request.Context(), inv.ID)
	if msg, ok := formError(err); ok {
		back(c, page, "error", msg)
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "invited", invitedView{Title: "New link", Principal: principalOf(c), Assessment: inv.Assessment, Renewed: true,
		Created: []invitedLink{{Candidate: out.Candidate, Email: out.Email, Link: s.baseURL(c) + out.Link}}})
}

func (s *server) decisionForm(c *gin.Context) {
	inv, page, err := s.invitationBack(c)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	d, err := s.reviews.Decide(c.Request.Context(), principalOf(c), inv.ID, NewDecision{Decision: review.Verdict(c.PostForm("decision")), Reason: c.PostForm("reason")})
	if msg, ok := formError(err); ok {
		back(c, page, "error", msg)
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	back(c, page, "notice", fmt.Sprintf("%s: %s.", inv.Candidate, d.Decision))
}

func (s *server) noteForm(c *gin.Context) {
	id := c.Param("id")
	page := "/review/submissions/" + url.PathEscape(id)
	req := NewNote{File: c.PostForm("file"), Text: c.PostForm("text")}
	if v := strings.TrimSpace(c.PostForm("line")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			back(c, page+"#notes", "error", "the line must be a number")
			return
		}
		req.Line = n
	}
	if req.Line == 0 {
		req.File = "" // a note on the whole submission
	}
	n, err := s.reviews.Note(c.Request.Context(), principalOf(c), id, req)
	if msg, ok := formError(err); ok {
		back(c, page+"#notes", "error", msg)
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, page+"#note-"+n.ID)
}

// cohortPageView is a challenge across an assessment's candidates.
type cohortPageView struct {
	Title      string
	Principal  access.Principal
	Assessment access.Assessment
	Cohort     CohortView
	// Hidden marks the expected hidden tests.
	Hidden map[string]bool
	// Peak is the largest bucket, to scale the bars.
	Peak int
}

func (s *server) cohortPage(c *gin.Context) {
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	co, err := s.reports.Cohort(c.Request.Context(), rep, c.Param("challenge"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	sort.SliceStable(co.Candidates, func(i, j int) bool { return co.Candidates[i].Score > co.Candidates[j].Score })
	v := cohortPageView{Title: co.Challenge + " · " + rep.Assessment.Name, Principal: principalOf(c), Assessment: rep.Assessment, Cohort: co, Hidden: map[string]bool{}}
	if ch, err := s.cfg.Catalog.Get(co.Challenge); err == nil && ch.Expected != nil {
		for _, t := range ch.Expected.Tests {
			v.Hidden[t.ID] = t.Hidden
		}
	}
	for _, b := range co.Buckets {
		v.Peak = max(v.Peak, b.Count)
	}
	s.render(c, http.StatusOK, "cohort", v)
}

// compareSide is one candidate's best submission at the challenge.
type compareSide struct {
	Invitation access.Invitation
	State      *runner.State
	Sources    []sourceFile
	Score      float64
}

// compareRow is one test across the two sides.
type compareRow struct {
	ID     string
	Hidden bool
	A, B   *runner.TestResult
}

type compareView struct {
	Title      string
	Principal  access.Principal
	Assessment access.Assessment
	Challenges []string
	Candidates []access.Invitation
	Challenge  string
	A, B       *compareSide
	Rows       []compareRow
	Diffs      []fileDiff
}

// comparePage is GET /review/assessments/{id}/compare?challenge=&a=&b=:
// two candidates' best submissions at one challenge side by side.
func (s *server) comparePage(c *gin.Context) {
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	v := compareView{Title: "Compare · " + rep.Assessment.Name, Principal: principalOf(c), Assessment: rep.Assessment,
		Challenges: rep.Assessment.Challenges, Challenge: c.Query("challenge")}
	if v.Challenge == "" && len(v.Challenges) > 0 {
		v.Challenge = v.Challenges[0]
	}
	for _, cand := range rep.Candidates {
		v.Candidates = append(v.Candidates, cand.Invitation)
	}
	sides := map[string]**compareSide{"a": &v.A, "b": &v.B}
	for _, key := range []string{"a", "b"} {
		want := c.Query(key)
		if want == "" {
			continue
		}
		var found bool
		for _, cand := range rep.Candidates {
			if cand.Invitation.ID != want {
				continue
			}
			found = true
			side := &compareSide{Invitation: cand.Invitation}
			for _, ch := range cand.Challenges {
				if ch.Challenge == v.Challenge && ch.Best != nil {
					st, err := s.cfg.Submissions.Get(c.Request.Context(), ch.Best.ID)
					if err != nil {
						s.errorPage(c, unavailable(err))
						return
					}
					side.State, side.Score = &st, app.SummaryScore(*ch.Best)
					for _, name := range sortedNames(st.Submission.Files) {
						side.Sources = append(side.Sources, sourceFile{Name: name, HTML: highlight(name, st.Submission.Files[name])})
					}
				}
			}
			*sides[key] = side
		}
		if !found {
			s.errorPage(c, errorf(http.StatusNotFound, "The assessment has no candidate %q.", want))
			return
		}
	}
	v.Rows = compareTests(v.A, v.B, s.hiddenTests(v.Challenge))
	if v.A != nil && v.B != nil && v.A.State != nil && v.B.State != nil {
		a, b := v.A.State.Submission.Files, v.B.State.Submission.Files
		for _, name := range sortedNames(b) {
			v.Diffs = append(v.Diffs, diffFile(name, a[name], b[name]))
		}
	}
	s.render(c, http.StatusOK, "compare", v)
}

// hiddenTests marks a challenge's hidden test ids, from its expected tests.
func (s *server) hiddenTests(slug string) map[string]bool {
	out := map[string]bool{}
	if ch, err := s.cfg.Catalog.Get(slug); err == nil && ch.Expected != nil {
		for _, t := range ch.Expected.Tests {
			out[t.ID] = t.Hidden
		}
	}
	return out
}

// compareTests lines up two results' tests by id, in the first one's
// order, then the second's.
func compareTests(a, b *compareSide, hidden map[string]bool) []compareRow {
	var rows []compareRow
	at := map[string]int{}
	for i, side := range []*compareSide{a, b} {
		if side == nil || side.State == nil || side.State.Result == nil {
			continue
		}
		for _, t := range side.State.Result.Tests {
			j, ok := at[t.ID]
			if !ok {
				j = len(rows)
				at[t.ID] = j
				rows = append(rows, compareRow{ID: t.ID, Hidden: t.Hidden || hidden[t.ID]})
			}
			if i == 0 {
				rows[j].A = &t
			} else {
				rows[j].B = &t
			}
		}
	}
	return rows
}

func sortedNames(files map[string]string) []string {
	names := slices.Sorted(maps.Keys(files))
	return names
}
