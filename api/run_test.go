package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

const runBody = `{"challenge":"add","mode":"run","files":{"solution.py":"x = 3\n"},"scratch":"def test_mine():\n    assert 1 + 1 == 2\n"}`

// A Run is not an attempt: a candidate with one attempt left may Run as
// often as the Runs' own rate limit allows, still has the attempt after,
// and sees the Runs apart from the submissions in their report.
func TestARunIsNotAnAttempt(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"],"attempt_limit":2}`)
	var acc api.SubmissionAccepted
	for range 3 {
		s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", runBody, &acc)
		if acc.Mode != runner.ModeRun {
			t.Fatalf("accepted %+v; want mode run", acc)
		}
	}
	var st api.CandidateState
	s.must(t, 200, f.a.Token, "GET", "/api/v1/submissions/"+acc.ID, "", &st)
	if st.Submission.Mode != runner.ModeRun || !strings.Contains(st.Submission.Scratch, "def test_mine") {
		t.Errorf("the candidate's own Run: %+v", st.Submission)
	}
	body := `{"challenge":"add","files":{"solution.py":"x = 3\n"}}`
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", body, nil) // the second attempt, after three Runs
	if rec := s.call(t, f.a.Token, "POST", "/api/v1/submissions", body, nil); rec.Code != 403 {
		t.Errorf("a third attempt: %d %s", rec.Code, rec.Body)
	}
	var rep api.CandidateReport
	s.must(t, 200, f.a.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", &rep)
	if len(rep.Submissions) != 2 || rep.Challenges[0].Attempts != 2 || len(rep.Runs) != 3 || rep.Runs[0].Mode != runner.ModeRun {
		t.Errorf("report: %d submissions, %d attempts, runs %+v", len(rep.Submissions), rep.Challenges[0].Attempts, rep.Runs)
	}
	// Staff see the Runs too.
	var staff api.CandidateReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", &staff)
	if len(staff.Runs) != 3 {
		t.Errorf("staff's report shows %d Runs; want 3", len(staff.Runs))
	}
	// ... on the review pages too.
	page := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+acc.ID, "", nil).Body.String()
	if !strings.Contains(page, `id="run-note"`) || !strings.Contains(page, "with the candidate's own tests") {
		t.Errorf("the review page of a Run does not say it is one")
	}
	page = s.call(t, f.interviewer.Token, "GET", "/review/assessments/"+f.assessment.ID, "", nil).Body.String()
	if !strings.Contains(page, ">3 Runs</a> (not attempts)") || !strings.Contains(page, "/drafts/add/history") {
		t.Errorf("the assessment page does not show A's Runs and draft history")
	}
	ctx := context.Background()
	if n, err := s.broker.RunQueueLength(ctx); err != nil || n != 3 {
		t.Errorf("Runs queued %d, %v; want 3", n, err)
	}
	if n, err := s.broker.QueueLength(ctx); err != nil || n != 3 {
		t.Errorf("submissions queued %d, %v; want 3 (the fixture's two, A's second)", n, err)
	}
}

// Runs have a rate limit of their own: using it up leaves the
// submissions' allowance whole, and the other way round.
func TestRunsHaveTheirOwnRateLimit(t *testing.T) {
	s := newRealServerWith(t, func(c *api.Config) {
		c.RateLimit = api.RateLimit{N: 2, Per: time.Hour}
		c.RunRateLimit = api.RateLimit{N: 2, Per: time.Hour}
	})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`) // A's first submission
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", runBody, nil)
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", runBody, nil)
	rec := s.call(t, f.a.Token, "POST", "/api/v1/submissions", runBody, nil)
	if rec.Code != 429 || !strings.Contains(rec.Body.String(), "too many Runs") || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("a third Run in the window: %d %s", rec.Code, rec.Body)
	}
	body := `{"challenge":"add","files":{"solution.py":"x = 4\n"}}`
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", body, nil) // the second submission
	rec = s.call(t, f.a.Token, "POST", "/api/v1/submissions", body, nil)
	if rec.Code != 429 || !strings.Contains(rec.Body.String(), "too many submissions") {
		t.Fatalf("a third submission in the window: %d %s", rec.Code, rec.Body)
	}
}

// Bad Runs get a clear 4xx and queue nothing.
func TestBadRunsAreRefused(t *testing.T) {
	s := newRealServerWith(t, func(c *api.Config) { c.MaxFileBytes = 1000 })
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	past := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	var late api.CreatedInvitation
	s.must(t, 201, testAdminToken, "POST", "/api/v1/assessments/"+f.assessment.ID+"/invitations", `{"candidate":"Late","challenges":["add"],"deadline":"`+past+`"}`, &late)
	cases := []struct {
		name, tok, body string
		status          int
		says            string
	}{
		{"unknown mode", f.a.Token, `{"challenge":"add","mode":"dry","files":{"solution.py":"x"}}`, 400, `dry`},
		{"scratch with a submission", f.a.Token, `{"challenge":"add","files":{"solution.py":"x"},"scratch":"def test_x(): pass"}`, 400, "scratch tests go with a Run"},
		{"scratch too large", f.a.Token, `{"challenge":"add","mode":"run","files":{"solution.py":"x"},"scratch":"` + strings.Repeat("#", 1001) + `"}`, 413, runner.ScratchPath},
		{"a Run after the deadline", late.Token, runBody, 403, "expired"},
		{"a Run of a challenge outside the invitation", f.a.Token, strings.Replace(runBody, `"add"`, `"mul"`, 1), 403, "does not include"},
		{"no token", "", runBody, 401, ""},
	}
	before, _ := s.broker.RunQueueLength(context.Background())
	for _, tc := range cases {
		rec := s.call(t, tc.tok, "POST", "/api/v1/submissions", tc.body, nil)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.says) {
			t.Errorf("%s: %d %s; want %d saying %q", tc.name, rec.Code, rec.Body, tc.status, tc.says)
		}
	}
	if after, _ := s.broker.RunQueueLength(context.Background()); after != before {
		t.Errorf("refused Runs queued %d", after-before)
	}
}

// The Runs' queue limit turns Runs away with 503 and Retry-After while
// submissions still go in.
func TestRunQueueLimit(t *testing.T) {
	s := newRealServerWith(t, func(c *api.Config) { c.RunQueueLimit = 2 })
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", runBody, nil)
	s.must(t, 202, f.b.Token, "POST", "/api/v1/submissions", runBody, nil)
	rec := s.call(t, f.a.Token, "POST", "/api/v1/submissions", runBody, nil)
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "Runs waiting") {
		t.Fatalf("a Run past the limit: %d %s", rec.Code, rec.Body)
	}
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 5\n"}}`, nil)
}
