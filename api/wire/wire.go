// Package wire holds the JSON bodies of Assay's HTTP API that both sides
// read: the server (package api) encodes these types, and the Go client
// (package client) and the command line decode them, so a field renamed on
// one side is renamed on the other. api/openapi.json documents the same
// bodies for everyone else, and api's contract test checks live answers
// against it.
//
// Only types: no behaviour, and nothing of the server (no gin). Domain
// types the bodies carry (a submission, a result, a regrade) are
// runner's.
package wire

import (
	"time"

	"assay/runner"
)

// ErrorBody is the body of every error answer: {"error": "..."}.
type ErrorBody struct {
	Error string `json:"error"`
}

// SubmissionRequest is the body of POST /api/v1/submissions.
type SubmissionRequest struct {
	Challenge string            `json:"challenge"`
	Files     map[string]string `json:"files"`
	Submitter string            `json:"submitter,omitempty"`
	// Mode is "submit" (the default: every test, an attempt) or "run" (the
	// visible tests only; not an attempt, and its verdict never counts).
	Mode string `json:"mode,omitempty"`
	// Scratch is a Run's own test file (pytest), run beside the visible
	// tests; only with "mode": "run".
	Scratch string `json:"scratch,omitempty"`
}

// SubmissionAccepted is the 202 answer to POST /api/v1/submissions.
type SubmissionAccepted struct {
	ID               string        `json:"id"`
	Status           runner.Status `json:"status"`
	Challenge        string        `json:"challenge"`
	ChallengeVersion string        `json:"challenge_version"`
	Location         string        `json:"location"`
	// Mode is "run" for a Run, absent for a submission.
	Mode runner.Mode `json:"mode,omitempty"`
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

// NewRegrade is the body of POST /api/v1/regrades: a challenge, an
// assessment, or both (that challenge's submissions in that assessment).
// Version defaults to the challenge's current version and needs Challenge.
type NewRegrade struct {
	Challenge  string `json:"challenge,omitempty"`
	Assessment string `json:"assessment,omitempty"`
	Version    string `json:"version,omitempty"`
}

// RegradeView is a regrade with its progress, and on GET of one regrade a
// page of its items (old and new verdicts side by side).
type RegradeView struct {
	runner.Regrade
	Progress   runner.RegradeProgress `json:"progress"`
	Items      []runner.RegradeItem   `json:"items,omitempty"`
	ItemsTotal int                    `json:"items_total,omitempty"`
}

// RegradeList is the answer to GET /api/v1/regrades: every regrade, oldest
// first, without items.
type RegradeList struct {
	Regrades []RegradeView `json:"regrades"`
}

// CheckView is the outcome of checking a challenge in the sandbox, as
// admins see it.
type CheckView struct {
	Challenge   string `json:"challenge"`
	Version     string `json:"version"`
	Tests       int    `json:"tests"`
	HiddenTests int    `json:"hidden_tests"`
	// Canaries counts the hidden tests that can have a canary twin.
	Canaries int      `json:"canaries"`
	Warnings []string `json:"warnings,omitempty"`
	// Runtime is the container runtime the check ran under (runc, runsc).
	Runtime   string          `json:"runtime,omitempty"`
	Solutions []SolutionCheck `json:"solutions"`
	// OtherRuntimes are the same solutions under the other runtimes the
	// server checks with (ASSAY_CHECK_RUNTIMES).
	OtherRuntimes []RuntimeCheckView `json:"other_runtimes,omitempty"`
	// Scoring says why the manifest's scoring section does not fit the
	// tests the reference reported (it fails the check).
	Scoring string `json:"scoring,omitempty"`
}

// RuntimeCheckView is how a checked challenge's solutions did under one
// more runtime.
type RuntimeCheckView struct {
	Runtime   string          `json:"runtime"`
	Solutions []SolutionCheck `json:"solutions"`
}

// SolutionCheck is how one solution of a checked challenge did.
type SolutionCheck struct {
	Name      string         `json:"name"`
	Verdict   runner.Verdict `json:"verdict"`
	Reason    string         `json:"reason,omitempty"`
	Passed    int            `json:"passed"`
	Total     int            `json:"total"`
	NotPassed []string       `json:"not_passed,omitempty"`
	// Problem says what is wrong with this solution's behaviour.
	Problem string `json:"problem,omitempty"`
}

// Published is the answer to a successful upload (POST
// /api/v1/challenges): 201 for a new version, 200 for a version stored
// before and made current again.
type Published struct {
	Challenge string    `json:"challenge"`
	Version   string    `json:"version"`
	Previous  string    `json:"previous,omitempty"`
	Created   bool      `json:"created"`
	Check     CheckView `json:"check"`
}

// PublishRefused is the 422 answer to a challenge that failed its check.
type PublishRefused struct {
	Error string    `json:"error"`
	Check CheckView `json:"check"`
}
