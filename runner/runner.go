// Package runner holds Assay's domain: submissions, their results and
// verdicts, the small interfaces the worker needs (Queue, Store, Sandbox,
// Suites), and the worker that ties them together. It depends on no other
// Assay package; the Redis and Docker packages implement its interfaces.
package runner

import (
	"errors"
	"time"
)

// Verdict says how a finished run ended.
type Verdict string

// The verdicts. Only VerdictInternalError is the system's fault; every other
// verdict is a statement about the candidate's code.
const (
	VerdictPassed      Verdict = "passed"       // every expected test passed
	VerdictFailed      Verdict = "failed"       // some test failed or was skipped
	VerdictError       Verdict = "error"        // collection/import/syntax error, crash, no complete report
	VerdictTimeout     Verdict = "timeout"      // the wall-clock deadline was hit
	VerdictMemoryLimit Verdict = "memory_limit" // the OOM killer fired in the sandbox
	VerdictOutputLimit Verdict = "output_limit" // the run flooded its output past the hard cap
	VerdictRejected    Verdict = "rejected"     // bad input found after queueing
	// VerdictTampered: the run interfered with its own grading (the tests,
	// the report, pytest's machinery, a canary). Staff see it with the
	// evidence (Result.Tampering); the candidate's view shows an error
	// with a neutral phrase (CandidateVerdict).
	VerdictTampered      Verdict = "tampered"
	VerdictInternalError Verdict = "internal_error" // the system failed; retried before it is recorded
)

// CandidateVerdict is the verdict as the candidate's view shows it: a
// detected tampering reads as an error, so that an attacker does not learn
// which check caught them or that one did.
func CandidateVerdict(v Verdict) Verdict {
	if v == VerdictTampered {
		return VerdictError
	}
	return v
}

// CandidateTamperedReason is the reason the candidate's view shows for a
// tampered run: fixed, whatever was found.
const CandidateTamperedReason = "the run did not complete normally, so its tests could not be graded"

// Finding is one piece of evidence of tampering: which check saw it, and
// what it saw (for staff only).
type Finding struct {
	Check string `json:"check"`
	Phase string `json:"phase,omitempty"`
	Seen  string `json:"seen"`
}

// The checks that produce findings.
const (
	CheckWatcher = "watcher" // inotify saw the tests, fixtures, modules or report change, or overflowed
	CheckGuard   = "guard"   // the guard plugin saw pytest's machinery replaced or extended
	CheckAudit   = "audit"   // the audit hook refused a sharp tool to candidate code
	CheckReport  = "report"  // a phase's report disagrees with itself, its phase, its exit status or the guard's tally
	CheckCanary  = "canary"  // a canary test passed or went missing
	CheckHarness = "harness" // the harness found the sandbox in a state it did not leave it in
)

// Status is where a submission is in its life.
type Status string

// The statuses, in order.
const (
	StatusQueued  Status = "queued"
	StatusRunning Status = "running"
	StatusDone    Status = "done"
)

// Submission is what a candidate sent. It is written once and never changed.
type Submission struct {
	ID               string            `json:"id"`
	Challenge        string            `json:"challenge"`
	ChallengeVersion string            `json:"challenge_version"`
	Files            map[string]string `json:"files"`
	Submitter        string            `json:"submitter,omitempty"`
	// Who sent it: Invitation is the invitation id of a candidate's
	// submission; Interviewer is the interviewer id, or "admin", of a
	// staff member's.
	Invitation  string    `json:"invitation,omitempty"`
	Interviewer string    `json:"interviewer,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// Regrade is set on a regrade's copy of an earlier submission.
	Regrade *RegradeRef `json:"regrade,omitempty"`
	// Mode is ModeRun for a Run: the visible tests only, with the
	// candidate's own Scratch tests beside them; not an attempt and never
	// a verdict that counts. "" is a submission.
	Mode Mode `json:"mode,omitempty"`
	// Scratch is a Run's test file of the candidate's own (pytest source),
	// run beside the visible tests as tests/scratch/test_scratch.py.
	Scratch string `json:"scratch,omitempty"`
	// Auto marks the submission of a timed session's last draft, made
	// for the candidate when their time ran out.
	Auto bool `json:"auto,omitempty"`
}

// Mode says what a submission asks for.
type Mode string

// The modes.
const (
	ModeSubmit Mode = ""    // every test, visible and hidden: an attempt
	ModeRun    Mode = "run" // the visible tests (and the scratch file) only
)

// ScratchPath is where a Run's scratch test file goes in the sandbox, and
// ScratchPrefix the prefix of its tests' ids.
const (
	ScratchPath   = "tests/scratch/test_scratch.py"
	ScratchPrefix = "tests.scratch."
)

// Outcome is how one test ended.
type Outcome string

// The outcomes of one test.
const (
	OutcomePassed  Outcome = "passed"
	OutcomeFailed  Outcome = "failed"
	OutcomeError   Outcome = "error"   // error in setup/teardown or collection
	OutcomeSkipped Outcome = "skipped" // skipped or xfailed: never counts as passed
	OutcomeMissing Outcome = "missing" // expected but absent from the report
)

// TestResult is one test's line in a result.
type TestResult struct {
	ID      string  `json:"id"`
	Hidden  bool    `json:"hidden"`
	Outcome Outcome `json:"outcome"`
	// DurationMS is the test's time in milliseconds: its call phase as the
	// harness measured it (DurationUS / 1000) when it did, otherwise (a
	// test that never reached its call, results recorded before) pytest's
	// JUnit time of setup, call and teardown.
	DurationMS float64 `json:"duration_ms"`
	// DurationUS is the test's call phase in microseconds, measured by the
	// harness with the monotonic clock in nanoseconds; 0 when not measured.
	// Informational: code in the test's process could change it.
	DurationUS float64 `json:"duration_us,omitempty"`
	Message    string  `json:"message,omitempty"`
}

// Micros is the test's duration in microseconds, precise when the harness
// measured it, otherwise from DurationMS.
func (t TestResult) Micros() float64 {
	if t.DurationUS > 0 {
		return t.DurationUS
	}
	return t.DurationMS * 1000
}

// ReferenceTiming is the reference solution's timing run: the same tests,
// in the same container, right after the candidate's run (see
// RunSpec.Reference). Staff only, and never evidence for a verdict. It is
// attached to the result after the result is recorded (Store.AttachReference).
type ReferenceTiming struct {
	// TestsUS is each test's call phase in microseconds, by test id, for
	// the tests the reference passed.
	TestsUS map[string]float64 `json:"tests_us"`
	// NotPassed counts the tests the reference did not pass in this run
	// (they have no time here).
	NotPassed int `json:"not_passed,omitempty"`
	// Problem says why there are no times, or too few.
	Problem string `json:"problem,omitempty"`
	// RunMS is the timing run's own time.
	RunMS int64 `json:"run_ms"`
	// TimedOut: the timing run hit its time budget.
	TimedOut bool `json:"timed_out,omitempty"`
}

// Result is the record of one graded run. A worker writes it once.
type Result struct {
	SubmissionID string  `json:"submission_id"`
	Verdict      Verdict `json:"verdict"`
	Reason       string  `json:"reason"`
	// ReasonDetail, for interviewers only, adds what Reason leaves out
	// because it comes from the hidden tests' run.
	ReasonDetail string       `json:"reason_detail,omitempty"`
	Passed       int          `json:"passed"`
	Total        int          `json:"total"`
	Tests        []TestResult `json:"tests"`
	// Output is pytest's output in the visible phase; HiddenOutput in the
	// hidden phase, which only interviewers may see.
	Output       string `json:"output,omitempty"`
	HiddenOutput string `json:"hidden_output,omitempty"`
	// Tampering is the evidence behind a tampered verdict (staff only).
	Tampering []Finding `json:"tampering,omitempty"`
	// Flags point interviewers at source that reaches for pytest's
	// internals or the sandbox (see Flags); they never change the verdict.
	Flags []string `json:"flags,omitempty"`
	// CanaryNearMisses counts the canaries this run passed while their
	// twins failed (Grading.NearMisses; staff only): each is an honest near
	// miss or a forgery's wrong guess, and a forgery that guesses gets
	// them on most of its attempts.
	CanaryNearMisses int `json:"canary_near_misses,omitempty"`
	// OutputTruncated is the visible phase's; HiddenOutputTruncated the
	// hidden phase's (staff only: it varies with what the hidden tests did).
	OutputTruncated       bool   `json:"output_truncated,omitempty"`
	HiddenOutputTruncated bool   `json:"hidden_output_truncated,omitempty"`
	ChallengeVersion      string `json:"challenge_version"`
	QueuedMS              int64  `json:"queued_ms"`
	RunMS                 int64  `json:"run_ms"`
	// VisibleRunMS is the visible phase's time alone: what the
	// candidate's view shows, since RunMS varies with the hidden phase.
	VisibleRunMS int64 `json:"visible_run_ms,omitempty"`
	// PeakMemoryBytes is the sandbox's peak memory use; 0 when unknown.
	PeakMemoryBytes int64     `json:"peak_memory_bytes,omitempty"`
	StartedAt       time.Time `json:"started_at"`
	FinishedAt      time.Time `json:"finished_at"`
	Worker          string    `json:"worker"`
	Attempt         int       `json:"attempt"`
	// DeadLettered marks a job given up on after too many attempts; its
	// id is also kept on the store's dead-letter list.
	DeadLettered bool `json:"dead_lettered,omitempty"`
	// Regrade is copied from the submission: the result of a regrade's copy.
	Regrade *RegradeRef `json:"regrade,omitempty"`
	// Mode is copied from the submission: ModeRun for a Run's result.
	Mode Mode `json:"mode,omitempty"`
	// Scratch is a Run's own tests' lines (they never count: not in Tests,
	// Passed or Total).
	Scratch []TestResult `json:"scratch,omitempty"`
	// Score is the submission's score over its expected tests (ScoreOf;
	// staff only). Nil for a Run, a verdict that graded nothing, and
	// results recorded before scores (ResultScore computes theirs).
	Score *Score `json:"score,omitempty"`
	// Reference is the reference solution's timing run in the same
	// container (staff only; nil when none was made, and until it is
	// attached: the result is recorded and announced before the timing
	// run ends, and the timing added to it afterwards).
	Reference *ReferenceTiming `json:"reference,omitempty"`
}

// State is everything known about a submission right now.
type State struct {
	Submission Submission `json:"submission"`
	Status     Status     `json:"status"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	Worker     string     `json:"worker,omitempty"`
	Result     *Result    `json:"result,omitempty"`
}

// Sentinel errors that callers branch on.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	// ErrClaimLost is returned by Queue.Extend when the job belongs to
	// another worker now (or was acked): the caller should stop running it.
	ErrClaimLost = errors.New("claim lost")
	// ErrKeyReused is returned when an idempotency key comes back with a
	// different request than the one it was first sent with.
	ErrKeyReused = errors.New("idempotency key reused with a different request")
)

// Event is one recorded result waiting to be announced (webhooks).
type Event struct {
	// Receipt identifies the event to its stream (an entry id).
	Receipt      string
	SubmissionID string
}

// Delivery is one attempt to deliver a submission's webhook event.
type Delivery struct {
	SubmissionID string    `json:"submission_id"`
	URL          string    `json:"url"`
	Attempt      int       `json:"attempt"`
	At           time.Time `json:"at"`
	Status       int       `json:"status,omitempty"` // the receiver's HTTP status, 0 if none
	Error        string    `json:"error,omitempty"`
	DurationMS   int64     `json:"duration_ms"`
	Delivered    bool      `json:"delivered"`
	GaveUp       bool      `json:"gave_up,omitempty"`
}
