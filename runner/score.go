package runner

import (
	"math"
	"slices"
	"strings"
)

// TestWeight is how one expected test counts toward a submission's score,
// as the challenge version's expected.json records it (resolved from the
// manifest's scoring section by `assay challenges check --write`). Staff
// only: a hidden test's weight or tags say something of what it checks.
type TestWeight struct {
	// Weight is the test's points; 0 (a version recorded before scores)
	// counts as 1.
	Weight float64
	Tags   []string
	// Group names the all-or-nothing group the test belongs to, if any:
	// the group's points are earned only when every test in it passed.
	Group string
}

// Score is a submission's score: points earned over points possible across
// the challenge's expected tests, each test worth its weight, a group's
// tests earning only when all of them passed. Staff only.
type Score struct {
	// Percent is 100 * Earned / Possible, rounded to one decimal.
	Percent  float64 `json:"percent"`
	Earned   float64 `json:"earned"`
	Possible float64 `json:"possible"`
	// Tags are subscores over the tests of each tag, by tag name.
	Tags []PartScore `json:"tags,omitempty"`
	// Groups say which all-or-nothing groups were earned.
	Groups []PartScore `json:"groups,omitempty"`
}

// PartScore is a tag's or a group's share of a score.
type PartScore struct {
	Name     string  `json:"name"`
	Percent  float64 `json:"percent"`
	Earned   float64 `json:"earned"`
	Possible float64 `json:"possible"`
}

// Scored reports whether a result with this verdict has a score: every
// verdict that graded the candidate's code does. A system failure
// (internal_error) or a submission refused after queueing (rejected) ran
// nothing of the candidate's, so it has none: it is neither a 0 nor a
// best. A tampered run scores 0 (ScoreOf), whatever its report claims.
func Scored(v Verdict) bool {
	switch v {
	case "", VerdictInternalError, VerdictRejected:
		return false
	}
	return true
}

// ScoreOf scores a graded result's tests with the suite's weights (nil:
// every test weighs 1, no tags, no groups). A test earns its weight when
// it passed; a test of a group earns only when every test of its group
// passed. Timeouts, memory and output limits and errors keep the points of
// the tests their report shows passed, like their passed count does; a
// tampered run's report cannot be trusted, so it earns nothing. A Run (the
// visible tests only) has no score, nor does a verdict that is not Scored,
// nor a result with no tests to score.
func ScoreOf(r *Result, weights map[string]TestWeight) *Score {
	if r == nil || r.Mode == ModeRun || !Scored(r.Verdict) || len(r.Tests) == 0 {
		return nil
	}
	weight := func(id string) TestWeight {
		w := weights[id]
		if w.Weight <= 0 {
			w.Weight = 1
		}
		return w
	}
	// A group is earned when every one of its tests in the result passed.
	groupOK := map[string]bool{}
	for _, t := range r.Tests {
		if g := weight(t.ID).Group; g != "" {
			ok, seen := groupOK[g]
			groupOK[g] = (ok || !seen) && t.Outcome == OutcomePassed
		}
	}
	var s Score
	tags, groups := map[string]*PartScore{}, map[string]*PartScore{}
	part := func(m map[string]*PartScore, name string) *PartScore {
		if m[name] == nil {
			m[name] = &PartScore{Name: name}
		}
		return m[name]
	}
	for _, t := range r.Tests {
		w := weight(t.ID)
		earned := 0.0
		if r.Verdict != VerdictTampered && t.Outcome == OutcomePassed && (w.Group == "" || groupOK[w.Group]) {
			earned = w.Weight
		}
		s.Earned += earned
		s.Possible += w.Weight
		for _, tag := range w.Tags {
			p := part(tags, tag)
			p.Earned += earned
			p.Possible += w.Weight
		}
		if w.Group != "" {
			p := part(groups, w.Group)
			p.Earned += earned
			p.Possible += w.Weight
		}
	}
	s.Percent = percent(s.Earned, s.Possible)
	s.Earned, s.Possible = round3(s.Earned), round3(s.Possible)
	s.Tags, s.Groups = parts(tags), parts(groups)
	return &s
}

// ResultScore is the result's recorded score, or for a result recorded
// before scores existed, its score computed now with weights (the
// weights of the version it was graded against).
func ResultScore(r *Result, weights map[string]TestWeight) *Score {
	if r == nil {
		return nil
	}
	if r.Score != nil {
		return r.Score
	}
	return ScoreOf(r, weights)
}

func parts(m map[string]*PartScore) []PartScore {
	if len(m) == 0 {
		return nil
	}
	out := make([]PartScore, 0, len(m))
	for _, p := range m {
		p.Percent = percent(p.Earned, p.Possible)
		p.Earned, p.Possible = round3(p.Earned), round3(p.Possible)
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b PartScore) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func percent(earned, possible float64) float64 {
	if possible <= 0 {
		return 0
	}
	return math.Round(earned/possible*1000) / 10
}

// round3 keeps sums of decimal weights readable (0.1+0.2 is 0.3).
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
