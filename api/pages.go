package api

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"assay/access"
	"assay/challenges"
	"assay/review"
	"assay/runner"
)

//go:embed web/templates/*.html web/static/*
var web embed.FS

// pages holds the parsed templates, one set per page (each with the base
// layout), built once by New.
type pages struct {
	set map[string]*template.Template
	md  goldmark.Markdown
}

func newPages() (*pages, error) {
	funcs := template.FuncMap{
		"verdictClass":            verdictClass,
		"outcomeClass":            func(o runner.Outcome) string { return "outcome-" + string(o) },
		"ms":                      formatMS,
		"us":                      formatUS,
		"ratio":                   formatRatio,
		"refSource":               refSourceLabel,
		"mul":                     func(a, b float64) float64 { return a * b },
		"slowRatio":               func() float64 { return runner.SlowRatio },
		"slowMargin":              func() float64 { return runner.SlowMarginUS },
		"mib":                     func(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) },
		"when":                    func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 MST") },
		"shortID":                 func(id string) string { return id[:min(8, len(id))] },
		"testName":                testName,
		"inc":                     func(n int) int { return n + 1 },
		"add":                     func(a, b int) int { return a + b },
		"finding":                 findingText,
		"candidateTamperedReason": func() string { return runner.CandidateTamperedReason },
		"barPct": func(n, of int) int {
			if of <= 0 {
				return 0
			}
			return n * 100 / of
		},
		"mul100": func(f float64) float64 { return 100 * f },
		"sides":  func(a, b *compareSide) []*compareSide { return []*compareSide{a, b} },
		"pair":   func(a, b *runner.TestResult) []*runner.TestResult { return []*runner.TestResult{a, b} },
		"score":  formatScore,
		"pct":    func(p float64) string { return formatScore(&p) },
	}
	p := &pages{set: map[string]*template.Template{}, md: goldmark.New(goldmark.WithExtensions(extension.GFM))}
	names, err := fs.Glob(web, "web/templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("pages: %w", err)
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "web/templates/"), ".html")
		if base == "base" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(web, "web/templates/base.html", name)
		if err != nil {
			return nil, fmt.Errorf("pages: %s: %w", name, err)
		}
		p.set[base] = t
	}
	return p, nil
}

// render writes a page with the base layout.
func (s *server) render(c *gin.Context, status int, name string, data any) {
	t := s.pages.set[name]
	var buf bytes.Buffer
	if t == nil {
		s.cfg.Logger.Error("no such page template", "page", name)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "base", data); err != nil {
		s.cfg.Logger.Error("render page", "page", name, "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Header("Referrer-Policy", "no-referrer")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// errorView is the data of the error page.
type errorView struct {
	Title   string
	Status  int
	Message string
}

// errorPage shows an error as a page with the status the API would answer
// (problemOf), in the pages' own words: a message written for the user
// as it is, a store failure as temporarily unavailable, a domain error's
// not found or invalid briefly. A domain error the pages do not explain
// (a conflict, no attempts left) is, as ever, a 500.
func (s *server) errorPage(c *gin.Context, err error) {
	p := problemOf(err)
	if p.retryAfter != "" {
		c.Header("Retry-After", p.retryAfter)
	}
	status, msg := p.status, p.msg
	switch {
	case p.stated && msg != "":
	case status == http.StatusServiceUnavailable:
		msg = "The service is temporarily unavailable; try again shortly."
	case !p.stated && status == http.StatusNotFound:
		msg = "Not found."
	case !p.stated && status == http.StatusBadRequest:
	default:
		status, msg = http.StatusInternalServerError, "Something went wrong on our side. Please try again."
		s.cfg.Logger.Error("page failed", "path", c.Request.URL.Path, "err", err)
	}
	s.render(c, status, "error", errorView{Title: http.StatusText(status), Status: status, Message: msg})
	c.Abort()
}

func (s *server) pageRoutes(r *gin.Engine) error {
	p, err := newPages()
	if err != nil {
		return err
	}
	s.pages = p
	static, err := fs.Sub(web, "web/static")
	if err != nil {
		return fmt.Errorf("pages: %w", err)
	}
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, "/review") })
	r.StaticFS("/static", http.FS(static))
	r.GET("/i/:token", s.candidatePage)
	r.GET("/review/login", s.loginPage)
	r.POST("/review/login", s.login)
	r.POST("/review/logout", s.logout)
	r.GET("/review", s.page(staff...), s.reviewPage)
	r.GET("/review/assessments/:id", s.page(staff...), s.assessmentPage)
	r.POST("/review/invitations/:id/time", s.formPage(staff...), s.timeForm)
	r.GET("/review/submissions/:id", s.page(staff...), s.submissionPage)
	s.regradePageRoutes(r)
	s.staffPageRoutes(r)
	s.adminPageRoutes(r)
	return nil
}

func setCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: name, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode,
	})
}

// --- the candidate's page ---

type candidateChallenge struct {
	Slug, Title, Summary string
	Attempts             int
	Best                 *SubmissionSummary
	Selected             bool
}

type editorFile struct {
	// Starter is the challenge's starter code; Text what the editor opens
	// with (the draft kept on the server, or the starter).
	Name, Starter, Text string
}

type candidatePageView struct {
	Title        string
	Token        string
	Invitation   access.Invitation
	Expired      bool
	Challenges   []candidateChallenge
	Challenge    *challenges.Challenge
	PromptHTML   template.HTML
	Files        []editorFile
	VisibleTests int
	HiddenTests  int
	AttemptsLeft int // -1: no limit
	Submissions  []SubmissionSummary
	// Runs are the candidate's Runs of this challenge, the latest first.
	Runs []SubmissionSummary
	// A timed session: Timed, whether it waits for Start, how long it
	// lasts (Allowed) and when it ends (EndsAt, RFC 3339; "" when never).
	Timed, WaitsForStart bool
	Allowed              string
	EndsAt               string
	// Scratch and ServerDraft: the draft kept on the server, if any,
	// fills the editors (Files' Starter holds it then).
	Scratch     string
	ServerDraft bool
	// ReadOnly are the tabs beside the entry files: the challenge's
	// provided modules and visible tests.
	ReadOnly []editorFile
}

// candidatePage is /i/TOKEN: the path holds the invitation's token. It
// sets the candidate cookie (for the event stream) and shows the
// invitation's challenges, one of them (?c=slug) in full.
func (s *server) candidatePage(c *gin.Context) {
	tok := c.Param("token")
	p, err := s.resolve(c.Request.Context(), tok)
	if errors.Is(err, errBadToken) || errors.Is(err, errNoCredentials) || (err == nil && p.Role != access.RoleCandidate) {
		s.errorPage(c, errorf(http.StatusForbidden, "This invitation link is not valid. Check the link you were sent, or ask your interviewer for a new one."))
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	inv := *p.Invitation
	rep, err := s.candidateReport(c.Request.Context(), inv)
	if err != nil {
		s.errorPage(c, err)
		return
	}
	selected := c.Query("c")
	if selected == "" && len(inv.Challenges) > 0 {
		selected = inv.Challenges[0]
	}
	if !inv.Allows(selected) {
		s.errorPage(c, errorf(http.StatusNotFound, "Your invitation has no challenge %q.", selected))
		return
	}
	view := candidatePageView{Token: tok, Invitation: inv, Expired: inv.Expired(s.cfg.Now()), AttemptsLeft: -1}
	for _, cr := range rep.Challenges {
		cc := candidateChallenge{Slug: cr.Challenge, Title: cr.Challenge, Attempts: cr.Attempts, Best: cr.Best, Selected: cr.Challenge == selected}
		if ch, err := s.cfg.Catalog.Get(cr.Challenge); err == nil {
			cc.Title, cc.Summary = ch.Title, ch.Summary
		}
		if cc.Selected && inv.AttemptLimit > 0 {
			view.AttemptsLeft = max(0, inv.AttemptLimit-cr.Attempts)
		}
		view.Challenges = append(view.Challenges, cc)
	}
	ch, err := s.cfg.Catalog.Get(selected)
	if err != nil {
		s.errorPage(c, errorf(http.StatusNotFound, "The challenge %q is not available right now.", selected))
		return
	}
	view.Challenge, view.Title = ch, ch.Title
	var md bytes.Buffer
	if err := s.pages.md.Convert([]byte(ch.Prompt), &md); err != nil {
		s.errorPage(c, fmt.Errorf("render prompt of %s: %w", ch.Slug, err))
		return
	}
	view.PromptHTML = template.HTML(md.String()) // goldmark drops raw HTML unless told otherwise
	view.Timed, view.WaitsForStart = inv.Timed(), inv.WaitsForStart()
	if inv.Timed() {
		view.Allowed = inv.Allowed().Round(time.Second).String()
	}
	if end := inv.Ends(); end != nil {
		view.EndsAt = end.UTC().Format(time.RFC3339)
	}
	draft, derr := s.cfg.Accounts.Draft(c.Request.Context(), inv.ID, selected)
	if derr != nil && !errors.Is(derr, runner.ErrNotFound) {
		s.errorPage(c, derr)
		return
	}
	view.ServerDraft, view.Scratch = derr == nil, draft.Scratch
	for _, name := range ch.Files {
		f := editorFile{Name: name, Starter: string(ch.Starter[name]), Text: string(ch.Starter[name])}
		if text, ok := draft.Files[name]; ok && derr == nil {
			f.Text = text
		}
		view.Files = append(view.Files, f)
	}
	for _, group := range []map[string][]byte{ch.Lib, ch.Visible()} {
		names := slices.Sorted(maps.Keys(group))
		for _, name := range names {
			view.ReadOnly = append(view.ReadOnly, editorFile{Name: name, Text: string(group[name])})
		}
	}
	view.VisibleTests = len(ch.Visible())
	if ch.Expected != nil {
		view.VisibleTests = 0
		for _, t := range ch.Expected.Tests {
			if t.Hidden {
				view.HiddenTests++
			} else {
				view.VisibleTests++
			}
		}
	}
	for i := len(rep.Submissions) - 1; i >= 0; i-- {
		if rep.Submissions[i].Challenge == selected {
			view.Submissions = append(view.Submissions, rep.Submissions[i])
		}
	}
	for i := len(rep.Runs) - 1; i >= 0 && len(view.Runs) < 20; i-- {
		if rep.Runs[i].Challenge == selected {
			view.Runs = append(view.Runs, rep.Runs[i])
		}
	}
	setCookie(c, cookieCandidate, tok, 0)
	c.Header("Cache-Control", "no-store")
	s.render(c, http.StatusOK, "candidate", view)
}

// --- the interviewer's pages ---

type loginView struct {
	Title, Next, Error string
}

func safeNext(next string) string {
	if u, err := url.Parse(next); err != nil || !strings.HasPrefix(next, "/review") || u.Host != "" {
		return "/review"
	}
	return next
}

func (s *server) loginPage(c *gin.Context) {
	s.render(c, http.StatusOK, "login", loginView{Title: "Sign in", Next: safeNext(c.Query("next"))})
}

// login checks a staff token sent from the form and keeps it in the
// review cookie.
func (s *server) login(c *gin.Context) {
	tok := strings.TrimSpace(c.PostForm("token"))
	next := safeNext(c.PostForm("next"))
	p, err := s.resolve(c.Request.Context(), tok)
	switch {
	case err == nil && p.Role.Staff():
		setCookie(c, cookieReview, tok, int((12 * time.Hour).Seconds()))
		c.Redirect(http.StatusSeeOther, next)
	case err == nil:
		s.render(c, http.StatusForbidden, "login", loginView{Title: "Sign in", Next: next, Error: "That token belongs to a candidate. Interviewers and admins sign in here."})
	case errors.Is(err, errBadToken) || errors.Is(err, errNoCredentials):
		s.render(c, http.StatusUnauthorized, "login", loginView{Title: "Sign in", Next: next, Error: "That token is unknown or was revoked."})
	default:
		s.errorPage(c, err)
	}
}

func (s *server) logout(c *gin.Context) {
	setCookie(c, cookieReview, "", -1)
	c.Redirect(http.StatusSeeOther, "/review/login")
}

type reviewView struct {
	Title       string
	Principal   access.Principal
	Assessments []access.Assessment
	// The new-assessment form: the catalog to pick from, and the last
	// form's error.
	FormToken string
	Catalog   []*challenges.Challenge
	Error     string
}

func (s *server) reviewPage(c *gin.Context) {
	acc, err := s.accounts()
	if err != nil {
		s.errorPage(c, err)
		return
	}
	list, err := acc.Assessments(c.Request.Context())
	if err != nil {
		s.errorPage(c, unavailable(err))
		return
	}
	s.render(c, http.StatusOK, "review", reviewView{Title: "Assessments", Principal: principalOf(c), Assessments: list,
		FormToken: c.GetString(formTokenKey), Catalog: s.cfg.Catalog.List(), Error: c.Query("error")})
}

type assessmentView struct {
	Title     string
	Principal access.Principal
	FormToken string
	// Notice reports the last form's outcome (extra time given).
	Notice, Error string
	Report        AssessmentReport
	// Challenges are the columns: every challenge any invitation has.
	Challenges []string
	Rows       []assessmentRow
	// Verdicts are the decisions the rows offer; Mail whether the
	// invite form may email links.
	Verdicts []review.Verdict
	Mail     bool
}

type assessmentRow struct {
	Invitation access.Invitation
	// Decision is the one standing, if any.
	Decision *review.Decision
	Cells    []*ChallengeReport // nil: not in this invitation
	// Runs are the candidate's Runs per column: how many, and the latest.
	Runs []runsCell
}

type runsCell struct {
	Count  int
	Latest *SubmissionSummary
}

func (s *server) assessmentPage(c *gin.Context) {
	rep, err := s.assessmentReport(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	cols := append([]string(nil), rep.Assessment.Challenges...)
	for _, cand := range rep.Candidates {
		for _, slug := range cand.Invitation.Challenges {
			if !contains(cols, slug) {
				cols = append(cols, slug)
			}
		}
	}
	view := assessmentView{Title: rep.Assessment.Name, Principal: principalOf(c), Report: rep, Challenges: cols,
		FormToken: c.GetString(formTokenKey), Notice: c.Query("notice"), Error: c.Query("error")}
	for i := range rep.Candidates {
		cand := &rep.Candidates[i]
		row := assessmentRow{Invitation: cand.Invitation, Cells: make([]*ChallengeReport, len(cols)), Runs: make([]runsCell, len(cols))}
		for j := range cand.Runs {
			for k, slug := range cols {
				if slug == cand.Runs[j].Challenge {
					row.Runs[k].Count++
					row.Runs[k].Latest = &cand.Runs[j]
				}
			}
		}
		for j := range cand.Challenges {
			for k, slug := range cols {
				if slug == cand.Challenges[j].Challenge {
					row.Cells[k] = &cand.Challenges[j]
				}
			}
		}
		if s.cfg.Reviews != nil {
			ds, err := s.cfg.Reviews.Decisions(c.Request.Context(), cand.Invitation.ID)
			if err != nil {
				s.errorPage(c, unavailable(err))
				return
			}
			if len(ds) > 0 {
				row.Decision = &ds[len(ds)-1]
			}
		}
		view.Rows = append(view.Rows, row)
	}
	view.Verdicts, view.Mail = review.Verdicts(), s.cfg.Mailer != nil
	s.render(c, http.StatusOK, "assessment", view)
}

// timeForm is POST /review/invitations/{id}/time: staff give a candidate
// extra time from the assessment page (minutes, a multiplier, or both).
func (s *server) timeForm(c *gin.Context) {
	if err := s.sessions.Supported(); err != nil {
		s.errorPage(c, err)
		return
	}
	var req NewTime
	var bad []string
	for field, dst := range map[string]*float64{"extra_minutes": &req.ExtraMinutes, "multiplier": &req.Multiplier} {
		if v := strings.TrimSpace(c.PostForm(field)); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				bad = append(bad, field)
			}
			*dst = f
		}
	}
	back := "/review/assessments/" + url.PathEscape(c.PostForm("assessment"))
	if len(bad) > 0 {
		c.Redirect(http.StatusSeeOther, back+"?error="+url.QueryEscape(strings.Join(bad, " and ")+" must be a number"))
		return
	}
	inv, err := s.sessions.GiveTime(c.Request.Context(), principalOf(c), c.Param("id"), req)
	if _, msg, ok := refusal(err); ok {
		c.Redirect(http.StatusSeeOther, back+"?error="+url.QueryEscape(msg))
		return
	}
	if err != nil {
		s.errorPage(c, err)
		return
	}
	msg := fmt.Sprintf("%s now has %s in all", inv.Candidate, inv.Allowed().Round(time.Second))
	if end := inv.Ends(); end != nil && inv.StartedAt != nil {
		msg += ", to " + end.UTC().Format("15:04:05 UTC")
	}
	c.Redirect(http.StatusSeeOther, "/review/assessments/"+url.PathEscape(inv.Assessment)+"?notice="+url.QueryEscape(msg))
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

type testRow struct {
	runner.TestResult
	ReferenceMS *float64
	// Runtime compares the test's time with the reference's (staff only).
	Runtime runner.TestRatio
}

type sourceFile struct {
	Name  string
	Index int
	HTML  template.HTML
}

// filePrefix names the line anchors of a page's i-th source file
// (#f0-L12), so notes and links can point at a line.
func filePrefix(i int) string { return fmt.Sprintf("f%d-L", i) }

func lineAnchor(names []string, file string, line int) string {
	for i, n := range names {
		if n == file {
			return fmt.Sprintf("%s%d", filePrefix(i), line)
		}
	}
	return ""
}

type submissionView struct {
	Title      string
	Principal  access.Principal
	State      runner.State
	Result     *runner.Result
	Score      *runner.Score // the result's, computed on read for old results (scores.go)
	Candidate  string
	Assessment string
	Invitation string
	Tests      []testRow
	TotalMS    float64
	RefTotalMS float64
	// Runtimes compares the tests' times with the reference's.
	Runtimes runner.Runtimes
	Sources  []sourceFile
	Attempts []SubmissionSummary
	Against  *SubmissionSummary
	Diffs    []fileDiff
	Stale    bool // graded against another version than the catalog's current one
	Regrades []regradeCopy
	// Notes are staff's notes, each with the line it is anchored to;
	// FormToken and NoteError serve the form that adds one.
	Notes     []noteView
	FormToken string
	NoteError string
	Files     []string

	// NearMisses sums the attempts' canaries passed while their twins
	// failed, in NearMissAttempts of them: a forgery that must guess which
	// test of each pair is real leaves them on most attempts before the
	// one whose guesses were all right.
	NearMisses, NearMissAttempts int
}

// noteView is a note with the text of its line.
type noteView struct {
	review.Note
	Anchor, LineText string
}

// regradeCopy is one regrade's copy of the submission shown.
type regradeCopy struct {
	ID, Version, Status string
	Verdict             runner.Verdict
	Passed, Total       int
}

// submissionPage shows one submission in full: every test's outcome,
// message and duration beside the reference solution's, the timings, the
// source highlighted, and a diff against another attempt (the previous
// one by default, or ?against=ID).
func (s *server) submissionPage(c *gin.Context) {
	id := c.Param("id")
	if _, err := uuid.Parse(id); err != nil {
		s.errorPage(c, errorf(http.StatusNotFound, "No submission %q.", id))
		return
	}
	view, err := s.submissionPageView(c.Request.Context(), id, c.Query("against"))
	if err != nil {
		s.errorPage(c, err)
		return
	}
	view.Principal, view.FormToken, view.NoteError = principalOf(c), c.GetString(formTokenKey), c.Query("error")
	s.render(c, http.StatusOK, "submission", view)
}

// submissionPageView gathers what the submission page shows, each part
// in its own step: the tests and timings, the regrades' copies, staff's
// notes on the highlighted sources, the candidate's other attempts, and
// the diff against one of them (against, or the attempt before).
func (s *server) submissionPageView(ctx context.Context, id, against string) (submissionView, error) {
	st, err := s.cfg.Submissions.Get(ctx, id)
	if err != nil {
		return submissionView{}, unavailable(err)
	}
	sub := st.Submission
	view := submissionView{Title: sub.Challenge + " · " + shortID(sub.ID), State: st, Result: st.Result, Candidate: sub.Submitter}
	view.Score = s.scores.Of(ctx, st)
	if sub.Interviewer != "" && view.Candidate == "" {
		view.Candidate = "staff (" + sub.Interviewer + ")"
	}
	s.addTests(&view, st)
	if err := s.addRegradeCopies(ctx, &view, sub.ID); err != nil {
		return view, err
	}
	view.Files = sortedNames(sub.Files)
	noted, err := s.addNotes(ctx, &view, sub)
	if err != nil {
		return view, err
	}
	for i, name := range view.Files {
		view.Sources = append(view.Sources, sourceFile{Name: name, Index: i, HTML: highlightLines(name, sub.Files[name], filePrefix(i), noted[name])})
	}
	if err := s.addAttempts(ctx, &view, sub, against); err != nil {
		return view, err
	}
	if view.Against != nil {
		other, err := s.cfg.Submissions.Get(ctx, view.Against.ID)
		if err != nil {
			return view, unavailable(err)
		}
		for _, name := range view.Files {
			view.Diffs = append(view.Diffs, diffFile(name, other.Submission.Files[name], sub.Files[name]))
		}
	}
	return view, nil
}

// addTests fills in the tests' rows with the reference's times
// (expected.json's, and the timing run's when attached) and whether the
// submission was graded against another version than the current one.
func (s *server) addTests(view *submissionView, st runner.State) {
	sub := st.Submission
	ref := map[string]float64{}
	if ch, err := s.cfg.Catalog.Get(sub.Challenge); err == nil && ch.Expected != nil {
		for _, t := range ch.Expected.Tests {
			ref[t.ID] = t.ReferenceMS
		}
		view.Stale = ch.Version != sub.ChallengeVersion
	}
	r := st.Result
	if r == nil {
		return
	}
	view.Runtimes = runner.CompareRuntimes(r.Tests, r.Reference, ref)
	for _, t := range r.Tests {
		row := testRow{TestResult: t, Runtime: view.Runtimes.Tests[t.ID]}
		if v, ok := ref[t.ID]; ok {
			row.ReferenceMS = &v
		}
		view.RefTotalMS += row.Runtime.ReferenceUS / 1e3
		view.TotalMS += t.Micros() / 1e3
		view.Tests = append(view.Tests, row)
	}
}

// addRegradeCopies lists the submission's regrade copies and their
// verdicts (none on a server without regrades).
func (s *server) addRegradeCopies(ctx context.Context, view *submissionView, id string) error {
	if s.cfg.Regrades == nil {
		return nil
	}
	ids, err := s.cfg.Regrades.RegradesOf(ctx, id)
	if err != nil {
		return unavailable(err)
	}
	copies, err := s.cfg.Submissions.GetMany(ctx, ids)
	if err != nil {
		return unavailable(err)
	}
	for _, id := range ids {
		cp, ok := copies[id]
		if !ok {
			continue
		}
		rc := regradeCopy{ID: id, Version: cp.Submission.ChallengeVersion, Status: string(cp.Status)}
		if cp.Result != nil {
			rc.Verdict, rc.Passed, rc.Total = cp.Result.Verdict, cp.Result.Passed, cp.Result.Total
		}
		view.Regrades = append(view.Regrades, rc)
	}
	return nil
}

// addNotes lists staff's notes, each with its line's anchor and text, and
// returns the noted lines of each file (to mark in the sources).
func (s *server) addNotes(ctx context.Context, view *submissionView, sub runner.Submission) (map[string][]int, error) {
	noted := map[string][]int{}
	if s.cfg.Reviews == nil {
		return noted, nil
	}
	notes, err := s.cfg.Reviews.Notes(ctx, sub.ID)
	if err != nil {
		return nil, unavailable(err)
	}
	for _, n := range notes {
		nv := noteView{Note: n}
		if n.File != "" {
			nv.Anchor = lineAnchor(view.Files, n.File, n.Line)
			if lines := strings.Split(sub.Files[n.File], "\n"); n.Line-1 < len(lines) {
				nv.LineText = lines[n.Line-1]
			}
			noted[n.File] = append(noted[n.File], n.Line)
		}
		view.Notes = append(view.Notes, nv)
	}
	return noted, nil
}

// addAttempts names the candidate and lists their attempts at the
// challenge (staff's summaries), and picks the one to diff against: the
// attempt named by against (not this one), or else the one before this.
func (s *server) addAttempts(ctx context.Context, view *submissionView, sub runner.Submission, against string) error {
	if sub.Invitation == "" || s.cfg.Accounts == nil {
		return nil
	}
	inv, err := s.cfg.Accounts.Invitation(ctx, sub.Invitation)
	if err != nil {
		return nil // the invitation is gone: the page shows the submission alone
	}
	view.Candidate, view.Assessment, view.Invitation = inv.Candidate, inv.Assessment, inv.ID
	rep, err := s.report(ctx, inv)
	if err != nil {
		return err
	}
	var prev *SubmissionSummary
	for i, a := range rep.Submissions {
		if a.Challenge != sub.Challenge {
			continue
		}
		if a.ID == sub.ID && prev != nil && view.Against == nil {
			view.Against = prev
		}
		view.Attempts = append(view.Attempts, a)
		if a.CanaryNearMisses > 0 {
			view.NearMisses += a.CanaryNearMisses
			view.NearMissAttempts++
		}
		prev = &rep.Submissions[i]
	}
	if against != "" {
		view.Against = nil
		for i := range view.Attempts {
			if view.Attempts[i].ID == against && against != sub.ID {
				view.Against = &view.Attempts[i]
			}
		}
	}
	return nil
}

// highlight renders source as HTML with inline colours; on any trouble
// it falls back to escaped plain text.
func highlight(name, src string) template.HTML { return highlightLines(name, src, "", nil) }

// highlightLines is highlight with line anchors named prefix+N (none when
// prefix is "") and the given lines marked.
func highlightLines(name, src, prefix string, marked []int) template.HTML {
	lexer := lexers.Match(name)
	if lexer == nil {
		lexer = lexers.Fallback
	}
	lexer = chroma.Coalesce(lexer)
	style := styles.Get("github")
	opts := []chromahtml.Option{chromahtml.WithLineNumbers(true), chromahtml.TabWidth(4)}
	if prefix != "" {
		opts = append(opts, chromahtml.WithLinkableLineNumbers(true, prefix))
	}
	if len(marked) > 0 {
		ranges := make([][2]int, len(marked))
		for i, l := range marked {
			ranges[i] = [2]int{l, l}
		}
		opts = append(opts, chromahtml.HighlightLines(ranges))
	}
	f := chromahtml.New(opts...)
	it, err := lexer.Tokenise(nil, src)
	var buf bytes.Buffer
	if err == nil {
		err = f.Format(&buf, style, it)
	}
	if err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(src) + "</pre>")
	}
	return template.HTML(buf.String()) // chroma escapes the source
}

func shortID(id string) string { return id[:min(8, len(id))] }

func verdictClass(v runner.Verdict) string {
	switch v {
	case runner.VerdictPassed:
		return "v-pass"
	case runner.VerdictFailed:
		return "v-fail"
	case "":
		return "v-pending"
	case runner.VerdictInternalError:
		return "v-internal"
	case runner.VerdictTampered:
		return "v-tampered"
	}
	return "v-error"
}

func formatMS(ms any) string {
	switch v := ms.(type) {
	case float64:
		if v < 10 {
			return fmt.Sprintf("%.1f ms", v)
		}
		return fmt.Sprintf("%.0f ms", v)
	case int64:
		if v >= 10000 {
			return fmt.Sprintf("%.1f s", float64(v)/1000)
		}
		return fmt.Sprintf("%d ms", v)
	case *float64:
		if v == nil {
			return "–"
		}
		return formatMS(*v)
	}
	return fmt.Sprint(ms)
}

// testName shortens a test id (tests.visible.test_retry::test_x) to
// "test_retry › test_x".
func testName(id string) string {
	mod, fn, ok := strings.Cut(id, "::")
	if !ok {
		return id
	}
	if i := strings.LastIndex(mod, "."); i >= 0 {
		mod = mod[i+1:]
	}
	return mod + " › " + fn
}
