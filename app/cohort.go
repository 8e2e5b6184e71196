package app

import (
	"context"
	"fmt"
	"slices"

	"assay/review"
	"assay/runner"
)

// CohortView is a challenge's statistics over an assessment's candidates
// who finished a submission (each by their best), and each such
// candidate's score and percentile (the answer of GET
// /api/v1/assessments/{id}/challenges/{challenge}/cohort).
type CohortView struct {
	Assessment string `json:"assessment"`
	Challenge  string `json:"challenge"`
	review.Cohort
	Candidates []CohortCandidate `json:"candidates"`
}

// CohortCandidate is one candidate's place in the cohort.
type CohortCandidate struct {
	Invitation string  `json:"invitation"`
	Candidate  string  `json:"candidate"`
	Submission string  `json:"submission"`
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile"`
	Passed     int     `json:"passed"`
	Total      int     `json:"total"`
}

// Cohort gathers a challenge's cohort from an assessment's report (staff's
// view, with scores): the best submission of each candidate with a
// finished one, read again for its tests' outcomes. Errors: NotFound (the
// assessment has no such challenge, or a best submission is gone),
// Unavailable.
func (u *Reports) Cohort(ctx context.Context, rep AssessmentReport, slug string) (CohortView, error) {
	v := CohortView{Assessment: rep.Assessment.ID, Challenge: slug, Candidates: []CohortCandidate{}}
	var best []string
	for _, cand := range rep.Candidates {
		for _, ch := range cand.Challenges {
			if ch.Challenge == slug && ch.Best != nil && ch.Best.Status == runner.StatusDone {
				best = append(best, ch.Best.ID)
			}
		}
	}
	states, err := u.States.GetMany(ctx, best)
	if err != nil {
		return v, StoreFailed(fmt.Errorf("cohort of %s: %w", slug, err))
	}
	found := false
	var entries []review.Entry
	for _, cand := range rep.Candidates {
		for _, ch := range cand.Challenges {
			if ch.Challenge != slug {
				continue
			}
			found = true
			if ch.Best == nil || ch.Best.Status != runner.StatusDone {
				continue
			}
			st, ok := states[ch.Best.ID]
			if !ok {
				// The report named it a moment ago: NotFound naming it
				// (StoreFailed passes the sentinel), not a cohort
				// quietly without it.
				return v, StoreFailed(fmt.Errorf("cohort of %s: submission %s: %w", slug, ch.Best.ID, runner.ErrNotFound))
			}
			e := review.Entry{Candidate: cand.Invitation.ID, Score: SummaryScore(*ch.Best), Tests: map[string]bool{}}
			if st.Result != nil {
				for _, t := range st.Result.Tests {
					e.Tests[t.ID] = t.Outcome == runner.OutcomePassed
				}
			}
			entries = append(entries, e)
			v.Candidates = append(v.Candidates, CohortCandidate{Invitation: cand.Invitation.ID, Candidate: cand.Invitation.Candidate,
				Submission: ch.Best.ID, Score: e.Score, Passed: ch.Best.Passed, Total: ch.Best.Total})
		}
	}
	if !found && !slices.Contains(rep.Assessment.Challenges, slug) {
		return v, Errorf(NotFound, "assessment %s has no challenge %q", rep.Assessment.ID, slug)
	}
	var tests []string
	if u.Catalog != nil {
		if ch, err := u.Catalog.Get(slug); err == nil && ch.Expected != nil {
			for _, t := range ch.Expected.Tests {
				tests = append(tests, t.ID)
			}
		}
	}
	v.Cohort = review.Summarize(entries, tests)
	for i := range v.Candidates {
		v.Candidates[i].Percentile = v.Cohort.Percentile(v.Candidates[i].Score)
	}
	return v, nil
}

// SummaryScore is a summary's score, 0-100: its recorded score (the
// challenge's weights); without one, the share of its tests that passed.
// A tampered run scores 0 (its report cannot be trusted).
func SummaryScore(sum SubmissionSummary) float64 {
	switch {
	case sum.Verdict == runner.VerdictTampered:
		return 0
	case sum.Score != nil:
		return *sum.Score
	case sum.Total == 0:
		return 0
	}
	return 100 * float64(sum.Passed) / float64(sum.Total)
}
