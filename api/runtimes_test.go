package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

// staffServer serves r as the result of a staff member's submission.
func staffServer(t *testing.T, r *runner.Result) (http.Handler, string) {
	t.Helper()
	id := "0b7e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4"
	started := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	r.SubmissionID, r.FinishedAt = id, started.Add(2*time.Second)
	subs := &doneSubmissions{state: runner.State{
		Submission: runner.Submission{ID: id, Challenge: "add", Interviewer: "admin", CreatedAt: started},
		Status:     runner.StatusDone, StartedAt: &started, Result: r,
	}}
	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: subs, AdminToken: "s3cret", MaxWait: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return h, id
}

// timedResult has the harness's times and the reference's same-container
// timing run: one test far slower than the reference, one close to it.
func timedResult() *runner.Result {
	return &runner.Result{
		Verdict: runner.VerdictPassed, Reason: "all 3 tests passed", Passed: 3, Total: 3,
		ChallengeVersion: "v1", RunMS: 700, VisibleRunMS: 300,
		Tests: []runner.TestResult{
			{ID: "tests.visible.test_add::test_visible", Outcome: runner.OutcomePassed, DurationUS: 412.345, DurationMS: 0.412345},
			{ID: "tests.hidden.test_secret::test_a", Hidden: true, Outcome: runner.OutcomePassed, DurationUS: 21000, DurationMS: 21},
			{ID: "tests.hidden.test_secret::test_b", Hidden: true, Outcome: runner.OutcomePassed, DurationUS: 3200, DurationMS: 3.2},
		},
		Reference: &runner.ReferenceTiming{RunMS: 250, TestsUS: map[string]float64{
			"tests.visible.test_add::test_visible": 98.765,
			"tests.hidden.test_secret::test_a":     1000,
			"tests.hidden.test_secret::test_b":     2000,
		}},
	}
}

// The reference's times and the ratios are staff's: the candidate's
// result and events never carry them; staff's result carries them, and
// staff's page shows each test's time in a unit that fits, its ratio, the
// median with its spread, and the far slower test flagged.
func TestReferenceTimesAreStaffOnly(t *testing.T) {
	h, id := candidateServer(t, timedResult())
	for _, path := range []string{"/api/v1/submissions/" + id, "/api/v1/submissions/" + id + "/events"} {
		body := get(t, h, "candidate-token", path)
		for _, bad := range append([]string{"reference", "tests_us", "98.765", "run_ms\":250"}, staffOnly...) {
			if strings.Contains(body, bad) {
				t.Errorf("%s: the candidate's view shows %q: %s", path, bad, body)
			}
		}
		// the candidate's own visible test keeps its precise time
		if !strings.Contains(body, `"duration_us":412.345`) {
			t.Errorf("%s: the candidate's visible test lost its time: %s", path, body)
		}
	}
	staff := get(t, h, "s3cret", "/api/v1/submissions/"+id)
	if !strings.Contains(staff, `"tests_us":{`) || !strings.Contains(staff, "98.765") {
		t.Errorf("staff's result lacks the reference's times: %s", staff)
	}
	h, id = staffServer(t, timedResult())
	page := get(t, h, "s3cret", "/review/submissions/"+id)
	for _, want := range []string{
		`<td class="num duration">412 µs</td>`, `<td class="num duration">21 ms</td>`, `<td class="num duration">3.2 ms</td>`,
		`<td class="num reference">99 µs</td>`, `<td class="num reference">1.0 ms</td>`,
		// 412.345 / 98.765, 21000 / 1000 (slow), 3200 / 2000
		`<td class="num ratio">4.2×</td>`, `<td class="num ratio ratio-slow">21.0× <span class="chip chip-warn slow">slow</span></td>`, `<td class="num ratio">1.6×</td>`,
		`id="overall-ratio">4.2×<`, `IQR 2.9×–12.6× · range 1.6×–21.0× · 3 tests`,
		`id="slow-count">1 far slower<`, "timed in the same container",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("staff's page lacks %q", want)
		}
	}
}

// An old result (JUnit milliseconds, no same-container timing) falls back
// to expected.json's reference times, and says so.
func TestOldResultsCompareWithExpectedJSON(t *testing.T) {
	r := &runner.Result{
		Verdict: runner.VerdictPassed, Reason: "all 1 tests passed", Passed: 1, Total: 1, ChallengeVersion: "v1",
		Tests: []runner.TestResult{{ID: "tests.hidden.test_secret::test_SECRET_HIDDEN", Hidden: true, Outcome: runner.OutcomePassed, DurationMS: 2}},
	}
	h, id := staffServer(t, r)
	page := get(t, h, "s3cret", "/review/submissions/"+id)
	for _, want := range []string{`<td class="num duration">2.0 ms</td>`, "from the challenge&#39;s expected.json"} {
		if !strings.Contains(page, want) {
			t.Errorf("staff's page lacks %q", want)
		}
	}
}
