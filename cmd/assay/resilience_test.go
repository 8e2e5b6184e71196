package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
	"github.com/google/uuid"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

// tinySolution passes the tiny challenge after sleeping long enough that a
// test can catch it running.
const tinySolution = "import time\ntime.sleep(0.3)\n\ndef add(a, b):\n    return a + b\n"

// tinyChallenge writes a minimal challenge (one visible and one hidden
// test, the cheapest real sandbox run there is) with a fresh expected.json
// into a directory of its own, for tests that need many runs.
func tinyChallenge(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"challenge.yaml":                   "slug: tiny\ntitle: Tiny\nfiles: [solution.py]\nlimits:\n  time_limit: 20s\n",
		"prompt.md":                        "Write add(a, b).\n",
		"starter/solution.py":              "def add(a, b):\n    raise NotImplementedError\n",
		"reference/solution.py":            "def add(a, b):\n    return a + b\n",
		"tests/visible/test_tiny.py":       "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
		"tests/hidden/test_tiny_hidden.py": "from solution import add\n\ndef test_big():\n    assert add(10**9, 1) == 10**9 + 1\n",
		"bad/minus/solution.py":            "def add(a, b):\n    return a - b\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, "tiny", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := challenges.Load(os.DirFS(dir), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	exp, _ := json.Marshal(challenges.Expected{Version: ch.Version, Tests: []challenges.ExpectedTest{
		{ID: "tests.hidden.test_tiny_hidden::test_big", Hidden: true},
		{ID: "tests.visible.test_tiny::test_add"},
	}})
	if err := os.WriteFile(filepath.Join(dir, "tiny", challenges.ExpectedFile), exp, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// cheapWorker is the part of a worker process's settings that keeps the
// tests of delivery (exactly one result per submission, reclaims after a
// kill, the drain at SIGTERM, back-pressure, a Redis crash) from paying for
// what they do not test:
//
//   - a warm pool of one container per set of limits, not the production
//     two: the pool's code (taking, refilling, draining at SIGTERM, a
//     killed worker's containers swept by its successor) is the same, and
//     each worker process warms a set for every built-in challenge at
//     start-up, which nobody here runs (five sets: ten containers a
//     process at two, five at one);
//   - no timing run of the reference after each submission: on the tiny
//     challenge it was a second pytest session in every container, doubling
//     the work of the cheapest run there is. The timing run is tested in
//     runner/docker under both runtimes, and runs in every other
//     end-to-end test (the built-in challenges, the hostile and honest
//     corpora, the browser tests).
var cheapWorker = []string{"ASSAY_POOL_SIZE=1", "ASSAY_REFERENCE_TIMING=off"}

// process is a real assay process a test started.
type process struct {
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
}

func startProcess(t *testing.T, bin string, args []string, env ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), logs: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM first: a worker drains its warm pool on the way out, so
		// no container outlives the test (after SIGKILL they would wait
		// for a sweep). A process the test already killed has ended.
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(45 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("%s log:\n%s", strings.Join(args, " "), p.logs.String())
		}
	})
	return p
}

// doneLogs counts, per submission, the "job done" lines in JSON logs: one
// per result a worker recorded (a repeated run logs "job done again").
func doneLogs(logs ...string) map[string]int {
	n := map[string]int{}
	for _, l := range logs {
		sc := bufio.NewScanner(strings.NewReader(l))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Msg        string `json:"msg"`
				Submission string `json:"submission"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "job done" {
				n[line.Submission]++
			}
		}
	}
	return n
}

func containerIDsOf(t *testing.T, worker string) map[string]bool {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	list, err := cli.ContainerList(context.Background(), container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", docker.LabelWorker+"="+worker))})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range list {
		ids[c.ID] = true
	}
	return ids
}

// waitFor polls cond every 50ms until it holds or the time is up.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestTwoWorkersFiftyJobsOneKilled: two worker processes share a queue of
// 50 submissions; one is SIGKILLed in the middle of a run. Every submission
// gets exactly one recorded result, the killed run is reclaimed by the
// other worker, and the killed worker's leftover container is removed when
// a worker of its name starts again.
//
// Not run in parallel with other tests: its worker processes warm the pool
// for every built-in challenge at start-up, and beside the other tests'
// runs that load pushed its first runs past their time limit.
func TestTwoWorkersFiftyJobsOneKilled(t *testing.T) {
	image := testenv.Docker(t)
	redisURL := testenv.Redis(t)
	dir := tinyChallenge(t)
	bin := buildAssay(t)
	api := runApp(t, "api", modeAPI, map[string]string{"REDIS_URL": redisURL, "ASSAY_ADDR": "127.0.0.1:0", "ASSAY_ADMIN_TOKEN": testAdminToken, "ASSAY_CHALLENGES_DIR": dir})

	ids := make([]string, 50)
	for i := range ids {
		ids[i] = api.submit(t, "tiny", map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"})
	}
	suffix := uuid.NewString()[:8]
	doomedID, survivorID := "doomed-"+suffix, "survivor-"+suffix
	env := func(id string) []string {
		return append([]string{"REDIS_URL=" + redisURL, "ASSAY_IMAGE=" + image, "ASSAY_LEASE=2s", "ASSAY_WORKERS=1",
			"ASSAY_CHALLENGES_DIR=" + dir, "ASSAY_WORKER_ID=" + id, "ASSAY_LOG_FORMAT=json"}, cheapWorker...)
	}
	doomed := startProcess(t, bin, []string{"worker"}, env(doomedID)...)
	survivor := startProcess(t, bin, []string{"worker"}, env(survivorID)...)
	t.Cleanup(func() { removeContainers(t, doomedID) })

	// Kill the doomed worker once it has done some jobs and is running one,
	// so a run is really cut off.
	waitFor(t, 2*time.Minute, "the doomed worker to record 5 results", func() bool {
		n := 0
		for _, c := range doneLogs(doomed.logs.String()) {
			n += c
		}
		return n >= 5
	})
	waitFor(t, time.Minute, "the doomed worker to be running a job", func() bool {
		for _, id := range ids {
			if st := api.get(t, id); st.Status == runner.StatusRunning && st.Worker == doomedID {
				return true
			}
		}
		return false
	})
	if err := doomed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-doomed.done
	doomed.done <- nil // for the cleanup's receive
	cutOff := containerIDsOf(t, doomedID)

	reclaimed := 0
	recordedBy := map[string]string{}
	for _, id := range ids {
		st := api.result(t, id, 3*time.Minute)
		recordedBy[id] = st.Result.Worker
		if st.Result.Verdict != runner.VerdictPassed {
			t.Errorf("%s: %s (%s)", id, st.Result.Verdict, st.Result.Reason)
		}
		if st.Result.Attempt > 1 {
			reclaimed++
			if st.Result.Worker != survivorID {
				t.Errorf("%s: reclaimed by %s, want %s", id, st.Result.Worker, survivorID)
			}
		}
	}
	// Each result must be recorded exactly once. The "job done" line comes
	// just after the record, so the SIGKILL can fall between the two for
	// the doomed worker's last job: its result (which names the doomed
	// worker) then stands without the line.
	// A live worker logs "job done" a moment after the result is readable.
	waitFor(t, 10*time.Second, "the survivor to log its results", func() bool {
		counts := doneLogs(survivor.logs.String())
		for _, id := range ids {
			if recordedBy[id] == survivorID && counts[id] == 0 {
				return false
			}
		}
		return true
	})
	counts := doneLogs(doomed.logs.String(), survivor.logs.String())
	for _, id := range ids {
		if counts[id] != 1 && !(counts[id] == 0 && recordedBy[id] == doomedID) {
			t.Errorf("%s: recorded %d times (result by %s), want exactly once", id, counts[id], recordedBy[id])
		}
	}
	if reclaimed < 1 {
		t.Errorf("no job was reclaimed after the kill")
	}
	assertQueueEmpty(t, redisURL)

	// The cut-off run's container outlived its worker; a worker of the same
	// name sweeps it at start.
	// (Its warm pool's containers are left too.)
	if len(cutOff) == 0 {
		t.Fatal("the killed worker left no container: the kill did not cut a run off")
	}
	startProcess(t, bin, []string{"worker"}, env(doomedID)...)
	waitFor(t, 30*time.Second, "the restarted worker to sweep its predecessor's containers", func() bool {
		now := containerIDsOf(t, doomedID)
		for id := range cutOff {
			if now[id] {
				return false
			}
		}
		return true
	})
}

// TestRedisCrashLosesNothing crashes Redis (SIGKILL) in the middle of a
// batch. While it is down the API answers 503 with Retry-After at once;
// when it is back, the API and the worker carry on by themselves and every
// accepted submission gets its result.
func TestRedisCrashLosesNothing(t *testing.T) {
	testenv.Parallel(t)
	testenv.Docker(t)
	rp := testenv.RedisServer(t, t.TempDir(), true)
	dir := tinyChallenge(t)
	var logs syncBuffer
	app := runAppLogging(t, "serve", modeServe, map[string]string{
		"REDIS_URL": rp.URL(), "ASSAY_IMAGE": testenv.Docker(t), "ASSAY_ADDR": "127.0.0.1:0", "ASSAY_WORKERS": "1",
		"ASSAY_LEASE": "2s", "ASSAY_WORKER_ID": "crash-" + uuid.NewString()[:8], "ASSAY_ADMIN_TOKEN": testAdminToken,
		"ASSAY_CHALLENGES_DIR": dir, "ASSAY_DRAIN_TIMEOUT": "2s", "ASSAY_LOG_FORMAT": "json",
		"ASSAY_POOL_SIZE": "1", "ASSAY_REFERENCE_TIMING": "off", // as cheapWorker
	}, &logs)

	var ids []string
	for range 6 {
		ids = append(ids, app.submit(t, "tiny", map[string]string{"solution.py": tinySolution}))
	}
	app.result(t, ids[0], 2*time.Minute)
	rp.Kill()

	body := `{"challenge":"tiny","files":{"solution.py":"x"}}`
	client := &http.Client{Timeout: 10 * time.Second}
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/api/v1/submissions", body},
		{"GET", "/api/v1/submissions/" + ids[1], ""},
		{"GET", "/readyz", ""},
	} {
		req, _ := http.NewRequest(r.method, app.base+r.path, strings.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testAdminToken)
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s while Redis is down: %v", r.method, r.path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s while Redis is down: %d, Retry-After %q; want 503 with Retry-After", r.method, r.path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		if took := time.Since(start); took > 8*time.Second {
			t.Errorf("%s %s took %v to answer while Redis is down", r.method, r.path, took)
		}
	}

	// Down until the worker has found the queue unavailable: a worker
	// still running a job when Redis went (a loaded machine) comes back to
	// the queue only once the job is done, and Redis must still be down
	// then for the test to see it wait (in CI the three requests above
	// once took less time than the job, and the outage went unseen).
	waitFor(t, time.Minute, "the worker to find the queue unavailable", func() bool {
		return strings.Contains(logs.String(), "queue unavailable; not taking jobs until it is back")
	})
	rp.Start()
	// The connection pools notice within a second or two; until then the
	// API still answers 503 with Retry-After, as a client would see.
	waitFor(t, 30*time.Second, "the API to be ready again", func() bool {
		resp, err := http.Get(app.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	for range 2 {
		ids = append(ids, app.submit(t, "tiny", map[string]string{"solution.py": tinySolution}))
	}
	for _, id := range ids {
		if st := app.result(t, id, 2*time.Minute); st.Result.Verdict != runner.VerdictPassed {
			t.Errorf("%s: %s (%s)", id, st.Result.Verdict, st.Result.Reason)
		}
	}
	for _, msg := range []string{"queue unavailable; not taking jobs until it is back", "queue is back; taking jobs again",
		"redis unavailable; the API answers 503 until it is back", "redis is back"} {
		if !strings.Contains(logs.String(), msg) {
			t.Errorf("the server did not log %q", msg)
		}
	}
	assertQueueEmpty(t, rp.URL())
}

// TestBurst sends 500 submissions from 25 concurrent clients to a real
// `assay serve` with a small queue limit: every request gets 202 or 503
// (with Retry-After), every 202 gets exactly one result, and the server's
// peak memory stays bounded.
//
// Not run in parallel with other tests: its worker processes warm the pool
// for every built-in challenge at start-up, and beside the other tests'
// runs that load pushed its first runs past their time limit.
func TestBurst(t *testing.T) {
	image := testenv.Docker(t)
	redisURL := testenv.Redis(t)
	dir := tinyChallenge(t)
	bin := buildAssay(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	worker := "burst-" + uuid.NewString()[:8]
	srv := startProcess(t, bin, []string{"serve"}, append([]string{"REDIS_URL=" + redisURL, "ASSAY_IMAGE=" + image, "ASSAY_ADDR=" + addr,
		"ASSAY_WORKER_ID=" + worker, "ASSAY_WORKERS=2", "ASSAY_QUEUE_LIMIT=10", "ASSAY_CHALLENGES_DIR=" + dir,
		"ASSAY_ADMIN_TOKEN=" + testAdminToken, "ASSAY_LOG_FORMAT=json"}, cheapWorker...)...)
	app := &testApp{base: "http://" + addr, redis: redisURL}
	waitFor(t, 30*time.Second, "the server to come up", func() bool {
		resp, err := http.Get(app.base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})

	body, _ := json.Marshal(map[string]any{"challenge": "tiny", "files": map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"}})
	var (
		mu       sync.Mutex
		accepted []string
		statuses = map[int]int{}
		problems []string
		wg       sync.WaitGroup
	)
	work := make(chan int)
	client := &http.Client{Timeout: 30 * time.Second}
	for range 25 {
		wg.Go(func() {
			for range work {
				resp, err := postAsAdmin(client, app.base, bytes.NewReader(body))
				if err != nil {
					mu.Lock()
					problems = append(problems, err.Error())
					mu.Unlock()
					continue
				}
				var acc struct{ ID string }
				_ = json.NewDecoder(resp.Body).Decode(&acc)
				resp.Body.Close()
				mu.Lock()
				statuses[resp.StatusCode]++
				switch resp.StatusCode {
				case http.StatusAccepted:
					accepted = append(accepted, acc.ID)
				case http.StatusServiceUnavailable:
					if resp.Header.Get("Retry-After") == "" {
						problems = append(problems, "503 without Retry-After")
					}
				}
				mu.Unlock()
			}
		})
	}
	for i := range 500 {
		work <- i
	}
	close(work)
	wg.Wait()
	t.Logf("statuses: %v", statuses)
	if len(problems) > 0 {
		t.Fatalf("%d problems, first: %s", len(problems), problems[0])
	}
	if statuses[202]+statuses[503] != 500 || statuses[202] == 0 || statuses[503] == 0 {
		t.Fatalf("statuses %v: want only 202 and 503, some of each, 500 in all", statuses)
	}
	for _, id := range accepted {
		if st := app.result(t, id, 3*time.Minute); st.Result.Verdict != runner.VerdictPassed {
			t.Errorf("%s: %s", id, st.Result.Verdict)
		}
	}
	// A result is readable as soon as it is saved; its "job done" line is
	// logged just after: wait (bounded) for the last ones.
	counts := doneLogs(srv.logs.String())
	for deadline := time.Now().Add(10 * time.Second); len(counts) < len(accepted) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		counts = doneLogs(srv.logs.String())
	}
	for _, id := range accepted {
		if counts[id] != 1 {
			t.Errorf("%s: recorded %d times", id, counts[id])
		}
	}
	if len(counts) != len(accepted) {
		t.Errorf("%d results recorded for %d accepted submissions", len(counts), len(accepted))
	}
	peak := peakRSS(t, srv.cmd.Process.Pid)
	t.Logf("server peak RSS: %d MiB", peak>>20)
	if peak > 300<<20 {
		t.Errorf("server peak RSS %d MiB, want under 300 MiB", peak>>20)
	}

	// A graceful stop drains the warm pool: nothing of this server's is left.
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.done:
		srv.done <- nil // for the cleanup's wait
	case <-time.After(time.Minute):
		t.Fatal("the server did not exit within a minute of SIGTERM")
	}
	if left := containerIDsOf(t, worker); len(left) > 0 {
		t.Errorf("%d containers of the stopped server left behind", len(left))
		removeContainers(t, worker)
	}
}

// peakRSS reads a process's peak resident set size (VmHWM) from /proc.
func peakRSS(t *testing.T, pid int) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

var _ io.Writer = (*syncBuffer)(nil)
