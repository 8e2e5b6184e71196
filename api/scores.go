package api

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"

	"assay/runner"
)

// Scores are staff's: a submission's score (runner.Score) moves with the
// hidden tests' weights, so the candidate's view, summaries and pages
// carry none, nor any test's weight, tags or group.

// weightsOf finds the weights of the challenge version a result was graded
// against: through Config.Versions when set (every stored version), else
// the catalog's current version when it is that one. ok is false when the
// version is not found: its score is then unknown ("–"), not a guess.
func (s *server) weightsOf(ctx context.Context, slug, version string) (map[string]runner.TestWeight, bool) {
	if s.cfg.Versions != nil {
		suite, err := s.cfg.Versions.Suite(ctx, slug, version)
		if err == nil {
			return suite.Weights, true
		}
		if !errors.Is(err, runner.ErrNotFound) {
			s.cfg.Logger.Warn("weights of a challenge version", slog.String("challenge", slug), slog.String("version", version), slog.Any("err", err))
		}
	}
	if ch, err := s.cfg.Catalog.Get(slug); err == nil && ch.Version == version && ch.Fresh() {
		return ch.Expected.Weights(), true
	}
	return nil, false
}

// scoreOf is a finished submission's score: as recorded, or for a result
// recorded before scores, computed now with its version's weights. Nil
// when it has none (runner.ScoreOf) or its version cannot be found.
func (s *server) scoreOf(ctx context.Context, st runner.State) *runner.Score {
	r := st.Result
	if r == nil {
		return nil
	}
	// Recorded, or a result with nothing to score (whatever the weights):
	// no version to look up.
	if r.Score != nil || runner.ScoreOf(r, nil) == nil {
		return r.Score
	}
	w, ok := s.weightsOf(ctx, st.Submission.Challenge, r.ChallengeVersion)
	if !ok {
		return nil
	}
	return runner.ScoreOf(r, w)
}

// withScore is the state with its result's score filled in when it was
// recorded without one (staff's full view).
func (s *server) withScore(ctx context.Context, st runner.State) runner.State {
	if st.Result != nil && st.Result.Score == nil {
		if sc := s.scoreOf(ctx, st); sc != nil {
			r := *st.Result
			r.Score = sc
			st.Result = &r
		}
	}
	return st
}

// percentOf is a score's percentage, nil for none.
func percentOf(sc *runner.Score) *float64 {
	if sc == nil {
		return nil
	}
	p := sc.Percent
	return &p
}

// formatScore is a score on a page: "84.6", "100", or "–" for none.
func formatScore(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// tagPercents is a score's subscore per tag, nil for none.
func tagPercents(sc *runner.Score) map[string]float64 {
	if sc == nil || len(sc.Tags) == 0 {
		return nil
	}
	out := make(map[string]float64, len(sc.Tags))
	for _, p := range sc.Tags {
		out[p.Name] = p.Percent
	}
	return out
}

// tagsCell is the subscores in one CSV cell: "api 100; edge 28.6", by tag.
func tagsCell(tags map[string]float64) string {
	parts := make([]string, 0, len(tags))
	for _, name := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, name+" "+strconv.FormatFloat(tags[name], 'f', -1, 64))
	}
	return strings.Join(parts, "; ")
}
