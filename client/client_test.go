package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"assay/api/wire"
	"assay/client"
	"assay/runner"
)

// serve starts a test server of handler and a client of it with token.
func serve(t *testing.T, token string, handler http.HandlerFunc) *client.Client {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	c, err := client.New(srv.URL+"/", token)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func TestNewRefusesWhatIsNotAnHTTPURL(t *testing.T) {
	for _, s := range []string{"ftp://x", "localhost:8080", "http://", "::"} {
		if _, err := client.New(s, ""); err == nil || !strings.Contains(err.Error(), "http:// or https://") {
			t.Errorf("New(%q): %v", s, err)
		}
	}
	c, err := client.New("https://assay.example.com/", "")
	if err != nil || c.Server() != "https://assay.example.com" {
		t.Errorf("New: %v, server %q", err, c.Server())
	}
}

// An answer other than the one expected is an *Error with the status, the
// API's message and body, and Retry-After, through the calls' wrapping.
func TestErrorCarriesTheStatusAndTheAPIsMessage(t *testing.T) {
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	c := serve(t, "", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/regrades/missing":
			writeJSON(w, http.StatusNotFound, wire.ErrorBody{Error: "regrade missing: not found"})
		case "/api/v1/regrades/busy":
			w.Header().Set("Retry-After", "7")
			writeJSON(w, http.StatusServiceUnavailable, wire.ErrorBody{Error: "try again shortly"})
		case "/api/v1/regrades/dated":
			w.Header().Set("Retry-After", date)
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			http.Error(w, "bad gateway", http.StatusBadGateway) // a proxy's plain text
		}
	})
	ctx := context.Background()
	var e *client.Error

	_, err := c.RegradeItems(ctx, "missing", 10)
	if !errors.As(err, &e) || e.Status != 404 || e.Message != "regrade missing: not found" || e.Busy() || !strings.Contains(string(e.Body), `"error"`) {
		t.Fatalf("404: %v (%+v)", err, e)
	}
	if want := "regrade missing: the server answered 404 Not Found: regrade missing: not found"; err.Error() != want {
		t.Errorf("404 reads %q; want %q", err, want)
	}
	if _, err = c.Regrade(ctx, "busy", 0, 1); !errors.As(err, &e) || e.Status != 503 || e.RetryAfter != 7*time.Second || !e.Busy() ||
		!strings.Contains(err.Error(), "retry after 7s") {
		t.Errorf("503: %v (%+v)", err, e)
	}
	if _, err = c.Regrade(ctx, "dated", 0, 1); !errors.As(err, &e) || e.Status != 429 || e.RetryAfter < 80*time.Second || e.RetryAfter > 100*time.Second || !e.Busy() {
		t.Errorf("429 with a date: %v (%+v)", err, e)
	}
	if _, _, err = c.Regrades(ctx); !errors.As(err, &e) || e.Status != 502 || e.Message != "bad gateway" || e.Busy() {
		t.Errorf("502: %v (%+v)", err, e)
	}
}

func TestUnreachableAndTheToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, _ := client.New(url, "tok")
	_, err := c.State(context.Background(), "x", 0)
	if !errors.Is(err, client.ErrUnreachable) || !strings.Contains(err.Error(), url) {
		t.Errorf("unreachable: %v", err)
	}

	var mu sync.Mutex
	var auths, agents []string
	handler := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths, agents = append(auths, r.Header.Get("Authorization")), append(agents, r.UserAgent())
		mu.Unlock()
		writeJSON(w, http.StatusOK, wire.RegradeList{})
	}
	for _, token := range []string{"tok", ""} {
		if _, _, err := serve(t, token, handler).Regrades(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if auths[0] != "Bearer tok" || auths[1] != "" || agents[0] != client.UserAgent {
		t.Errorf("Authorization %q, User-Agent %q", auths, agents)
	}
}

// A call ends with its context, however long the server takes.
func TestContextCancellation(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	c := serve(t, "", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.State(ctx, "x", client.PollWait)
	if !errors.Is(err, context.Canceled) || errors.Is(err, client.ErrUnreachable) || time.Since(start) > 5*time.Second {
		t.Errorf("after %s: %v", time.Since(start), err)
	}

	// A wait between retries ends with it too.
	c = serve(t, "", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeJSON(w, http.StatusServiceUnavailable, wire.ErrorBody{Error: "busy"})
	})
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.Submit(ctx, wire.SubmissionRequest{Challenge: "decorators"}, "k", client.Retry{Times: 3})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Errorf("retry wait after %s: %v", time.Since(start), err)
	}
}

// Submit retries a busy server as it asks, with the same key and body,
// and only as often and as long as it is told.
func TestSubmitRetriesABusyServer(t *testing.T) {
	var mu sync.Mutex
	var keys, bodies []string
	busyFor := 2
	c := serve(t, "", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		keys, bodies = append(keys, r.Header.Get("Idempotency-Key")), append(bodies, string(b))
		n := len(keys)
		mu.Unlock()
		if n <= busyFor {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusTooManyRequests, wire.ErrorBody{Error: "slow down"})
			return
		}
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, http.StatusAccepted, wire.SubmissionAccepted{ID: "s-1", Status: runner.StatusQueued, Challenge: "decorators", ChallengeVersion: "v1"})
	})
	req := wire.SubmissionRequest{Challenge: "decorators", Files: map[string]string{"solution.py": "x = 1\n"}, Mode: "run", Scratch: "def test_x(): pass\n"}
	var told []int
	acc, err := c.Submit(context.Background(), req, "key-1", client.Retry{Times: 3, Before: func(e *client.Error, retry int) {
		if e.Status != 429 || e.Message != "slow down" {
			t.Errorf("told of %v", e)
		}
		told = append(told, retry)
	}})
	if err != nil || acc.ID != "s-1" || acc.ChallengeVersion != "v1" || !acc.Replayed {
		t.Fatalf("Submit: %+v, %v", acc, err)
	}
	if fmt.Sprint(told) != "[1 2]" || strings.Join(keys, ",") != "key-1,key-1,key-1" || bodies[0] != bodies[2] {
		t.Errorf("retries told %v, keys %q, bodies %q", told, keys, bodies)
	}
	var sent wire.SubmissionRequest
	if err := json.Unmarshal([]byte(bodies[0]), &sent); err != nil || sent.Mode != "run" || sent.Scratch != req.Scratch || sent.Files["solution.py"] != "x = 1\n" {
		t.Errorf("body %s: %v", bodies[0], err)
	}

	// Out of retries: the busy answer is the error.
	mu.Lock()
	keys, busyFor = nil, 100
	mu.Unlock()
	_, err = c.Submit(context.Background(), req, "key-2", client.Retry{Times: 1})
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 429 || len(keys) != 2 || !strings.HasPrefix(err.Error(), "submit to decorators: ") {
		t.Errorf("out of retries after %d requests: %v", len(keys), err)
	}
	// A wait longer than MaxWait is not waited out.
	mu.Lock()
	keys = nil
	mu.Unlock()
	if _, err = c.Submit(context.Background(), req, "key-3", client.Retry{Times: 3, MaxWait: time.Millisecond}); !errors.As(err, &e) || len(keys) != 1 {
		t.Errorf("MaxWait: %d requests, %v", len(keys), err)
	}
}

// Follow reads either view of a state, as the server encodes them, from
// the event stream, or from long polls when the server has none.
func TestFollowReadsBothViews(t *testing.T) {
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	score := &runner.Score{Percent: 50, Earned: 1, Possible: 2}
	full := wire.FullState{View: wire.ViewFull, State: runner.State{
		Submission: runner.Submission{ID: "s-1", Challenge: "decorators", ChallengeVersion: "v1"},
		Status:     runner.StatusDone, StartedAt: &started, Worker: "host-7",
		Result: &runner.Result{Verdict: runner.VerdictTampered, Passed: 1, Total: 2, RunMS: 900, Score: score,
			Tests:     []runner.TestResult{{ID: "tests.hidden.t::h", Hidden: true, Outcome: runner.OutcomePassed}},
			Tampering: []runner.Finding{{Check: "guard", Seen: "replaced"}}},
	}}
	cand := wire.CandidateState{View: wire.ViewCandidate, Submission: full.Submission, Status: runner.StatusDone,
		Result: &wire.CandidateResult{Verdict: runner.VerdictError, Passed: 1, Total: 1, RunMS: 300, Hidden: wire.HiddenCounts{Passed: 0, Total: 1},
			Tests: []runner.TestResult{{ID: "tests.visible.t::v", Outcome: runner.OutcomePassed}}}}
	running := wire.FullState{View: wire.ViewFull, State: runner.State{Submission: full.Submission, Status: runner.StatusRunning, Worker: "host-7"}}

	sse := func(event string, v any) string {
		b, _ := json.Marshal(v)
		return "event: " + event + "\ndata: " + string(b) + "\n\n"
	}
	var mu sync.Mutex
	var paths []string
	handler := func(done any, events bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			paths = append(paths, r.URL.Path+"?"+r.URL.RawQuery)
			mu.Unlock()
			switch {
			case strings.HasSuffix(r.URL.Path, "/events") && events:
				w.Header().Set("Content-Type", "text/event-stream")
				io.WriteString(w, sse("running", running)+": heartbeat\n\n"+sse("done", done))
			case strings.HasSuffix(r.URL.Path, "/events"):
				writeJSON(w, http.StatusNotFound, wire.ErrorBody{Error: "no such route"})
			default:
				writeJSON(w, http.StatusOK, done)
			}
		}
	}

	var seen []runner.Status
	onState := func(st client.State) { seen = append(seen, st.Status) }
	st, err := serve(t, "", handler(full, true)).Follow(context.Background(), "s-1", onState, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := st.Result
	if st.View != wire.ViewFull || st.Worker != "host-7" || !st.StartedAt.Equal(started) || r.Verdict != runner.VerdictTampered || r.RunMS != 900 ||
		len(r.Tampering) != 1 || r.Score == nil || r.Score.Percent != 50 || r.Hidden != nil || len(r.Tests) != 1 || !r.Tests[0].Hidden {
		t.Errorf("the full view read as %+v, result %+v", st, r)
	}
	if rs := st.Runner(); rs.Worker != "host-7" || rs.Result == nil || rs.Result.Verdict != runner.VerdictTampered || rs.Result.Score != r.Score {
		t.Errorf("as runner.State: %+v", rs)
	}
	var back wire.FullState
	if err := json.Unmarshal(st.Raw, &back); err != nil || back.Result.Verdict != runner.VerdictTampered || fmt.Sprint(seen) != "[running done]" {
		t.Errorf("raw %s: %v; states seen %v", st.Raw, err, seen)
	}

	mu.Lock()
	paths = nil
	mu.Unlock()
	st, err = serve(t, "", handler(cand, false)).Follow(context.Background(), "s-1", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := st.Result; st.View != wire.ViewCandidate || r.Verdict != runner.VerdictError || r.RunMS != 300 || r.Hidden == nil || *r.Hidden != cand.Result.Hidden ||
		len(r.Tests) != 1 || r.Tampering != nil {
		t.Errorf("the candidate view read as %+v, result %+v", st, st.Result)
	}
	if want := "[/api/v1/submissions/s-1/events? /api/v1/submissions/s-1?wait=30s]"; fmt.Sprint(paths) != want {
		t.Errorf("requests %v; want %v", paths, want)
	}
}

// Follow returns a refusal at once, and gives up on a server that stays
// busy after five tries again.
func TestFollowRefusalsAndRetries(t *testing.T) {
	var mu sync.Mutex
	gets := 0
	c := serve(t, "", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gets++
		mu.Unlock()
		if strings.HasSuffix(r.URL.Path, "/events") {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		if strings.Contains(r.URL.Path, "forbidden") {
			writeJSON(w, http.StatusForbidden, wire.ErrorBody{Error: "not yours"})
			return
		}
		w.Header().Set("Retry-After", "0") // at least a second
		writeJSON(w, http.StatusServiceUnavailable, wire.ErrorBody{Error: "store unavailable"})
	})
	_, err := c.Follow(context.Background(), "forbidden", nil, nil)
	var e *client.Error
	if !errors.As(err, &e) || e.Status != 403 || gets != 2 || err.Error() != "submission forbidden: the server answered 403 Forbidden: not yours" {
		t.Errorf("after %d requests: %v", gets, err)
	}
	if testing.Short() {
		return
	}
	var pauses []time.Duration
	_, err = c.Follow(context.Background(), "busy", nil, func(err error, pause time.Duration) { pauses = append(pauses, pause) })
	if !errors.As(err, &e) || e.Status != 503 || !strings.Contains(err.Error(), "giving up after 6 failures in a row") || len(pauses) != 5 || pauses[0] != time.Second {
		t.Errorf("pauses %v: %v", pauses, err)
	}
}

func TestPublish(t *testing.T) {
	check := wire.CheckView{Challenge: "counter", Version: "v2", Tests: 4, Solutions: []wire.SolutionCheck{{Name: "reference", Verdict: runner.VerdictFailed, Problem: "the reference must pass"}}}
	c := serve(t, "admin", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Content-Type") != "application/gzip" || r.Method != http.MethodPost || r.URL.Path != "/api/v1/challenges" {
			t.Errorf("%s %s, Content-Type %q", r.Method, r.URL, r.Header.Get("Content-Type"))
		}
		switch b, _ := io.ReadAll(r.Body); string(b) {
		case "new":
			writeJSON(w, http.StatusCreated, wire.Published{Challenge: "counter", Version: "v2", Previous: "v1", Created: true, Check: check})
		case "bad":
			writeJSON(w, http.StatusUnprocessableEntity, wire.PublishRefused{Error: "the check failed", Check: check})
		case "huge":
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
		default:
			writeJSON(w, http.StatusForbidden, wire.ErrorBody{Error: "admins only"})
		}
	})
	ctx := context.Background()
	p, err := c.Publish(ctx, []byte("new"))
	if err != nil || p.Status != 201 || p.Published == nil || p.Published.Previous != "v1" || p.Published.Check.Tests != 4 || p.Refused != nil || !json.Valid(p.Raw) {
		t.Errorf("201: %+v, %v", p, err)
	}
	p, err = c.Publish(ctx, []byte("bad"))
	if err != nil || p.Status != 422 || p.Refused == nil || p.Refused.Error != "the check failed" || p.Refused.Check.Solutions[0].Problem == "" || p.Published != nil {
		t.Errorf("422: %+v, %v", p, err)
	}
	p, err = c.Publish(ctx, []byte("huge"))
	if err != nil || p.Status != 413 || p.Refused.Error != "too large" {
		t.Errorf("413: %+v, %v", p, err)
	}
	var e *client.Error
	if _, err = c.Publish(ctx, []byte("x")); !errors.As(err, &e) || e.Status != 403 || e.Message != "admins only" {
		t.Errorf("403: %v", err)
	}
}

// RegradeItems reads every page; WaitRegrade asks again through a
// gateway's errors until the regrade completes.
func TestRegrades(t *testing.T) {
	items := make([]runner.RegradeItem, 7)
	for i := range items {
		items[i].ID = fmt.Sprintf("copy-%d", i)
	}
	var mu sync.Mutex
	var created []wire.NewRegrade
	var queries []string
	polls := 0
	c := serve(t, "", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		rg := runner.Regrade{ID: "rg-1", Total: 7}
		switch {
		case r.Method == http.MethodPost:
			var nr wire.NewRegrade
			json.NewDecoder(r.Body).Decode(&nr)
			created = append(created, nr)
			writeJSON(w, http.StatusAccepted, wire.RegradeView{Regrade: rg})
		case r.URL.Query().Get("limit") == "1":
			if polls++; polls <= 2 {
				http.Error(w, "bad gateway", http.StatusBadGateway)
				return
			}
			writeJSON(w, http.StatusOK, wire.RegradeView{Regrade: rg, Progress: runner.RegradeProgress{Done: polls, Completed: polls >= 4}})
		default:
			queries = append(queries, r.URL.RawQuery)
			var off, lim int
			fmt.Sscanf(r.URL.Query().Get("offset"), "%d", &off)
			fmt.Sscanf(r.URL.Query().Get("limit"), "%d", &lim)
			end := min(off+min(lim, 3), len(items)) // the server's own page is smaller
			writeJSON(w, http.StatusOK, wire.RegradeView{Regrade: rg, Items: items[off:end], ItemsTotal: len(items)})
		}
	})
	ctx := context.Background()
	rv, err := c.CreateRegrade(ctx, wire.NewRegrade{Challenge: "decorators", Version: "v2"})
	if err != nil || rv.ID != "rg-1" || len(created) != 1 || created[0].Version != "v2" {
		t.Fatalf("create: %+v, %v (%+v)", rv, err, created)
	}
	var views, retries int
	last, err := c.WaitRegrade(ctx, "rg-1", time.Millisecond, func(wire.RegradeView) { views++ }, func(error, time.Duration) { retries++ })
	if err != nil || last == nil || !last.Progress.Completed || views != 2 || retries != 2 {
		t.Errorf("wait: %+v, %v; %d views, %d retries", last, err, views, retries)
	}
	rv, err = c.RegradeItems(ctx, "rg-1", 1000)
	if err != nil || len(rv.Items) != 7 || rv.Items[6].ID != "copy-6" || fmt.Sprint(queries) != "[offset=0&limit=1000 offset=3&limit=1000 offset=6&limit=1000]" {
		t.Errorf("items: %d, %v; queries %v", len(rv.Items), err, queries)
	}
}
