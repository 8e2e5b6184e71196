// Package docker runs pytest suites in fresh, locked-down Docker containers:
// one container per run, files in and the report out through the container's
// stdin and stdout (never bind mounts), no network, non-root, read-only root
// filesystem, resource limits, a wall-clock deadline, and removal afterwards.
package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/containerd/errdefs"
	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
	"github.com/docker/docker/pkg/stdcopy"

	"assay/runner"
)

// Labels put on every container, so that its owner can find it again.
const (
	LabelSubmission = "assay.submission"
	LabelWorker     = "assay.worker"
	// LabelDeadline is when (Unix seconds) the container is past any use:
	// its run's wall time and kill grace are over. The sweep removes such
	// containers whoever made them, so a dead worker's leftovers go too.
	LabelDeadline = "assay.deadline"
	// LabelRun is a random id of the run, unique per container.
	LabelRun = "assay.run"
)

// deadlineMargin is added to a container's deadline label, so the sweep
// never races a run that is being cleaned up normally.
const deadlineMargin = time.Minute

// sandboxName is the user name the sandbox's processes see in USER and
// LOGNAME (getpass.getuser() reads them first): their uid is the
// container's own (see uids.go) and has no /etc/passwd entry.
const sandboxName = "sandbox"

// gvisorThreads is the pids headroom for gVisor's own host threads.
const gvisorThreads = 256

// gvisorMemoryHeadroom is added to the container's memory cgroup limit
// under gVisor, where the harness enforces the run's limit itself (it
// checks every 10 ms; runs seen overshooting by under 10 MiB): a forked
// pytest that reaches the cgroup's limit there can stall, neither killed
// nor served, until the wall time (seen with Debian's runsc 20221219 on
// cgroup v1), which would turn a memory verdict into a timeout.
const gvisorMemoryHeadroom = 64 << 20

// runcMemoryHeadroom is how far below the memory cgroup's limit the
// harness stops a run under runc, measuring what the kernel cannot
// reclaim (the cgroup's usage less its page cache: anonymous, shared and
// kernel memory): a process that fills the cgroup with it (there is no
// swap) can stall in reclaim, the kernel
// evicting and refaulting the file pages it runs from, instead of being
// OOM-killed (seen on a loaded host: a memory bomb inside bytearray()
// until the 10 s wall, where alone it was killed in 1.6 s). The headroom
// leaves room for those pages: a sixteenth of the limit, at least 8 MiB.
func runcMemoryHeadroom(limit int64) int64 {
	return min(max(limit/16, 8<<20), limit/2)
}

// ErrEngine marks failures to reach or use the Docker engine.
var ErrEngine = errors.New("docker engine")

// ErrHarness marks a run whose harness reported that it could not set
// itself up (before any candidate code ran): the system's fault, so Run
// returns it as an error (the worker retries, then records internal_error)
// rather than a result that would be graded as the candidate's.
var ErrHarness = errors.New("sandbox harness failed")

// Sandbox implements runner.Sandbox on a Docker engine.
type Sandbox struct {
	cli *client.Client
	cfg Config

	mu       sync.Mutex
	running  map[string]bool // LabelRun values of this sandbox's live containers
	removals sync.WaitGroup
	pool     *pool
	uids     *uids // of the live containers
}

var _ runner.Sandbox = (*Sandbox)(nil)

// New connects to the engine named by the environment (DOCKER_HOST etc.),
// negotiating the API version, and checks that the image exists.
func New(ctx context.Context, cfg Config) (*Sandbox, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("%w: new client: %w", ErrEngine, err)
	}
	s := &Sandbox{cli: cli, cfg: cfg.withDefaults(), running: map[string]bool{}, uids: newUIDs()}
	s.pool = newPool(s)
	if err := s.Ping(ctx); err != nil {
		cli.Close()
		return nil, err
	}
	return s, nil
}

// Close drains the warm pool, waits for container removals in flight and
// releases the client.
func (s *Sandbox) Close() error {
	s.pool.close()
	s.removals.Wait()
	return s.cli.Close()
}

// RuntimeName is the OCI runtime this sandbox's containers run under: the
// configured one, or the engine's default (asked of the engine; "" when
// it does not answer).
func (s *Sandbox) RuntimeName(ctx context.Context) string {
	if s.cfg.Runtime != "" {
		return s.cfg.Runtime
	}
	info, err := s.cli.Info(ctx)
	if err != nil {
		s.cfg.Logger.Warn("ask the engine for its default runtime", slog.Any("err", err))
		return ""
	}
	return info.DefaultRuntime
}

// Client exposes the engine client, for tests and housekeeping.
func (s *Sandbox) Client() *client.Client { return s.cli }

// ErrUnknownImage marks a run that names a package set this sandbox has no
// image for.
var ErrUnknownImage = errors.New("unknown sandbox image")

// imageFor returns the image of a package set ("" is the default image).
func (s *Sandbox) imageFor(set string) (string, error) {
	if set == "" {
		return s.cfg.Image, nil
	}
	if img, ok := s.cfg.Images[set]; ok {
		return img, nil
	}
	return "", fmt.Errorf("%w: no image for package set %q", ErrUnknownImage, set)
}

// HasImage checks that the image of a package set exists on the engine.
func (s *Sandbox) HasImage(ctx context.Context, set string) error {
	img, err := s.imageFor(set)
	if err != nil {
		return err
	}
	if _, err := s.cli.ImageInspect(ctx, img); err != nil {
		return fmt.Errorf("%w: image %s for %q: %w (build it with `make image`)", ErrEngine, img, set, err)
	}
	return nil
}

// Ping checks that the engine answers and the image is present.
func (s *Sandbox) Ping(ctx context.Context) error {
	if _, err := s.cli.Ping(ctx); err != nil {
		return fmt.Errorf("%w: unreachable: %w", ErrEngine, err)
	}
	if _, err := s.cli.ImageInspect(ctx, s.cfg.Image); err != nil {
		return fmt.Errorf("%w: image %s: %w (build it with `make image`)", ErrEngine, s.cfg.Image, err)
	}
	return nil
}

// started is a sandbox container that runs the harness: attached, its exit
// watched, the harness importing pytest or waiting for its request.
type started struct {
	id, run  string
	uid      int // the container's own (uids.go), released on removal
	att      types.HijackedResponse
	stdout   *capped
	stderr   *capped
	copied   chan error
	waitC    <-chan container.WaitResponse
	waitErrC <-chan error
	stopWait context.CancelFunc
	at       time.Time
}

// exited reports whether the container has already ended (a pooled one
// whose harness died is not used).
func (c *started) exited() bool {
	select {
	case <-c.waitC:
		return true
	case <-c.waitErrC:
		return true
	default:
		return false
	}
}

// Run runs spec in a fresh container (a pre-started one from the warm pool
// when there is one) and removes the container afterwards, off the
// critical path (WaitRemoved waits for removals in flight). With
// spec.Reference, it returns as soon as the harness's reply is read, and
// the reference's timing run goes on in the same container under ctx
// (RunResult.Reference delivers it); the container is removed after it,
// and WaitRemoved and Close wait for it too.
func (s *Sandbox) Run(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	nonce, err := randomHex(16)
	if err != nil {
		return runner.RunResult{}, err
	}
	in, err := input(spec, nonce)
	if err != nil {
		return runner.RunResult{}, err
	}
	image, err := s.imageFor(spec.Image)
	if err != nil {
		return runner.RunResult{}, err
	}
	c := s.pool.take(ctx, image, spec.Limits)
	if c == nil {
		if c, err = s.start(ctx, image, spec.Limits, spec.ID, 0); err != nil {
			return runner.RunResult{}, err
		}
	}
	res, timing, err := s.execute(ctx, c, spec, in, nonce)
	done := func() {
		s.removeLater(c, spec.ID)
		s.pool.release(image, spec.Limits)
	}
	if timing == nil {
		done()
		return res, err
	}
	// The run's result is whole and returned now; the container stays for
	// the timing run, which only the caller waits for. The removals count
	// it from here, so WaitRemoved and Close wait for its end.
	out := make(chan *runner.ReferenceTiming, 1)
	s.removals.Add(1)
	go func() {
		defer s.removals.Done()
		t := timing()
		done()
		out <- t
		close(out)
	}()
	res.Reference = out
	return res, nil
}

// anyPassed reports whether the guard counted a passed test in some phase
// of the run (or a phase has no count). The reference's timing run is for
// the ratios of the candidate's passed tests to the reference's: a run
// that passed none (a starter, code that does not import) has none to
// compare, and its timing run would cost a container's worth of CPU for
// nothing (a fifth of a small suite's submission: docs/PERFORMANCE.md).
// A forged count only buys or skips a timing run, never a verdict.
func anyPassed(res runner.RunResult) bool {
	for _, ph := range res.Phases {
		if ph.Tally == nil || ph.Tally.Passed > 0 {
			return true
		}
	}
	return false
}

// start creates, attaches and starts a sandbox container for runs with
// limits l. The container is live (safe from Sweep) until removed; it may
// wait up to idle for its request before its deadline label says it is a
// leftover.
func (s *Sandbox) start(ctx context.Context, image string, l runner.Limits, submission string, idle time.Duration) (*started, error) {
	run, err := randomHex(12)
	if err != nil {
		return nil, err
	}
	// The run is live from before its container exists until after it is
	// removed, so a concurrent Sweep can never take it for a leftover.
	s.setLive(run, true)
	uid, err := s.uids.take()
	if err != nil {
		s.setLive(run, false)
		return nil, err
	}
	id, err := s.create(ctx, image, l, submission, run, uid, idle)
	if err != nil {
		s.uids.release(uid)
		s.setLive(run, false)
		return nil, err
	}
	c := &started{id: id, run: run, uid: uid}
	fail := func(err error) (*started, error) {
		s.removeLater(c, submission)
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		// Ended while the engine created it (a pool stopping, a run
		// cancelled): created all the same, so removed, never left.
		return fail(err)
	}
	c.att, err = s.cli.ContainerAttach(ctx, id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return fail(fmt.Errorf("%w: attach: %w", ErrEngine, err))
	}
	// Register for the exit before starting, so a fast exit is not missed.
	waitCtx, stopWait := context.WithCancel(context.Background())
	c.stopWait = stopWait
	c.waitC, c.waitErrC = s.cli.ContainerWait(waitCtx, id, container.WaitConditionNextExit)
	c.stdout = &capped{max: s.cfg.StreamCap, over: make(chan struct{}), framed: make(chan struct{}), refFramed: make(chan struct{}),
		ready: make(chan struct{})}
	c.stderr = &capped{max: stderrCap, over: make(chan struct{})}
	c.copied = make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(c.stdout, c.stderr, c.att.Reader)
		c.copied <- err
	}()
	if err := s.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		s.cfg.OnStartFailure()
		return fail(fmt.Errorf("%w: start container: %w", ErrEngine, err))
	}
	c.at = time.Now()
	return c, nil
}

func (s *Sandbox) setLive(run string, live bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if live {
		s.running[run] = true
	} else {
		delete(s.running, run)
	}
}

// removeLater removes the container in the background; WaitRemoved and
// Close wait for it. Removal must happen even when the run's ctx is over.
func (s *Sandbox) removeLater(c *started, submission string) {
	s.removals.Add(1)
	go func() {
		defer s.removals.Done()
		defer s.setLive(c.run, false)
		if c.stopWait != nil {
			defer c.stopWait()
		}
		if c.att.Conn != nil {
			defer c.att.Close()
		}
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.cli.ContainerRemove(rctx, c.id, container.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !errdefs.IsNotFound(err) {
			// The container may live on (until a sweep): its uid stays taken.
			s.cfg.Logger.Error("remove container", slog.String("container", c.id), slog.String("submission", submission), slog.Any("err", err))
			return
		}
		s.uids.release(c.uid)
	}()
}

// createTimeout bounds a container's creation, which runs to its end
// even when the run or the pool that asked for it has ended.
const createTimeout = 30 * time.Second

// WaitRemoved waits until every container removal started so far is done.
func (s *Sandbox) WaitRemoved() { s.removals.Wait() }

func (s *Sandbox) create(ctx context.Context, image string, l runner.Limits, submission, run string, uid int, idle time.Duration) (string, error) {
	pids := l.Pids
	ulimits := []*container.Ulimit{
		{Name: "nofile", Soft: l.NoFile, Hard: l.NoFile},
		{Name: "fsize", Soft: l.FileSize, Hard: l.FileSize},
		{Name: "core", Soft: 0, Hard: 0},
	}
	// The container's own uid and gid, not the image's user: see uids.go.
	sandboxUser := userSpec(uid)
	user, caps, memory := sandboxUser, []string(nil), l.MemoryBytes
	env := []string{"PYTHONDONTWRITEBYTECODE=1", "HOME=/tmp", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1", "ASSAY_SANDBOX_USER=" + sandboxUser,
		"USER=" + sandboxName, "LOGNAME=" + sandboxName}
	if s.cfg.Runtime == "runsc" {
		// gVisor leaves a non-dumpable process's /proc/PID/fd open to
		// processes of the same uid, where the harness's stdin (the hidden
		// tests, the nonce) waits. So there the harness runs as root, with
		// only what it needs to become the sandbox user in each phase's
		// child before any candidate code runs (SETUID, SETGID, SETPCAP to
		// empty the bounding set), to kill the sandbox user's leftovers
		// between phases (KILL) and to read the report whatever its mode
		// (DAC_READ_SEARCH): the candidate's code runs as the sandbox user
		// with no capabilities, as under runc. The harness also enforces
		// the memory limit there, below the cgroup's (see
		// gvisorMemoryHeadroom).
		user, caps = "0:0", []string{"SETUID", "SETGID", "SETPCAP", "KILL", "DAC_READ_SEARCH"}
		env = append(env, "ASSAY_MEMORY_WATCH="+strconv.FormatInt(l.MemoryBytes, 10))
		memory += gvisorMemoryHeadroom
		// Under gVisor the pids cgroup also counts the gVisor kernel's own
		// host threads, so it gets headroom; gVisor enforces RLIMIT_NPROC
		// inside its own kernel, which bounds the candidate's processes.
		// (Under runc the pids cgroup bounds them.)
		pids += gvisorThreads
		ulimits = append(ulimits, &container.Ulimit{Name: "nproc", Soft: l.Pids, Hard: l.Pids})
	} else if l.MemoryBytes > 0 {
		// Under runc the harness watches the cgroup's unreclaimable
		// memory and stops the run a little before the kernel's limit
		// (see runcMemoryHeadroom).
		env = append(env, "ASSAY_MEMORY_WATCH="+strconv.FormatInt(l.MemoryBytes-runcMemoryHeadroom(l.MemoryBytes), 10),
			"ASSAY_MEMORY_MEASURE=cgroup")
	}
	cfg := &container.Config{
		Image:           image,
		User:            user,
		WorkingDir:      "/work",
		OpenStdin:       true,
		StdinOnce:       true,
		AttachStdin:     true,
		AttachStdout:    true,
		AttachStderr:    true,
		NetworkDisabled: true,
		Env:             env,
		Labels: map[string]string{
			LabelSubmission: submission, LabelWorker: s.cfg.Worker, LabelRun: run,
			LabelDeadline: strconv.FormatInt(time.Now().Add(idle+l.Wall+s.cfg.KillGrace+deadlineMargin).Unix(), 10),
		},
	}
	host := &container.HostConfig{
		NetworkMode:    "none",
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		CapAdd:         caps,
		SecurityOpt:    []string{"no-new-privileges"},
		Runtime:        s.cfg.Runtime,
		LogConfig:      container.LogConfig{Type: "none"},
		Tmpfs: map[string]string{
			// noexec everywhere the candidate can write: a shared object
			// or binary written there cannot be mapped executable, so no
			// native code of the candidate's runs beside pytest (an
			// extension module would be out of the audit hook's sight).
			"/work": "rw,noexec,nosuid,nodev,mode=1777,size=" + strconv.FormatInt(l.Scratch, 10),
			"/tmp":  "rw,noexec,nosuid,nodev,mode=1777,size=" + strconv.FormatInt(l.Scratch, 10),
		},
		Resources: container.Resources{
			Memory:     memory,
			MemorySwap: memory,
			NanoCPUs:   int64(l.CPUs * 1e9),
			PidsLimit:  &pids,
			Ulimits:    ulimits,
		},
	}
	// Not cancelled with ctx: the engine may finish a create whose caller
	// has gone, and nobody would know the container to remove it (a pool
	// stopped while warming left such containers behind, Created). The
	// caller removes it when ctx has ended meanwhile.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), createTimeout)
	defer cancel()
	resp, err := s.cli.ContainerCreate(cctx, cfg, host, nil, nil, "")
	if err != nil {
		s.cfg.OnStartFailure()
		s.removeUnanswered(ctx, run)
		return "", fmt.Errorf("%w: create container: %w", ErrEngine, err)
	}
	return resp.ID, nil
}

// removeUnanswered removes run's container after a create that failed, in
// case the engine made it all the same: a create whose answer was lost on
// the way (the connection broken, createTimeout over) can have been done,
// and nobody would know the container's id to remove it. Its run label
// finds it. A create the engine finishes only after this look is left to
// the sweep (the container carries this worker's name and a deadline).
func (s *Sandbox) removeUnanswered(ctx context.Context, run string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	list, err := s.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", LabelRun+"="+run))})
	if err != nil {
		s.cfg.Logger.Warn("look for the container of a failed create", slog.String("run", run), slog.Any("err", err))
		return
	}
	for _, c := range list {
		err := s.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true, RemoveVolumes: true})
		if err != nil && !errdefs.IsNotFound(err) {
			s.cfg.Logger.Error("remove the container of a failed create", slog.String("container", c.ID), slog.Any("err", err))
			continue
		}
		s.cfg.Logger.Warn("removed the container of a create whose answer was lost", slog.String("container", c.ID[:12]))
	}
}

// execute sends the request to a started container's harness and collects
// the result. When the reply is whole and spec asks for the reference's
// timing run, it also returns timing, which runs it in the same container
// (stdin is then left open for it); otherwise timing is nil.
func (s *Sandbox) execute(ctx context.Context, c *started, spec runner.RunSpec, in []byte, nonce string) (_ runner.RunResult, timing func() *runner.ReferenceTiming, _ error) {
	c.stdout.watch(nonce)
	// stdin stays open after the three parts: the reference's timing run,
	// if any, is a fourth part sent once the harness has reported (see
	// reference.go); closeInput ends stdin in every other case.
	written := make(chan struct{})
	go func() {
		defer close(written)
		// A failed write shows up as a missing report; the wait below decides.
		_, _ = c.att.Conn.Write(in)
	}()
	var closeOnce sync.Once
	closeInput := func() {
		closeOnce.Do(func() {
			go func() {
				<-written
				_ = c.att.CloseWrite()
			}()
		})
	}
	defer func() {
		if timing == nil {
			closeInput()
		}
	}()

	// The wall time counts from when the harness is ready, as the harness's
	// own clock does (it reads the request only then): a container still
	// loading on a busy host would otherwise spend the candidate's time, and
	// the kill would come before the harness's own stop at the wall time,
	// losing the reply and its evidence.
	if err := s.awaitReady(ctx, c); err != nil {
		return runner.RunResult{}, nil, err
	}
	start := time.Now()
	deadline := time.NewTimer(spec.Limits.Wall + s.cfg.KillGrace)
	defer deadline.Stop()
	var res runner.RunResult
	select {
	case <-c.stdout.framed:
		// The harness has reported. When it also read the OOM count, the
		// result is complete: the container's exit (and its inspection)
		// is left to the removal, off the critical path.
		res.Duration = time.Since(start)
		complete, err := readReply(&res, c.stdout.Bytes(), nonce)
		if err != nil {
			return runner.RunResult{}, nil, err
		}
		if complete {
			stalledAtMemoryLimit(&res, spec.Limits.MemoryBytes, s.cfg.Runtime)
			res.Diagnostics = string(c.stderr.Bytes())
			if len(spec.Reference) > 0 && len(res.Phases) > 0 && res.Problem == "" && anyPassed(res) {
				timing = func() *runner.ReferenceTiming { return s.timeReference(ctx, c, spec, nonce, written) }
			}
			return res, timing, nil
		}
		// The harness waits for the fourth part: none comes.
		closeInput()
		res = runner.RunResult{}
		select {
		case <-c.waitC:
		case err := <-c.waitErrC:
			return res, nil, fmt.Errorf("%w: wait: %w", ErrEngine, err)
		case <-deadline.C:
			res.TimedOut = true
		case <-ctx.Done():
			return res, nil, fmt.Errorf("run %s: %w", spec.ID, ctx.Err())
		}
	case w := <-c.waitC:
		if w.Error != nil {
			return res, nil, fmt.Errorf("%w: wait: %s", ErrEngine, w.Error.Message)
		}
	case err := <-c.waitErrC:
		return res, nil, fmt.Errorf("%w: wait: %w", ErrEngine, err)
	case <-deadline.C:
		res.TimedOut = true
	case <-c.stdout.over:
		res.OutputLimit = true
	case <-ctx.Done():
		return res, nil, fmt.Errorf("run %s: %w", spec.ID, ctx.Err())
	}
	if res.TimedOut || res.OutputLimit {
		kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err := s.cli.ContainerKill(kctx, c.id, "KILL")
		cancel()
		if err != nil {
			s.cfg.Logger.Warn("kill container", slog.String("container", c.id), slog.Any("err", err))
		}
	}
	res.Duration = time.Since(start)

	// The output stream ends when the container does; bound the wait anyway.
	select {
	case <-c.copied:
	case <-time.After(5 * time.Second):
		c.att.Close()
		<-c.copied
	}

	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	info, err := s.cli.ContainerInspect(ictx, c.id)
	if err != nil {
		return res, nil, fmt.Errorf("%w: inspect: %w", ErrEngine, err)
	}
	if info.State != nil {
		res.OOMKilled = info.State.OOMKilled
		// A container SIGKILLed by no one here (137, no deadline, no
		// cap) was most likely OOM-killed, and the engine may record the
		// OOM event a moment after the exit (seen under gVisor): look again
		// briefly before calling it anything else.
		for i := 0; i < 20 && !res.OOMKilled && info.State.ExitCode == 137 && !res.TimedOut && !res.OutputLimit; i++ {
			time.Sleep(100 * time.Millisecond)
			again, err := s.cli.ContainerInspect(ictx, c.id)
			if err != nil || again.State == nil {
				break
			}
			res.OOMKilled = again.State.OOMKilled
		}
	}
	if _, err := readReply(&res, c.stdout.Bytes(), nonce); err != nil {
		return runner.RunResult{}, nil, err
	}
	silentPastWall(&res, spec.Limits.Wall)
	stalledAtMemoryLimit(&res, spec.Limits.MemoryBytes, s.cfg.Runtime)
	res.Diagnostics = string(c.stderr.Bytes())
	if len(res.Phases) == 0 {
		exit := -1
		if info.State != nil {
			exit = info.State.ExitCode
		}
		s.cfg.Logger.Warn("harness sent no result", slog.String("submission", spec.ID), slog.String("stderr", res.Diagnostics),
			slog.Int("exit_code", exit), slog.Bool("oom_killed", res.OOMKilled), slog.Duration("ran", res.Duration))
	}
	return res, nil, nil
}

// silentPastWall makes a run whose container ended with no word from the
// harness, after the run's wall time had passed, a timeout: the
// candidate's code ran past its limit, and the harness went down while it
// was stopping it (seen under gVisor on a loaded machine: a fork bomb, the
// harness gone at 7.9 s of a 5 s run, stderr empty, no OOM recorded).
// Before the wall time the same silence stays what it was, a run that
// ended before it could report. Either way the candidate fails; only the
// reason differs. A reply, even one without phases (the harness's own
// failure, with its traceback for staff), keeps what it says.
func silentPastWall(res *runner.RunResult, wall time.Duration) {
	if res.Problem == problemNoReply && !res.OOMKilled && !res.TimedOut && !res.OutputLimit && wall > 0 && res.Duration > wall {
		res.TimedOut = true
	}
}

// stalledAtMemoryLimit makes a run that timed out with its memory
// cgroup's peak at the limit a memory_limit: under runc a process that
// reaches the limit can stall in the kernel's reclaim instead of being
// OOM-killed (seen on a loaded host, in every full make test of a day: a
// memory bomb inside bytearray() until the 10 s wall; alone it was killed
// in 1.6 s). It is the memory limit that stopped it. A last resort,
// behind the harness's own watch (see runcMemoryHeadroom), for memory the
// watch missed, whether the harness replied or not. The peak is the
// cgroup's, page cache included, so code that times out after reading
// more files than the limit holds is called a memory_limit too; both
// fail. Not under gVisor: there the cgroup also holds gVisor's own memory
// (the limit has headroom) and the harness enforces the limit itself.
func stalledAtMemoryLimit(res *runner.RunResult, limit int64, runtime string) {
	if runtime != "runsc" && res.TimedOut && !res.OOMKilled && limit > 0 && res.PeakMemoryBytes >= limit {
		res.OOMKilled = true
	}
}

// awaitReady waits for the harness's ready line. A harness that exits or
// never gets ready has run nothing of the candidate's: the engine's (the
// system's) failure, retried by the worker.
func (s *Sandbox) awaitReady(ctx context.Context, c *started) error {
	t := time.NewTimer(s.cfg.ReadyTimeout)
	defer t.Stop()
	select {
	case <-c.stdout.ready:
		return nil
	case w := <-c.waitC:
		// (kept for whoever waits for the exit next)
		again := make(chan container.WaitResponse, 1)
		again <- w
		c.waitC = again
		return fmt.Errorf("%w: the harness exited before it was ready", ErrEngine)
	case err := <-c.waitErrC:
		again := make(chan error, 1)
		again <- err
		c.waitErrC = again
		return fmt.Errorf("%w: wait: %w", ErrEngine, err)
	case <-t.C:
		return fmt.Errorf("%w: the harness was not ready after %s", ErrEngine, s.cfg.ReadyTimeout)
	case <-ctx.Done():
		return fmt.Errorf("harness ready: %w", ctx.Err())
	}
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
