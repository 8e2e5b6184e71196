package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	dockerclient "github.com/docker/docker/client"
	"github.com/google/uuid"

	"assay/api/wire"
	"assay/challenges"
	"assay/client"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
	"assay/runner/redis"
)

// testApp is a whole Assay server (API and workers) on a free port, wired
// to a real Redis and the real Docker engine.
type testApp struct {
	base  string
	redis string
	cfg   Config
	app   *App
}

func startApp(t *testing.T, redisURL string, env map[string]string) *testApp {
	t.Helper()
	image := testenv.Docker(t)
	if redisURL == "" {
		redisURL = testenv.Redis(t)
	}
	vars := map[string]string{
		"REDIS_URL": redisURL, "ASSAY_IMAGE": image, "ASSAY_ADDR": "127.0.0.1:0",
		"ASSAY_WORKERS": "2", "ASSAY_LEASE": "2s", "ASSAY_WORKER_ID": "e2e-" + t.Name() + "-" + uuid.NewString()[:8],
		"ASSAY_ADMIN_TOKEN": testAdminToken, "ASSAY_DRAIN_TIMEOUT": "2s",
		// Containers start on demand unless a test sets a warm pool (2 is
		// the production default): the pool warms containers for each of the
		// built-in challenges' limits at start-up, which on two cores
		// made a test of one or two runs take up to three times as long.
		"ASSAY_POOL_SIZE": "0",
		// No timing run of the reference after each submission unless a
		// test looks at it (the page's ratios, the timing's own tests, the
		// hostile corpus under runc): it runs the reference's suite again
		// in the submission's container, which in these tests, on two
		// cores, was 168 extra pytest sessions and the CPU of as many
		// runs beside everything else.
		"ASSAY_REFERENCE_TIMING": "off",
	}
	for k, v := range env {
		vars[k] = v
	}
	return runApp(t, "serve", modeServe, vars)
}

// runApp starts an App of the given mode on a free port until the test ends.
func runApp(t *testing.T, name string, m mode, vars map[string]string) *testApp {
	t.Helper()
	return runAppLogging(t, name, m, vars, io.Discard)
}

// runAppLogging is runApp with the app's log also written to logs.
func runAppLogging(t *testing.T, name string, m mode, vars map[string]string, logs io.Writer) *testApp {
	t.Helper()
	cfg, _, err := parseConfig(name, nil, func(k string) string { return vars[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	app, err := NewApp(ctx, cfg, m, cfg.logger(io.MultiWriter(testWriter{t}, logs)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("app.Run: %v", err)
		}
		app.Close()
	})
	return &testApp{base: "http://" + ln.Addr().String(), redis: cfg.RedisURL, cfg: cfg, app: app}
}

const testAdminToken = "test-admin-token-0123456789"

// getFull fetches a path with the admin token: the interviewer's full view.
func getFull(t *testing.T, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// postAsAdmin posts a submission with the admin token: submitting needs a
// principal, and the admin may submit to any challenge.
func postAsAdmin(client *http.Client, base string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequest("POST", base+"/api/v1/submissions", body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	return client.Do(req)
}

// testWriter sends server logs to the test log, shown on failure.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// clientAs is an API client of a with token.
func (a *testApp) clientAs(t *testing.T, token string) *client.Client {
	t.Helper()
	c, err := client.New(a.base, token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// submit submits as the admin: the submission's id.
func (a *testApp) submit(t *testing.T, challenge string, files map[string]string) string {
	t.Helper()
	acc, err := a.clientAs(t, testAdminToken).Submit(context.Background(), wire.SubmissionRequest{Challenge: challenge, Files: files}, "", client.Retry{})
	if err != nil {
		t.Fatalf("submit %s: %v", challenge, err)
	}
	if acc.Location != "/api/v1/submissions/"+acc.ID {
		t.Fatalf("location %q", acc.Location)
	}
	return acc.ID
}

// result long-polls, as the admin, until the submission is done.
func (a *testApp) result(t *testing.T, id string, within time.Duration) runner.State {
	t.Helper()
	c := a.clientAs(t, testAdminToken)
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		st, err := c.State(context.Background(), id, 20*time.Second)
		if err != nil {
			t.Fatalf("get %s: %v", id, err)
		}
		if st.Status == runner.StatusDone {
			if st.Result == nil {
				t.Fatalf("%s done without a result", id)
			}
			return st.Runner()
		}
	}
	t.Fatalf("%s not done within %v", id, within)
	return runner.State{}
}

// assertNoContainers fails when containers of a's runs are left behind:
// after the removals in flight, every container of its worker must belong
// to a live run (the warm pool's waiting containers do).
func assertNoContainers(t *testing.T, a *testApp) {
	t.Helper()
	if a.app.sandbox == nil {
		return
	}
	a.app.sandbox.WaitRemoved()
	left, err := a.app.sandbox.Leftovers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range left {
		if c.Worker == a.cfg.WorkerID {
			n++
		}
	}
	if n > 0 {
		t.Errorf("%d containers of worker %s left behind", n, a.cfg.WorkerID)
	}
}

// TestBuiltinChallengesEndToEnd sends every built-in challenge's reference,
// starter and one known-bad solution through HTTP, Redis and Docker.
func TestBuiltinChallengesEndToEnd(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", map[string]string{"ASSAY_POOL_SIZE": "2"}) // the production default
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil || len(list) < 3 {
		t.Fatalf("built-in challenges: %d, %v", len(list), err)
	}
	type sent struct {
		ch    *challenges.Challenge
		name  string
		id    string
		files map[string]string
	}
	var all []sent
	scientific := 0
	send := func(ch *challenges.Challenge, name string, files map[string]string) {
		all = append(all, sent{ch, name, app.submit(t, ch.Slug, files), files})
	}
	for _, ch := range list {
		send(ch, "reference", texts(ch.Reference))
		if ch.Image == "scientific" {
			// The challenge's own image: its packages import.
			files := texts(ch.Reference)
			files["solution.py"] = "import numpy, pandas\n" + files["solution.py"]
			send(ch, "reference", files)
			scientific++
		}
		send(ch, "starter", texts(ch.Starter))
		// One known-bad solution each: `make check-challenges` runs every
		// one under both runtimes; here they show the whole path's failing
		// results (messages, counts), which one per challenge does.
		if bad := slices.Sorted(maps.Keys(ch.Bad)); len(bad) > 0 {
			send(ch, "bad/"+bad[0], texts(ch.Bad[bad[0]]))
		}
	}
	// A reference that fails or times out is sent again, up to twice, once
	// the others are done: four of the challenges time their tests (a
	// 1.2 s or 1.8 s deadline, 32 fetches at once), which a loaded
	// two-core machine can miss with the reference itself. What the
	// sandbox refuses to the reference fails every try.
	const tries = 3
	var again []sent
	check := func(s sent, try int) {
		t.Helper()
		st := app.result(t, s.id, 3*time.Minute)
		r := st.Result
		t.Logf("%s %s: %s %d/%d in %dms (queued %dms): %s", s.ch.Slug, s.name, r.Verdict, r.Passed, r.Total, r.RunMS, r.QueuedMS, r.Reason)
		if s.name == "reference" && try < tries && (r.Verdict == runner.VerdictFailed || r.Verdict == runner.VerdictTimeout) {
			t.Logf("%s reference, try %d of %d: %s (%s), sending it again", s.ch.Slug, try, tries, r.Verdict, r.Reason)
			again = append(again, s)
			return
		}
		if r.ChallengeVersion != s.ch.Version || r.Total != len(s.ch.Expected.Tests) || len(r.Tests) != r.Total {
			t.Errorf("%s %s: version %s total %d tests %d; want version %s and %d tests", s.ch.Slug, s.name, r.ChallengeVersion, r.Total, len(r.Tests), s.ch.Version, len(s.ch.Expected.Tests))
		}
		// The worker scores every graded submission with the version's
		// weights: the reference earns every point, the starter not all.
		possible := 0.0
		for _, w := range s.ch.Expected.Weights() {
			if w.Weight == 0 { // recorded before scores: 1 point
				w.Weight = 1
			}
			possible += w.Weight
		}
		switch sc := r.Score; {
		case sc == nil || sc.Possible != math.Round(possible*1000)/1000:
			t.Errorf("%s %s: score %+v, want one of %v points", s.ch.Slug, s.name, sc, possible)
		case s.name == "reference" && sc.Percent != 100, s.name == "starter" && sc.Percent >= 100:
			t.Errorf("%s %s: scored %v", s.ch.Slug, s.name, sc.Percent)
		}
		if s.name == "reference" {
			if r.Verdict != runner.VerdictPassed || r.Passed != r.Total {
				t.Errorf("%s reference: %s %s\n%s", s.ch.Slug, r.Verdict, r.Reason, r.Output)
			}
			// The harness writes JUnit times to the microsecond: a suite of fast
			// tests still shows its time.
			total := 0.0
			for _, tr := range r.Tests {
				total += tr.DurationMS
				if tr.Outcome != runner.OutcomePassed || tr.DurationMS < 0 {
					t.Errorf("%s reference: test %s %s %.3fms", s.ch.Slug, tr.ID, tr.Outcome, tr.DurationMS)
				}
			}
			if total <= 0 {
				t.Errorf("%s reference: no test duration recorded", s.ch.Slug)
			}
			if r.RunMS <= 0 || st.StartedAt == nil {
				t.Errorf("%s reference: run %dms, started %v", s.ch.Slug, r.RunMS, st.StartedAt)
			}
			return
		}
		if r.Verdict == runner.VerdictPassed || r.Verdict == runner.VerdictInternalError {
			t.Errorf("%s %s: %s (%s); a broken solution must fail", s.ch.Slug, s.name, r.Verdict, r.Reason)
		}
		failing := 0
		for _, tr := range r.Tests {
			if tr.Outcome != runner.OutcomePassed {
				failing++
				if tr.Message == "" && tr.Outcome != runner.OutcomeMissing {
					t.Errorf("%s %s: %s %s has no message", s.ch.Slug, s.name, tr.ID, tr.Outcome)
				}
			}
		}
		if failing == 0 && r.Verdict == runner.VerdictFailed {
			t.Errorf("%s %s: failed with no failing test", s.ch.Slug, s.name)
		}
	}
	for _, s := range all {
		check(s, 1)
	}
	for try := 2; try <= tries && len(again) > 0; try++ {
		retry := again
		again = nil
		for i := range retry {
			retry[i].id = app.submit(t, retry[i].ch.Slug, retry[i].files)
		}
		for _, s := range retry {
			check(s, try)
		}
	}
	if scientific == 0 {
		t.Error("no built-in challenge uses the scientific image (expenses should)")
	}
	assertNoContainers(t, app)
}

// TestVerdictsForBrokenCode checks the verdicts of code that cannot pass,
// with a short time ceiling so a hang ends quickly.
func TestVerdictsForBrokenCode(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", map[string]string{"ASSAY_MAX_TIME": "10s"})
	ref := texts(mustChallenge(t, "decorators").Reference)["solution.py"]
	cases := []struct {
		name    string
		source  string
		verdict runner.Verdict
		reason  string
		within  time.Duration
	}{
		{"syntax error", "def retry(:\n", runner.VerdictError, "SyntaxError", time.Minute},
		{"infinite loop", "while True:\n    pass\n", runner.VerdictTimeout, "time limit", 10*time.Second + 8*time.Second},
		{"sleep forever in a test", ref + "\nimport time\n_real = retry\ndef retry(*a, **k):\n    time.sleep(3600)\n", runner.VerdictTimeout, "time limit", 18 * time.Second},
		{"exit 0 at import", "import os\nos._exit(0)\n", runner.VerdictError, "no test report", time.Minute},
		{"sys.exit at import", "import sys\nsys.exit(0)\n", runner.VerdictError, "", time.Minute},
		{"memory bomb", "x = []\nwhile True:\n    x.append(bytearray(10 << 20))\n", runner.VerdictMemoryLimit, "memory", time.Minute},
		{"reference still passes", ref, runner.VerdictPassed, "all", time.Minute},
	}
	ids := make([]string, len(cases))
	starts := make([]time.Time, len(cases))
	for i, tc := range cases {
		starts[i] = time.Now()
		ids[i] = app.submit(t, "decorators", map[string]string{"solution.py": tc.source})
	}
	for i, tc := range cases {
		st := app.result(t, ids[i], 2*time.Minute)
		r := st.Result
		if r.Verdict != tc.verdict || !strings.Contains(r.Reason, tc.reason) {
			t.Errorf("%s: %s %q (%v); want %s mentioning %q\n%s", tc.name, r.Verdict, r.Reason, r.Tampering, tc.verdict, tc.reason, r.Output)
		}
		if r.RunMS > tc.within.Milliseconds() {
			t.Errorf("%s: ran %dms; want within %v", tc.name, r.RunMS, tc.within)
		}
	}
	assertNoContainers(t, app)
}

func mustChallenge(t *testing.T, slug string) *challenges.Challenge {
	t.Helper()
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range list {
		if ch.Slug == slug {
			return ch
		}
	}
	t.Fatalf("no built-in challenge %s", slug)
	return nil
}

// TestKilledWorkerLosesNothing runs a real worker process, kills it with
// SIGKILL while it runs a submission, and shows another worker reclaims the
// job after the lease and records one result.
func TestKilledWorkerLosesNothing(t *testing.T) {
	testenv.Parallel(t)
	image := testenv.Docker(t)
	redisURL := testenv.Redis(t)
	bin := buildAssay(t)
	ref := texts(mustChallenge(t, "decorators").Reference)["solution.py"]

	// The API alone first, so only the doomed worker takes the job.
	api := startAPIOnly(t, redisURL)
	id := api.submit(t, "decorators", map[string]string{"solution.py": "import time\ntime.sleep(4)\n" + ref})

	suffix := uuid.NewString()[:8]
	doomedID, rescuerID := "doomed-"+suffix, "rescuer-"+suffix
	doomed := exec.Command(bin, "worker")
	doomed.Env = append(append(os.Environ(), "REDIS_URL="+redisURL, "ASSAY_IMAGE="+image, "ASSAY_LEASE=2s", "ASSAY_WORKER_ID="+doomedID, "ASSAY_WORKERS=1"), cheapWorker...)
	var logs syncBuffer
	doomed.Stdout, doomed.Stderr = &logs, &logs
	if err := doomed.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = doomed.Process.Kill(); _ = doomed.Wait(); removeContainers(t, doomedID) })

	// Wait until the doomed worker is running the submission.
	deadline := time.Now().Add(time.Minute)
	for {
		st := api.get(t, id)
		if st.Status == runner.StatusRunning && st.Worker == doomedID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker never started the job (status %s); its log:\n%s", st.Status, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := doomed.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = doomed.Wait()

	rescuer := startApp(t, redisURL, map[string]string{"ASSAY_WORKER_ID": rescuerID})
	st := rescuer.result(t, id, 2*time.Minute)
	if st.Result.Verdict != runner.VerdictPassed || st.Result.Worker != rescuerID || st.Result.Attempt != 2 {
		t.Fatalf("result %+v", st.Result)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (a *testApp) get(t *testing.T, id string) runner.State {
	t.Helper()
	resp := getFull(t, a.base+"/api/v1/submissions/"+id)
	defer resp.Body.Close()
	var st runner.State
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

func startAPIOnly(t *testing.T, redisURL string) *testApp {
	t.Helper()
	return runApp(t, "api", modeAPI, map[string]string{"REDIS_URL": redisURL, "ASSAY_ADDR": "127.0.0.1:0", "ASSAY_ADMIN_TOKEN": testAdminToken})
}

// buildAssay returns the path of this package's binary, built once for
// all the tests that run it as a process (six of them): each used to build
// its own, and on two cores every link took seconds beside the other
// tests' runs. TestMain removes it. It is built as this test binary was,
// with or without the race detector: a race build reuses the packages go
// test -race compiled (a plain one compiled the whole graph again, about
// 340 CPU-seconds on a cold cache) and catches races in those processes.
func buildAssay(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "assay-test-bin-")
		if err != nil {
			built.err = err
			return
		}
		built.dir = dir
		bin := filepath.Join(dir, "assay")
		args := []string{"build", "-o", bin}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

// built is the binary buildAssay built, shared by the tests.
var built struct {
	once     sync.Once
	dir, bin string
	err      error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// removeContainers cleans up after a worker that was killed on purpose:
// its container outlives it (finding such orphans is the worker's job).
func removeContainers(t *testing.T, worker string) {
	cli, err := dockerclient.NewClientWithOpts(dockerclient.FromEnv, dockerclient.WithAPIVersionNegotiation())
	if err != nil {
		return
	}
	defer cli.Close()
	ctx := context.Background()
	list, _ := cli.ContainerList(ctx, container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", docker.LabelWorker+"="+worker))})
	for _, c := range list {
		_ = cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}
}

func TestBadRequestQueuesNothing(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	for _, body := range []string{`{"challenge":"nope","files":{"solution.py":"x"}}`, `{"challenge":"decorators","files":{"conftest.py":"x"}}`, `not json`} {
		resp, err := postAsAdmin(http.DefaultClient, app.base, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(string(msg), `"error"`) {
			t.Errorf("%s: %d %s", body, resp.StatusCode, msg)
		}
	}
	resp, err := http.Get(app.base + "/api/v1/challenges")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Challenges []struct{ Slug string } `json:"challenges"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Challenges) < 3 {
		t.Errorf("challenges: %+v", list)
	}
	assertQueueEmpty(t, app.redis)
}

func assertQueueEmpty(t *testing.T, redisURL string) {
	t.Helper()
	n, err := queueLength(context.Background(), redisURL)
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d entries queued", n)
	}
}

func queueLength(ctx context.Context, redisURL string) (int64, error) {
	b, err := redis.New(ctx, redis.Config{URL: redisURL})
	if err != nil {
		return 0, err
	}
	defer b.Close()
	return b.QueueLength(ctx)
}

// TestSIGTERMDrains sends SIGTERM to a real `assay serve` while it runs a
// submission: it stops accepting, finishes the run, records the result and
// exits 0.
func TestSIGTERMDrains(t *testing.T) {
	testenv.Parallel(t)
	image := testenv.Docker(t)
	redisURL := testenv.Redis(t)
	bin := buildAssay(t)
	ref := texts(mustChallenge(t, "decorators").Reference)["solution.py"]
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	id := "drain-" + uuid.NewString()[:8]
	srv := exec.Command(bin, "serve")
	srv.Env = append(os.Environ(), "REDIS_URL="+redisURL, "ASSAY_IMAGE="+image, "ASSAY_ADDR="+addr,
		"ASSAY_WORKER_ID="+id, "ASSAY_WORKERS=1", "ASSAY_ADMIN_TOKEN="+testAdminToken, "ASSAY_DRAIN_TIMEOUT=60s")
	srv.Env = append(srv.Env, cheapWorker...)
	var logs syncBuffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() { _ = srv.Process.Kill(); removeContainers(t, id) })
	app := &testApp{base: "http://" + addr, redis: redisURL}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if resp, err := http.Get(app.base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	sub := app.submit(t, "decorators", map[string]string{"solution.py": "import time\ntime.sleep(3)\n" + ref})
	for app.get(t, sub).Status != runner.StatusRunning {
		if time.Now().After(deadline) {
			t.Fatalf("never started:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, logs.String())
		}
	case <-time.After(90 * time.Second):
		t.Fatalf("did not exit after SIGTERM:\n%s", logs.String())
	}
	st := startAPIOnly(t, redisURL).get(t, sub)
	if st.Status != runner.StatusDone || st.Result.Verdict != runner.VerdictPassed || st.Result.Worker != id || st.Result.Attempt != 1 {
		t.Fatalf("after drain: %s %+v\n%s", st.Status, st.Result, logs.String())
	}
	n, err := queueLength(context.Background(), redisURL)
	if err != nil || n != 0 {
		t.Errorf("queue length %d, %v", n, err)
	}
}
