package api_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

// clockServer is a real server whose clock the test moves.
type clockServer struct {
	*realServer
	now *time.Time
}

func newClockServer(t *testing.T) clockServer {
	t.Helper()
	now := time.Date(2030, 5, 1, 9, 0, 0, 0, time.UTC)
	cs := clockServer{now: &now}
	cs.realServer = newRealServerWith(t, func(c *api.Config) { c.Now = func() time.Time { return *cs.now } })
	return cs
}

// A timed session: nothing before Start, the clock from Start, the
// earlier of the deadline and the session's end wins, a 403 that says the
// time is over after it, and staff's extra time reopens it.
func TestTimedSession(t *testing.T) {
	s := newClockServer(t)
	var iv api.CreatedInterviewer
	s.must(t, 201, testAdminToken, "POST", "/api/v1/interviewers", `{"name":"Grace"}`, &iv)
	var asm struct{ ID string }
	s.must(t, 201, iv.Token, "POST", "/api/v1/assessments", `{"name":"Timed","challenges":["add"],"duration":"30m","deadline":"2030-05-01T12:00:00Z"}`, &asm)
	var a, b, short api.CreatedInvitation
	s.must(t, 201, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", `{"candidate":"Ada"}`, &a)
	s.must(t, 201, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", `{"candidate":"Bob","time_multiplier":1.5}`, &b)
	s.must(t, 201, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", `{"candidate":"Cy","duration":"4h"}`, &short)
	if time.Duration(a.Duration) != 30*time.Minute || b.TimeMultiplier != 1.5 || time.Duration(short.Duration) != 4*time.Hour {
		t.Fatalf("invitations: %+v %+v %+v", a.Invitation, b.Invitation, short.Invitation)
	}
	sub := `{"challenge":"add","files":{"solution.py":"x = 1\n"}}`
	draft := `{"files":{"solution.py":"x = 2\n"}}`

	// Before Start: no submission, Run or draft.
	for _, body := range []string{sub, runBody} {
		if rec := s.call(t, a.Token, "POST", "/api/v1/submissions", body, nil); rec.Code != 403 || !strings.Contains(rec.Body.String(), "press Start") {
			t.Errorf("before Start: %d %s", rec.Code, rec.Body)
		}
	}
	if rec := s.call(t, a.Token, "PUT", "/api/v1/invitations/"+a.ID+"/drafts/add", draft, nil); rec.Code != 403 {
		t.Errorf("a draft before Start: %d %s", rec.Code, rec.Body)
	}
	var page strings.Builder
	rec := s.call(t, "", "GET", "/i/"+a.Token, "", nil)
	page.WriteString(rec.Body.String())
	if !strings.Contains(page.String(), `id="start"`) || strings.Contains(page.String(), "Write add(a, b)") {
		t.Errorf("the page before Start shows no Start button, or the prompt")
	}

	// Start at 9:10: 30 minutes, to 9:40.
	*s.now = s.now.Add(10 * time.Minute)
	var ses api.Session
	s.must(t, 200, a.Token, "POST", "/api/v1/invitations/"+a.ID+"/start", "", &ses)
	if ses.State != "running" || ses.EndsAt == nil || !ses.EndsAt.Equal(time.Date(2030, 5, 1, 9, 40, 0, 0, time.UTC)) || time.Duration(ses.Left) != 30*time.Minute {
		t.Fatalf("started: %+v", ses)
	}
	*s.now = s.now.Add(5 * time.Minute)
	s.must(t, 200, a.Token, "POST", "/api/v1/invitations/"+a.ID+"/start", "", &ses) // again: the clock does not restart
	if !ses.EndsAt.Equal(time.Date(2030, 5, 1, 9, 40, 0, 0, time.UTC)) {
		t.Errorf("a second Start moved the end to %v", ses.EndsAt)
	}
	s.must(t, 202, a.Token, "POST", "/api/v1/submissions", sub, nil)
	s.must(t, 200, a.Token, "PUT", "/api/v1/invitations/"+a.ID+"/drafts/add", draft, nil)
	if rec := s.call(t, b.Token, "POST", "/api/v1/invitations/"+a.ID+"/start", "", nil); rec.Code != 403 {
		t.Errorf("B starts A's clock: %d", rec.Code)
	}

	// 9:41: over.
	*s.now = time.Date(2030, 5, 1, 9, 41, 0, 0, time.UTC)
	for _, body := range []string{sub, runBody} {
		if rec := s.call(t, a.Token, "POST", "/api/v1/submissions", body, nil); rec.Code != 403 || !strings.Contains(rec.Body.String(), "time is over") {
			t.Errorf("after the time: %d %s", rec.Code, rec.Body)
		}
	}
	if rec := s.call(t, a.Token, "PUT", "/api/v1/invitations/"+a.ID+"/drafts/add", draft, nil); rec.Code != 403 {
		t.Errorf("a draft after the time: %d %s", rec.Code, rec.Body)
	}
	// Staff give ten minutes: to 9:50.
	s.must(t, 200, iv.Token, "POST", "/api/v1/invitations/"+a.ID+"/time", `{"extra_minutes":10}`, &ses)
	if ses.State != "running" || !ses.EndsAt.Equal(time.Date(2030, 5, 1, 9, 50, 0, 0, time.UTC)) {
		t.Errorf("after extra time: %+v", ses)
	}
	s.must(t, 202, a.Token, "POST", "/api/v1/submissions", sub, nil)
	for _, bad := range []string{`{}`, `{"extra_minutes":-5}`, `{"multiplier":0.5}`, `{"multiplier":9}`, `{"extra_minutes":"x"}`} {
		if rec := s.call(t, iv.Token, "POST", "/api/v1/invitations/"+a.ID+"/time", bad, nil); rec.Code != 400 {
			t.Errorf("time %s: %d %s", bad, rec.Code, rec.Body)
		}
	}
	if rec := s.call(t, a.Token, "POST", "/api/v1/invitations/"+a.ID+"/time", `{"extra_minutes":600}`, nil); rec.Code != 403 {
		t.Errorf("a candidate gives themselves time: %d", rec.Code)
	}

	// The multiplier: Bob's 30 minutes are 45.
	s.must(t, 200, b.Token, "POST", "/api/v1/invitations/"+b.ID+"/start", "", &ses)
	if time.Duration(ses.Left) != 45*time.Minute {
		t.Errorf("Bob's time: %v; want 45m", time.Duration(ses.Left))
	}
	// The deadline comes first for Cy's four hours: 12:00.
	s.must(t, 200, short.Token, "POST", "/api/v1/invitations/"+short.ID+"/start", "", &ses)
	if !ses.EndsAt.Equal(time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("Cy's end: %v; want the deadline", ses.EndsAt)
	}

	// Bad durations, and an untimed invitation has no clock.
	for _, bad := range []string{`"duration":"5s"`, `"duration":"200h"`, `"duration":"soon"`} {
		if rec := s.call(t, iv.Token, "POST", "/api/v1/assessments", `{"name":"X","challenges":["add"],`+bad+`}`, nil); rec.Code != 400 {
			t.Errorf("assessment with %s: %d %s", bad, rec.Code, rec.Body)
		}
	}
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	if rec := s.call(t, f.a.Token, "POST", "/api/v1/invitations/"+f.a.ID+"/start", "", nil); rec.Code != 409 {
		t.Errorf("Start without a clock: %d", rec.Code)
	}
	if rec := s.call(t, iv.Token, "POST", "/api/v1/invitations/"+f.a.ID+"/time", `{"extra_minutes":5}`, nil); rec.Code != 409 {
		t.Errorf("time for an untimed invitation: %d", rec.Code)
	}
}

// Drafts: saved by the page, by every Run and Submit; the latest fills the
// page on any device; staff read the history; bad drafts are refused.
func TestDrafts(t *testing.T) {
	s := newRealServerWith(t, func(c *api.Config) { c.MaxFileBytes = 1000 })
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`) // A's submission: a first save
	path := "/api/v1/invitations/" + f.a.ID + "/drafts/add"
	var d runner.Draft
	s.must(t, 200, f.a.Token, "GET", path, "", &d)
	if d.Source != runner.DraftSubmit || d.Files["solution.py"] != "x = 1\n" {
		t.Errorf("after a submission: %+v", d)
	}
	s.must(t, 200, f.a.Token, "PUT", path, `{"files":{"solution.py":"def add(a, b):\n    return a + b  # typing\n"},"scratch":"def test_mine(): pass\n"}`, &d)
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", runBody, nil)
	s.must(t, 200, f.a.Token, "PUT", path, `{"files":{"solution.py":"# the latest\n"}}`, nil)

	// The page opens on the latest draft (another device: no local copy).
	rec := s.call(t, "", "GET", "/i/"+f.a.Token, "", nil)
	if !strings.Contains(rec.Body.String(), "# the latest") || !strings.Contains(rec.Body.String(), `data-server-draft="1"`) {
		t.Errorf("the page does not open on the latest draft")
	}
	var h api.DraftHistory
	s.must(t, 200, f.interviewer.Token, "GET", path+"/history", "", &h)
	var sources []string
	for _, save := range h.Saves {
		sources = append(sources, save.Source)
	}
	if strings.Join(sources, ",") != "submit,typing,run,typing" || h.Saves[1].Scratch == "" {
		t.Errorf("history sources %v", sources)
	}
	s.must(t, 200, f.interviewer.Token, "GET", path, "", nil)
	if rec := s.call(t, f.b.Token, "GET", path, "", nil); rec.Code != 403 {
		t.Errorf("B reads A's draft: %d", rec.Code)
	}
	if rec := s.call(t, f.b.Token, "GET", "/api/v1/invitations/"+f.b.ID+"/drafts/mul", "", nil); rec.Code != 404 {
		t.Errorf("no draft: %d %s", rec.Code, rec.Body)
	}

	before := len(h.Saves)
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"files":{"other.py":"x"}}`, 400},
		{`{"files":{"solution.py":"` + strings.Repeat("#", 1001) + `"}}`, 413},
		{`{"files":{"solution.py":"x"},"scratch":"` + strings.Repeat("#", 1001) + `"}`, 413},
		{`{"files":{"solution.py":"x"},"extra":1}`, 400},
		{`not json`, 400},
	} {
		if rec := s.call(t, f.a.Token, "PUT", path, tc.body, nil); rec.Code != tc.status {
			t.Errorf("draft %.40s: %d %s; want %d", tc.body, rec.Code, rec.Body, tc.status)
		}
	}
	if rec := s.call(t, f.a.Token, "PUT", "/api/v1/invitations/"+f.a.ID+"/drafts/mul", `{"files":{"solution.py":"x"}}`, nil); rec.Code != 404 {
		t.Errorf("a draft of a challenge outside the invitation: %d", rec.Code)
	}
	s.must(t, 200, f.interviewer.Token, "GET", path+"/history", "", &h)
	if len(h.Saves) != before {
		t.Errorf("refused drafts were kept: %d saves, want %d", len(h.Saves), before)
	}
	raw, _ := json.Marshal(h.Saves[len(h.Saves)-1])
	if !strings.Contains(string(raw), "# the latest") {
		t.Errorf("the last save is %s", raw)
	}
}

// The assessment page's form gives extra time as the API does, and says
// what it did, or what was wrong.
func TestExtraTimeFromTheReviewPage(t *testing.T) {
	s := newClockServer(t)
	var iv api.CreatedInterviewer
	s.must(t, 201, testAdminToken, "POST", "/api/v1/interviewers", `{"name":"Grace"}`, &iv)
	var asm struct{ ID string }
	s.must(t, 201, iv.Token, "POST", "/api/v1/assessments", `{"name":"Timed","challenges":["add"],"duration":"20m"}`, &asm)
	var a api.CreatedInvitation
	s.must(t, 201, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", `{"candidate":"Ada"}`, &a)
	page := s.call(t, iv.Token, "GET", "/review/assessments/"+asm.ID, "", nil).Body.String()
	if !strings.Contains(page, `action="/review/invitations/`+a.ID+`/time"`) || !strings.Contains(page, "timed: 20m0s") {
		t.Fatalf("the assessment page has no extra-time form")
	}
	form := func(body string) string {
		req := httptest.NewRequest("POST", "/review/invitations/"+a.ID+"/time", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+iv.Token)
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		if rec.Code != 303 {
			t.Fatalf("form %s: %d %s", body, rec.Code, rec.Body)
		}
		loc, _ := url.QueryUnescape(rec.Header().Get("Location"))
		return loc
	}
	if loc := form("extra_minutes=15&multiplier=1.5&assessment=" + asm.ID); !strings.Contains(loc, "notice=Ada now has 45m0s in all") {
		t.Errorf("after the form: %s", loc)
	}
	if loc := form("extra_minutes=lots&assessment=" + asm.ID); !strings.Contains(loc, "error=extra_minutes must be a number") {
		t.Errorf("a bad form: %s", loc)
	}
	if loc := form("multiplier=7&assessment=" + asm.ID); !strings.Contains(loc, "error=multiplier must be from 1 to 4") {
		t.Errorf("a bad multiplier: %s", loc)
	}
	var rep api.CandidateReport
	s.must(t, 200, iv.Token, "GET", "/api/v1/invitations/"+a.ID, "", &rep)
	if time.Duration(rep.Invitation.ExtraTime) != 15*time.Minute || rep.Invitation.TimeMultiplier != 1.5 {
		t.Errorf("the invitation: %+v", rep.Invitation)
	}
}
