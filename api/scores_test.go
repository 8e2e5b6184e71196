package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"assay/api"
	"assay/challenges"
	"assay/runner"
)

// Test ids of the weighted challenge: 10 points in all.
const (
	wVisible = "tests.visible.test_add::test_visible"   // 1 point, tag api
	wHeavy   = "tests.hidden.test_secret::test_HEAVY"   // 6 points, tags edge and secrettag
	wPair1   = "tests.hidden.test_secret::test_pair[1]" // 1.5 points, group pair
	wPair2   = "tests.hidden.test_secret::test_pair[2]" // 1.5 points, group pair
)

// weightedAdd is the "add" challenge with a scoring section, and an
// expected.json recorded for it as `challenges check --write` would.
func weightedAdd(t *testing.T) *challenges.Challenge {
	t.Helper()
	fsys := fstest.MapFS{
		"add/challenge.yaml": {Data: []byte("slug: add\ntitle: Add\nsummary: Add two numbers.\nfiles: [solution.py]\nscoring:\n  tests:\n" +
			"    - match: tests/visible\n      tags: [api]\n" +
			"    - match: tests/hidden/test_secret.py::test_HEAVY\n      weight: 6\n      tags: [edge, secrettag]\n" +
			"    - match: tests/hidden/test_secret.py::test_pair\n      weight: 1.5\n" +
			"  groups:\n    - name: pair\n      tests: [tests/hidden/test_secret.py::test_pair]\n")},
		"add/prompt.md":                   {Data: []byte("# Add\nWrite add(a, b).")},
		"add/starter/solution.py":         {Data: []byte("def add(a, b):\n    raise NotImplementedError\n")},
		"add/reference/solution.py":       {Data: []byte("def add(a, b):\n    return a + b\n")},
		"add/tests/visible/test_add.py":   {Data: []byte("def test_visible(): pass\n")},
		"add/tests/hidden/test_secret.py": {Data: []byte("def test_HEAVY(): pass\n")},
	}
	ch, err := challenges.Load(fsys, "add")
	if err != nil {
		t.Fatal(err)
	}
	exp := challenges.Expected{Version: ch.Version, Tests: []challenges.ExpectedTest{
		{ID: wPair1, Hidden: true, Weight: 1.5, Group: "pair"},
		{ID: wPair2, Hidden: true, Weight: 1.5, Group: "pair"},
		{ID: wHeavy, Hidden: true, Weight: 6, Tags: []string{"edge", "secrettag"}},
		{ID: wVisible, Weight: 1, Tags: []string{"api"}},
	}}
	b, _ := json.Marshal(exp)
	fsys["add/expected.json"] = &fstest.MapFile{Data: b}
	ch, err = challenges.Load(fsys, "add")
	if err != nil || !ch.Fresh() {
		t.Fatalf("weighted challenge: %v", err)
	}
	return ch
}

func outcomes(passed ...string) []runner.TestResult {
	var out []runner.TestResult
	for _, id := range []string{wPair1, wPair2, wHeavy, wVisible} {
		o := runner.OutcomeFailed
		for _, p := range passed {
			if p == id {
				o = runner.OutcomePassed
			}
		}
		out = append(out, runner.TestResult{ID: id, Hidden: strings.HasPrefix(id, runner.HiddenIDPrefix), Outcome: o})
	}
	return out
}

// TestScoresInReportsAndExports: on a real Redis, a candidate's best
// attempt is the one with the highest score (not the most tests passed),
// its score is the candidate's at the challenge in the report, the JSON
// and CSV exports and the assessment page; a result recorded before
// scores is scored when read; a tampered attempt scores 0; and nothing of
// it reaches the candidate's own views.
func TestScoresInReportsAndExports(t *testing.T) {
	ch := weightedAdd(t)
	s := newRealServerWith(t, func(c *api.Config) {
		c.Catalog = catalog2{list: []*challenges.Challenge{ch, twoChallenges(t).list[1]}}
	})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add","mul"]}`)
	submit := func() string {
		var acc api.SubmissionAccepted
		s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"x = 1\n"}}`, &acc)
		return acc.ID
	}
	first, second, third := f.subA, submit(), submit()
	ctx := context.Background()
	now := time.Now()
	save := func(id string, v runner.Verdict, tests []runner.TestResult, recordScore bool) {
		t.Helper()
		r := runner.Result{SubmissionID: id, Verdict: v, Tests: tests, ChallengeVersion: ch.Version, FinishedAt: now}
		for _, tr := range tests {
			r.Total++
			if tr.Outcome == runner.OutcomePassed {
				r.Passed++
			}
		}
		if recordScore {
			r.Score = runner.ScoreOf(&r, ch.Expected.Weights())
		}
		if _, err := s.broker.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// first: 3 of 4 passed, but not the heavy test: 4 points of 10 (the
	// visible test, and the pair whole). Recorded before scores: scored
	// when read.
	save(first, runner.VerdictFailed, outcomes(wVisible, wPair1, wPair2), false)
	// second: 2 of 4, the heavy test among them, and the pair only half:
	// 6 of 10.
	save(second, runner.VerdictFailed, outcomes(wHeavy, wPair1), true)
	// third: everything "passed", but tampered: 0.
	save(third, runner.VerdictTampered, outcomes(wVisible, wHeavy, wPair1, wPair2), true)

	var rep api.AssessmentReport
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID, "", &rep)
	add := rep.Candidates[0].Challenges[0]
	if add.Best == nil || add.Best.ID != second || add.Score == nil || *add.Score != 60 {
		t.Fatalf("A's best at add: %+v (score %v); want %s at 60", add.Best, ptr(add.Score), second)
	}
	byID := map[string]api.SubmissionSummary{}
	for _, sub := range rep.Candidates[0].Submissions {
		byID[sub.ID] = sub
	}
	for id, want := range map[string]float64{first: 40, second: 60, third: 0} {
		if got := byID[id].Score; got == nil || *got != want {
			t.Errorf("summary of %s: score %v, want %v", id, ptr(got), want)
		}
	}
	if b := rep.Candidates[1].Challenges[0]; b.Score != nil {
		t.Errorf("B, whose submission is queued, has score %v", *b.Score)
	}

	// The staff's full view of an old result gets its score on read.
	var st runner.State
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/submissions/"+first, "", &st)
	if st.Result == nil || st.Result.Score == nil || st.Result.Score.Percent != 40 || len(st.Result.Score.Groups) != 1 || st.Result.Score.Groups[0].Earned != 3 {
		t.Errorf("staff's view of an old result: %+v", st.Result)
	}

	var out struct {
		Results []api.ResultRow `json:"results"`
	}
	s.must(t, 200, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results", "", &out)
	if r := out.Results[0]; r.BestSubmission != second || ptr(r.BestScore) != "60" || ptr(r.LatestScore) != "0" || r.BestScoreTags["edge"] != 100 || len(r.BestScoreTags) != 3 {
		t.Errorf("json export row: best %s at %s, latest %s", r.BestSubmission, ptr(r.BestScore), ptr(r.LatestScore))
	}
	if r := out.Results[1]; r.BestScore != nil || r.LatestScore != nil {
		t.Errorf("A at mul, never attempted, has scores: %+v", r)
	}
	rec := s.call(t, f.interviewer.Token, "GET", "/api/v1/assessments/"+f.assessment.ID+"/results?format=csv", "", nil)
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	// second's tags: api 0 of 1, edge and secrettag 6 of 6.
	if a := rows[1]; a[col["best_score"]] != "60.0" || a[col["latest_score"]] != "0.0" || a[col["best_submission"]] != second ||
		a[col["best_score_tags"]] != "api 0; edge 100; secrettag 100" {
		t.Errorf("csv row of A: %q", a)
	}
	if mul := rows[2]; mul[col["best_score"]] != "" {
		t.Errorf("csv row of A at mul: %q", mul)
	}

	page := s.call(t, f.interviewer.Token, "GET", "/review/assessments/"+f.assessment.ID, "", nil).Body.String()
	if !strings.Contains(page, `<span class="badge score-badge" title="score: the best attempt's, 0-100">60</span>`) {
		t.Errorf("the assessment page lacks A's score")
	}
	sub := s.call(t, f.interviewer.Token, "GET", "/review/submissions/"+first, "", nil).Body.String()
	for _, want := range []string{`<strong id="score-value">40</strong>`, "(4 of 10 points)", "secrettag 0", "group pair: earned"} {
		if !strings.Contains(sub, want) {
			t.Errorf("the submission page lacks %q", want)
		}
	}

	// The candidate: no score, weight, tag or group anywhere.
	leaks := []string{"score", "score_tags", "weight", "secrettag", "edge", `"pair"`, "HEAVY", "test_pair"}
	for _, path := range []string{"/api/v1/invitations/" + f.a.ID, "/api/v1/submissions/" + second, "/api/v1/submissions/" + first, "/api/v1/me"} {
		body := s.call(t, f.a.Token, "GET", path, "", nil).Body.String()
		for _, leak := range leaks {
			if strings.Contains(body, leak) {
				t.Errorf("the candidate's %s shows %q: %s", path, leak, body)
			}
		}
	}
	page = s.call(t, "", "GET", "/i/"+f.a.Token, "", nil).Body.String()
	for _, leak := range []string{"score-badge", "score-value", "score-parts", "secrettag", "HEAVY"} {
		if strings.Contains(page, leak) {
			t.Errorf("the candidate's page shows %q", leak)
		}
	}
	// The public catalog: the hidden tests' count, never their names or weights.
	cat := s.call(t, "", "GET", "/api/v1/challenges/add", "", nil).Body.String()
	for _, leak := range []string{"HEAVY", "test_pair", "weight", "secrettag", "scoring"} {
		if strings.Contains(cat, leak) {
			t.Errorf("the public challenge view shows %q: %s", leak, cat)
		}
	}
	if !strings.Contains(cat, `"hidden_tests":3`) {
		t.Errorf("the public challenge view lacks the hidden count: %s", cat)
	}
}

func ptr(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}
