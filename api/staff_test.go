package api_test

import (
	"context"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"assay/access"
	"assay/api"
	"assay/mailer"
	"assay/mailer/mailertest"
	"assay/review"
	"assay/runner"
)

// TestRevokeAndNewLink: a revoked link stops working at once, its work
// stays readable by staff, it gets no new link; a new link replaces the
// old one.
func TestRevokeAndNewLink(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)

	var fresh api.CreatedInvitation
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/invitations/"+f.b.ID+"/link", "", &fresh)
	if fresh.Token == "" || fresh.Token == f.b.Token || fresh.Link != "/i/"+fresh.Token {
		t.Fatalf("new link: %+v", fresh)
	}
	if rec := s.call(t, f.b.Token, "GET", "/api/v1/me", "", nil); rec.Code != 401 {
		t.Errorf("the old link after a new one: %d", rec.Code)
	}
	s.must(t, 200, fresh.Token, "GET", "/api/v1/me", "", nil)

	var inv access.Invitation
	s.must(t, 200, f.interviewer.Token, "DELETE", "/api/v1/invitations/"+f.a.ID, "", &inv)
	if inv.RevokedAt == nil || inv.RevokedBy != f.interviewer.ID {
		t.Fatalf("revoked invitation: %+v", inv)
	}
	for _, path := range []string{"/api/v1/me", "/api/v1/invitations/" + f.a.ID, "/api/v1/submissions/" + f.subA} {
		if rec := s.call(t, f.a.Token, "GET", path, "", nil); rec.Code != 401 {
			t.Errorf("revoked candidate GET %s: %d", path, rec.Code)
		}
	}
	if rec := s.call(t, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x"}}`, nil); rec.Code != 401 {
		t.Errorf("revoked candidate submits: %d", rec.Code)
	}
	var rep api.CandidateReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", &rep)
	if len(rep.Submissions) != 1 || rep.Invitation.RevokedAt == nil {
		t.Errorf("staff's report of a revoked candidate: %+v", rep)
	}
	again := inv
	s.must(t, 200, testAdminToken, "DELETE", "/api/v1/invitations/"+f.a.ID, "", &again)
	if !again.RevokedAt.Equal(*inv.RevokedAt) || again.RevokedBy != inv.RevokedBy {
		t.Errorf("revoking twice changed the record: %+v", again)
	}
	if rec := s.call(t, f.interviewer.Token, "POST", "/api/v1/invitations/"+f.a.ID+"/link", "", nil); rec.Code != 409 {
		t.Errorf("a new link for a revoked invitation: %d %s", rec.Code, rec.Body)
	}
	if rec := s.call(t, f.a.Token, "GET", "/i/"+f.a.Token, "", nil); rec.Code != 403 {
		t.Errorf("the revoked link's page: %d", rec.Code)
	}
	for _, id := range []string{"nope", "00000000-0000-0000-0000-000000000000"} {
		for _, m := range []string{"DELETE /api/v1/invitations/" + id, "POST /api/v1/invitations/" + id + "/link"} {
			method, path, _ := strings.Cut(m, " ")
			if rec := s.call(t, f.interviewer.Token, method, path, "", nil); rec.Code != 404 {
				t.Errorf("%s: %d %s", m, rec.Code, rec.Body)
			}
		}
	}
}

// TestNotes: notes anchor to a real line of a real file; bad ones are a
// clear 400 and nothing is kept; they are listed in order, bounded.
func TestNotes(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	path := "/api/v1/submissions/" + f.subA + "/notes"
	var n review.Note
	s.must(t, 201, f.interviewer.Token, "POST", path, `{"file":"solution.py","line":1,"text":"  why a global?  "}`, &n)
	if n.Text != "why a global?" || n.Author != f.interviewer.ID || n.AuthorName != "Grace" || n.Line != 1 {
		t.Errorf("note: %+v", n)
	}
	s.must(t, 201, testAdminToken, "POST", path, `{"text":"overall fine"}`, nil)
	for body, want := range map[string]string{
		`{"file":"solution.py","line":2,"text":"x"}`:                           "line must be from 1 to 1",
		`{"file":"other.py","line":1,"text":"x"}`:                              "no file",
		`{"file":"solution.py","line":1,"text":""}`:                            "text is required",
		`{"line":3,"text":"x"}`:                                                "a line needs a file",
		fmt.Sprintf(`{"text":%q}`, strings.Repeat("a", review.MaxNoteBytes+1)): "longer than",
		`{"text":"x","author":"forged"}`:                                       "unknown field",
		`{"text":1}`:                                                           "not valid JSON",
	} {
		rec := s.call(t, f.interviewer.Token, "POST", path, body, nil)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("POST %.40s: %d %s; want 400 with %q", body, rec.Code, rec.Body, want)
		}
	}
	for _, id := range []string{"nope", "00000000-0000-0000-0000-000000000000"} {
		if rec := s.call(t, f.interviewer.Token, "POST", "/api/v1/submissions/"+id+"/notes", `{"text":"x"}`, nil); rec.Code != 404 {
			t.Errorf("a note on submission %s: %d", id, rec.Code)
		}
	}
	var list struct{ Notes []review.Note }
	s.must(t, 200, f.interviewer.Token, "GET", path, "", &list)
	if len(list.Notes) != 2 || list.Notes[0].ID != n.ID || list.Notes[1].Text != "overall fine" || list.Notes[1].AuthorName != "admin" {
		t.Errorf("notes: %+v", list.Notes)
	}
	// The candidate's own submission view carries no notes.
	rec := s.call(t, f.a.Token, "GET", "/api/v1/submissions/"+f.subA, "", nil)
	if rec.Code != 200 || strings.Contains(rec.Body.String(), "why a global") {
		t.Errorf("candidate view: %d %s", rec.Code, rec.Body)
	}
	// Bounded: the store refuses the note past the limit.
	ctx := context.Background()
	for i := 2; i < review.MaxNotes; i++ {
		if err := s.broker.AddNote(ctx, review.Note{ID: fmt.Sprint(i), Submission: f.subA, Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	if rec := s.call(t, f.interviewer.Token, "POST", path, `{"text":"one too many"}`, nil); rec.Code != 409 {
		t.Errorf("past the limit: %d %s", rec.Code, rec.Body)
	}
}

// TestDecisions: the latest decision stands, with who and when; the
// history keeps every one; bad decisions are 400.
func TestDecisions(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	path := "/api/v1/invitations/" + f.a.ID + "/decisions"
	var got api.Decisions
	s.must(t, 200, f.interviewer.Token, "GET", path, "", &got)
	if got.Current != nil || len(got.History) != 0 {
		t.Fatalf("no decision yet: %+v", got)
	}
	s.must(t, 201, f.interviewer.Token, "POST", path, `{"decision":"hold","reason":"second opinion"}`, nil)
	var d review.Decision
	s.must(t, 201, testAdminToken, "POST", path, `{"decision":"advance"}`, &d)
	if d.By != access.AdminID || d.Decision != review.Advance || d.At.IsZero() {
		t.Errorf("decision: %+v", d)
	}
	s.must(t, 200, f.interviewer.Token, "GET", path, "", &got)
	if got.Current == nil || got.Current.Decision != review.Advance || len(got.History) != 2 || got.History[0].Reason != "second opinion" || got.History[0].ByName != "Grace" {
		t.Errorf("decisions: %+v", got)
	}
	for _, body := range []string{`{"decision":"hire"}`, `{}`, `{"decision":"reject","reason":"` + strings.Repeat("r", review.MaxReasonBytes+1) + `"}`} {
		if rec := s.call(t, f.interviewer.Token, "POST", path, body, nil); rec.Code != 400 {
			t.Errorf("POST %.30s: %d %s", body, rec.Code, rec.Body)
		}
	}
	if rec := s.call(t, f.interviewer.Token, "POST", "/api/v1/invitations/nope/decisions", `{"decision":"hold"}`, nil); rec.Code != 404 {
		t.Errorf("unknown invitation: %d", rec.Code)
	}
	s.must(t, 200, f.interviewer.Token, "GET", path, "", &got)
	if len(got.History) != 2 {
		t.Errorf("a refused decision was kept: %+v", got.History)
	}
}

// TestCohort: a challenge's cohort over the candidates' best finished
// submissions: scores, percentiles and the tests that fail most.
func TestCohort(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	var c api.CreatedInvitation
	s.must(t, 201, f.interviewer.Token, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"Cy","challenges":["add"]}`, &c)
	ctx := context.Background()
	tests := func(pass ...bool) []runner.TestResult {
		var out []runner.TestResult
		for i, p := range pass {
			o := runner.OutcomeFailed
			if p {
				o = runner.OutcomePassed
			}
			out = append(out, runner.TestResult{ID: fmt.Sprintf("tests.hidden.test_add::t%d", i), Outcome: o, Hidden: true})
		}
		return out
	}
	save := func(id string, v runner.Verdict, ts []runner.TestResult) {
		t.Helper()
		passed := 0
		for _, x := range ts {
			if x.Outcome == runner.OutcomePassed {
				passed++
			}
		}
		if _, err := s.broker.SaveResult(ctx, runner.Result{SubmissionID: id, Verdict: v, Passed: passed, Total: len(ts), Tests: ts, FinishedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	save(f.subA, runner.VerdictPassed, tests(true, true, true, true))
	save(f.subB, runner.VerdictFailed, tests(true, true, false, false))
	// Cy has only a queued submission: not in the cohort.
	s.must(t, 202, c.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x"}}`, nil)

	var co api.CohortView
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/challenges/add/cohort", "", &co)
	if co.N != 2 || co.Mean != 75 || len(co.Candidates) != 2 {
		t.Fatalf("cohort: %+v", co)
	}
	byName := map[string]api.CohortCandidate{}
	for _, x := range co.Candidates {
		byName[x.Candidate] = x
	}
	if a, b := byName["Ada"], byName["Bob"]; a.Score != 100 || a.Percentile != 75 || b.Score != 50 || b.Percentile != 25 || a.Submission != f.subA {
		t.Errorf("candidates: %+v", co.Candidates)
	}
	// The expected hidden test (no candidate reported it) first, then t2, t3.
	if len(co.Tests) != 5 || co.Tests[0].Rate != 0 || co.Tests[0].Ran != 2 || co.Tests[1].Rate != 0.5 || co.Tests[4].Rate != 1 {
		t.Errorf("tests: %+v", co.Tests)
	}
	for _, p := range []string{"/api/v1/assessments/" + f.assessment.ID + "/challenges/nope/cohort", "/api/v1/assessments/nope/challenges/add/cohort"} {
		if rec := s.call(t, f.interviewer.Token, "GET", p, "", nil); rec.Code != 404 {
			t.Errorf("GET %s: %d", p, rec.Code)
		}
	}
	// The pages: the cohort page and a comparison show both candidates.
	page := s.page(t, f.interviewer.Token, "/review/assessments/"+f.assessment.ID+"/challenges/add")
	for _, want := range []string{"Ada", "Bob", "t2", "50%", `id="histogram"`} {
		if !strings.Contains(page, want) {
			t.Errorf("cohort page lacks %q", want)
		}
	}
	page = s.page(t, f.interviewer.Token, "/review/assessments/"+f.assessment.ID+"/compare?challenge=add&a="+f.a.ID+"&b="+f.b.ID)
	for _, want := range []string{"x = 1", "x = 2", "passed 4/4", "failed 2/4", `class="diff"`} {
		if !strings.Contains(page, want) {
			t.Errorf("compare page lacks %q", want)
		}
	}
	if rec := s.pageCall(t, f.interviewer.Token, "/review/assessments/"+f.assessment.ID+"/compare?a=nope"); rec.Code != 404 {
		t.Errorf("compare with an unknown candidate: %d", rec.Code)
	}
}

// TestStaffForms drives the review forms as a browser does (cookie plus
// form token): create an assessment, invite a pasted list, revoke, decide,
// note; bad input comes back as a message on the page, never a 500, and
// a bad line in a list invites nobody.
func TestStaffForms(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	tok := f.interviewer.Token

	rec := s.form(t, tok, "/review/assessments", url.Values{"name": {"Platform"}, "challenges": {"add", "mul"}, "attempt_limit": {"3"}, "duration_minutes": {"45"}})
	loc := rec.Header().Get("Location")
	if rec.Code != 303 || !strings.HasPrefix(loc, "/review/assessments/") || !strings.Contains(loc, "notice=") {
		t.Fatalf("create assessment: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	id := strings.TrimPrefix(loc[:strings.Index(loc, "?")], "/review/assessments/")
	var a access.Assessment
	s.must(t, 200, tok, "GET", "/api/v1/assessments/"+id, "", &struct{ Assessment *access.Assessment }{&a})
	if a.Name != "Platform" || len(a.Challenges) != 2 || a.AttemptLimit != 3 || time.Duration(a.Duration) != 45*time.Minute {
		t.Errorf("assessment from the form: %+v", a)
	}
	for _, bad := range []url.Values{
		{"name": {""}, "challenges": {"add"}},
		{"name": {"X"}},
		{"name": {"X"}, "challenges": {"nope"}},
		{"name": {"X"}, "challenges": {"add"}, "attempt_limit": {"many"}},
		{"name": {"X"}, "challenges": {"add"}, "deadline": {"tomorrow"}},
		{"name": {"X"}, "challenges": {"add"}, "deadline": {"2001-01-01T10:00"}},
		{"name": {"X"}, "challenges": {"add"}, "webhook_url": {"ftp://x"}},
	} {
		rec := s.form(t, tok, "/review/assessments", bad)
		if rec.Code != 303 || !strings.HasPrefix(rec.Header().Get("Location"), "/review?error=") {
			t.Errorf("bad assessment %v: %d %v", bad, rec.Code, rec.Header())
		}
	}

	// A list with a bad line invites nobody.
	before := len(s.invitations(t, tok, id))
	rec = s.form(t, tok, "/review/assessments/"+id+"/invitations", url.Values{"candidates": {"Ada Lovelace <ada@example.com>\nBob <not an address>"}})
	if rec.Code != 303 || !strings.Contains(rec.Header().Get("Location"), "error=") || len(s.invitations(t, tok, id)) != before {
		t.Fatalf("a bad list: %d %v", rec.Code, rec.Header())
	}
	rec = s.form(t, tok, "/review/assessments/"+id+"/invitations", url.Values{"candidates": {"Ada Lovelace <ada@example.com>\n\nBob Kahn, bob@example.com\ncy@example.com\nDee"}})
	if rec.Code != 200 {
		t.Fatalf("invite: %d %s", rec.Code, rec.Body)
	}
	links := strings.Count(rec.Body.String(), `/i/`)
	invs := s.invitations(t, tok, id)
	if links != 4 || len(invs) != 4 || invs[1].Candidate != "Bob Kahn" || invs[1].Email != "bob@example.com" || invs[2].Candidate != "cy@example.com" || invs[3].Email != "" {
		t.Fatalf("invited %d links, %+v", links, invs)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("the links page may be cached: %v", rec.Header())
	}
	// Revoke from the page.
	rec = s.form(t, tok, "/review/invitations/"+invs[0].ID+"/revoke", nil)
	if rec.Code != 303 || !strings.Contains(rec.Header().Get("Location"), "notice=") {
		t.Errorf("revoke: %d %v", rec.Code, rec.Header())
	}
	if page := s.page(t, tok, "/review/assessments/"+id); !strings.Contains(page, "revoked") {
		t.Errorf("the assessment page does not show the revocation")
	}
	// Decide, then a bad decision.
	if rec = s.form(t, tok, "/review/invitations/"+invs[1].ID+"/decision", url.Values{"decision": {"reject"}, "reason": {"no tests"}}); rec.Code != 303 {
		t.Errorf("decide: %d", rec.Code)
	}
	if rec = s.form(t, tok, "/review/invitations/"+invs[1].ID+"/decision", url.Values{"decision": {"maybe"}}); !strings.Contains(rec.Header().Get("Location"), "error=") {
		t.Errorf("bad decision: %d %v", rec.Code, rec.Header())
	}
	if page := s.page(t, tok, "/review/assessments/"+id); !strings.Contains(page, "decision-reject") || !strings.Contains(page, "no tests") {
		t.Errorf("the assessment page does not show the decision")
	}
	// A note from the submission page, and a bad one.
	rec = s.form(t, tok, "/review/submissions/"+f.subA+"/notes", url.Values{"file": {"solution.py"}, "line": {"1"}, "text": {"global state"}})
	if rec.Code != 303 || !strings.Contains(rec.Header().Get("Location"), "#note-") {
		t.Errorf("note: %d %v", rec.Code, rec.Header())
	}
	rec = s.form(t, tok, "/review/submissions/"+f.subA+"/notes", url.Values{"file": {"solution.py"}, "line": {"9"}, "text": {"x"}})
	if !strings.Contains(rec.Header().Get("Location"), "error=") {
		t.Errorf("bad note: %d %v", rec.Code, rec.Header())
	}
	// A form larger than the bound is a clear 413, and nothing is kept.
	huge := url.Values{"file": {"solution.py"}, "line": {"1"}, "text": {strings.Repeat("x", 70<<10)}}
	huge.Set("form_token", "0")
	req := httptest.NewRequest("POST", "/review/submissions/"+f.subA+"/notes", strings.NewReader(huge.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "assay_review", Value: tok})
	big := httptest.NewRecorder()
	s.h.ServeHTTP(big, req)
	if big.Code != 413 {
		t.Errorf("a 70 KiB form: %d", big.Code)
	}
	page := s.page(t, tok, "/review/submissions/"+f.subA)
	if strings.Count(page, `class="note"`) != 1 {
		t.Errorf("notes after the refused forms: %d", strings.Count(page, `class="note"`))
	}
	for _, want := range []string{"global state", "solution.py:1", `href="#f0-L1"`, `id="f0-L1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("submission page lacks %q", want)
		}
	}
	// Without the form token the forms refuse, and change nothing.
	req = httptest.NewRequest("POST", "/review/invitations/"+invs[2].ID+"/revoke", nil)
	req.AddCookie(&http.Cookie{Name: "assay_review", Value: tok})
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, req)
	if w.Code != 403 {
		t.Errorf("a form without its token: %d", w.Code)
	}
	if invs := s.invitations(t, tok, id); invs[2].Revoked() {
		t.Errorf("a refused form revoked the invitation")
	}
	// The preview shows what candidates see, and hidden tests only as a count.
	page = s.page(t, tok, "/review/challenges/add")
	if !strings.Contains(page, `id="hidden-count"`) || strings.Contains(page, "tests/hidden") {
		t.Errorf("preview: %s", page)
	}
}

// form posts a review form as the signed-in browser does.
func (s *realServer) form(t *testing.T, tok, path string, v url.Values) *httptest.ResponseRecorder {
	t.Helper()
	if v == nil {
		v = url.Values{}
	}
	m := regexp.MustCompile(`name="form_token" value="([0-9a-f]{64})"`).FindStringSubmatch(s.page(t, tok, "/review"))
	if m == nil {
		t.Fatal("the review index has no form_token field")
	}
	v.Set("form_token", m[1])
	req := httptest.NewRequest("POST", path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "assay_review", Value: tok})
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
	}
	return rec
}

func (s *realServer) pageCall(t *testing.T, tok, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.AddCookie(&http.Cookie{Name: "assay_review", Value: tok})
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return rec
}

func (s *realServer) page(t *testing.T, tok, path string) string {
	t.Helper()
	rec := s.pageCall(t, tok, path)
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

func (s *realServer) invitations(t *testing.T, tok, assessment string) []access.Invitation {
	t.Helper()
	var rep api.AssessmentReport
	s.must(t, 200, tok, "GET", "/api/v1/assessments/"+assessment, "", &rep)
	out := make([]access.Invitation, len(rep.Candidates))
	for i, c := range rep.Candidates {
		out[i] = c.Invitation
	}
	return out
}

// TestInviteByEmail: links emailed through a real SMTP exchange (a local
// sink) on request; a failed send leaves the invitation and says why;
// requests that cannot be emailed are refused before anything is made.
func TestInviteByEmail(t *testing.T) {
	sink := mailertest.Start(t, mailertest.Options{RefuseRcpt: "bounce"})
	m, err := mailer.New(mailer.Config{Addr: sink.Addr, From: "Hiring <hiring@example.com>", TLS: mailer.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	s := newRealServerWith(t, func(c *api.Config) { c.Mailer, c.PublicURL = m, "https://assay.example.com/" })
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	path := "/api/v1/assessments/" + f.assessment.ID + "/invitations"

	var out api.CreatedInvitation
	s.must(t, 201, f.interviewer.Token, "POST", path, `{"candidate":"Zoë Quinn","email":"zoe@example.com","send_email":true}`, &out)
	if !out.Emailed || out.EmailError != "" {
		t.Fatalf("emailed: %+v", out)
	}
	msgs := sink.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "zoe@example.com" {
		t.Fatalf("sink: %+v", msgs)
	}
	text, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(msgs[0].Body)))
	for _, want := range []string{"Hello Zoë Quinn", "https://assay.example.com/i/" + out.Token, "Grace invites you", "Backend"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the email lacks %q:\n%s", want, text)
		}
	}
	s.must(t, 200, out.Token, "GET", "/api/v1/me", "", nil)

	before := len(s.invitations(t, f.interviewer.Token, f.assessment.ID))
	for body, want := range map[string]int{
		`{"candidate":"No Mail","send_email":true}`:                                400,
		`{"candidate":"Bad Mail","email":"nope","send_email":true}`:                400,
		`{"candidate":"Bad Mail","email":"a@b.c\r\nBcc: x@y.z","send_email":true}`: 400,
	} {
		if rec := s.call(t, f.interviewer.Token, "POST", path, body, nil); rec.Code != want {
			t.Errorf("POST %s: %d %s; want %d", body, rec.Code, rec.Body, want)
		}
	}
	if n := len(s.invitations(t, f.interviewer.Token, f.assessment.ID)); n != before {
		t.Errorf("refused requests made %d invitations", n-before)
	}
	out = api.CreatedInvitation{}
	s.must(t, 201, f.interviewer.Token, "POST", path, `{"candidate":"Bounce","email":"bounce@example.com","send_email":true}`, &out)
	if out.Emailed || !strings.Contains(out.EmailError, "no such mailbox") || out.Token == "" {
		t.Errorf("a refused recipient: %+v", out)
	}
	// The form: a pasted list, emailed where there is an address.
	rec := s.form(t, f.interviewer.Token, "/review/assessments/"+f.assessment.ID+"/invitations",
		url.Values{"candidates": {"Ann <ann@example.com>\nNo Address"}, "send_email": {"1"}})
	if rec.Code != 200 || strings.Count(rec.Body.String(), ">sent<") != 1 || !strings.Contains(rec.Body.String(), "no address") {
		t.Errorf("the form: %d %s", rec.Code, rec.Body)
	}
	if n := len(sink.Messages()); n != 2 {
		t.Errorf("%d messages; want 2 (Zoë, Ann)", n)
	}

	// Without a mailer the server says so.
	plain := newRealServer(t, api.RateLimit{})
	g := plain.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	if rec := plain.call(t, g.interviewer.Token, "POST", "/api/v1/assessments/"+g.assessment.ID+"/invitations", `{"candidate":"Z","email":"z@example.com","send_email":true}`, nil); rec.Code != 501 {
		t.Errorf("send_email without a mailer: %d %s", rec.Code, rec.Body)
	}
	if page := plain.page(t, g.interviewer.Token, "/review/assessments/"+g.assessment.ID); strings.Contains(page, "send_email") {
		t.Errorf("the invite form offers email without a mailer")
	}
}
