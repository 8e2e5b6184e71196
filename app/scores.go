package app

import (
	"context"
	"errors"
	"log/slog"

	"assay/runner"
)

// Scores are staff's: a submission's score (runner.Score) moves with the
// hidden tests' weights, so the candidate's view, summaries and pages
// carry none, nor any test's weight, tags or group.

// SuiteFinder finds any stored challenge version's suite (an error
// wrapping runner.ErrNotFound when the version is not stored).
type SuiteFinder interface {
	Suite(ctx context.Context, challenge, version string) (runner.Suite, error)
}

// Scores scores results on read: a result recorded before scores existed
// is scored now with the weights of the challenge version it was graded
// against.
type Scores struct {
	Catalog Catalog
	// Versions finds any stored version's weights; nil: only the
	// catalog's current versions are scored on read (others show none).
	Versions SuiteFinder
	Logger   *slog.Logger
}

// weights finds the weights of the challenge version a result was graded
// against: through Versions when set (every stored version), else the
// catalog's current version when it is that one. ok is false when the
// version is not found: its score is then unknown, not a guess.
func (u *Scores) weights(ctx context.Context, slug, version string) (map[string]runner.TestWeight, bool) {
	if u.Versions != nil {
		suite, err := u.Versions.Suite(ctx, slug, version)
		if err == nil {
			return suite.Weights, true
		}
		if !errors.Is(err, runner.ErrNotFound) {
			// A store failure costs only the score, not the read: logged.
			u.Logger.Warn("weights of a challenge version", slog.String("challenge", slug), slog.String("version", version), slog.Any("err", err))
		}
	}
	if ch, err := u.Catalog.Get(slug); err == nil && ch.Version == version && ch.Fresh() {
		return ch.Expected.Weights(), true
	}
	return nil, false
}

// Of is a finished submission's score: as recorded, or for a result
// recorded before scores, computed now with its version's weights. Nil
// when it has none (runner.ScoreOf) or its version cannot be found.
func (u *Scores) Of(ctx context.Context, st runner.State) *runner.Score {
	r := st.Result
	if r == nil {
		return nil
	}
	// Recorded, or a result with nothing to score (whatever the weights):
	// no version to look up.
	if r.Score != nil || runner.ScoreOf(r, nil) == nil {
		return r.Score
	}
	w, ok := u.weights(ctx, st.Submission.Challenge, r.ChallengeVersion)
	if !ok {
		return nil
	}
	return runner.ScoreOf(r, w)
}

// With is the state with its result's score filled in when it was
// recorded without one (staff's full view). The stored result is not
// changed: the state gets a copy.
func (u *Scores) With(ctx context.Context, st runner.State) runner.State {
	if st.Result != nil && st.Result.Score == nil {
		if sc := u.Of(ctx, st); sc != nil {
			r := *st.Result
			r.Score = sc
			st.Result = &r
		}
	}
	return st
}

// Percent is a score's percentage, nil for none.
func Percent(sc *runner.Score) *float64 {
	if sc == nil {
		return nil
	}
	p := sc.Percent
	return &p
}

// TagPercents is a score's subscore per tag, nil for none.
func TagPercents(sc *runner.Score) map[string]float64 {
	if sc == nil || len(sc.Tags) == 0 {
		return nil
	}
	out := make(map[string]float64, len(sc.Tags))
	for _, p := range sc.Tags {
		out[p.Name] = p.Percent
	}
	return out
}
