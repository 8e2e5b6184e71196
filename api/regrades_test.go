package api_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

// finishA records a failed result (1 of 2, on version "old") for A's
// submission, the first in the queue; B's stays queued.
func finishA(ctx context.Context, t *testing.T, s *realServer, f fixture) {
	t.Helper()
	job, err := s.broker.Next(ctx, "w")
	if err != nil || job.SubmissionID != f.subA {
		t.Fatalf("Next = %+v, %v; want A's submission", job, err)
	}
	if _, err := s.broker.SaveResult(ctx, runner.Result{SubmissionID: f.subA, Verdict: runner.VerdictFailed, Passed: 1, Total: 2, ChallengeVersion: "old"}); err != nil {
		t.Fatal(err)
	}
	if err := s.broker.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}
}

// TestRegradeAPI regrades an assessment's finished submissions through the
// API with the real Redis broker: the copies are queued on the regrade
// lane, the originals keep their results, a candidate cannot read the
// copies, and bad requests get clear 4xx answers.
func TestRegradeAPI(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A's submission finishes (failed); B's is still queued.
	finishA(ctx, t, s, f)

	for _, bad := range []struct {
		status int
		body   string
	}{
		{400, `{}`},
		{400, `{"version":"v9"}`},
		{400, `{"challenge":"add","version":"v9"}`}, // no version store here: refused, not queued as rejects
		{404, `{"challenge":"nope"}`},
		{404, `{"assessment":"nope"}`},
		{400, `{"assessment":"` + f.assessment.ID + `","challenge":"sub"}`},
		{400, `{"challenge":"add","extra":1}`},
	} {
		s.must(t, bad.status, testAdminToken, "POST", "/api/v1/regrades", bad.body, nil)
	}
	s.must(t, 403, f.interviewer.Token, "POST", "/api/v1/regrades", `{"challenge":"add"}`, nil)

	var rg api.RegradeView
	s.must(t, 202, testAdminToken, "POST", "/api/v1/regrades", `{"assessment":"`+f.assessment.ID+`"}`, &rg)
	if rg.Total != 1 || rg.Skipped != 1 || rg.Versions["add"] == "" || rg.Versions["mul"] == "" {
		t.Fatalf("regrade = %+v; want 1 copy (A's), 1 skipped (B's, unfinished), versions of add and mul", rg)
	}
	var got api.RegradeView
	s.must(t, 200, testAdminToken, "GET", "/api/v1/regrades/"+rg.ID, "", &got)
	if got.Progress.Queued != 1 || got.Progress.Done != 0 || got.Progress.Completed || got.ItemsTotal != 1 {
		t.Fatalf("progress = %+v, items %d", got.Progress, got.ItemsTotal)
	}
	it := got.Items[0]
	if it.Of != f.subA || it.PreviousVerdict != runner.VerdictFailed || it.PreviousVersion != "old" || it.Version != rg.Versions["add"] || it.Verdict != "" {
		t.Fatalf("item = %+v", it)
	}
	// The copy waits on the regrade lane, behind B's live submission.
	for _, want := range []struct{ id, lane string }{{f.subB, runner.LaneLive}, {it.ID, runner.LaneRegrade}} {
		job, err := s.broker.Next(ctx, "w")
		if err != nil || job.SubmissionID != want.id || job.Lane != want.lane {
			t.Fatalf("Next = %+v, %v; want %s on lane %q", job, err, want.id, want.lane)
		}
	}
	s.must(t, 403, f.a.Token, "GET", "/api/v1/submissions/"+it.ID, "", nil)
	var orig runner.State
	s.must(t, 200, testAdminToken, "GET", "/api/v1/submissions/"+f.subA, "", &orig)
	if orig.Result == nil || orig.Result.Verdict != runner.VerdictFailed {
		t.Fatalf("original's result changed: %+v", orig.Result)
	}
	var list struct{ Regrades []api.RegradeView }
	s.must(t, 200, testAdminToken, "GET", "/api/v1/regrades", "", &list)
	if len(list.Regrades) != 1 || list.Regrades[0].ID != rg.ID {
		t.Fatalf("list = %+v", list)
	}
	s.must(t, 404, testAdminToken, "GET", "/api/v1/regrades/nope", "", nil)
	s.must(t, 400, testAdminToken, "GET", "/api/v1/regrades/"+rg.ID+"?limit=0", "", nil)
}

// TestRegradePages starts a regrade from the admin's form and follows it
// on the review pages: progress while the copy waits, the old and new
// verdicts once it is recorded, the changed-only list, and the links
// between an original and its copy. Bad forms come back with the reason.
func TestRegradePages(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	finishA(ctx, t, s, f)
	form := func(body, origin string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/review/regrades", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		return rec
	}
	page := func(path string) *httptest.ResponseRecorder {
		t.Helper()
		rec := s.call(t, testAdminToken, "GET", path, "", nil)
		if rec.Code != 200 {
			t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
		}
		return rec
	}

	for _, bad := range []struct {
		body string
		want string
	}{
		{"", "name a challenge, an assessment, or both"},
		{"challenge=nope", "nope"},
		{"assessment=" + f.assessment.ID + "&challenge=sub", "not part of assessment"},
	} {
		rec := form(bad.body, "")
		if rec.Code < 400 || rec.Code >= 500 || !strings.Contains(rec.Body.String(), bad.want) || !strings.Contains(rec.Body.String(), `id="regrade-form"`) {
			t.Errorf("form %q: %d; want a 4xx page with the form and %q:\n%.2000s", bad.body, rec.Code, bad.want, rec.Body)
		}
	}
	// A browser sends only the review cookie: the form's anti-forgery
	// field must match it, and Origin must be this host.
	login := httptest.NewRecorder()
	lreq := httptest.NewRequest("POST", "/review/login", strings.NewReader("token="+testAdminToken))
	lreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.h.ServeHTTP(login, lreq)
	cookies := login.Result().Cookies()
	if login.Code != 303 || len(cookies) != 1 {
		t.Fatalf("sign in: %d %v", login.Code, cookies)
	}
	greq := httptest.NewRequest("GET", "/review/regrades", nil)
	greq.AddCookie(cookies[0])
	got := httptest.NewRecorder()
	s.h.ServeHTTP(got, greq)
	m := regexp.MustCompile(`name="form_token" value="([0-9a-f]{64})"`).FindStringSubmatch(got.Body.String())
	if got.Code != 200 || m == nil {
		t.Fatalf("the form page (with the cookie): %d, no form_token field:\n%.2000s", got.Code, got.Body)
	}
	byCookie := func(body, origin string) int {
		req := httptest.NewRequest("POST", "/review/regrades", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		req.AddCookie(cookies[0])
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, req)
		return rec.Code
	}
	for _, bad := range []struct{ body, origin string }{
		{"challenge=nope", "http://example.com"},                                       // no field
		{"challenge=nope&form_token=" + strings.Repeat("0", 64), "http://example.com"}, // a guess
		{"challenge=nope&form_token=" + m[1], "https://evil.example"},                  // another site
	} {
		if code := byCookie(bad.body, bad.origin); code != 403 {
			t.Errorf("cookie POST %q from %s: %d; want 403", bad.body, bad.origin, code)
		}
	}
	if code := byCookie("challenge=nope&form_token="+m[1], "http://example.com"); code != 400 {
		t.Errorf("cookie POST with the page's field: %d; want 400 (the form, for an unknown challenge)", code)
	}
	if list := page("/review/regrades").Body.String(); !strings.Contains(list, "No regrades yet") {
		t.Errorf("the list shows a regrade before any was made:\n%.2000s", list)
	}

	rec := form("challenge=add&assessment="+f.assessment.ID, "http://example.com")
	loc := rec.Header().Get("Location")
	if rec.Code != 303 || !strings.HasPrefix(loc, "/review/regrades/") {
		t.Fatalf("form: %d %q %s; want a redirect to the regrade's page", rec.Code, loc, rec.Body)
	}
	id := strings.TrimPrefix(loc, "/review/regrades/")
	running := page(loc)
	body := running.Body.String()
	if running.Header().Get("Refresh") == "" || !strings.Contains(body, `data-completed="false"`) || !strings.Contains(body, "failed 1/2") || !strings.Contains(body, "queued") {
		t.Errorf("running regrade's page (Refresh %q):\n%.3000s", running.Header().Get("Refresh"), body)
	}
	var rg api.RegradeView
	s.must(t, 200, testAdminToken, "GET", "/api/v1/regrades/"+id, "", &rg)
	if rg.Total != 1 || len(rg.Items) != 1 {
		t.Fatalf("regrade = %+v", rg)
	}
	copyID := rg.Items[0].ID

	// The worker takes B's live submission first, then the copy.
	for range 2 {
		job, err := s.broker.Next(ctx, "w")
		if err != nil {
			t.Fatal(err)
		}
		if job.SubmissionID == copyID {
			st, err := s.broker.Get(ctx, copyID)
			if err != nil || st.Submission.Regrade == nil {
				t.Fatalf("the copy: %+v, %v", st.Submission, err)
			}
			// As the worker does: the result carries the copy's regrade reference.
			res := runner.Result{SubmissionID: copyID, Verdict: runner.VerdictPassed, Passed: 2, Total: 2, ChallengeVersion: rg.Versions["add"], Regrade: st.Submission.Regrade}
			if _, err := s.broker.SaveResult(ctx, res); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.broker.Ack(ctx, job); err != nil {
			t.Fatal(err)
		}
	}
	done := page(loc)
	body = done.Body.String()
	if done.Header().Get("Refresh") != "" || !strings.Contains(body, `data-completed="true"`) || !strings.Contains(body, "passed 2/2") ||
		!strings.Contains(body, `id="regrade-changed">1<`) || !strings.Contains(body, "/review/submissions/"+copyID) {
		t.Errorf("completed regrade's page (Refresh %q):\n%.3000s", done.Header().Get("Refresh"), body)
	}
	if changed := page(loc + "?changed=1").Body.String(); !strings.Contains(changed, "/review/submissions/"+copyID) {
		t.Errorf("changed-only list misses the copy:\n%.3000s", changed)
	}
	if list := page("/review/regrades").Body.String(); !strings.Contains(list, loc) || !strings.Contains(list, "1 / 1") {
		t.Errorf("the list misses the regrade:\n%.3000s", list)
	}
	if orig := page("/review/submissions/" + f.subA).Body.String(); !strings.Contains(orig, `id="regraded"`) || !strings.Contains(orig, "/review/submissions/"+copyID) {
		t.Errorf("the original's page does not link its regrade:\n%.3000s", orig)
	}
	if cp := page("/review/submissions/" + copyID).Body.String(); !strings.Contains(cp, `id="regrade-of"`) || !strings.Contains(cp, "/review/submissions/"+f.subA) || !strings.Contains(cp, loc) {
		t.Errorf("the copy's page does not link its original and regrade:\n%.3000s", cp)
	}
	// An interviewer sees the copy but no link to the admin's regrade page.
	if rec := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+copyID, "", nil); rec.Code != 200 || strings.Contains(rec.Body.String(), loc) {
		t.Errorf("interviewer's view of the copy: %d, links the regrade page: %v", rec.Code, strings.Contains(rec.Body.String(), loc))
	}
}
