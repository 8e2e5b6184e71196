package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"assay/app"
	"assay/challenges"
	"assay/runner"
)

// suites is a SuiteFinder of stored versions' weights, by "slug@version".
type suites struct {
	weights map[string]map[string]runner.TestWeight
	err     error
	calls   int
}

func (s *suites) Suite(_ context.Context, slug, version string) (runner.Suite, error) {
	s.calls++
	if s.err != nil {
		return runner.Suite{}, s.err
	}
	w, ok := s.weights[slug+"@"+version]
	if !ok {
		return runner.Suite{}, fmt.Errorf("suite %s@%s: %w", slug, version, runner.ErrNotFound)
	}
	return runner.Suite{Challenge: slug, Version: version, Weights: w}, nil
}

// Two tests: t1 weighs 3 (tag core), t2 weighs 1. A result that passes t1
// alone scores 75 with these weights, 50 without (every test weighs 1),
// so a test can tell which weights were used.
var heavyFirst = map[string]runner.TestWeight{"t1": {Weight: 3, Tags: []string{"core"}}, "t2": {Weight: 1}}

func unscored(version string) runner.State {
	return runner.State{Submission: runner.Submission{ID: "s", Challenge: "add"}, Status: runner.StatusDone,
		Result: &runner.Result{Verdict: runner.VerdictFailed, ChallengeVersion: version, Passed: 1, Total: 2, Tests: []runner.TestResult{
			{ID: "t1", Outcome: runner.OutcomePassed}, {ID: "t2", Outcome: runner.OutcomeFailed}}}}
}

// freshCatalog has add's current version v2 with its expected tests
// weighted as heavyFirst.
func freshCatalog() catalog {
	exp := &challenges.Expected{Version: "v2", Tests: []challenges.ExpectedTest{
		{ID: "t1", Weight: 3, Tags: []string{"core"}}, {ID: "t2", Weight: 1}}}
	return catalog{"add": {Manifest: challenges.Manifest{Slug: "add", Files: []string{"solution.py"}}, Version: "v2", Expected: exp}}
}

func percent(t *testing.T, sc *runner.Score) float64 {
	t.Helper()
	if sc == nil {
		t.Fatal("no score")
	}
	return sc.Percent
}

func TestScoreOnRead(t *testing.T) {
	ctx := context.Background()
	stored := &suites{weights: map[string]map[string]runner.TestWeight{"add@v1": heavyFirst}}
	u := &app.Scores{Catalog: freshCatalog(), Versions: stored, Logger: quiet}

	// An old version, stored: scored with its own weights.
	if got := percent(t, u.Of(ctx, unscored("v1"))); got != 75 {
		t.Errorf("stored version's score %v; want 75", got)
	}
	// The current version, not stored: the catalog's weights.
	if got := percent(t, u.Of(ctx, unscored("v2"))); got != 75 {
		t.Errorf("current version's score %v; want 75", got)
	}
	// A version found nowhere has no score, not a guess with equal weights.
	if sc := u.Of(ctx, unscored("v0")); sc != nil {
		t.Errorf("unknown version scored %+v", sc)
	}
	// Without stored versions only the catalog's current one is scored.
	u.Versions = nil
	if sc := u.Of(ctx, unscored("v1")); sc != nil {
		t.Errorf("an old version scored without a store of versions: %+v", sc)
	}
	if got := percent(t, u.Of(ctx, unscored("v2"))); got != 75 {
		t.Errorf("current version's score %v; want 75", got)
	}
}

func TestScoreRecordedIsKept(t *testing.T) {
	stored := &suites{weights: map[string]map[string]runner.TestWeight{"add@v1": heavyFirst}}
	u := &app.Scores{Catalog: freshCatalog(), Versions: stored, Logger: quiet}
	st := unscored("v1")
	st.Result.Score = &runner.Score{Percent: 12.5}
	if got := percent(t, u.Of(context.Background(), st)); got != 12.5 {
		t.Errorf("recorded score %v; want 12.5", got)
	}
	// Nothing to score (a Run; no result): no version is looked up.
	run := unscored("v1")
	run.Result.Mode = runner.ModeRun
	if sc := u.Of(context.Background(), run); sc != nil {
		t.Errorf("a Run scored %+v", sc)
	}
	if sc := u.Of(context.Background(), runner.State{Status: runner.StatusQueued}); sc != nil {
		t.Errorf("a queued submission scored %+v", sc)
	}
	if stored.calls != 0 {
		t.Errorf("versions looked up %d times for results that need none", stored.calls)
	}
}

// TestScoreStoreDown: a store of versions that fails costs the old
// version's score (logged), never the read; the catalog still scores the
// current version.
func TestScoreStoreDown(t *testing.T) {
	var log strings.Builder
	u := &app.Scores{Catalog: freshCatalog(), Versions: &suites{err: errDown}, Logger: slog.New(slog.NewTextHandler(&log, nil))}
	if sc := u.Of(context.Background(), unscored("v1")); sc != nil {
		t.Errorf("scored %+v without weights", sc)
	}
	if !strings.Contains(log.String(), "connection refused") {
		t.Errorf("the store's failure was not logged: %q", log.String())
	}
	if got := percent(t, u.Of(context.Background(), unscored("v2"))); got != 75 {
		t.Errorf("current version's score %v; want 75", got)
	}
}

func TestWithScoreCopies(t *testing.T) {
	u := &app.Scores{Catalog: freshCatalog(), Logger: quiet}
	st := unscored("v2")
	got := u.With(context.Background(), st)
	if got.Result.Score == nil || got.Result.Score.Percent != 75 {
		t.Fatalf("With: %+v", got.Result.Score)
	}
	if st.Result.Score != nil {
		t.Error("With changed the state it was given")
	}
	if old := u.With(context.Background(), unscored("v0")); old.Result.Score != nil {
		t.Errorf("With scored an unknown version: %+v", old.Result.Score)
	}
}

func TestPercents(t *testing.T) {
	if app.Percent(nil) != nil || app.TagPercents(nil) != nil || app.TagPercents(&runner.Score{Percent: 1}) != nil {
		t.Error("no score has percentages")
	}
	sc := &runner.Score{Percent: 84.6, Tags: []runner.PartScore{{Name: "core", Percent: 100}, {Name: "edge", Percent: 28.6}}}
	if p := app.Percent(sc); p == nil || *p != 84.6 {
		t.Errorf("Percent = %v", p)
	}
	tags := app.TagPercents(sc)
	if len(tags) != 2 || tags["core"] != 100 || tags["edge"] != 28.6 {
		t.Errorf("TagPercents = %v", tags)
	}
}
