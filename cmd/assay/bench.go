package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"assay/challenges"
	"assay/runner"
)

// benchPytestINI is the harness's pytest configuration
// (sandbox-images/python/pytest.ini), for the bare baseline.
const benchPytestINI = "[pytest]\npython_files = test_*.py\njunit_family = xunit2\njunit_duration_report = total\n"

// benchResult is what one `assay bench` run measured; it is written as JSON
// so runs can be compared over time.
type benchResult struct {
	When      time.Time         `json:"when"`
	Host      map[string]string `json:"host"`
	Challenge string            `json:"challenge"`
	Runs      int               `json:"runs"`
	Latency   []benchLatency    `json:"latency"`
	Batch     *benchBatch       `json:"batch,omitempty"`
	Small     *smallBatch       `json:"small,omitempty"`
}

type benchLatency struct {
	What   string  `json:"what"` // "bare pytest" or "assay (runc)" ...
	P50MS  float64 `json:"p50_ms"`
	P95MS  float64 `json:"p95_ms"`
	P99MS  float64 `json:"p99_ms"`
	Ratio  float64 `json:"ratio_to_bare_p50"`
	CPU    cpuUse  `json:"cpu_seconds_per_run"`
	Warm   int     `json:"warm_runs,omitempty"`
	Sample []int64 `json:"sample_ms"`
}

type benchBatch struct {
	Size          int     `json:"size"`
	Parallelism   int     `json:"parallelism"`
	BarePerSec    float64 `json:"bare_per_second"`
	AssayPerSec   float64 `json:"assay_per_second"`
	Ratio         float64 `json:"ratio"`
	BareCPU       cpuUse  `json:"bare_cpu_seconds_per_run"`
	AssayCPU      cpuUse  `json:"assay_cpu_seconds_per_run"`
	AssayP50MS    float64 `json:"assay_p50_ms"`
	AssayP99MS    float64 `json:"assay_p99_ms"`
	AssayFailures int     `json:"assay_not_passed"`
}

// cpuUse splits the machine's CPU time over an interval: Assay's own
// process, the Docker daemons (dockerd, containerd), and the rest (pytest,
// container shims and runtimes: the sandboxes themselves).
type cpuUse struct {
	Assay   float64 `json:"assay"`
	Docker  float64 `json:"docker"`
	Sandbox float64 `json:"sandbox_and_pytest"`
}

func (c cpuUse) per(n int) cpuUse {
	f := float64(max(n, 1))
	return cpuUse{Assay: c.Assay / f, Docker: c.Docker / f, Sandbox: c.Sandbox / f}
}

// benchCommand is `assay bench`: the bare-pytest baseline and Assay side by
// side in one run, printed as ratios (see docs/PERFORMANCE.md).
func benchCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("assay bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runs := fs.Int("runs", 20, "submissions per latency measurement")
	batch := fs.Int("batch", 200, "submissions in the throughput batch (0: skip)")
	slug := fs.String("challenge", "decorators", "challenge whose reference solution the latency runs submit")
	runtimes := fs.String("runtimes", "", "comma-separated runtimes to measure (default: the engine's default, and runsc when it is registered)")
	out := fs.String("out", "var/bench", "directory for the JSON results")
	python := fs.String("python", "/usr/bin/python3", "the host's Debian python3 (the sandbox's interpreter) for the bare baseline")
	small := fs.String("small", "", "directory of the small-suite corpus (bench/small/suites): adds the small-suite batch and its CPU split")
	redisURL := fs.String("redis", envOr(getenv, "REDIS_URL", "redis://127.0.0.1:6390/15"), "Redis for the bench server; its database is flushed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := exec.Command(*python, "-c", "import pytest, pytest_timeout, openpyxl").Run(); err != nil {
		return fmt.Errorf("bench: %s cannot import pytest, pytest_timeout and openpyxl (apt-get install python3-pytest python3-pytest-timeout python3-openpyxl): %w", *python, err)
	}
	bareFn := func(ctx context.Context, work string, ch *challenges.Challenge, n int) (time.Duration, error) {
		return barePytest(ctx, *python, work, ch, n)
	}
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		return err
	}
	byslug := map[string]*challenges.Challenge{}
	for _, ch := range list {
		byslug[ch.Slug] = ch
	}
	ch := byslug[*slug]
	if ch == nil {
		return fmt.Errorf("bench: no built-in challenge %q", *slug)
	}
	var corpus []*challenges.Challenge
	if *small != "" {
		if corpus, err = loadCorpus(*small); err != nil {
			return err
		}
	}
	if err := flushRedis(ctx, *redisURL); err != nil {
		return err
	}
	res := benchResult{When: time.Now().UTC(), Challenge: ch.Slug, Runs: *runs, Host: hostFacts()}
	work, err := os.MkdirTemp("", "assay-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	// Bare pytest on the host: the physical limit.
	fmt.Fprintf(stdout, "bare pytest, %s, %d runs...\n", ch.Slug, *runs)
	var bare []time.Duration
	cpu0 := readCPU()
	for i := range *runs {
		settle(ctx, time.Now().Add(settleMax))
		d, err := bareFn(ctx, work, ch, i)
		if err != nil {
			return err
		}
		bare = append(bare, d)
	}
	bareLat := latency("bare pytest", bare, cpu0.since().per(*runs), 0)
	res.Latency = append(res.Latency, bareLat)

	rts := strings.Split(*runtimes, ",")
	if *runtimes == "" {
		rts = []string{""}
		if runscRegistered(ctx) {
			rts = append(rts, "runsc")
		}
	}
	for i, rt := range rts {
		name := "assay (" + cmp(rt, "default runtime") + ")"
		fmt.Fprintf(stdout, "%s, %d runs...\n", name, *runs)
		srv, err := startBenchServer(ctx, *redisURL, rt, *small, stderr)
		if err != nil {
			return err
		}
		lat, err := srv.latency(ctx, ch, *runs)
		if err == nil && i == 0 && *batch > 0 {
			fmt.Fprintf(stdout, "throughput batch of %d (bare and assay, %d at a time)...\n", *batch, srv.workers)
			res.Batch, err = srv.throughput(ctx, bareFn, work, list, *batch)
		}
		if err == nil && i == 0 && corpus != nil {
			fmt.Fprintf(stdout, "small-suite batch: %d suites, reference and starter each (bare and assay, %d at a time)...\n", len(corpus), srv.workers)
			res.Small, err = srv.smallThroughput(ctx, *python, work, corpus, stderr)
		}
		srv.close()
		if err != nil {
			return err
		}
		lat.What = name
		lat.Ratio = lat.P50MS / bareLat.P50MS
		res.Latency = append(res.Latency, lat)
	}
	printBench(stdout, res)
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		path := filepath.Join(*out, res.When.Format("20060102T150405Z")+".json")
		b, _ := json.MarshalIndent(res, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "results written to %s\n", path)
	}
	return nil
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func printBench(w io.Writer, r benchResult) {
	fmt.Fprintf(w, "\n%s reference solution, %d runs each, %s\n", r.Challenge, r.Runs, r.Host["cpus"]+" CPUs, storage driver "+cmp(r.Host["storage_driver"], "unknown"))
	fmt.Fprintf(w, "%-28s %8s %8s %8s %9s   cpu s/run: %6s %6s %8s\n", "latency (POST to result)", "p50 ms", "p95 ms", "p99 ms", "x bare", "assay", "docker", "sandbox")
	for _, l := range r.Latency {
		fmt.Fprintf(w, "%-28s %8.0f %8.0f %8.0f %9.2f   %17.3f %6.3f %8.3f\n", l.What, l.P50MS, l.P95MS, l.P99MS, l.Ratio, l.CPU.Assay, l.CPU.Docker, l.CPU.Sandbox)
	}
	if b := r.Batch; b != nil {
		fmt.Fprintf(w, "throughput, %d mixed submissions, %d at a time: bare %.2f/s, assay %.2f/s: %.2f x bare (assay p50 %.0f ms, p99 %.0f ms, %d not passed)\n",
			b.Size, b.Parallelism, b.BarePerSec, b.AssayPerSec, b.Ratio, b.AssayP50MS, b.AssayP99MS, b.AssayFailures)
		fmt.Fprintf(w, "cpu s/run in the batch: bare %.3f; assay: assay %.3f, docker %.3f, sandbox %.3f\n",
			b.BareCPU.Sandbox+b.BareCPU.Assay+b.BareCPU.Docker, b.AssayCPU.Assay, b.AssayCPU.Docker, b.AssayCPU.Sandbox)
	}
	if r.Small != nil {
		printSmall(w, r.Small)
	}
}

func latency(what string, ds []time.Duration, cpu cpuUse, warm int) benchLatency {
	ms := make([]float64, len(ds))
	sample := make([]int64, len(ds))
	for i, d := range ds {
		ms[i] = float64(d.Microseconds()) / 1000
		sample[i] = d.Milliseconds()
	}
	slices.Sort(ms)
	return benchLatency{What: what, P50MS: pct(ms, 50), P95MS: pct(ms, 95), P99MS: pct(ms, 99), Ratio: 1, CPU: cpu, Warm: warm, Sample: sample}
}

// pct is the nearest-rank percentile of sorted values.
func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// barePytest lays the challenge out as the sandbox does and runs its whole
// suite (visible and hidden tests) once with the host's python3, as an
// author would by hand.
func barePytest(ctx context.Context, python, work string, ch *challenges.Challenge, n int) (time.Duration, error) {
	d, _, err := bareRun(ctx, python, work, ch, ch.Reference, n, true)
	return d, err
}

// bareRun runs the challenge's whole suite bare with the given solution
// files; a run that must pass and does not is an error, and so is one that
// must fail and passes. It returns the wall time and the CPU seconds of
// pytest's process (its own rusage: exact, whatever else the machine runs).
func bareRun(ctx context.Context, python, work string, ch *challenges.Challenge, solution map[string][]byte, n int, mustPass bool) (time.Duration, float64, error) {
	dir := filepath.Join(work, fmt.Sprintf("%s-%d", ch.Slug, n))
	files := ch.SandboxFiles()
	for name, b := range solution {
		files[name] = b
	}
	files["pytest.ini"] = []byte(benchPytestINI)
	for rel, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return 0, 0, fmt.Errorf("bench: lay out %s: %w", ch.Slug, err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return 0, 0, fmt.Errorf("bench: lay out %s: %w", ch.Slug, err)
		}
	}
	cmd := exec.CommandContext(ctx, python, "-m", "pytest", "-c", filepath.Join(dir, "pytest.ini"), "--rootdir", dir,
		"-p", "no:cacheprovider", "-p", "pytest_timeout", "--timeout", "10", "--import-mode=importlib", "-q", "--tb=short", "tests")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PYTHONPATH="+dir, "PYTHONDONTWRITEBYTECODE=1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	var cpu float64
	if ps := cmd.ProcessState; ps != nil {
		cpu = (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	var exit *exec.ExitError
	switch {
	case err == nil && !mustPass:
		return 0, 0, fmt.Errorf("bare pytest of %s passed, where it must fail:\n%s", ch.Slug, tail(string(out), 2000))
	case err != nil && (mustPass || !errors.As(err, &exit) || exit.ExitCode() != 1):
		// A solution that must fail fails its tests (pytest's status 1),
		// not its collection or pytest itself.
		return 0, 0, fmt.Errorf("bare pytest of %s failed: %w\n%s", ch.Slug, err, tail(string(out), 2000))
	}
	return d, cpu, nil
}

// benchServer is an in-process `assay serve` for the bench.
type benchServer struct {
	base, token string
	workers     int
	cancel      context.CancelFunc
	done        chan error
	app         *App
}

func startBenchServer(ctx context.Context, redisURL, rt, challengesDir string, logs io.Writer) (*benchServer, error) {
	token := strings.ReplaceAll(uuid.NewString(), "-", "")
	vars := map[string]string{
		"REDIS_URL": redisURL, "ASSAY_ADDR": "127.0.0.1:0", "ASSAY_RUNTIME": rt, "ASSAY_ADMIN_TOKEN": token,
		"ASSAY_WORKER_ID": "bench-" + uuid.NewString()[:8], "ASSAY_LOG_LEVEL": "warn", "ASSAY_QUEUE_LIMIT": "0",
		"ASSAY_RATE_LIMIT": "off", "ASSAY_CHALLENGES_DIR": challengesDir,
	}
	for _, k := range []string{"ASSAY_IMAGE", "ASSAY_IMAGE_SCIENTIFIC", "ASSAY_WORKERS", "ASSAY_POOL_SIZE", "ASSAY_REFERENCE_TIMING"} {
		if v := os.Getenv(k); v != "" {
			vars[k] = v
		}
	}
	cfg, _, err := parseConfig("bench", nil, func(k string) string { return vars[k] }, io.Discard)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sctx, cancel := context.WithCancel(ctx)
	app, err := NewApp(sctx, cfg, modeServe, log)
	if err != nil {
		cancel()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		cancel()
		app.Close()
		return nil, err
	}
	s := &benchServer{base: "http://" + ln.Addr().String(), token: token, workers: cfg.Workers, cancel: cancel, done: make(chan error, 1), app: app}
	go func() { s.done <- app.Run(sctx, ln) }()
	return s, nil
}

func (s *benchServer) close() {
	s.cancel()
	<-s.done
	s.app.Close()
}

// submit POSTs a solution and long-polls its result; it returns the time
// from the POST to the result and the verdict.
func (s *benchServer) submit(ctx context.Context, slug string, files map[string][]byte) (time.Duration, runner.Verdict, error) {
	d, res, err := s.submitResult(ctx, slug, files)
	if err != nil {
		return 0, "", err
	}
	return d, res.Verdict, nil
}

// submitResult is submit with the whole result.
func (s *benchServer) submitResult(ctx context.Context, slug string, files map[string][]byte) (time.Duration, *runner.Result, error) {
	body, _ := json.Marshal(map[string]any{"challenge": slug, "files": texts(files)})
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.base+"/api/v1/submissions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	var acc struct {
		ID string `json:"id"`
	}
	err = json.NewDecoder(resp.Body).Decode(&acc)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusAccepted {
		return 0, nil, fmt.Errorf("submit %s: %d %v", slug, resp.StatusCode, err)
	}
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/api/v1/submissions/"+acc.ID+"?wait=60s", nil)
		req.Header.Set("Authorization", "Bearer "+s.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err
		}
		var st runner.State
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil {
			return 0, nil, fmt.Errorf("result of %s: %w", acc.ID, err)
		}
		if st.Status == runner.StatusDone && st.Result != nil {
			return time.Since(start), st.Result, nil
		}
	}
}

func (s *benchServer) latency(ctx context.Context, ch *challenges.Challenge, runs int) (benchLatency, error) {
	// Warm up: the first runs fill the pool and the page cache.
	for range 3 {
		if _, _, err := s.submit(ctx, ch.Slug, ch.Reference); err != nil {
			return benchLatency{}, err
		}
	}
	var ds []time.Duration
	cpu0 := readCPU()
	for range runs {
		s.waitIdle(ctx, ch)
		d, v, err := s.submit(ctx, ch.Slug, ch.Reference)
		if err != nil {
			return benchLatency{}, err
		}
		if v != runner.VerdictPassed {
			return benchLatency{}, fmt.Errorf("bench: the reference of %s got %s", ch.Slug, v)
		}
		ds = append(ds, d)
	}
	return latency("", ds, cpu0.since().per(runs), 0), nil
}

// settleMax bounds the wait for an idle machine before one latency run.
const settleMax = 5 * time.Second

// waitIdle waits until the server is idle, as #7's latency goal means it:
// the previous run's container removed, the challenge's pool full again,
// and the machine's CPUs quiet (the pooled harnesses have imported
// pytest). Without it each run would compete with the previous one's
// clean-up and refill, which is the loaded case the throughput batch
// measures.
func (s *benchServer) waitIdle(ctx context.Context, ch *challenges.Challenge) {
	deadline := time.Now().Add(settleMax)
	if s.app.sandbox != nil {
		s.app.sandbox.WaitRemoved()
		if s.app.cfg.PoolSize > 0 {
			defaults, ceiling := s.app.cfg.limits()
			suite := challenges.SuiteOf(ch, defaults, ceiling)
			for s.app.sandbox.Idle(suite.Image, suite.Limits) < int(s.app.cfg.PoolSize) && time.Now().Before(deadline) && ctx.Err() == nil {
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	settle(ctx, deadline)
}

// settle waits until the machine spent under a tenth of one CPU in a
// 100 ms window, or until deadline.
func settle(ctx context.Context, deadline time.Time) {
	prev := busyCPU()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(100 * time.Millisecond)
		now := busyCPU()
		if now-prev < 0.01 {
			return
		}
		prev = now
	}
}

// throughput runs size mixed reference solutions bare (parallelism as
// many as the server's workers) and through Assay (all submitted at once).
func (s *benchServer) throughput(ctx context.Context, bare func(context.Context, string, *challenges.Challenge, int) (time.Duration, error), work string, list []*challenges.Challenge, size int) (*benchBatch, error) {
	b := &benchBatch{Size: size, Parallelism: s.workers}
	pick := func(i int) *challenges.Challenge { return list[i%len(list)] }

	cpu0 := readCPU()
	start := time.Now()
	jobs := make(chan int)
	errc := make(chan error, size)
	var wg sync.WaitGroup
	for range s.workers {
		wg.Go(func() {
			for i := range jobs {
				if _, err := bare(ctx, work, pick(i), 1000+i); err != nil {
					errc <- err
				}
			}
		})
	}
	for i := range size {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	b.BarePerSec = float64(size) / time.Since(start).Seconds()
	b.BareCPU = cpu0.since().per(size)
	select {
	case err := <-errc:
		return nil, err
	default:
	}

	cpu0 = readCPU()
	start = time.Now()
	var mu sync.Mutex
	var lat []time.Duration
	sem := make(chan struct{}, 32)
	for i := range size {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ch := pick(i)
			d, v, err := s.submit(ctx, ch.Slug, ch.Reference)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errc <- err
				return
			}
			if v != runner.VerdictPassed {
				b.AssayFailures++
			}
			lat = append(lat, d)
		}()
	}
	wg.Wait()
	b.AssayPerSec = float64(size) / time.Since(start).Seconds()
	b.AssayCPU = cpu0.since().per(size)
	select {
	case err := <-errc:
		return nil, err
	default:
	}
	l := latency("", lat, cpuUse{}, 0)
	b.AssayP50MS, b.AssayP99MS = l.P50MS, l.P99MS
	b.Ratio = b.AssayPerSec / b.BarePerSec
	return b, nil
}

// cpuMark is a reading of the machine's CPU counters.
type cpuMark struct {
	busy, self, docker float64 // seconds
}

func readCPU() cpuMark {
	m := cpuMark{busy: busyCPU()}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		m.self = float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		comm, _ := os.ReadFile("/proc/" + p.Name() + "/comm")
		switch strings.TrimSpace(string(comm)) {
		case "dockerd", "containerd":
			m.docker += procCPU(p.Name())
		}
	}
	return m
}

// busyCPU is the CPU seconds all CPUs have spent busy since boot.
func busyCPU() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
	var total, idle float64
	for i, v := range f[1:] {
		n, _ := strconv.ParseFloat(v, 64)
		if i < 8 { // user nice system idle iowait irq softirq steal
			total += n
		}
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return (total - idle) / 100
}

func procCPU(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100
}

func (m cpuMark) since() cpuUse {
	n := readCPU()
	c := cpuUse{Assay: n.self - m.self, Docker: n.docker - m.docker}
	c.Sandbox = math.Max(0, (n.busy-m.busy)-c.Assay-c.Docker)
	return c
}

func hostFacts() map[string]string {
	h := map[string]string{"cpus": strconv.Itoa(runtime.NumCPU()), "go": runtime.Version()}
	if name, err := os.Hostname(); err == nil {
		h["hostname"] = name
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				h["cpu"] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if out, err := exec.Command("docker", "version", "--format", "{{.Server.Version}}").Output(); err == nil {
		h["docker"] = strings.TrimSpace(string(out))
	}
	// The storage driver moves a small submission's CPU by a quarter
	// (docs/PERFORMANCE.md, "Small suites"): no figure reads without it.
	if out, err := exec.Command("docker", "info", "--format", "{{.Driver}}").Output(); err == nil {
		h["storage_driver"] = strings.TrimSpace(string(out))
	}

	return h
}

func runscRegistered(ctx context.Context) bool {
	out, err := exec.CommandContext(ctx, "docker", "info", "--format", "{{json .Runtimes}}").Output()
	return err == nil && strings.Contains(string(out), `"runsc"`)
}

// flushRedis empties the bench's Redis database, so queued leftovers of an
// earlier run cannot slow this one.
func flushRedis(ctx context.Context, url string) error {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("bench: Redis URL: %w", err)
	}
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		return fmt.Errorf("bench: Redis at %s: %w (make bench starts one)", redactURL(url), err)
	}
	return nil
}

func texts(m map[string][]byte) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
