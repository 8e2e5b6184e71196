package api_test

import (
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
