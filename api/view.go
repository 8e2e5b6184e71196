package api

import (
	"strings"

	"assay/runner"
)

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
