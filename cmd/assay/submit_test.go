package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"assay/internal/testenv"
	"assay/runner"
)

// fakeAssay is a stand-in Assay API for the client's unit tests: it
// records the requests it gets and answers as its fields say.
type fakeAssay struct {
	t *testing.T
	// create answers POST /api/v1/submissions; nil: 202 with fakeID.
	create func(w http.ResponseWriter, r *http.Request, n int)
	// events answers GET .../events; nil: 404 "no such endpoint".
	events []string
	// states are the answers to successive GET /api/v1/submissions/ID.
	states []string

	mu       sync.Mutex
	requests []recorded
	creates  int
	gets     int
}

type recorded struct {
	method, path, query string
	header              http.Header
	body                []byte
}

const fakeID = "7d4c2a6e-1b0f-4c1e-9d3a-2f6b8e0c5a11"

func (f *fakeAssay) start() *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	f.t.Cleanup(srv.Close)
	return srv
}

func (f *fakeAssay) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), body})
	f.mu.Unlock()
	switch {
	case r.Method == "POST" && r.URL.Path == "/api/v1/submissions":
		f.mu.Lock()
		n := f.creates
		f.creates++
		f.mu.Unlock()
		if f.create != nil {
			f.create(w, r, n)
			return
		}
		w.Header().Set("Location", "/api/v1/submissions/"+fakeID)
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"id":%q,"status":"queued","challenge":"decorators","challenge_version":"v1"}`, fakeID)
	case r.Method == "GET" && r.URL.Path == "/api/v1/submissions/"+fakeID+"/events" && f.events != nil:
		w.Header().Set("Content-Type", "text/event-stream")
		for _, e := range f.events {
			io.WriteString(w, e)
			w.(http.Flusher).Flush()
		}
	case r.Method == "GET" && r.URL.Path == "/api/v1/submissions/"+fakeID && len(f.states) > 0:
		f.mu.Lock()
		n := min(f.gets, len(f.states)-1)
		f.gets++
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, f.states[n])
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"error":"no such endpoint: %s"}`, r.URL.Path)
	}
}

func (f *fakeAssay) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

// state is a submission's JSON state (the full view) for the fake.
func fakeState(status string, result string) string {
	s := fmt.Sprintf(`{"submission":{"id":%q,"challenge":"decorators","challenge_version":"v1"},"status":%q`, fakeID, status)
	if status == "running" {
		s += `,"worker":"host-7"`
	}
	if result != "" {
		s += `,"result":` + result
	}
	return s + "}"
}

const passedResult = `{"verdict":"passed","reason":"","passed":3,"total":3,"run_ms":412,"queued_ms":3,
 "tests":[
  {"id":"tests.hidden.test_h::test_secret","hidden":true,"outcome":"passed","duration_ms":0.5},
  {"id":"tests.visible.test_retry::test_keeps_metadata","hidden":false,"outcome":"passed","duration_ms":1.25},
  {"id":"tests.visible.test_retry::test_backoff","hidden":false,"outcome":"passed","duration_ms":20.0}],
 "reference":{"tests_us":{"tests.visible.test_retry::test_keeps_metadata":1000},"run_ms":90}}`

const failedResult = `{"verdict":"failed","reason":"1 of 2 tests did not pass","passed":1,"total":2,"run_ms":300,"queued_ms":7,
 "tests":[
  {"id":"tests.visible.test_retry::test_keeps_metadata","hidden":false,"outcome":"failed","duration_ms":1.2,
   "message":"AssertionError: wrapper.__name__ is 'inner'\nassert 'inner' == 'fetch'\n  more"},
  {"id":"tests.visible.test_retry::test_backoff","hidden":false,"outcome":"passed","duration_ms":20.0}],
 "hidden":{"passed":4,"total":5}}`

func sseEvent(event, data string) string {
	return "event: " + event + "\ndata: " + strings.ReplaceAll(data, "\n", "") + "\n\n"
}

// writeSolution writes a file to submit and returns its path.
func writeSolution(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runClient runs the command line args with env and returns stdout,
// stderr and the error (whose exitCode is the process's status).
func runClient(t *testing.T, env map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	// A bound for a command that hangs, not a time to meet: a push to a
	// real server waits for the challenge's check in the sandbox (eight
	// runs), which took over a minute on a loaded two-core machine.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	err := run(ctx, args, func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), stderr.String(), err
}

func wantExit(t *testing.T, err error, code int) {
	t.Helper()
	if got := exitCode(err); (err == nil && code != 0) || (err != nil && got != code) {
		t.Fatalf("exit status %d (%v); want %d", map[bool]int{true: 0, false: got}[err == nil], err, code)
	}
}

func TestSubmitRefusesBadArgumentsBeforeAnyRequest(t *testing.T) {
	f := &fakeAssay{t: t}
	srv := f.start()
	env := map[string]string{"ASSAY_SERVER": srv.URL, "ASSAY_TOKEN": "tok"}
	dir := t.TempDir()
	good := writeSolution(t, "solution.py", "x = 1\n")
	big := writeSolution(t, "big.py", strings.Repeat("#", maxSubmitFileBytes+1))
	latin1 := writeSolution(t, "latin.py", "s = '\xe9t\xe9'\n")
	other := filepath.Join(t.TempDir(), "solution.py")
	os.WriteFile(other, []byte("y = 2\n"), 0o644)

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{good}, "--challenge"},
		{[]string{"--challenge", "decorators"}, "name the files"},
		{[]string{"--challenge", "decorators", dir}, "is a directory"},
		{[]string{"--challenge", "decorators", filepath.Join(dir, "nope.py")}, "no such file"},
		{[]string{"--challenge", "decorators", big}, "at most 262144 bytes"},
		{[]string{"--challenge", "decorators", latin1}, "not UTF-8"},
		{[]string{"--challenge", "decorators", good, other}, "both named solution.py"},
		{[]string{"--challenge", "decorators", "--retries", "-1", good}, "negative"},
		{[]string{"--challenge", "decorators", "--scratch", good, good}, "--scratch goes with --run"},
		{[]string{"--challenge", "decorators", "--run", "--scratch", big, good}, "at most 262144 bytes"},
		{[]string{"--challenge", "decorators", "--bogus", good}, "not defined"},
		{[]string{"--challenge", "decorators", "--server", "ftp://x", good}, "http:// or https://"},
	} {
		_, stderr, err := runClient(t, env, append([]string{"submit"}, c.args...)...)
		wantExit(t, err, exitUsage)
		if msg := err.Error() + stderr; !strings.Contains(msg, c.want) {
			t.Errorf("%q: %v (stderr %q); want it to say %q", c.args, err, stderr, c.want)
		}
	}
	// Every problem at once, not one per attempt.
	_, _, err := runClient(t, env, "submit", "--challenge", "decorators", dir, big, latin1)
	if msg := err.Error(); !strings.Contains(msg, "directory") || !strings.Contains(msg, "262144") || !strings.Contains(msg, "UTF-8") {
		t.Errorf("all problems: %v", err)
	}
	if r := f.recorded(); len(r) > 0 {
		t.Fatalf("%d requests were made; want none", len(r))
	}
}

func TestSubmitPassedFollowsEventsAndPrintsTheTable(t *testing.T) {
	f := &fakeAssay{t: t, events: []string{
		sseEvent("queued", fakeState("queued", "")),
		": still queued\n\n",
		sseEvent("running", fakeState("running", "")),
		sseEvent("done", fakeState("done", passedResult)),
	}}
	srv := f.start()
	sol := writeSolution(t, "solution.py", "def retry(**kw):\n    ...\n")
	// Flags after the file, the server from the environment, the token
	// from ASSAY_ADMIN_TOKEN when ASSAY_TOKEN is unset.
	stdout, stderr, err := runClient(t, map[string]string{"ASSAY_SERVER": srv.URL + "/", "ASSAY_ADMIN_TOKEN": "admin-tok"},
		"submit", sol, "--challenge", "decorators")
	wantExit(t, err, 0)

	reqs := f.recorded()
	if len(reqs) != 2 || reqs[0].method != "POST" || !strings.HasSuffix(reqs[1].path, "/events") {
		t.Fatalf("requests: %+v", reqs)
	}
	post := reqs[0]
	if got := post.header.Get("Authorization"); got != "Bearer admin-tok" {
		t.Errorf("Authorization %q", got)
	}
	if post.header.Get("Content-Type") != "application/json" || post.header.Get("Idempotency-Key") == "" {
		t.Errorf("headers %v", post.header)
	}
	var body struct {
		Challenge string            `json:"challenge"`
		Files     map[string]string `json:"files"`
	}
	if err := json.Unmarshal(post.body, &body); err != nil || body.Challenge != "decorators" || body.Files["solution.py"] != "def retry(**kw):\n    ...\n" || len(body.Files) != 1 {
		t.Errorf("body %s: %v", post.body, err)
	}
	if reqs[1].header.Get("Authorization") != "Bearer admin-tok" {
		t.Errorf("events without the token")
	}

	// Progress on stderr, in order.
	q, r, d := strings.Index(stderr, "] queued"), strings.Index(stderr, "running on host-7"), strings.Index(stderr, "done: passed")
	if q < 0 || r < q || d < r || !strings.Contains(stderr, "submitted "+fakeID) {
		t.Errorf("progress:\n%s", stderr)
	}
	// The table: every test, visible first, the reference column, and the summary.
	for _, want := range []string{"TEST", "OUTCOME", "REF MS", "tests.visible.test_retry::test_keeps_metadata", "1.2", "1.0",
		"tests.hidden.test_h::test_secret", "verdict passed: 3/3 tests passed, run 412 ms, queued 3 ms"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Index(stdout, "test_h::test_secret") < strings.Index(stdout, "test_backoff") {
		t.Errorf("hidden tests should come after the visible ones:\n%s", stdout)
	}
	if strings.Contains(stdout, "submitted") {
		t.Errorf("progress on stdout:\n%s", stdout)
	}
}

func TestSubmitFailedExitsOneAndNamesTheTest(t *testing.T) {
	f := &fakeAssay{t: t, events: []string{sseEvent("queued", fakeState("queued", "")), sseEvent("done", fakeState("done", failedResult))}}
	srv := f.start()
	sol := writeSolution(t, "solution.py", "x = 1\n")
	stdout, _, err := runClient(t, nil, "submit", "--server", srv.URL, "--token", "t", "--challenge", "decorators", sol)
	wantExit(t, err, exitFailed)
	if !reported(err) {
		t.Errorf("a verdict is shown on stdout; main should not print %v again", err)
	}
	for _, want := range []string{"test_keeps_metadata", "failed", "AssertionError: wrapper.__name__ is 'inner'",
		"hidden tests: 4 of 5 passed", "verdict failed: 1/2 tests passed, run 300 ms, queued 7 ms (1 of 2 tests did not pass)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "assert 'inner' == 'fetch'") || strings.Contains(stdout, "REF MS") {
		t.Errorf("only a message's first line, and no reference column without references:\n%s", stdout)
	}
}

// A staff token's full view of a tampered run: the verdict, each piece of
// evidence on its own line, exit status 1.
func TestSubmitTamperedShowsTheEvidence(t *testing.T) {
	tampered := `{"verdict":"tampered","reason":"tampering: guard","passed":2,"total":2,"run_ms":500,"queued_ms":2,
 "tampering":[{"check":"guard","phase":"visible","seen":"TestReport.from_item_and_call replaced\nmore"},{"check":"canary","seen":"a canary test was reported passed"}],
 "tests":[{"id":"tests.visible.test_retry::test_backoff","hidden":false,"outcome":"passed","duration_ms":20.0}]}`
	f := &fakeAssay{t: t, events: []string{sseEvent("done", fakeState("done", tampered))}}
	srv := f.start()
	sol := writeSolution(t, "solution.py", "x = 1\n")
	stdout, _, err := runClient(t, nil, "submit", "--server", srv.URL, "--token", "t", "--challenge", "decorators", sol)
	wantExit(t, err, exitFailed)
	for _, want := range []string{"tampering: guard (visible): TestReport.from_item_and_call replaced\n", "tampering: canary: a canary test was reported passed\n",
		"verdict tampered: 2/2 tests passed"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
}

// A staff token's full view of a scored run: the score, its tags and
// groups on one line before the verdict.
func TestSubmitShowsTheScore(t *testing.T) {
	scored := `{"verdict":"failed","reason":"1 of 2 tests did not pass","passed":1,"total":2,"run_ms":300,"queued_ms":7,
 "tests":[{"id":"tests.visible.test_retry::test_backoff","hidden":false,"outcome":"passed","duration_ms":20.0}],
 "score":{"percent":37.5,"earned":3,"possible":8,"tags":[{"name":"backoff","percent":100,"earned":3,"possible":3},{"name":"state","percent":0,"earned":0,"possible":5}],
  "groups":[{"name":"per-call","percent":0,"earned":0,"possible":5}]}}`
	f := &fakeAssay{t: t, events: []string{sseEvent("done", fakeState("done", scored))}}
	srv := f.start()
	sol := writeSolution(t, "solution.py", "x = 1\n")
	stdout, _, err := runClient(t, nil, "submit", "--server", srv.URL, "--token", "t", "--challenge", "decorators", sol)
	wantExit(t, err, exitFailed)
	if want := "score 37.5 (3 of 8 points); tags: backoff 100, state 0; group per-call not earned\nverdict failed: 1/2"; !strings.Contains(stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, stdout)
	}
}

func TestSubmitLongPollsWithoutAnEventStream(t *testing.T) {
	f := &fakeAssay{t: t, states: []string{fakeState("queued", ""), fakeState("running", ""), fakeState("done", passedResult)}}
	srv := f.start()
	sol := writeSolution(t, "solution.py", "x = 1\n")
	stdout, stderr, err := runClient(t, map[string]string{"ASSAY_SERVER": srv.URL}, "submit", "--challenge=decorators", "--json", sol)
	wantExit(t, err, 0)
	var polls int
	for _, r := range f.recorded() {
		if r.method == "GET" && r.path == "/api/v1/submissions/"+fakeID {
			polls++
			if r.query != "wait=30s" {
				t.Errorf("poll %q; want wait=30s", r.query)
			}
		}
	}
	if polls != 3 {
		t.Errorf("%d polls; want 3", polls)
	}
	if !strings.Contains(stderr, "running on host-7") || !strings.Contains(stderr, "done: passed") {
		t.Errorf("progress:\n%s", stderr)
	}
	var st runner.State // --json is the final state, as the server sent it
	if err := json.Unmarshal([]byte(stdout), &st); err != nil || st.Status != runner.StatusDone || st.Result.Verdict != runner.VerdictPassed || len(st.Result.Tests) != 3 {
		t.Fatalf("--json: %v\n%s", err, stdout)
	}
}

func TestSubmitBusyServer(t *testing.T) {
	busy := func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error":"the queue is full (10 submissions waiting); try again shortly"}`)
	}
	sol := writeSolution(t, "solution.py", "x = 1\n")

	// No retries: say so clearly, exit 2.
	f := &fakeAssay{t: t, create: busy}
	srv := f.start()
	_, _, err := runClient(t, nil, "submit", "--server", srv.URL, "--retries", "0", "--challenge", "decorators", sol)
	wantExit(t, err, exitUsage)
	if msg := err.Error(); !strings.Contains(msg, "503 Service Unavailable") || !strings.Contains(msg, "the queue is full") || !strings.Contains(msg, "retry after 1s") {
		t.Errorf("error: %v", err)
	}

	// Retried as the server asks, with the same Idempotency-Key.
	f = &fakeAssay{t: t, events: []string{sseEvent("done", fakeState("done", passedResult))}}
	f.create = func(w http.ResponseWriter, r *http.Request, n int) {
		if n < 2 {
			busy(w, r, n)
			return
		}
		w.WriteHeader(http.StatusAccepted)
		fmt.Fprintf(w, `{"id":%q,"status":"queued","challenge":"decorators","challenge_version":"v1"}`, fakeID)
	}
	srv = f.start()
	start := time.Now()
	_, stderr, err := runClient(t, nil, "submit", "--server", srv.URL, "--idempotency-key", "ci-run-42", "--challenge", "decorators", sol)
	wantExit(t, err, 0)
	if time.Since(start) < 2*time.Second {
		t.Errorf("did not wait out Retry-After")
	}
	var keys []string
	for _, r := range f.recorded() {
		if r.method == "POST" {
			keys = append(keys, r.header.Get("Idempotency-Key"))
		}
	}
	if strings.Join(keys, ",") != "ci-run-42,ci-run-42,ci-run-42" {
		t.Errorf("keys %q", keys)
	}
	if !strings.Contains(stderr, "the server is busy (503") || !strings.Contains(stderr, "retry 2 of 3") {
		t.Errorf("stderr:\n%s", stderr)
	}

	// A 429 whose window is too long to wait out is reported, not slept on.
	f = &fakeAssay{t: t, create: func(w http.ResponseWriter, r *http.Request, n int) {
		w.Header().Set("Retry-After", "600")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":"too many submissions; wait for the next window"}`)
	}}
	srv = f.start()
	_, _, err = runClient(t, nil, "submit", "--server", srv.URL, "--challenge", "decorators", sol)
	wantExit(t, err, exitUsage)
	if msg, n := err.Error(), len(f.recorded()); !strings.Contains(msg, "429 Too Many Requests") || !strings.Contains(msg, "10m0s") || n != 1 {
		t.Errorf("error: %v after %d requests", err, n)
	}
}

func TestSubmitServerErrors(t *testing.T) {
	sol := writeSolution(t, "solution.py", "x = 1\n")
	f := &fakeAssay{t: t, create: func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"this needs a token: Authorization: Bearer TOKEN"}`)
	}}
	srv := f.start()
	_, _, err := runClient(t, nil, "submit", "--server", srv.URL, "--challenge", "decorators", sol)
	wantExit(t, err, exitUsage)
	if msg := err.Error(); !strings.Contains(msg, "401 Unauthorized: this needs a token") || !strings.Contains(msg, "ASSAY_TOKEN") || reported(err) {
		t.Errorf("401: %v", err)
	}
	if r := f.recorded(); len(r) != 1 || r[0].header.Get("Authorization") != "" {
		t.Errorf("without a token no Authorization header is sent: %+v", r)
	}

	f = &fakeAssay{t: t, create: func(w http.ResponseWriter, r *http.Request, n int) {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":"missing file: solution.py"}`)
	}}
	srv = f.start()
	_, _, err = runClient(t, nil, "submit", "--server", srv.URL, "--challenge", "decorators", writeSolution(t, "other.py", "x"))
	wantExit(t, err, exitUsage)
	if !strings.Contains(err.Error(), "400 Bad Request: missing file: solution.py") {
		t.Errorf("400: %v", err)
	}

	// Nothing listens: exit 2, saying where it looked.
	srv = httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, _, err = runClient(t, nil, "submit", "--server", url, "--challenge", "decorators", sol)
	wantExit(t, err, exitUsage)
	if !strings.Contains(err.Error(), "cannot reach the Assay server at "+url) {
		t.Errorf("unreachable: %v", err)
	}
}

// TestSubmitWaitsThroughAStreamThatEnds reconnects when the event stream
// ends (its time is up) or reports a failure before the submission is done.
func TestSubmitWaitsThroughAStreamThatEnds(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "POST":
			w.WriteHeader(http.StatusAccepted)
			fmt.Fprintf(w, `{"id":%q,"status":"queued","challenge":"decorators","challenge_version":"v1"}`, fakeID)
		case strings.HasSuffix(r.URL.Path, "/events"):
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			w.Header().Set("Content-Type", "text/event-stream")
			switch n {
			case 1:
				io.WriteString(w, sseEvent("running", fakeState("running", "")))
				return // the stream's time is up
			case 2:
				io.WriteString(w, sseEvent("running", fakeState("running", ""))+sseEvent("error", `{"error":"the service is temporarily unavailable"}`))
				return
			}
			io.WriteString(w, sseEvent("running", fakeState("running", ""))+sseEvent("done", fakeState("done", failedResult)))
		}
	}))
	defer srv.Close()
	stdout, stderr, err := runClient(t, nil, "submit", "--server", srv.URL, "--challenge", "decorators", writeSolution(t, "solution.py", "x"))
	wantExit(t, err, exitFailed)
	mu.Lock()
	defer mu.Unlock()
	if calls != 3 || strings.Count(stderr, "running on") != 1 || !strings.Contains(stderr, "temporarily unavailable; trying again in 1s") || !strings.Contains(stdout, "verdict failed") {
		t.Errorf("%d streams; stderr:\n%s\nstdout:\n%s", calls, stderr, stdout)
	}
}

// TestSubmitAgainstARealServer runs assay submit, in process and as the
// built binary, against a real server with Redis and Docker.
func TestSubmitAgainstARealServer(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	ch := mustChallenge(t, "decorators")
	dir := t.TempDir()
	ref := filepath.Join(dir, "ref", "solution.py")
	broken := filepath.Join(dir, "broken", "solution.py")
	os.MkdirAll(filepath.Dir(ref), 0o755)
	os.MkdirAll(filepath.Dir(broken), 0o755)
	os.WriteFile(ref, ch.Reference["solution.py"], 0o644)
	os.WriteFile(broken, ch.Bad["no_wraps"]["solution.py"], 0o644)
	env := map[string]string{"ASSAY_SERVER": app.base, "ASSAY_TOKEN": testAdminToken}

	// The reference: exit 0, a table naming every test.
	stdout, stderr, err := runClient(t, env, "submit", "--challenge", "decorators", ref)
	t.Logf("assay submit, the reference:\n%s%s", stderr, stdout)
	wantExit(t, err, 0)
	for _, tc := range ch.Expected.Tests {
		if !strings.Contains(stdout, tc.ID) {
			t.Errorf("the table lacks %s:\n%s", tc.ID, stdout)
		}
	}
	n := len(ch.Expected.Tests)
	if !strings.Contains(stdout, fmt.Sprintf("verdict passed: %d/%d tests passed", n, n)) {
		t.Errorf("summary:\n%s", stdout)
	}
	// The first status seen may be running already: a worker is that quick.
	if !strings.Contains(stderr, "submitted ") || !strings.Contains(stderr, "done: passed") {
		t.Errorf("progress:\n%s", stderr)
	}

	// A Run of the reference with tests of one's own: the visible tests
	// and the scratch ones, nothing of the hidden tests, exit 0.
	mine := filepath.Join(dir, "test_mine.py")
	os.WriteFile(mine, []byte("from solution import *\n\ndef test_mine():\n    assert True\n\ndef test_mine_fails():\n    assert 1 == 2\n"), 0o644)
	stdout, stderr, err = runClient(t, env, "submit", "--challenge", "decorators", "--run", "--scratch", mine, ref)
	t.Logf("assay submit --run, the reference:\n%s%s", stderr, stdout)
	wantExit(t, err, 0)
	for _, want := range []string{"YOUR TEST", "tests.scratch.test_scratch::test_mine ", "tests.scratch.test_scratch::test_mine_fails", "a Run: the hidden tests did not run", "run (visible tests only, not an attempt)"} {
		if !strings.Contains(stdout+stderr, want) {
			t.Errorf("the Run's output lacks %q", want)
		}
	}
	if strings.Contains(stdout, "tests.hidden.") {
		t.Errorf("a Run shows hidden tests:\n%s", stdout)
	}

	// The built binary, as a script would run it: a known-bad solution
	// exits 1 and names the failing visible test.
	bin := buildAssay(t)
	cmd := exec.Command(bin, "submit", "--challenge", "decorators", broken)
	cmd.Env = append(os.Environ(), "ASSAY_SERVER="+app.base, "ASSAY_TOKEN=", "ASSAY_ADMIN_TOKEN="+testAdminToken)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	t.Logf("assay submit, a known-bad solution:\n%s%s", errOut.String(), out.String())
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("broken solution: %v; want exit status 1\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "verdict failed") || !regexp.MustCompile(`tests\.visible\.\S+::test_keeps_name_doc_and_wrapped\s+failed`).MatchString(out.String()) {
		t.Errorf("the failing visible test is not named:\n%s", out.String())
	}
	if strings.Contains(errOut.String(), "assay: ") {
		t.Errorf("a failed verdict is not an error message:\n%s", errOut.String())
	}

	// The binary's exit status 0 on the reference, and 2 without a token.
	cmd = exec.Command(bin, "submit", "--server", app.base, "--token", testAdminToken, "--challenge", "decorators", "--json", ref)
	if out, err := cmd.Output(); err != nil || !strings.Contains(string(out), `"verdict": "passed"`) {
		t.Errorf("binary, reference: %v\n%s", err, out)
	}
	cmd = exec.Command(bin, "submit", "--server", app.base, "--challenge", "decorators", ref)
	cmd.Env = append(os.Environ(), "ASSAY_TOKEN=", "ASSAY_ADMIN_TOKEN=")
	msg, err := cmd.CombinedOutput()
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(msg), "401") {
		t.Errorf("binary, no token: %v\n%s", err, msg)
	}
}
