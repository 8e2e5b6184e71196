package runner

import "time"

// Lanes of the queue, in the order workers serve them: a live job before a
// Run, a Run before a regrade job, so that a flood of Runs or a regrade of
// thousands never makes a submission wait for more than the jobs already
// running.
const (
	LaneLive    = ""        // candidates' and staff's own submissions
	LaneRun     = "run"     // Runs: the visible tests only, not an attempt
	LaneRegrade = "regrade" // copies made by a regrade
)

// RegradeRef marks a submission as a regrade's copy of an earlier one. The
// copy has its own id, record and result; the original is never changed.
type RegradeRef struct {
	// ID is the regrade that made the copy.
	ID string `json:"id"`
	// Of is the original submission's id.
	Of string `json:"of"`
	// PreviousVerdict and PreviousVersion are the original's result, for
	// counting changed verdicts.
	PreviousVerdict Verdict `json:"previous_verdict"`
	PreviousVersion string  `json:"previous_version"`
}

// Regrade is an admin's request to run earlier submissions again against
// a (usually newer) version of their challenge.
type Regrade struct {
	ID string `json:"id"`
	// Challenge limits the regrade to one challenge ("" with Assessment:
	// every challenge of the assessment).
	Challenge string `json:"challenge,omitempty"`
	// Assessment limits the regrade to one assessment's candidates.
	Assessment string `json:"assessment,omitempty"`
	// Versions is the target version per challenge.
	Versions  map[string]string `json:"versions"`
	CreatedBy string            `json:"created_by"`
	CreatedAt time.Time         `json:"created_at"`
	// Total counts the copies queued; Skipped counts the submissions left
	// out because they had no result yet (still queued or running).
	Total   int `json:"total"`
	Skipped int `json:"skipped"`
}

// RegradeProgress counts a regrade's recorded results.
type RegradeProgress struct {
	// Queued counts the copies written so far (Total once creation is
	// complete; less only if the creating process died midway).
	Queued int `json:"queued"`
	Done   int `json:"done"`
	// Changed counts results whose verdict differs from the original's.
	Changed   int             `json:"changed"`
	Verdicts  map[Verdict]int `json:"verdicts"`
	Completed bool            `json:"completed"`
}

// RegradeItem pairs an original submission with its regrade copy.
type RegradeItem struct {
	Of              string  `json:"of"`
	ID              string  `json:"id"`
	Challenge       string  `json:"challenge"`
	Submitter       string  `json:"submitter,omitempty"`
	PreviousVerdict Verdict `json:"previous_verdict"`
	PreviousPassed  int     `json:"previous_passed"`
	PreviousTotal   int     `json:"previous_total"`
	PreviousVersion string  `json:"previous_version"`
	Version         string  `json:"version"`
	Verdict         Verdict `json:"verdict,omitempty"` // "" until the copy's result is recorded
	Passed          int     `json:"passed"`
	Total           int     `json:"total"`
}

// Changed reports whether the copy's result is in and its verdict differs
// from the original's.
func (it RegradeItem) Changed() bool {
	return it.Verdict != "" && it.Verdict != it.PreviousVerdict
}

// PlanRegrade makes rg's copies of originals: each copy has a new id from
// newID, the original's files, challenge and submitter, the target version
// rg.Versions[challenge], the staff member who asked (createdBy) as its
// sender and no invitation, so the candidate never sees it. Originals
// without a result yet are left out and counted in Skipped; so are regrade
// copies, which are never regraded themselves. It returns rg with Total and
// Skipped set, the copies, and their items (items[i] describes copies[i]).
func PlanRegrade(rg Regrade, originals []State, newID func() string) (Regrade, []Submission, []RegradeItem) {
	var copies []Submission
	var items []RegradeItem
	rg.Skipped = 0
	for _, st := range originals {
		o := st.Submission
		version, ok := rg.Versions[o.Challenge]
		if !ok || o.Regrade != nil {
			continue
		}
		if st.Result == nil {
			rg.Skipped++
			continue
		}
		c := Submission{
			ID:               newID(),
			Challenge:        o.Challenge,
			ChallengeVersion: version,
			Files:            o.Files,
			Submitter:        o.Submitter,
			Interviewer:      rg.CreatedBy,
			CreatedAt:        rg.CreatedAt,
			Regrade: &RegradeRef{
				ID:              rg.ID,
				Of:              o.ID,
				PreviousVerdict: st.Result.Verdict,
				PreviousVersion: st.Result.ChallengeVersion,
			},
		}
		copies = append(copies, c)
		items = append(items, RegradeItem{
			Of: o.ID, ID: c.ID, Challenge: o.Challenge, Submitter: o.Submitter,
			PreviousVerdict: st.Result.Verdict, PreviousPassed: st.Result.Passed, PreviousTotal: st.Result.Total,
			PreviousVersion: st.Result.ChallengeVersion, Version: version,
		})
	}
	rg.Total = len(copies)
	return rg, copies, items
}
