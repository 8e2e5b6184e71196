package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"assay/access"
	"assay/runner"
)

// ReportAccounts is what reports read of the accounts: assessments,
// their invitations, and each invitation's submissions and Runs.
type ReportAccounts interface {
	AssessmentReader
	// InvitationRuns lists an invitation's Runs' ids, oldest first.
	InvitationRuns(ctx context.Context, id string) ([]string, error)
}

// Reports builds candidates' standings: an invitation's submissions and
// Runs summarised, and for each of its challenges the attempts, the best
// and the latest; an assessment's for every invitation.
type Reports struct {
	// Accounts nil: this server keeps no accounts (Unsupported).
	Accounts ReportAccounts
	States   States
	// Catalog, if set, lists a challenge's expected tests for its
	// cohort's pass rates (nil: the rates of the tests reported only).
	Catalog Catalog
}

// AssessmentReport is an assessment with each invited candidate's
// attempts, best and latest results per challenge.
type AssessmentReport struct {
	Assessment access.Assessment `json:"assessment"`
	Candidates []CandidateReport `json:"candidates"`
}

// CandidateReport is one invitation's standing.
type CandidateReport struct {
	Invitation  access.Invitation   `json:"invitation"`
	Challenges  []ChallengeReport   `json:"challenges"`
	Submissions []SubmissionSummary `json:"submissions"`
	// Runs are the candidate's Runs (the visible tests only): not
	// attempts, never best or latest.
	Runs []SubmissionSummary `json:"runs"`
}

// ChallengeReport is a candidate's standing at one challenge.
type ChallengeReport struct {
	Challenge string             `json:"challenge"`
	Attempts  int                `json:"attempts"`
	Best      *SubmissionSummary `json:"best,omitempty"`
	Latest    *SubmissionSummary `json:"latest,omitempty"`
	// Tampered counts the attempts graded tampered (staff's view only: a
	// candidate's own report counts none, as it shows them as errors).
	Tampered int `json:"tampered,omitempty"`
	// CanaryNearMisses sums the attempts' canaries passed while their twins
	// failed (staff only; see runner.Result.CanaryNearMisses).
	CanaryNearMisses int `json:"canary_near_misses,omitempty"`
	// Score is the candidate's score at the challenge: their best
	// attempt's (Best, chosen by score first), 0-100; staff only.
	Score *float64 `json:"score,omitempty"`
}

// SubmissionSummary is one line of a list of submissions. Staff's
// summaries carry the whole result's verdict and run time, and the
// evidence of tampering; a candidate's are made from the candidate's view
// (package api's candidateSummary).
type SubmissionSummary struct {
	ID        string         `json:"id"`
	Challenge string         `json:"challenge"`
	Status    runner.Status  `json:"status"`
	Verdict   runner.Verdict `json:"verdict,omitempty"`
	Passed    int            `json:"passed"`
	Total     int            `json:"total"`
	// RunMS is the whole run's time for staff, the visible phase's for a
	// candidate.
	RunMS     int64            `json:"run_ms,omitempty"`
	CreatedAt time.Time        `json:"created_at"`
	Tampering []runner.Finding `json:"tampering,omitempty"`
	// CanaryNearMisses is the result's (staff only): canaries passed while
	// their twins failed.
	CanaryNearMisses int `json:"canary_near_misses,omitempty"`
	// Mode is "run" for a Run.
	Mode runner.Mode `json:"mode,omitempty"`
	// Score is the submission's score, 0-100 (staff only; none for a Run,
	// an unfinished submission, internal_error or rejected), and
	// ScoreTags its subscore per tag.
	Score     *float64           `json:"score,omitempty"`
	ScoreTags map[string]float64 `json:"score_tags,omitempty"`
}

// Summarize is one view of a submission as a line of a report: staff's,
// or the candidate's (whose best is then chosen among what the candidate
// sees, so which one is best tells them nothing the lines do not).
type Summarize func(runner.State) SubmissionSummary

// Better reports whether a is a better result than b: finished first,
// then anything but tampered (which ranks below every other verdict,
// whatever its counts: its report cannot be trusted), then the higher
// score (when both have one: a candidate's summaries have none), then
// passed, then more tests passed, then the later.
func Better(a, b SubmissionSummary) bool {
	if (a.Status == runner.StatusDone) != (b.Status == runner.StatusDone) {
		return a.Status == runner.StatusDone
	}
	if (a.Verdict == runner.VerdictTampered) != (b.Verdict == runner.VerdictTampered) {
		return b.Verdict == runner.VerdictTampered
	}
	if a.Score != nil && b.Score != nil && *a.Score != *b.Score {
		return *a.Score > *b.Score
	}
	if (a.Verdict == runner.VerdictPassed) != (b.Verdict == runner.VerdictPassed) {
		return a.Verdict == runner.VerdictPassed
	}
	if a.Passed != b.Passed {
		return a.Passed > b.Passed
	}
	return a.CreatedAt.After(b.CreatedAt)
}

// Invitation is the invitation's standing, each submission and Run
// summarised with sum. Errors: Unsupported (no accounts), NotFound (a
// listed submission missing), Unavailable (a store down).
func (u *Reports) Invitation(ctx context.Context, inv access.Invitation, sum Summarize) (CandidateReport, error) {
	if u.Accounts == nil {
		return CandidateReport{}, errNoAccounts
	}
	ids, err := u.Accounts.InvitationSubmissions(ctx, inv.ID)
	if err != nil {
		return CandidateReport{}, StoreFailed(err)
	}
	rep := CandidateReport{Invitation: inv, Submissions: make([]SubmissionSummary, 0, len(ids))}
	byChallenge := map[string]*ChallengeReport{}
	for _, slug := range inv.Challenges {
		rep.Challenges = append(rep.Challenges, ChallengeReport{Challenge: slug})
	}
	for i := range rep.Challenges {
		byChallenge[rep.Challenges[i].Challenge] = &rep.Challenges[i]
	}
	runs, err := u.Accounts.InvitationRuns(ctx, inv.ID)
	if err != nil {
		return CandidateReport{}, StoreFailed(err)
	}
	states, err := u.States.GetMany(ctx, slices.Concat(runs, ids))
	if err != nil {
		return CandidateReport{}, StoreFailed(fmt.Errorf("report of invitation %s: %w", inv.ID, err))
	}
	state := func(id string) (runner.State, error) {
		st, ok := states[id]
		if !ok {
			return st, StoreFailed(fmt.Errorf("report of invitation %s: submission %s: %w", inv.ID, id, runner.ErrNotFound))
		}
		return st, nil
	}
	rep.Runs = make([]SubmissionSummary, 0, len(runs))
	for _, id := range runs {
		st, err := state(id)
		if err != nil {
			return CandidateReport{}, err
		}
		rep.Runs = append(rep.Runs, sum(st))
	}
	for _, id := range ids {
		st, err := state(id)
		if err != nil {
			return CandidateReport{}, err
		}
		one := sum(st)
		rep.Submissions = append(rep.Submissions, one)
		if ch := byChallenge[one.Challenge]; ch != nil {
			ch.count(one)
		}
	}
	return rep, nil
}

// count adds an attempt to the challenge's standing.
func (ch *ChallengeReport) count(one SubmissionSummary) {
	ch.Attempts++
	if one.Verdict == runner.VerdictTampered {
		ch.Tampered++
	}
	ch.CanaryNearMisses += one.CanaryNearMisses
	latest := one
	ch.Latest = &latest
	if ch.Best == nil || Better(one, *ch.Best) {
		best := one
		ch.Best = &best
		ch.Score = best.Score
	}
}

// Assessment is the assessment's report: every invitation's standing,
// summarised with sum. Errors: Unsupported, NotFound (the assessment),
// Unavailable.
func (u *Reports) Assessment(ctx context.Context, id string, sum Summarize) (AssessmentReport, error) {
	if u.Accounts == nil {
		return AssessmentReport{}, errNoAccounts
	}
	a, err := u.Accounts.Assessment(ctx, id)
	if err != nil {
		return AssessmentReport{}, StoreFailed(err)
	}
	invs, err := u.Accounts.Invitations(ctx, id)
	if err != nil {
		return AssessmentReport{}, StoreFailed(err)
	}
	out := AssessmentReport{Assessment: a, Candidates: []CandidateReport{}}
	for _, inv := range invs {
		rep, err := u.Invitation(ctx, inv, sum)
		if err != nil {
			return AssessmentReport{}, err
		}
		out.Candidates = append(out.Candidates, rep)
	}
	return out, nil
}
