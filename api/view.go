package api

import (
	"strings"
	"time"

	"assay/runner"
)

// CandidateResult is what a candidate may see of a result: the visible
// tests in full, the hidden tests only as counts, and the output, its
// truncation and the run time of the visible phase (made while no hidden
// test was on disk). Nothing else of the hidden phase reaches it: not its
// output, time, truncation or exit, nor reason_detail, flags or the
// evidence of tampering; a tampered run reads as an error with a fixed
// reason (runner.CandidateVerdict, runner.CandidateTamperedReason).
type CandidateResult struct {
	Verdict          runner.Verdict      `json:"verdict"`
	Reason           string              `json:"reason"`
	Passed           int                 `json:"passed"`
	Total            int                 `json:"total"`
	Tests            []runner.TestResult `json:"tests"`
	Hidden           HiddenCounts        `json:"hidden"`
	Output           string              `json:"output,omitempty"`
	OutputTruncated  bool                `json:"output_truncated,omitempty"`
	ChallengeVersion string              `json:"challenge_version"`
	QueuedMS         int64               `json:"queued_ms"`
	// RunMS is the visible phase's time alone (Result.VisibleRunMS): the
	// whole run's time varies with what the hidden tests did. 0 when it
	// was not measured (results recorded before it was).
	RunMS      int64     `json:"run_ms"`
	FinishedAt time.Time `json:"finished_at"`
	// Mode is "run" for a Run (the visible tests only: never a verdict
	// that counts), and Scratch its own tests' lines.
	Mode    runner.Mode         `json:"mode,omitempty"`
	Scratch []runner.TestResult `json:"scratch,omitempty"`
}

// HiddenCounts summarises the hidden tests for a candidate.
type HiddenCounts struct {
	Passed int `json:"passed"`
	Total  int `json:"total"`
}

// The two views of a submission's state, named by their "view" field.
const (
	ViewFull      = "full"
	ViewCandidate = "candidate"
)

// FullState is staff's view of a submission: the whole state, every test,
// the hidden phase and the evidence of tampering.
type FullState struct {
	View string `json:"view"`
	runner.State
}

// CandidateState is a submission's state as a candidate sees it.
type CandidateState struct {
	// View is ViewCandidate: which of the two views a body is, for
	// clients (and the OpenAPI document's discriminator).
	View       string            `json:"view"`
	Submission runner.Submission `json:"submission"`
	Status     runner.Status     `json:"status"`
	StartedAt  *time.Time        `json:"started_at,omitempty"`
	Result     *CandidateResult  `json:"result,omitempty"`
}

func candidateView(st runner.State) CandidateState {
	out := CandidateState{View: ViewCandidate, Submission: st.Submission, Status: st.Status, StartedAt: st.StartedAt}
	// A regrade's copy is never the candidate's (it has no invitation), but
	// should one be read, its previous verdict is staff's to see.
	out.Submission.Regrade = nil
	r := st.Result
	if r == nil {
		return out
	}
	cr := &CandidateResult{
		Verdict: runner.CandidateVerdict(r.Verdict), Reason: candidateReason(r), Passed: r.Passed, Total: r.Total,
		Tests: []runner.TestResult{}, Output: r.Output, OutputTruncated: r.OutputTruncated,
		ChallengeVersion: r.ChallengeVersion, QueuedMS: r.QueuedMS, RunMS: r.VisibleRunMS, FinishedAt: r.FinishedAt,
		Mode: r.Mode, Scratch: r.Scratch,
	}
	for _, t := range r.Tests {
		if t.Hidden {
			cr.Hidden.Total++
			if t.Outcome == runner.OutcomePassed {
				cr.Hidden.Passed++
			}
			continue
		}
		cr.Tests = append(cr.Tests, t)
	}
	out.Result = cr
	return out
}

// candidateReason is the reason a candidate reads: a fixed phrase for a
// tampered run (whatever was found, and wherever), otherwise the reason
// with hidden test names removed.
func candidateReason(r *runner.Result) string {
	if r.Verdict == runner.VerdictTampered {
		return runner.CandidateTamperedReason
	}
	return redactHidden(r.Reason)
}

// redactHidden keeps hidden test names out of a reason shown to candidates.
func redactHidden(reason string) string {
	words := strings.Fields(reason)
	changed := false
	for i, w := range words {
		if strings.Contains(w, runner.HiddenIDPrefix) || strings.Contains(w, runner.HiddenDir) {
			words[i] = "(a hidden test)"
			changed = true
		}
	}
	if !changed {
		return reason
	}
	return strings.Join(words, " ")
}
