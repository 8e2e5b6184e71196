package runner_test

import (
	"encoding/json"
	"strings"
	"testing"

	"assay/runner"
)

func tests(outcomes map[string]runner.Outcome, order ...string) []runner.TestResult {
	out := make([]runner.TestResult, 0, len(order))
	for _, id := range order {
		out = append(out, runner.TestResult{ID: id, Outcome: outcomes[id]})
	}
	return out
}

const (
	visA  = "tests.visible.test_a::test_one"
	hidP1 = "tests.hidden.test_b::test_param[1]"
	hidP2 = "tests.hidden.test_b::test_param[2]"
	hidG1 = "tests.hidden.test_b.TestGroup::test_x"
	hidG2 = "tests.hidden.test_b.TestGroup::test_y"
)

var ids = []string{visA, hidP1, hidP2, hidG1, hidG2}

// weights: the visible test 1, each parametrised case 2, a group of two
// tests at 3 each (6 points, all or nothing); 11 points in all.
var weights = map[string]runner.TestWeight{
	visA:  {Weight: 1, Tags: []string{"api"}},
	hidP1: {Weight: 2, Tags: []string{"edge"}},
	hidP2: {Weight: 2, Tags: []string{"edge"}},
	hidG1: {Weight: 3, Tags: []string{"edge"}, Group: "pair"},
	hidG2: {Weight: 3, Group: "pair"},
}

func TestScoreOf(t *testing.T) {
	P, F, M := runner.OutcomePassed, runner.OutcomeFailed, runner.OutcomeMissing
	cases := []struct {
		name     string
		verdict  runner.Verdict
		outcomes map[string]runner.Outcome
		weights  map[string]runner.TestWeight
		want     float64 // percent; -1 for no score
		earned   float64
	}{
		{"all passed", runner.VerdictPassed, map[string]runner.Outcome{visA: P, hidP1: P, hidP2: P, hidG1: P, hidG2: P}, weights, 100, 11},
		{"one case of a parametrised test", runner.VerdictFailed, map[string]runner.Outcome{visA: P, hidP1: P, hidP2: F, hidG1: P, hidG2: P}, weights, 81.8, 9},
		// One test of the group failed: the group's passed test earns nothing.
		{"group half passed", runner.VerdictFailed, map[string]runner.Outcome{visA: P, hidP1: P, hidP2: P, hidG1: P, hidG2: F}, weights, 45.5, 5},
		{"group test missing", runner.VerdictError, map[string]runner.Outcome{visA: P, hidP1: P, hidP2: P, hidG1: P, hidG2: M}, weights, 45.5, 5},
		{"timeout keeps what passed", runner.VerdictTimeout, map[string]runner.Outcome{visA: P, hidP1: M, hidP2: M, hidG1: M, hidG2: M}, weights, 9.1, 1},
		{"none passed", runner.VerdictFailed, map[string]runner.Outcome{visA: F, hidP1: F, hidP2: F, hidG1: F, hidG2: F}, weights, 0, 0},
		// A tampered report is not believed, whatever it says passed.
		{"tampered", runner.VerdictTampered, map[string]runner.Outcome{visA: P, hidP1: P, hidP2: P, hidG1: P, hidG2: P}, weights, 0, 0},
		{"internal error", runner.VerdictInternalError, nil, weights, -1, 0},
		{"rejected", runner.VerdictRejected, nil, weights, -1, 0},
		// Without weights (a version from before scores) every test is 1.
		{"no weights", runner.VerdictFailed, map[string]runner.Outcome{visA: P, hidP1: P, hidP2: F, hidG1: F, hidG2: F}, nil, 40, 2},
		{"weight 0 reads as 1", runner.VerdictFailed, map[string]runner.Outcome{visA: P, hidP1: F, hidP2: F, hidG1: F, hidG2: F}, map[string]runner.TestWeight{visA: {}}, 20, 1},
	}
	for _, c := range cases {
		r := &runner.Result{Verdict: c.verdict}
		if c.outcomes != nil {
			r.Tests = tests(c.outcomes, ids...)
		}
		s := runner.ScoreOf(r, c.weights)
		switch {
		case c.want < 0 && s != nil:
			t.Errorf("%s: scored %+v, want no score", c.name, s)
		case c.want < 0:
		case s == nil:
			t.Errorf("%s: no score", c.name)
		case s.Percent != c.want || s.Earned != c.earned || (c.weights != nil && len(c.weights) > 1 && s.Possible != 11):
			t.Errorf("%s: %+v, want %v%% (%v points)", c.name, s, c.want, c.earned)
		}
	}
}

func TestScoreParts(t *testing.T) {
	P, F := runner.OutcomePassed, runner.OutcomeFailed
	r := &runner.Result{Verdict: runner.VerdictFailed, Tests: tests(map[string]runner.Outcome{visA: P, hidP1: P, hidP2: F, hidG1: P, hidG2: F}, ids...)}
	s := runner.ScoreOf(r, weights)
	want := `{"percent":27.3,"earned":3,"possible":11,` +
		`"tags":[{"name":"api","percent":100,"earned":1,"possible":1},{"name":"edge","percent":28.6,"earned":2,"possible":7}],` +
		`"groups":[{"name":"pair","percent":0,"earned":0,"possible":6}]}`
	if b, _ := json.Marshal(s); string(b) != want {
		t.Errorf("score\n got %s\nwant %s", b, want)
	}
}

// TestRunsAndEmptyResultsHaveNoScore: a Run grades the visible tests only
// and never counts; a result with no tests has nothing to score.
func TestRunsAndEmptyResultsHaveNoScore(t *testing.T) {
	run := &runner.Result{Verdict: runner.VerdictPassed, Mode: runner.ModeRun, Tests: []runner.TestResult{{ID: visA, Outcome: runner.OutcomePassed}}}
	if s := runner.ScoreOf(run, nil); s != nil {
		t.Errorf("a Run scored %+v", s)
	}
	if s := runner.ScoreOf(&runner.Result{Verdict: runner.VerdictError}, nil); s != nil {
		t.Errorf("a result without tests scored %+v", s)
	}
}

// TestOldResultsStillLoad: a result stored before scores decodes without
// one, and ResultScore computes it; a recorded score is kept as recorded.
func TestOldResultsStillLoad(t *testing.T) {
	old := `{"submission_id":"s","verdict":"failed","reason":"1 of 2 tests did not pass","passed":1,"total":2,
		"tests":[{"id":"` + visA + `","hidden":false,"outcome":"passed","duration_ms":1},{"id":"` + hidP1 + `","hidden":true,"outcome":"failed","duration_ms":1}],
		"challenge_version":"v","queued_ms":1,"run_ms":2,"started_at":"2026-01-01T00:00:00Z","finished_at":"2026-01-01T00:00:01Z","worker":"w","attempt":1}`
	var r runner.Result
	if err := json.Unmarshal([]byte(old), &r); err != nil {
		t.Fatal(err)
	}
	if r.Score != nil {
		t.Fatalf("an old result has a score: %+v", r.Score)
	}
	if s := runner.ResultScore(&r, weights); s == nil || s.Percent != 33.3 || s.Possible != 3 {
		t.Errorf("computed on read: %+v", s)
	}
	if s := runner.ResultScore(&r, nil); s == nil || s.Percent != 50 {
		t.Errorf("computed on read without weights: %+v", s)
	}
	r.Score = &runner.Score{Percent: 12}
	if s := runner.ResultScore(&r, weights); s.Percent != 12 {
		t.Errorf("a recorded score was recomputed: %+v", s)
	}
	b, _ := json.Marshal(runner.Result{Verdict: runner.VerdictInternalError})
	if strings.Contains(string(b), `"score"`) {
		t.Errorf("a result without a score writes one: %s", b)
	}
}
