package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"assay/internal/wait"
)

// WorkerConfig configures a Worker. Zero values take the documented defaults.
type WorkerConfig struct {
	// ID names this worker to the queue; it must be unique among live workers.
	ID string
	// Concurrency is how many submissions run at once; default 1.
	Concurrency int
	// MaxAttempts bounds deliveries of one submission: a job that keeps
	// failing the system (or killing workers) is recorded as internal_error
	// after this many; default 3.
	MaxAttempts int
	// ExtendEvery is how often a running job's claim is renewed; default
	// 5s. Keep it well under the queue's lease.
	ExtendEvery time.Duration
	// DrainTimeout is how long running jobs may go on after Run's context
	// ends (shutdown) before they are cancelled and left to the queue;
	// default 30s. New jobs are not taken meanwhile.
	DrainTimeout time.Duration
	// RetryDelay is the pause after a system failure before the next job,
	// so a broken engine is not hammered; default 1s.
	RetryDelay time.Duration
	// ReferenceTiming: after a live submission's run, the sandbox times
	// the reference solution on the same tests in the same container
	// (RunSpec.Reference), for interviewers. Never for Runs or regrades.
	// Default off (cmd/assay turns it on: ASSAY_REFERENCE_TIMING).
	ReferenceTiming bool

	Queue   Queue
	Store   Store
	Suites  Suites
	Sandbox Sandbox
	// Ready says whether the sandbox's engine can run jobs now; while it
	// errs the worker takes no jobs (they stay queued for a healthy
	// worker) and asks again every RetryDelay. Nil means always ready.
	Ready func(ctx context.Context) error
	// ReadyEvery bounds how long an idle worker waits for a job before it
	// asks Ready again, so an engine that goes away while the worker is
	// idle is noticed before the next job is taken; default 5s.
	ReadyEvery time.Duration
	// Observer is told about jobs, for metrics; default none.
	Observer Observer
	Logger   *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.Concurrency <= 0 {
		c.Concurrency = 1
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.ExtendEvery <= 0 {
		c.ExtendEvery = 5 * time.Second
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = time.Second
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 30 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	if c.ReadyEvery <= 0 {
		c.ReadyEvery = 5 * time.Second
	}
	if c.Ready == nil {
		c.Ready = func(context.Context) error { return nil }
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (c WorkerConfig) validate() error {
	switch {
	case c.ID == "":
		return errors.New("worker: ID is required")
	case c.Queue == nil || c.Store == nil || c.Suites == nil || c.Sandbox == nil:
		return errors.New("worker: Queue, Store, Suites and Sandbox are required")
	}
	return nil
}

// Worker takes submissions off the queue, runs them in the sandbox, and
// records one result for each.
type Worker struct {
	cfg WorkerConfig
	log *slog.Logger

	mu      sync.Mutex
	running map[string]int // submission id -> jobs of it running here
	health  health
}

// NewWorker checks cfg and returns a worker.
func NewWorker(cfg WorkerConfig) (*Worker, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := cfg.Logger.With(slog.String("worker", cfg.ID))
	return &Worker{cfg: cfg, log: log, running: map[string]int{}, health: health{log: log}}, nil
}

// Running reports whether this worker is running a job of the submission
// now. Its sandbox containers for other submissions are leftovers.
func (w *Worker) Running(submissionID string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.running[submissionID] > 0
}

func (w *Worker) track(id string, delta int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running[id] += delta; w.running[id] <= 0 {
		delete(w.running, id)
	}
}

// Run processes jobs until ctx ends, then stops taking jobs and lets the
// running ones finish for up to DrainTimeout. A job still running after
// that is cancelled, neither recorded nor acknowledged, so the queue hands
// it to another worker.
func (w *Worker) Run(ctx context.Context) error {
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	stopDrain := context.AfterFunc(ctx, func() {
		w.log.Info("draining: no new jobs", slog.Duration("drain_timeout", w.cfg.DrainTimeout))
		time.AfterFunc(w.cfg.DrainTimeout, cancelJobs)
	})
	defer stopDrain()
	var wg sync.WaitGroup
	for range w.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.loop(ctx, jobCtx)
		}()
	}
	wg.Wait()
	return nil
}

func (w *Worker) loop(ctx, jobCtx context.Context) {
	for ctx.Err() == nil {
		if err := w.cfg.Ready(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			w.health.set("sandbox", err)
			_ = wait.Sleep(ctx, w.cfg.RetryDelay)
			continue
		}
		w.health.set("sandbox", nil)
		nctx, cancel := context.WithTimeout(ctx, w.cfg.ReadyEvery)
		job, err := w.cfg.Queue.Next(nctx, w.cfg.ID)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if errors.Is(err, context.DeadlineExceeded) {
				continue // no job for a while: check readiness again
			}
			w.health.set("queue", err)
			_ = wait.Sleep(ctx, w.cfg.RetryDelay)
			continue
		}
		w.health.set("queue", nil)
		if err := w.Process(jobCtx, job); err != nil && jobCtx.Err() == nil {
			w.log.Error("job failed; it will be retried", slog.String("submission", job.SubmissionID), slog.Int("attempt", job.Attempt), slog.Any("err", err))
			_ = wait.Sleep(ctx, w.cfg.RetryDelay)
		}
	}
}

// Process runs one job to a recorded result. An error means the system
// failed and the job was left on the queue to be retried.
func (w *Worker) Process(ctx context.Context, job Job) error {
	log := w.log.With(slog.String("submission", job.SubmissionID), slog.Int("attempt", job.Attempt))
	if job.Lane != LaneLive {
		log = log.With(slog.String("lane", job.Lane))
	}
	w.track(job.SubmissionID, 1)
	defer w.track(job.SubmissionID, -1)
	w.cfg.Observer.JobStarted()
	defer w.cfg.Observer.JobEnded()
	if job.Attempt > 1 {
		w.cfg.Observer.Reclaimed()
	}
	sub, err := w.cfg.Store.Submission(ctx, job.SubmissionID)
	if errors.Is(err, ErrNotFound) {
		log.Warn("job without a submission record; dropping it")
		return w.ack(ctx, job)
	}
	if err != nil {
		return fmt.Errorf("load submission: %w", err)
	}
	started := w.cfg.Now()
	res := Result{
		SubmissionID:     sub.ID,
		ChallengeVersion: sub.ChallengeVersion,
		StartedAt:        started,
		QueuedMS:         started.Sub(sub.CreatedAt).Milliseconds(),
		Worker:           w.cfg.ID,
		Attempt:          job.Attempt,
	}

	if job.Attempt > w.cfg.MaxAttempts {
		res.Verdict = VerdictInternalError
		res.Reason = fmt.Sprintf("gave up after %d attempts: the system could not run this submission", job.Attempt-1)
		res.DeadLettered = true
		return w.record(ctx, log, job, sub, res)
	}
	suite, err := w.cfg.Suites.Suite(ctx, sub.Challenge, sub.ChallengeVersion)
	if errors.Is(err, ErrNotFound) {
		res.Verdict, res.Reason = VerdictRejected, fmt.Sprintf("challenge %s version %s is not available", sub.Challenge, sub.ChallengeVersion)
		return w.record(ctx, log, job, sub, res)
	}
	if err != nil {
		return fmt.Errorf("load suite: %w", err)
	}
	files, hidden, err := SandboxFiles(suite, sub.Files)
	if err != nil {
		res.Verdict, res.Reason = VerdictRejected, err.Error()
		return w.record(ctx, log, job, sub, res)
	}
	expected := suite.Expected
	var scratch []File
	if sub.Mode == ModeRun {
		// The visible tests only: nothing of the hidden ones is sent.
		parts := RunPartsOf(suite, sub)
		hidden, expected, scratch = nil, parts.Expected, parts.Scratch
	}

	if err := w.cfg.Store.MarkRunning(ctx, sub.ID, w.cfg.ID, started); err != nil {
		return fmt.Errorf("mark running: %w", err)
	}
	log.Info("job running", slog.String("challenge", sub.Challenge), slog.Int64("queued_ms", res.QueuedMS))

	// The claim is kept from here until the job is acknowledged: through
	// the run, and through the reference's timing run after the result is
	// recorded (the container is still in use).
	runCtx, stopExtending := context.WithCancelCause(ctx)
	extended := make(chan struct{})
	go func() {
		defer close(extended)
		w.keepClaim(runCtx, stopExtending, log, job)
	}()
	stop := func() {
		stopExtending(nil)
		<-extended
	}
	var reference []File
	if w.cfg.ReferenceTiming && sub.Mode != ModeRun && sub.Regrade == nil && timedCheaply(suite) {
		reference = ReferenceFiles(suite)
	}
	run, err := w.cfg.Sandbox.Run(runCtx, RunSpec{ID: sub.ID, Files: files, Hidden: hidden, Entry: suite.Entry, Limits: suite.Limits, Image: suite.Image, HiddenPrograms: suite.HiddenPrograms,
		Canaries: CanaryPolicy{CostMS: suite.ReferenceMS}, Scratch: scratch, Reference: reference})
	if lost := context.Cause(runCtx); errors.Is(lost, ErrClaimLost) {
		stop() // also stops a timing run in progress
		return fmt.Errorf("stopped: %w", lost)
	}
	if err != nil {
		stop()
		return fmt.Errorf("sandbox: %w", err)
	}

	res.Flags = Flags(sub.Files)
	var scratchOutput string
	if sub.Mode == ModeRun {
		run, res.Scratch, scratchOutput = SplitScratch(run)
	}
	g := Grade(expected, run)
	res.Verdict, res.Reason, res.Passed, res.Total, res.Tests = g.Verdict, g.Reason, g.Passed, g.Total, g.Tests
	res.Tampering = g.Findings
	res.Mode = sub.Mode
	res.Score = ScoreOf(&res, suite.Weights)
	res.Flags = append(res.Flags, g.Notes...)
	res.CanaryNearMisses = g.NearMisses
	if g.Detail != g.Reason {
		res.ReasonDetail = g.Detail
	}
	for _, ph := range run.Phases {
		if ph.Name == PhaseHidden {
			res.HiddenOutput, res.HiddenOutputTruncated = string(ph.Output), ph.OutputTruncated
		} else {
			res.Output, res.OutputTruncated = string(ph.Output), ph.OutputTruncated
		}
	}
	if scratchOutput != "" {
		res.Output += "\n--- your tests (" + ScratchPath + ") ---\n" + scratchOutput
	}
	res.RunMS = run.Duration.Milliseconds()
	res.VisibleRunMS = run.VisibleDuration.Milliseconds()
	res.PeakMemoryBytes = run.PeakMemoryBytes
	// The result is recorded (and announced) now, without the reference's
	// timing run, which goes on in the sandbox: the candidate never waits
	// for it, and nothing of it can reach their result.
	saved, err := w.save(ctx, log, sub, res)
	if err != nil {
		stop()
		return err
	}
	if saved && run.Reference != nil {
		w.attachReference(runCtx, log, sub.ID, run.Reference, referenceWait(suite.Limits))
	}
	stop() // a timing run whose result did not count stops here
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return w.ack(actx, job)
}

// referenceWait bounds how long a worker waits for the reference's timing
// run after recording the result: the sandbox ends the run within its own
// budget (at most the challenge's wall time) and delivers it, so this
// only keeps a sandbox that never answers from holding the job.
func referenceWait(l Limits) time.Duration { return l.Wall + time.Minute }

// attachReference waits (within wait, and while ctx lasts) for the
// reference's timing run of a recorded result and attaches it. Whatever
// goes wrong only leaves the result without it: it is informational.
func (w *Worker) attachReference(ctx context.Context, log *slog.Logger, id string, timing <-chan *ReferenceTiming, wait time.Duration) {
	t := time.NewTimer(wait)
	defer t.Stop()
	var ref *ReferenceTiming
	select {
	case ref = <-timing:
	case <-ctx.Done():
		log.Info("reference timing abandoned: the job was stopped")
		return
	case <-t.C:
		log.Warn("reference timing abandoned: the sandbox did not deliver it", slog.Duration("waited", wait))
		return
	}
	if ref == nil {
		return
	}
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	attached, err := w.cfg.Store.AttachReference(actx, id, ref)
	switch {
	case err != nil:
		log.Warn("attach reference timing", slog.Any("err", err))
	case !attached:
		log.Warn("reference timing not attached: the result is gone or already has one")
	default:
		log.Info("reference timed", slog.Int64("run_ms", ref.RunMS), slog.Int("tests", len(ref.TestsUS)), slog.String("problem", ref.Problem))
	}
}

// record saves the result (once) and acknowledges the job. Both use a fresh
// bounded context: a result in hand must not be lost to a cancelled job.
func (w *Worker) record(ctx context.Context, log *slog.Logger, job Job, sub Submission, res Result) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := w.save(sctx, log, sub, res); err != nil {
		return err
	}
	return w.ack(sctx, job)
}

// save records the result unless one is recorded already, and reports
// whether this call recorded it. It uses a fresh bounded context: a result
// in hand must not be lost to a cancelled job.
func (w *Worker) save(ctx context.Context, log *slog.Logger, sub Submission, res Result) (bool, error) {
	res.FinishedAt = w.cfg.Now()
	res.Regrade = sub.Regrade
	res.Mode = sub.Mode
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	saved, err := w.cfg.Store.SaveResult(sctx, res)
	if err != nil {
		return false, fmt.Errorf("save result: %w", err)
	}
	if saved {
		w.cfg.Observer.Recorded(sub.Challenge, res.Verdict, time.Duration(res.RunMS)*time.Millisecond)
		if res.DeadLettered {
			w.cfg.Observer.DeadLettered()
		}
		log.Info("job done", slog.String("verdict", string(res.Verdict)), slog.Int("passed", res.Passed), slog.Int("total", res.Total), slog.Int64("run_ms", res.RunMS))
	} else {
		log.Warn("job done again; the first result stands", slog.String("verdict", string(res.Verdict)))
	}
	return saved, nil
}

func (w *Worker) ack(ctx context.Context, job Job) error {
	if err := w.cfg.Queue.Ack(ctx, job); err != nil {
		return fmt.Errorf("ack: %w", err)
	}
	return nil
}

// keepClaim renews the claim on job until ctx ends; when the queue says
// another worker owns the job now, it stops the run.
func (w *Worker) keepClaim(ctx context.Context, stop context.CancelCauseFunc, log *slog.Logger, job Job) {
	t := time.NewTicker(w.cfg.ExtendEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			err := w.cfg.Queue.Extend(ctx, w.cfg.ID, job)
			switch {
			case errors.Is(err, ErrClaimLost):
				log.Warn("another worker owns this job now; stopping it")
				stop(err)
				return
			case err != nil && ctx.Err() == nil:
				log.Warn("extend claim", slog.Any("err", err))
			}
		}
	}
}

// SandboxFiles splits a run's files into those of every phase (the
// suite's files but hidden tests, plus exactly the candidate's entry files:
// nothing else of the candidate's reaches the sandbox) and the hidden tests.
func SandboxFiles(suite Suite, candidate map[string]string) (files, hidden []File, err error) {
	if err := CheckFiles(suite.Entry, candidate); err != nil {
		return nil, nil, err
	}
	for p, b := range suite.Files {
		if strings.HasPrefix(p, HiddenDir) {
			hidden = append(hidden, File{Path: p, Data: b})
		} else {
			files = append(files, File{Path: p, Data: b})
		}
	}
	for _, name := range suite.Entry {
		files = append(files, File{Path: name, Data: []byte(candidate[name])})
	}
	byPath := func(f []File) { sort.Slice(f, func(i, j int) bool { return f[i].Path < f[j].Path }) }
	byPath(files)
	byPath(hidden)
	return files, hidden, nil
}

// MaxTimedReferenceMS bounds the reference's recorded test time (the sum
// of expected.json's reference_ms) for which a submission's run also times
// the reference. The candidate does not wait for the timing run (the
// result is recorded first), but the worker does: the job holds its slot
// and its container until the timing ends, so each timed submission costs
// a worker about the reference's suite time again (plus the run's fixed
// cost), and in a burst that is queue time for every candidate behind it.
// The cap keeps that cost to about a second a submission (see
// docs/PERFORMANCE.md, "Reference timing"). Heavier suites compare with
// expected.json's times instead (the page says which).
const MaxTimedReferenceMS = 1000

// timedCheaply reports whether the suite's reference is fast enough to be
// timed beside each submission (MaxTimedReferenceMS).
func timedCheaply(suite Suite) bool {
	var total float64
	for _, ms := range suite.ReferenceMS {
		total += ms
	}
	return total <= MaxTimedReferenceMS
}

// ReferenceFiles is the reference solution as a run's entry files, or nil
// when the suite does not have it for every entry file.
func ReferenceFiles(suite Suite) []File {
	out := make([]File, 0, len(suite.Entry))
	for _, name := range suite.Entry {
		data, ok := suite.Reference[name]
		if !ok {
			return nil
		}
		out = append(out, File{Path: name, Data: data})
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// CheckFiles reports whether files holds exactly the entry names.
func CheckFiles(entry []string, files map[string]string) error {
	want := make(map[string]bool, len(entry))
	for _, e := range entry {
		want[e] = true
		if _, ok := files[e]; !ok {
			return fmt.Errorf("file %s is missing (this challenge takes %v)", e, entry)
		}
	}
	for name := range files {
		if !want[name] {
			return fmt.Errorf("file %q is not part of this challenge (it takes %v)", name, entry)
		}
	}
	return nil
}

// health logs a dependency's failures once when they start and once when
// they end, rather than once per retry.
type health struct {
	log  *slog.Logger
	mu   sync.Mutex
	down map[string]bool
}

func (h *health) set(what string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.down == nil {
		h.down = map[string]bool{}
	}
	switch {
	case err != nil && !h.down[what]:
		h.down[what] = true
		h.log.Error(what+" unavailable; not taking jobs until it is back", slog.Any("err", err))
	case err == nil && h.down[what]:
		h.down[what] = false
		h.log.Info(what + " is back; taking jobs again")
	}
}
