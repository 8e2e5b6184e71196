package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"assay/access"
	"assay/api"
	"assay/runner"
)

// Strings only the hidden phase, staff or the grader's evidence hold: none
// may reach a candidate.
var staffOnly = []string{
	"tampered", "tampering", "EVIDENCE_SEEN", "REASON_DETAIL", "HIDDEN_OUTPUT",
	"hidden_output_truncated", "visible_run_ms", "FLAG_NAME", "SECRET", "tests.hidden", "reason_detail", "flags",
	"canary_near_misses", "near miss",
}

// tamperedResult is a run caught interfering with its grading in the
// hidden phase: its whole run took 900 ms, the visible phase 300.
func tamperedResult() *runner.Result {
	return &runner.Result{
		Verdict: runner.VerdictTampered, Reason: "tampering detected by the watcher in tests.hidden.test_secret",
		ReasonDetail: "REASON_DETAIL: test_SECRET_NAME rewritten",
		Passed:       3, Total: 3, Output: "visible output", HiddenOutput: "HIDDEN_OUTPUT",
		Tampering: []runner.Finding{
			{Check: runner.CheckWatcher, Phase: "hidden", Seen: "EVIDENCE_SEEN: tests/hidden/test_secret.py modified"},
			{Check: runner.CheckGuard, Phase: "visible", Seen: "EVIDENCE_SEEN: TestReport.from_item_and_call replaced"},
		},
		Flags:           []string{"FLAG_NAME"},
		OutputTruncated: false, HiddenOutputTruncated: true,
		ChallengeVersion: "v1", QueuedMS: 4, RunMS: 900, VisibleRunMS: 300,
		Tests: []runner.TestResult{
			{ID: "tests.visible.test_add::test_visible", Outcome: runner.OutcomePassed, DurationMS: 1.5},
			{ID: "tests.hidden.test_secret::test_SECRET_NAME", Hidden: true, Outcome: runner.OutcomePassed, Message: "SECRET_MESSAGE"},
			{ID: "tests.hidden.test_secret::test_other", Hidden: true, Outcome: runner.OutcomePassed},
		},
	}
}

// candidateServer serves one done submission, sent by the invitation
// inv-1, to its candidate (token "candidate-token") and to the admin
// ("s3cret").
func candidateServer(t *testing.T, r *runner.Result) (http.Handler, string) {
	t.Helper()
	id := "6f1c3c4e-2b6a-4a55-9c0e-1f0d7b0b8e11"
	started := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	r.SubmissionID, r.FinishedAt = id, started.Add(2*time.Second)
	subs := &doneSubmissions{state: runner.State{
		Submission: runner.Submission{ID: id, Challenge: "add", Invitation: "inv-1", Submitter: "Ada", CreatedAt: started},
		Status:     runner.StatusDone, StartedAt: &started, Result: r,
	}}
	cand := oneCandidate{token: "candidate-token", inv: access.Invitation{ID: "inv-1", Candidate: "Ada", Challenges: []string{"add"}}}
	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: subs, AdminToken: "s3cret", Accounts: cand, MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return h, id
}

func get(t *testing.T, h http.Handler, token, path string) string {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	return rec.Body.String()
}

// sseData is the data of the stream's last event.
func sseData(t *testing.T, stream string) string {
	t.Helper()
	var last string
	for _, line := range strings.Split(stream, "\n") {
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			last = d
		}
	}
	if last == "" {
		t.Fatalf("no event in %q", stream)
	}
	return last
}

// TestCandidateSeesTamperingAsAnError: a tampered result reads as an error
// with the fixed neutral reason, in the result and in the event stream;
// no evidence, hidden phase time, output, truncation, reason detail or
// flag reaches the candidate. Staff see it all.
func TestCandidateSeesTamperingAsAnError(t *testing.T) {
	h, id := candidateServer(t, tamperedResult())
	for name, body := range map[string]string{
		"result": get(t, h, "candidate-token", "/api/v1/submissions/"+id+"?wait=1s"),
		"events": sseData(t, get(t, h, "candidate-token", "/api/v1/submissions/"+id+"/events")),
	} {
		for _, s := range staffOnly {
			if strings.Contains(body, s) {
				t.Errorf("%s: the candidate's view shows %q: %s", name, s, body)
			}
		}
		var st api.CandidateState
		if err := json.Unmarshal([]byte(body), &st); err != nil {
			t.Fatalf("%s: %v: %s", name, err, body)
		}
		r := st.Result
		if r == nil || r.Verdict != runner.VerdictError || r.Reason != runner.CandidateTamperedReason {
			t.Fatalf("%s: candidate's result %+v; want error with the neutral reason", name, r)
		}
		if r.RunMS != 300 || r.OutputTruncated || r.Hidden != (api.HiddenCounts{Passed: 2, Total: 2}) || len(r.Tests) != 1 || r.Output != "visible output" {
			t.Errorf("%s: candidate's result %+v; want the visible phase's time (300), output and tests, and hidden counts", name, r)
		}
	}

	staff := get(t, h, "s3cret", "/api/v1/submissions/"+id)
	var st runner.State
	if err := json.Unmarshal([]byte(staff), &st); err != nil {
		t.Fatal(err)
	}
	if r := st.Result; r.Verdict != runner.VerdictTampered || len(r.Tampering) != 2 || r.RunMS != 900 || r.VisibleRunMS != 300 || !r.HiddenOutputTruncated || r.ReasonDetail == "" {
		t.Errorf("staff's view: %+v", r)
	}
	if ev := sseData(t, get(t, h, "s3cret", "/api/v1/submissions/"+id+"/events")); !strings.Contains(ev, `"verdict":"tampered"`) || !strings.Contains(ev, "EVIDENCE_SEEN") {
		t.Errorf("staff's event stream: %s", ev)
	}
}

// TestHiddenPhaseDoesNotChangeTheCandidatesView: two results that differ
// only in what the hidden phase did (its time, output, truncation, the
// detail of its exit) and in staff's notes give the candidate the same
// bytes.
func TestHiddenPhaseDoesNotChangeTheCandidatesView(t *testing.T) {
	base := func() *runner.Result {
		return &runner.Result{
			Verdict: runner.VerdictFailed, Reason: "1 of 3 tests did not pass",
			Passed: 2, Total: 3, Output: "visible output", OutputTruncated: true,
			ChallengeVersion: "v1", QueuedMS: 4, RunMS: 700, VisibleRunMS: 300,
			Tests: []runner.TestResult{
				{ID: "tests.visible.test_add::test_visible", Outcome: runner.OutcomePassed, DurationMS: 1.5},
				{ID: "tests.hidden.test_secret::test_a", Hidden: true, Outcome: runner.OutcomePassed},
				{ID: "tests.hidden.test_secret::test_b", Hidden: true, Outcome: runner.OutcomeFailed, Message: "assert 3 == 4"},
			},
		}
	}
	quiet := base()
	busy := base()
	busy.RunMS = 5400
	busy.HiddenOutput = "HIDDEN_OUTPUT " + strings.Repeat("x", 1000)
	busy.HiddenOutputTruncated = true
	busy.ReasonDetail = "REASON_DETAIL: the hidden phase exited 3 (pytest internal error) after a SystemExit"
	busy.Flags = []string{"FLAG_NAME"}
	busy.PeakMemoryBytes = 512 << 20

	views := map[string][2]string{}
	for i, r := range []*runner.Result{quiet, busy} {
		h, id := candidateServer(t, r)
		for what, path := range map[string]string{"result": "/api/v1/submissions/" + id, "events": "/api/v1/submissions/" + id + "/events"} {
			body := get(t, h, "candidate-token", path)
			if what == "events" {
				body = sseData(t, body)
			}
			v := views[what]
			v[i] = body
			views[what] = v
		}
	}
	for what, v := range views {
		if v[0] != v[1] {
			t.Errorf("%s: the hidden phase changes the candidate's view:\n%s\n%s", what, v[0], v[1])
		}
		for _, s := range staffOnly {
			if strings.Contains(v[1], s) {
				t.Errorf("%s: the candidate's view shows %q: %s", what, s, v[1])
			}
		}
		if !strings.Contains(v[0], `"run_ms":300`) || !strings.Contains(v[0], `"output_truncated":true`) {
			t.Errorf("%s: want the visible phase's run time and truncation: %s", what, v[0])
		}
	}
}

// TestTamperingInReportsPagesAndExports: staff's report ranks a tampered
// attempt below a failed one whatever its counts, counts it, and carries
// its evidence into the exports and the pages; the candidate's own
// report, page and invitation show an error, with the visible phase's
// time, and nothing of the evidence.
func TestTamperingInReportsPagesAndExports(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	// A: the fixture's submission failed 1 of 3; a later one was caught
	// tampering, with a "pass" of 3 of 3.
	var second api.SubmissionAccepted
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 5\n"}}`, &second)
	ctx := context.Background()
	now := time.Now()
	failed := runner.Result{SubmissionID: f.subA, Verdict: runner.VerdictFailed, Reason: "2 of 3 tests did not pass", Passed: 1, Total: 3, RunMS: 800, VisibleRunMS: 200, FinishedAt: now}
	tampered := *tamperedResult()
	tampered.SubmissionID, tampered.FinishedAt = second.ID, now
	tampered.Tampering = append(tampered.Tampering, runner.Finding{Check: runner.CheckCanary, Seen: "=EVIDENCE_SEEN canary passed"})
	for _, r := range []runner.Result{failed, tampered} {
		if _, err := s.broker.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	// Staff: the failed attempt is the best, the tampered one the latest.
	var rep api.AssessmentReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID, "", &rep)
	add := rep.Candidates[0].Challenges[0]
	if add.Best == nil || add.Best.ID != f.subA || add.Latest.ID != second.ID || add.Latest.Verdict != runner.VerdictTampered || add.Tampered != 1 || len(add.Latest.Tampering) != 3 {
		t.Errorf("staff's standing: %+v best %+v latest %+v", add, add.Best, add.Latest)
	}
	var staffInv api.CandidateReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", &staffInv)
	if b := staffInv.Challenges[0].Best; b == nil || b.ID != f.subA {
		t.Errorf("staff's invitation report: best %+v", b)
	}

	// The candidate: the tampered attempt reads as an error, with its
	// counts and the visible phase's time, and nothing of the evidence.
	rec := s.call(t, f.a.Token, "GET", "/api/v1/invitations/"+f.a.ID, "", nil)
	var mine api.CandidateReport
	if err := json.Unmarshal(rec.Body.Bytes(), &mine); err != nil || rec.Code != 200 {
		t.Fatalf("candidate's invitation: %d %s", rec.Code, rec.Body)
	}
	for _, bad := range staffOnly {
		if strings.Contains(rec.Body.String(), bad) {
			t.Errorf("the candidate's invitation report shows %q: %s", bad, rec.Body)
		}
	}
	if len(mine.Submissions) != 2 || mine.Submissions[1].Verdict != runner.VerdictError || mine.Submissions[1].RunMS != 300 || mine.Submissions[0].RunMS != 200 ||
		mine.Challenges[0].Latest.Verdict != runner.VerdictError || mine.Challenges[0].Tampered != 0 {
		t.Errorf("candidate's invitation report: %s", rec.Body)
	}
	// The candidate's best is chosen among what the candidate sees (an
	// error of 3/3 against a failure of 1/3), so it says nothing more.
	if b := mine.Challenges[0].Best; b == nil || b.ID != second.ID || b.Verdict != runner.VerdictError {
		t.Errorf("candidate's best: %+v", b)
	}
	page := s.call(t, "", "GET", "/i/"+f.a.Token, "", nil)
	if page.Code != 200 || !strings.Contains(page.Body.String(), "Earlier submissions") {
		t.Fatalf("candidate page: %d %s", page.Code, page.Body)
	}
	for _, bad := range []string{"tampered", "v-tampered", "EVIDENCE_SEEN", "canary"} {
		if strings.Contains(page.Body.String(), bad) {
			t.Errorf("the candidate's page shows %q", bad)
		}
	}

	// Staff's pages: the badge, the evidence, and the count.
	sub := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+second.ID, "", nil).Body.String()
	for _, want := range []string{`badge badge-lg v-tampered" id="verdict">tampered<`, `id="tampering"`, "watcher", "hidden", "EVIDENCE_SEEN: tests/hidden/test_secret.py modified", `id="visible-run-ms"`, "the candidate sees: error"} {
		if !strings.Contains(sub, want) {
			t.Errorf("staff's submission page lacks %q", want)
		}
	}
	if orig := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+f.subA, "", nil).Body.String(); strings.Contains(orig, `id="tampering"`) || !strings.Contains(orig, `class="chip chip-tampered small"`) {
		t.Errorf("the failed attempt's page: no evidence of its own, a tampered chip on the other attempt")
	}
	ass := s.call(t, f.interviewer.Token, "GET", "/review/assessments/"+f.assessment.ID, "", nil).Body.String()
	if !strings.Contains(ass, "1 tampered") || !strings.Contains(ass, `class="badge v-tampered">tampered 3/3`) || !strings.Contains(ass, `class="badge v-fail">failed 1/3`) {
		t.Errorf("staff's assessment page lacks the tampered count or badges:\n%s", ass)
	}

	// Exports: the count and the evidence, JSON and CSV.
	var out struct {
		Results []api.ResultRow `json:"results"`
	}
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results", "", &out)
	row := out.Results[0]
	if row.BestVerdict != runner.VerdictFailed || row.LatestVerdict != runner.VerdictTampered || row.Tampered != 1 || len(row.Tampering) != 3 ||
		row.Tampering[0].Submission != second.ID || row.Tampering[0].Check != runner.CheckWatcher || row.Tampering[0].Phase != "hidden" {
		t.Errorf("json export row: %+v", row)
	}
	if b := out.Results[1]; b.Tampered != 0 || b.Tampering == nil || len(b.Tampering) != 0 {
		t.Errorf("B's row has tampering: %+v", b)
	}
	csvRec := s.call(t, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results?format=csv", "", nil)
	rows, err := csv.NewReader(bytes.NewReader(csvRec.Body.Bytes())).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v %q", err, rows)
	}
	head := rows[0]
	if head[len(head)-3] != "tampered" || head[len(head)-2] != "tampering" || head[len(head)-1] != "canary_near_misses" {
		t.Errorf("csv header %q", head)
	}
	want := second.ID + ": watcher (hidden): EVIDENCE_SEEN: tests/hidden/test_secret.py modified; guard (visible): EVIDENCE_SEEN: TestReport.from_item_and_call replaced; canary: =EVIDENCE_SEEN canary passed"
	if a := rows[1]; a[len(a)-3] != "1" || a[len(a)-2] != want || a[len(a)-1] != "0" || a[5] != "failed" || a[9] != "tampered" {
		t.Errorf("csv row of A: %q\nwant tampering %q", a, want)
	}
	if b := rows[2]; b[len(b)-3] != "0" || b[len(b)-2] != "" {
		t.Errorf("csv row of B: %q", b)
	}
}

// TestCanaryNearMissesAcrossAttempts: a canary passed while its twin
// failed is no evidence in one run (an honest near miss fails that way),
// but a forgery that must guess which test of each pair is real fails
// that way on most attempts before the one whose guesses were all right.
// So staff see the count on each attempt, summed over the candidate's
// attempts at the challenge on the review page of every attempt (the
// passed one included), and in the exports; the candidate sees none of it.
func TestCanaryNearMissesAcrossAttempts(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	ctx := context.Background()
	now := time.Now()
	ids := []string{f.subA}
	for range 2 {
		var next api.SubmissionAccepted
		s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 5\n"}}`, &next)
		ids = append(ids, next.ID)
	}
	// Two wrong guesses (one with two pairs wrong), then every guess right.
	results := []runner.Result{
		{SubmissionID: ids[0], Verdict: runner.VerdictFailed, Reason: "1 of 3 tests did not pass", Passed: 2, Total: 3, CanaryNearMisses: 1,
			Flags: []string{"a canary test passed while its twin failed: a near miss that computed the canary's value, or a guess"}, FinishedAt: now},
		{SubmissionID: ids[1], Verdict: runner.VerdictFailed, Reason: "2 of 3 tests did not pass", Passed: 1, Total: 3, CanaryNearMisses: 2, FinishedAt: now},
		{SubmissionID: ids[2], Verdict: runner.VerdictPassed, Reason: "all 3 tests passed", Passed: 3, Total: 3, FinishedAt: now},
	}
	for _, r := range results {
		if _, err := s.broker.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	// The passed attempt's page warns, with the sum over the attempts.
	page := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+ids[2], "", nil).Body.String()
	for _, want := range []string{`id="near-misses"`, "2 of this candidate's 3 attempts at this challenge passed a canary test while failing its twin (3 in all)", "1 canary near miss<", "2 canary near misses<"} {
		if !strings.Contains(page, want) {
			t.Errorf("the passed attempt's page lacks %q", want)
		}
	}
	// Another candidate's attempts count for nothing here: B has none, then
	// one near miss in B's only attempt, which reads as one.
	if pb := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+f.subB, "", nil).Body.String(); strings.Contains(pb, `id="near-misses"`) {
		t.Errorf("B's page warns of A's near misses")
	}
	if _, err := s.broker.SaveResult(ctx, runner.Result{SubmissionID: f.subB, Verdict: runner.VerdictFailed, Passed: 2, Total: 3, CanaryNearMisses: 1, FinishedAt: now}); err != nil {
		t.Fatal(err)
	}
	if pb := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+f.subB, "", nil).Body.String(); !strings.Contains(pb, "This candidate's only attempt at this challenge passed a canary test while failing its twin (1 in all)") {
		t.Errorf("B's page does not warn of B's one near miss")
	}

	// Staff's API and exports carry the counts.
	var rep api.AssessmentReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID, "", &rep)
	if add := rep.Candidates[0].Challenges[0]; add.CanaryNearMisses != 3 || add.Best == nil || add.Best.ID != ids[2] {
		t.Errorf("staff's standing: %+v", add)
	}
	var full runner.State
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/submissions/"+ids[1], "", &full)
	if full.Result == nil || full.Result.CanaryNearMisses != 2 {
		t.Errorf("staff's view of the second attempt: %+v", full.Result)
	}
	var out struct {
		Results []api.ResultRow `json:"results"`
	}
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results", "", &out)
	if out.Results[0].CanaryNearMisses != 3 || out.Results[1].CanaryNearMisses != 1 {
		t.Errorf("json export: %+v", out.Results)
	}
	csvRec := s.call(t, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results?format=csv", "", nil)
	rows, err := csv.NewReader(bytes.NewReader(csvRec.Body.Bytes())).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v %q", err, rows)
	}
	if a := rows[1]; a[len(a)-1] != "3" {
		t.Errorf("csv row of A: %q", a)
	}

	// The candidate: nothing of it, in any view.
	for _, path := range []string{"/api/v1/invitations/" + f.a.ID, "/api/v1/submissions/" + ids[1]} {
		body := s.call(t, f.a.Token, "GET", path, "", nil).Body.String()
		for _, bad := range staffOnly {
			if strings.Contains(body, bad) {
				t.Errorf("the candidate's %s shows %q: %s", path, bad, body)
			}
		}
	}
	if cp := s.call(t, "", "GET", "/i/"+f.a.Token, "", nil).Body.String(); strings.Contains(cp, "canary") || strings.Contains(cp, "near miss") {
		t.Errorf("the candidate's page mentions canaries")
	}
}
