package runner

import (
	"context"
	"time"
)

// Job is one delivery of a queued submission to a worker.
type Job struct {
	SubmissionID string
	// Receipt identifies this delivery to the queue (a stream entry id).
	Receipt string
	// Attempt counts deliveries of this submission, starting at 1.
	Attempt int
	// Lane is the queue lane the job came from (LaneLive or LaneRegrade).
	Lane string
}

// Queue hands out submissions to run. A job stays claimed until Ack; a job
// whose claim is not extended for the queue's lease time is handed to another
// worker, so a worker that dies loses nothing.
type Queue interface {
	// Next blocks until a job is available or ctx ends.
	Next(ctx context.Context, worker string) (Job, error)
	// Extend renews the worker's claim on a job it is still running.
	Extend(ctx context.Context, worker string, job Job) error
	// Ack removes a finished job from the queue. Call it only after the
	// result is stored.
	Ack(ctx context.Context, job Job) error
}

// Store keeps submissions and their results.
type Store interface {
	Submission(ctx context.Context, id string) (Submission, error)
	// MarkRunning records that worker started the submission at the given time.
	MarkRunning(ctx context.Context, id, worker string, at time.Time) error
	// SaveResult records a result unless one is already recorded, and
	// reports whether this call recorded it.
	SaveResult(ctx context.Context, r Result) (bool, error)
	// AttachReference adds the reference's timing run (Result.Reference)
	// to the recorded result of submission id, after SaveResult: it
	// changes nothing else of the result, and reports whether it attached
	// t. It is a no-op (false, nil) when there is no recorded result or
	// the result already has a reference timing.
	AttachReference(ctx context.Context, id string, t *ReferenceTiming) (bool, error)
}

// Suite is what a submission is graded with: the challenge's tests, fixtures
// and support files, the tests it must report, and its limits.
type Suite struct {
	Challenge string
	Version   string
	// Entry lists the file names a candidate submits.
	Entry []string
	// Files are placed in the sandbox's work directory, keyed by
	// slash-separated relative path (tests/visible/test_x.py, fixtures/a.csv).
	Files map[string][]byte
	// Expected lists the test ids a complete report must contain. Empty
	// means unknown (a challenge being validated): any report is complete.
	Expected []string
	Limits   Limits
	// Image names the sandbox package set ("" is the default image).
	Image string
	// HiddenPrograms: the hidden tests themselves start programs (a
	// "tests" challenge runs the candidate's tests in one), so the hidden
	// phase lets trusted code start them; otherwise nothing may.
	HiddenPrograms bool
	// ReferenceMS is the reference solution's runtime of each expected
	// test, by id (nil when unknown): what a canary of that test costs.
	ReferenceMS map[string]float64
	// Weights is each expected test's weight, tags and group, by id, as
	// expected.json records them; nil weighs every test 1.
	Weights map[string]TestWeight
	// Reference is the reference solution's files, by entry file name
	// (nil when unknown): what RunSpec.Reference times.
	Reference map[string][]byte
}

// Suites finds the suite for a challenge version.
type Suites interface {
	Suite(ctx context.Context, challenge, version string) (Suite, error)
}

// Limits bound one run.
type Limits struct {
	Wall        time.Duration // whole run, enforced by the worker
	TestTimeout time.Duration // per test, enforced by pytest-timeout
	CPUs        float64
	MemoryBytes int64 // memory and memory+swap
	Pids        int64
	NoFile      int64
	FileSize    int64 // largest file a process may write
	Scratch     int64 // size of the writable tmpfs
	OutputBytes int64 // candidate output kept in the result
}

// File is one file placed in the sandbox.
type File struct {
	Path string // slash-separated, relative to the work directory
	Data []byte
}

// RunSpec describes one sandboxed pytest run. It has up to two phases: the
// visible phase runs with Files only; the hidden phase, when Hidden is not
// empty, runs tests/hidden after every process of the first phase is
// killed and the work directory is written afresh with Files and Hidden.
// So hidden tests are never on disk while output the candidate sees is made.
type RunSpec struct {
	// ID names the run in labels and logs (the submission id).
	ID     string
	Files  []File
	Hidden []File
	// Entry names the candidate's files among Files; every other file is
	// the challenge's and must not change during the run.
	Entry  []string
	Limits Limits
	// Image names the sandbox package set the run needs ("" is the default).
	Image string
	// HiddenPrograms: see Suite.
	HiddenPrograms bool
	// Canaries says how many canaries the hidden phase gets (see
	// CanaryPolicy).
	Canaries CanaryPolicy
	// Scratch, for a Run (no Hidden), is the candidate's own test file:
	// written after the visible phase and run in a phase of its own,
	// PhaseScratch, whose results never count.
	Scratch []File
	// Reference, when set, is the reference solution's entry files: once
	// the harness has reported the run, the sandbox sends them, and the
	// harness runs the same tests (plain, no canaries) with them in the
	// same container, every candidate process dead and the sandbox wiped
	// (RunResult.Reference). Run returns the run's result without waiting
	// for it, and it can change nothing of that result.
	Reference []File
}

// CanaryPolicy sizes a run's canaries. A forgery that reads the hidden
// tests in-process cannot tell a canary from its twin, so it passes k
// canaries with probability 1/2^k at best: every run gets a few, and more
// (up to 16) while the reference's runtime of their twins fits a budget
// (a tenth of the hidden tests' time, at least 100 ms).
type CanaryPolicy struct {
	// CostMS is the reference's runtime per test id (Suite.ReferenceMS);
	// without it a run gets only the few.
	CostMS map[string]float64
	// All gives every test that can be a source a canary: `assay
	// challenges check` runs the reference so, and each canary a run may
	// draw must then fail.
	All bool
}

// Phase names.
const (
	PhaseVisible = "visible"
	PhaseScratch = "scratch"
	PhaseHidden  = "hidden"
)

// PhaseResult is how one pytest invocation ended.
type PhaseResult struct {
	Name string
	// ExitCode is pytest's exit status as seen by the harness, or -1 when
	// it was killed by a signal.
	ExitCode int
	Signal   int
	// Report is pytest's JUnit XML, nil when none was written.
	Report []byte
	// Problem explains, for humans, why the phase has no clean report.
	Problem string
	// Output is pytest's combined stdout and stderr (head and tail kept).
	Output          []byte
	OutputTruncated bool
	// Findings is the harness's evidence of tampering in this phase: the
	// watcher's, the guard's, the audit hook's and its own.
	Findings []Finding
	// Tally is the guard plugin's count of outcomes as pytest reported
	// them while the tests ran; nil when the guard sent none.
	Tally *Tally
	// Durations is each test's call phase in nanoseconds as the harness
	// measured it, by the report's test id (run names in the hidden
	// phase); nil when it sent none. Informational, never evidence.
	Durations map[string]int64
}

// Tally counts outcomes as the guard plugin saw pytest report them: Passed
// counts passed calls, Failed every failed or errored step, Skipped skips.
type Tally struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

// RunResult describes how a sandboxed run ended. The candidate's failures
// are values here; Sandbox.Run returns an error only when the system failed.
type RunResult struct {
	Phases []PhaseResult
	// Problem explains a run whose harness reported nothing.
	Problem string
	// Diagnostics is the start of the harness's stderr, for operators.
	Diagnostics string
	TimedOut    bool // the wall-clock deadline ended the run
	OOMKilled   bool // the kernel's OOM killer fired in the container
	OutputLimit bool // output passed the hard cap and the run was stopped
	Duration    time.Duration
	// PeakMemoryBytes is the container's peak memory use (the harness's
	// own included); 0 when unknown.
	PeakMemoryBytes int64
	// VisibleDuration is the visible phase's time alone, as the harness
	// measured it; 0 when unknown.
	VisibleDuration time.Duration
	// Renames maps each hidden test function's name in this run (random,
	// fresh every run) to its own name: the harness renames them all, so
	// that the canaries hide among them.
	Renames map[string]string
	// Canaries lists the run names of the canary tests the harness added
	// to the hidden phase: copies of hidden tests with a perturbed
	// expectation, which any honest run fails.
	Canaries []string
	// Twins maps each canary's run name to its twin's own name (the real
	// test it copies). Nil in replies made before twins were reported:
	// then any canary passed is evidence.
	Twins map[string]string
	// CanaryGroups is, for a run with CanaryPolicy.All (`assay challenges
	// check`), the mean number of independent guesses (a balanced pair, a
	// swapped couple) a live run's canaries make a forger who reads the
	// tests, over many draws; 0 otherwise.
	CanaryGroups float64
	// Reference delivers the reference solution's timing run
	// (RunSpec.Reference) once it has ended, which is after Run returned:
	// one value, never nil, then the channel is closed. Nil when no timing
	// run was started (none was asked for, or the run's reply was not
	// whole). Grade never reads it.
	Reference <-chan *ReferenceTiming
}

// WaitReference waits for the reference's timing run (Reference) until
// ctx ends; nil when none was started or ctx ended first.
func (r RunResult) WaitReference(ctx context.Context) *ReferenceTiming {
	if r.Reference == nil {
		return nil
	}
	select {
	case t := <-r.Reference:
		return t
	case <-ctx.Done():
		return nil
	}
}

// Sandbox runs a pytest suite in isolation.
type Sandbox interface {
	// Run runs spec and returns as soon as the run's result is in. When
	// spec.Reference is set, the reference's timing run goes on after Run
	// has returned, in the same container, until it ends, its own time
	// budget runs out or ctx ends, and RunResult.Reference delivers it;
	// the container is removed after it. So a caller that wants the
	// timing keeps ctx alive until it has it, and cancels ctx to stop it.
	Run(ctx context.Context, spec RunSpec) (RunResult, error)
}
