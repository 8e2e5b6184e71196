// Package docker runs pytest suites in fresh, locked-down Docker containers:
// one container per run, files in and the report out through the container's
// stdin and stdout (never bind mounts), no network, non-root, read-only root
// filesystem, resource limits, a wall-clock deadline, and removal afterwards.
package docker

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
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

// Sandbox uid inside the image (see sandbox-images/python/Dockerfile).
const sandboxUser = "10001:10001"

// gvisorThreads is the pids headroom for gVisor's own host threads.
const gvisorThreads = 256

// ErrEngine marks failures to reach or use the Docker engine.
var ErrEngine = errors.New("docker engine")

// Config configures a Sandbox. Zero values take the documented defaults.
type Config struct {
	// Image is the sandbox image; default assay/python:latest.
	Image string
	// Runtime is the OCI runtime (runc, runsc); empty means the engine's default.
	Runtime string
	// Worker names the owner in container labels.
	Worker string
	// KillGrace is how long past the run's wall time the container may live
	// before it is killed; default 3s. The harness stops pytest at the wall
	// time itself, so this covers only a harness that cannot.
	KillGrace time.Duration
	// StreamCap caps the bytes read from the container's output; default 32 MiB.
	StreamCap int64
	// OnStartFailure is called when a container cannot be created or
	// started (for metrics); default none.
	OnStartFailure func()
	Logger         *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Image == "" {
		c.Image = "assay/python:latest"
	}
	if c.KillGrace <= 0 {
		c.KillGrace = 3 * time.Second
	}
	if c.StreamCap <= 0 {
		c.StreamCap = 32 << 20
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.OnStartFailure == nil {
		c.OnStartFailure = func() {}
	}
	return c
}

// Sandbox implements runner.Sandbox on a Docker engine.
type Sandbox struct {
	cli *client.Client
	cfg Config

	mu      sync.Mutex
	running map[string]bool // LabelRun values of this sandbox's live runs
}

var _ runner.Sandbox = (*Sandbox)(nil)

// New connects to the engine named by the environment (DOCKER_HOST etc.),
// negotiating the API version, and checks that the image exists.
func New(ctx context.Context, cfg Config) (*Sandbox, error) {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return nil, fmt.Errorf("%w: new client: %w", ErrEngine, err)
	}
	s := &Sandbox{cli: cli, cfg: cfg.withDefaults(), running: map[string]bool{}}
	if err := s.Ping(ctx); err != nil {
		cli.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the client.
func (s *Sandbox) Close() error { return s.cli.Close() }

// Client exposes the engine client, for tests and housekeeping.
func (s *Sandbox) Client() *client.Client { return s.cli }

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

// request is what the harness reads on stdin.
type request struct {
	Nonce       string            `json:"nonce"`
	Files       map[string]string `json:"files"`
	Hidden      map[string]string `json:"hidden,omitempty"`
	Entry       []string          `json:"entry"`
	Wall        float64           `json:"wall"`
	TestTimeout float64           `json:"test_timeout"`
	OutputKeep  int64             `json:"output_keep"`
	OutputCap   int64             `json:"output_cap"`
}

// reply is the harness's framed result.
type reply struct {
	Phases []struct {
		Name            string   `json:"name"`
		Exit            int      `json:"exit"`
		Signal          int      `json:"signal"`
		Report          *string  `json:"report"`
		Problem         string   `json:"problem"`
		Output          string   `json:"output"`
		OutputTruncated bool     `json:"output_truncated"`
		Tampered        []string `json:"tampered"`
	} `json:"phases"`
	OutputLimit bool `json:"output_limit"`
	TimedOut    bool `json:"timed_out"`
}

func encode(files []runner.File) map[string]string {
	out := make(map[string]string, len(files))
	for _, f := range files {
		out[f.Path] = base64.StdEncoding.EncodeToString(f.Data)
	}
	return out
}

// Run runs spec in a fresh container and removes the container afterwards.
func (s *Sandbox) Run(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	nonce, err := randomHex(16)
	if err != nil {
		return runner.RunResult{}, err
	}
	req := request{
		Nonce:       nonce,
		Files:       encode(spec.Files),
		Hidden:      encode(spec.Hidden),
		Entry:       spec.Entry,
		Wall:        spec.Limits.Wall.Seconds(),
		TestTimeout: spec.Limits.TestTimeout.Seconds(),
		OutputKeep:  spec.Limits.OutputBytes,
		OutputCap:   8 << 20,
	}
	input, err := json.Marshal(req)
	if err != nil {
		return runner.RunResult{}, fmt.Errorf("encode request: %w", err)
	}

	// The run is live from before its container exists until after it is
	// removed, so a concurrent Sweep can never take it for a leftover.
	s.mu.Lock()
	s.running[nonce] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.running, nonce)
		s.mu.Unlock()
	}()
	id, err := s.create(ctx, spec, nonce)
	if err != nil {
		return runner.RunResult{}, err
	}
	// Removal must happen even when ctx is already cancelled.
	defer func() {
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.cli.ContainerRemove(rctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil {
			s.cfg.Logger.Error("remove container", slog.String("container", id), slog.String("submission", spec.ID), slog.Any("err", err))
		}
	}()
	return s.run(ctx, id, spec, input, nonce)
}

func (s *Sandbox) create(ctx context.Context, spec runner.RunSpec, run string) (string, error) {
	l := spec.Limits
	yes := true
	pids := l.Pids
	ulimits := []*container.Ulimit{
		{Name: "nofile", Soft: l.NoFile, Hard: l.NoFile},
		{Name: "fsize", Soft: l.FileSize, Hard: l.FileSize},
		{Name: "core", Soft: 0, Hard: 0},
	}
	if s.cfg.Runtime == "runsc" {
		// Under gVisor the pids cgroup also counts the gVisor kernel's own
		// host threads, so it gets headroom; gVisor enforces RLIMIT_NPROC
		// inside its own kernel, which bounds the candidate's processes.
		// (Under runc, RLIMIT_NPROC would count every sandbox's processes
		// together, as they share one uid: there the cgroup bounds them.)
		pids += gvisorThreads
		ulimits = append(ulimits, &container.Ulimit{Name: "nproc", Soft: l.Pids, Hard: l.Pids})
	}
	cfg := &container.Config{
		Image:           s.cfg.Image,
		User:            sandboxUser,
		WorkingDir:      "/work",
		OpenStdin:       true,
		StdinOnce:       true,
		AttachStdin:     true,
		AttachStdout:    true,
		AttachStderr:    true,
		NetworkDisabled: true,
		Env:             []string{"PYTHONDONTWRITEBYTECODE=1", "HOME=/tmp", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1"},
		Labels: map[string]string{
			LabelSubmission: spec.ID, LabelWorker: s.cfg.Worker, LabelRun: run,
			LabelDeadline: strconv.FormatInt(time.Now().Add(l.Wall+s.cfg.KillGrace+deadlineMargin).Unix(), 10),
		},
	}
	host := &container.HostConfig{
		NetworkMode:    "none",
		ReadonlyRootfs: true,
		CapDrop:        []string{"ALL"},
		SecurityOpt:    []string{"no-new-privileges"},
		Init:           &yes,
		Runtime:        s.cfg.Runtime,
		LogConfig:      container.LogConfig{Type: "none"},
		Tmpfs: map[string]string{
			"/work": "rw,exec,nosuid,nodev,mode=1777,size=" + strconv.FormatInt(l.Scratch, 10),
			"/tmp":  "rw,noexec,nosuid,nodev,mode=1777,size=" + strconv.FormatInt(l.Scratch, 10),
		},
		Resources: container.Resources{
			Memory:     l.MemoryBytes,
			MemorySwap: l.MemoryBytes,
			NanoCPUs:   int64(l.CPUs * 1e9),
			PidsLimit:  &pids,
			Ulimits:    ulimits,
		},
	}
	resp, err := s.cli.ContainerCreate(ctx, cfg, host, nil, nil, "")
	if err != nil {
		s.cfg.OnStartFailure()
		return "", fmt.Errorf("%w: create container: %w", ErrEngine, err)
	}
	return resp.ID, nil
}

func (s *Sandbox) run(ctx context.Context, id string, spec runner.RunSpec, input []byte, nonce string) (runner.RunResult, error) {
	att, err := s.cli.ContainerAttach(ctx, id, container.AttachOptions{Stream: true, Stdin: true, Stdout: true, Stderr: true})
	if err != nil {
		return runner.RunResult{}, fmt.Errorf("%w: attach: %w", ErrEngine, err)
	}
	defer att.Close()

	// Register for the exit before starting, so a fast exit is not missed.
	waitCtx, stopWait := context.WithCancel(context.Background())
	defer stopWait()
	waitC, waitErrC := s.cli.ContainerWait(waitCtx, id, container.WaitConditionNextExit)

	stdout := &capped{max: s.cfg.StreamCap, over: make(chan struct{})}
	stderr := &capped{max: 16 << 10, over: make(chan struct{})}
	copied := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(stdout, stderr, att.Reader)
		copied <- err
	}()

	start := time.Now()
	if err := s.cli.ContainerStart(ctx, id, container.StartOptions{}); err != nil {
		s.cfg.OnStartFailure()
		return runner.RunResult{}, fmt.Errorf("%w: start container: %w", ErrEngine, err)
	}
	go func() {
		// A failed write shows up as a missing report; the wait below decides.
		_, _ = att.Conn.Write(input)
		_ = att.CloseWrite()
	}()

	deadline := time.NewTimer(spec.Limits.Wall + s.cfg.KillGrace)
	defer deadline.Stop()
	var res runner.RunResult
	select {
	case w := <-waitC:
		if w.Error != nil {
			return res, fmt.Errorf("%w: wait: %s", ErrEngine, w.Error.Message)
		}
	case err := <-waitErrC:
		return res, fmt.Errorf("%w: wait: %w", ErrEngine, err)
	case <-deadline.C:
		res.TimedOut = true
	case <-stdout.over:
		res.OutputLimit = true
	case <-ctx.Done():
		return res, fmt.Errorf("run %s: %w", spec.ID, ctx.Err())
	}
	if res.TimedOut || res.OutputLimit {
		kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		err := s.cli.ContainerKill(kctx, id, "KILL")
		cancel()
		if err != nil {
			s.cfg.Logger.Warn("kill container", slog.String("container", id), slog.Any("err", err))
		}
	}
	res.Duration = time.Since(start)

	// The output stream ends when the container does; bound the wait anyway.
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
		att.Close()
		<-copied
	}

	ictx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	info, err := s.cli.ContainerInspect(ictx, id)
	if err != nil {
		return res, fmt.Errorf("%w: inspect: %w", ErrEngine, err)
	}
	if info.State != nil {
		res.OOMKilled = info.State.OOMKilled
	}
	s.readReply(&res, stdout.Bytes(), nonce)
	res.Diagnostics = string(stderr.Bytes())
	if len(res.Phases) == 0 {
		s.cfg.Logger.Warn("harness sent no result", slog.String("submission", spec.ID), slog.String("stderr", res.Diagnostics))
	}
	return res, nil
}

// readReply fills res from the harness's framed line, if there is one.
func (s *Sandbox) readReply(res *runner.RunResult, out []byte, nonce string) {
	i := bytes.LastIndex(out, []byte(nonce+" "))
	if i < 0 {
		if res.Problem == "" {
			res.Problem = "the harness sent no result: the run ended before it could report"
		}
		return
	}
	line := out[i+len(nonce)+1:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	raw, err := base64.StdEncoding.DecodeString(string(line))
	var r reply
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		res.Problem = "the harness's result is unreadable"
		return
	}
	for _, p := range r.Phases {
		ph := runner.PhaseResult{Name: p.Name, ExitCode: p.Exit, Signal: p.Signal, Problem: p.Problem,
			OutputTruncated: p.OutputTruncated, Tampered: p.Tampered}
		if p.Report != nil {
			ph.Report = []byte(*p.Report)
		}
		ph.Output, _ = base64.StdEncoding.DecodeString(p.Output)
		res.Phases = append(res.Phases, ph)
	}
	res.OutputLimit = res.OutputLimit || r.OutputLimit
	res.TimedOut = res.TimedOut || r.TimedOut
}

// capped keeps up to max bytes and signals once when more arrive. It never
// refuses a write: the attach stream must be drained to the end, or dockerd
// blocks on the container's full pipe and even a kill waits behind it.
type capped struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	max  int64
	over chan struct{}
	shut bool
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - int64(c.buf.Len()); int64(len(p)) > room {
		c.buf.Write(p[:max(room, 0)])
		if !c.shut {
			c.shut = true
			close(c.over)
		}
		return len(p), nil
	}
	return c.buf.Write(p)
}

func (c *capped) Bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf.Bytes())
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
