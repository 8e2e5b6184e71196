package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"assay/api"
	"assay/runner"
)

// fakeRegradeServer stands in for the server's three regrade endpoints.
// Each GET of the regrade answers the next of steps (the last repeats),
// and at most pageMax items, however many are asked for.
type fakeRegradeServer struct {
	t            *testing.T
	rg           runner.Regrade
	steps        []runner.RegradeProgress
	items        []runner.RegradeItem
	pageMax      int
	list         []api.RegradeView
	createStatus int    // 0: 202 with rg
	createAnswer string // the body of another status
	failFirst    int    // answer the first GETs of the regrade with 502

	mu      sync.Mutex
	auths   []string
	created []api.NewRegrade
	queries []url.Values // of each GET of the regrade
	polls   int
}

func (f *fakeRegradeServer) start() string {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/regrades", func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			f.t.Errorf("POST Content-Type %q", ct)
		}
		var nr api.NewRegrade
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&nr); err != nil {
			f.t.Errorf("POST body: %v", err)
		}
		f.mu.Lock()
		f.created = append(f.created, nr)
		f.mu.Unlock()
		if f.createStatus != 0 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(f.createStatus)
			fmt.Fprint(w, f.createAnswer)
			return
		}
		w.Header().Set("Location", "/api/v1/regrades/"+f.rg.ID)
		writeFakeJSON(w, http.StatusAccepted, api.RegradeView{Regrade: f.rg, Progress: runner.RegradeProgress{Queued: f.rg.Total, Verdicts: map[runner.Verdict]int{}}})
	})
	mux.HandleFunc("GET /api/v1/regrades", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		list := f.list
		f.mu.Unlock()
		writeFakeJSON(w, http.StatusOK, map[string]any{"regrades": list})
	})
	mux.HandleFunc("GET /api/v1/regrades/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") != f.rg.ID {
			writeFakeJSON(w, http.StatusNotFound, map[string]string{"error": "regrade " + r.PathValue("id") + ": not found"})
			return
		}
		q := r.URL.Query()
		offset, limit := 0, 200
		for name, dst := range map[string]*int{"offset": &offset, "limit": &limit} {
			if v := q.Get(name); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 || (name == "limit" && (n == 0 || n > 1000)) {
					f.t.Errorf("GET %s: bad %s", r.URL, name)
					writeFakeJSON(w, http.StatusBadRequest, map[string]string{"error": name + " must be a whole number (limit 1 to 1000)"})
					return
				}
				*dst = n
			}
		}
		f.mu.Lock()
		f.queries = append(f.queries, q)
		n := f.polls
		f.polls++
		f.mu.Unlock()
		if n < f.failFirst {
			http.Error(w, "bad gateway", http.StatusBadGateway)
			return
		}
		n -= f.failFirst
		pr := f.steps[min(n, len(f.steps)-1)]
		end := min(offset+min(limit, f.pageMax), len(f.items))
		var items []runner.RegradeItem
		if offset < end {
			items = f.items[offset:end]
		}
		writeFakeJSON(w, http.StatusOK, api.RegradeView{Regrade: f.rg, Progress: pr, Items: items, ItemsTotal: len(f.items)})
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.auths = append(f.auths, r.Header.Get("Authorization"))
		f.mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer admin-tok" {
			writeFakeJSON(w, http.StatusUnauthorized, map[string]string{"error": "a valid token is required"})
			return
		}
		mux.ServeHTTP(w, r)
	}))
	f.t.Cleanup(srv.Close)
	return srv.URL
}

func writeFakeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// checkAuth fails the test unless every request carried the admin token.
func (f *fakeRegradeServer) checkAuth() {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.auths {
		if a != "Bearer admin-tok" {
			f.t.Errorf("a request's Authorization is %q", a)
		}
	}
}

// counts are the POST bodies, the GETs of the regrade and all requests
// so far.
func (f *fakeRegradeServer) counts() (created []api.NewRegrade, gets, requests int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.created), len(f.queries), len(f.auths)
}

// itemPages lists the offset of each GET of the regrade that asked for a
// full page (the items), and fails unless each asked for limit.
func (f *fakeRegradeServer) itemPages(limit string) []string {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var offsets []string
	for _, q := range f.queries {
		if q.Get("limit") == "1" {
			continue // a progress poll
		}
		if q.Get("limit") != limit {
			f.t.Errorf("GET of the regrade with %v; want limit %s", q, limit)
		}
		offsets = append(offsets, q.Get("offset"))
	}
	return offsets
}

func item(of, prev string, pp, pt int, now string, p, t int) runner.RegradeItem {
	return runner.RegradeItem{
		Of: of, ID: "copy-" + of, Challenge: "decorators", Submitter: "cand-" + of,
		PreviousVerdict: runner.Verdict(prev), PreviousPassed: pp, PreviousTotal: pt, PreviousVersion: "v1",
		Version: "v2", Verdict: runner.Verdict(now), Passed: p, Total: t,
	}
}

// newFakeRegrade is a regrade of 7 submissions (2 more skipped), 4 of
// whose verdicts change, with items served 3 at a time: the changed
// ones are on each of the three pages.
func newFakeRegrade(t *testing.T) *fakeRegradeServer {
	return &fakeRegradeServer{
		t: t,
		rg: runner.Regrade{ID: "rg-1", Challenge: "decorators", Versions: map[string]string{"decorators": "v2"},
			CreatedBy: "admin", CreatedAt: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), Total: 7, Skipped: 2},
		steps: []runner.RegradeProgress{
			{Queued: 7, Verdicts: map[runner.Verdict]int{}},
			{Queued: 7, Done: 3, Changed: 1, Verdicts: map[runner.Verdict]int{"passed": 2, "failed": 1}},
			{Queued: 7, Done: 3, Changed: 1, Verdicts: map[runner.Verdict]int{"passed": 2, "failed": 1}},
			{Queued: 7, Done: 7, Changed: 4, Verdicts: map[runner.Verdict]int{"passed": 4, "failed": 3}, Completed: true},
		},
		items: []runner.RegradeItem{
			item("o1", "failed", 3, 4, "passed", 4, 4),
			item("o2", "passed", 4, 4, "passed", 4, 4),
			item("o3", "passed", 4, 4, "failed", 3, 4),
			item("o4", "error", 0, 0, "failed", 1, 4),
			item("o5", "failed", 2, 4, "failed", 2, 4),
			item("o6", "passed", 4, 4, "passed", 4, 4),
			item("o7", "timeout", 0, 4, "passed", 4, 4),
		},
		pageMax: 3,
	}
}

func regradeEnv(url string) map[string]string {
	return map[string]string{"ASSAY_SERVER": url, "ASSAY_TOKEN": "admin-tok"}
}

// tableRows splits stdout into lines of fields, keyed by the first field.
func tableRows(out string) map[string][]string {
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			rows[f[0]] = f
		}
	}
	return rows
}

func TestRegradeCLIWaitsAndPrintsTheChangedVerdicts(t *testing.T) {
	f := newFakeRegrade(t)
	stdout, stderr, err := runClient(t, regradeEnv(f.start()), "regrade", "--challenge", "decorators", "--every", "5ms")
	wantExit(t, err, 0)
	f.checkAuth()
	if created, _, _ := f.counts(); !slices.Equal(created, []api.NewRegrade{{Challenge: "decorators"}}) {
		t.Errorf("POST bodies %+v; want one of challenge decorators", created)
	}
	if !strings.Contains(stderr, "regrade rg-1: 7 submissions queued (2 skipped: not finished); against decorators@v2\n") {
		t.Errorf("stderr does not announce the regrade:\n%s", stderr)
	}
	for line, n := range map[string]int{"0/7 done, 0 changed\n": 1, "3/7 done, 1 changed\n": 1, "7/7 done, 4 changed\n": 1} {
		if got := strings.Count(stderr, line); got != n {
			t.Errorf("stderr shows %q %d times; want %d:\n%s", line, got, n, stderr)
		}
	}
	if got := f.itemPages("1000"); !slices.Equal(got, []string{"0", "3", "6"}) {
		t.Errorf("item pages at offsets %q; want 0, 3, 6", got)
	}
	rows := tableRows(stdout)
	want := map[string][]string{
		"ORIGINAL": {"ORIGINAL", "COPY", "SUBMITTER", "PREVIOUS", "NEW"},
		"o1":       {"o1", "copy-o1", "cand-o1", "failed", "3/4", "passed", "4/4"},
		"o3":       {"o3", "copy-o3", "cand-o3", "passed", "4/4", "failed", "3/4"},
		"o4":       {"o4", "copy-o4", "cand-o4", "error", "0/0", "failed", "1/4"},
		"o7":       {"o7", "copy-o7", "cand-o7", "timeout", "0/4", "passed", "4/4"},
		"regrade":  strings.Fields("regrade rg-1 completed: 7/7 done, 4 changed; passed 4, failed 3; 2 skipped (not finished)"),
	}
	if len(rows) != len(want) {
		t.Errorf("stdout has %d lines; want %d:\n%s", len(rows), len(want), stdout)
	}
	for k, w := range want {
		if !slices.Equal(rows[k], w) {
			t.Errorf("row %s: %q; want %q\nstdout:\n%s", k, rows[k], w, stdout)
		}
	}
}

func TestRegradeCLIJSONHasEveryItem(t *testing.T) {
	f := newFakeRegrade(t)
	stdout, stderr, err := runClient(t, regradeEnv(f.start()), "regrade", "--json", "--every", "5ms", "--challenge", "decorators")
	wantExit(t, err, 0)
	var rv api.RegradeView
	if err := json.Unmarshal([]byte(stdout), &rv); err != nil {
		t.Fatalf("stdout is not a regrade's JSON: %v\n%s", err, stdout)
	}
	if rv.ID != "rg-1" || !rv.Progress.Completed || rv.Progress.Changed != 4 || rv.ItemsTotal != 7 || !slices.Equal(rv.Items, f.items) {
		t.Errorf("JSON: %+v; want every item of the completed regrade", rv)
	}
	if !strings.Contains(stderr, "7/7 done, 4 changed") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
}

func TestRegradeCLINoWaitPrintsTheID(t *testing.T) {
	f := newFakeRegrade(t)
	base := f.start()
	stdout, stderr, err := runClient(t, regradeEnv(base), "regrade", "--assessment", "a-1", "--challenge", "decorators", "--version", "v2", "--no-wait")
	wantExit(t, err, 0)
	if stdout != "rg-1\n" {
		t.Errorf("stdout %q; want the id alone", stdout)
	}
	if !strings.Contains(stderr, "7 submissions queued") || !strings.Contains(stderr, "assay regrade status --wait rg-1") {
		t.Errorf("stderr:\n%s", stderr)
	}
	created, gets, _ := f.counts()
	if want := []api.NewRegrade{{Challenge: "decorators", Assessment: "a-1", Version: "v2"}}; !slices.Equal(created, want) {
		t.Errorf("POST bodies %+v; want %+v", created, want)
	}
	if gets != 0 {
		t.Errorf("%d GETs of the regrade; --no-wait wants none", gets)
	}

	stdout, _, err = runClient(t, regradeEnv(base), "regrade", "--assessment", "a-1", "--no-wait", "--json")
	wantExit(t, err, 0)
	var rv api.RegradeView
	if err := json.Unmarshal([]byte(stdout), &rv); err != nil || rv.ID != "rg-1" || rv.Progress.Queued != 7 || rv.Progress.Completed {
		t.Errorf("--no-wait --json: %+v %v\n%s", rv, err, stdout)
	}
	if created, _, _ := f.counts(); len(created) != 2 || created[1] != (api.NewRegrade{Assessment: "a-1"}) {
		t.Errorf("POST bodies %+v", created)
	}
	f.checkAuth()
}

func TestRegradeCLIStatus(t *testing.T) {
	f := newFakeRegrade(t)
	f.steps = f.steps[1:2] // 3 of 7 done, and it stays so
	f.items = slices.Clone(f.items)
	for i := 3; i < len(f.items); i++ {
		f.items[i].Verdict, f.items[i].Passed, f.items[i].Total = "", 0, 0
	}
	env := regradeEnv(f.start())
	stdout, stderr, err := runClient(t, env, "regrade", "status", "rg-1")
	wantExit(t, err, 0)
	if stderr != "" {
		t.Errorf("status without --wait shows progress on stderr:\n%s", stderr)
	}
	rows := tableRows(stdout)
	if len(rows) != 4 || rows["o1"] == nil || rows["o3"] == nil {
		t.Errorf("want the header, o1, o3 and the summary:\n%s", stdout)
	}
	if want := "regrade rg-1 in progress: 3/7 done, 1 changed; passed 2, failed 1; 2 skipped (not finished)\n"; !strings.HasSuffix(stdout, want) {
		t.Errorf("stdout ends\n%s\nwant %q", stdout, want)
	}

	f2 := newFakeRegrade(t)
	stdout, stderr, err = runClient(t, regradeEnv(f2.start()), "regrade", "status", "--wait", "--every", "5ms", "rg-1")
	wantExit(t, err, 0)
	if !strings.Contains(stderr, "3/7 done, 1 changed") || !strings.Contains(stdout, "regrade rg-1 completed: 7/7 done") {
		t.Errorf("status --wait:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
	}

	_, _, err = runClient(t, env, "regrade", "status", "rg-404")
	wantExit(t, err, exitUsage)
	if !strings.Contains(err.Error(), "404 Not Found: regrade rg-404: not found") {
		t.Errorf("unknown regrade: %v", err)
	}
	f.checkAuth()
}

func TestRegradeCLIList(t *testing.T) {
	f := newFakeRegrade(t)
	created := time.Date(2025, 3, 2, 9, 30, 0, 0, time.UTC)
	f.list = []api.RegradeView{
		{Regrade: f.rg, Progress: f.steps[3]},
		{Regrade: runner.Regrade{ID: "rg-2", Assessment: "a-1", Versions: map[string]string{"decorators": "v2", "bank": "b7"}, CreatedAt: created, Total: 12},
			Progress: runner.RegradeProgress{Queued: 12, Done: 5, Changed: 2}},
	}
	env := regradeEnv(f.start())
	stdout, _, err := runClient(t, env, "regrade", "list")
	wantExit(t, err, 0)
	rows := tableRows(stdout)
	at := func(t time.Time) []string { return strings.Fields(t.Local().Format("2006-01-02 15:04")) }
	want := map[string][]string{
		"ID":   {"ID", "SCOPE", "VERSIONS", "CREATED", "DONE", "CHANGED", "STATE"},
		"rg-1": slices.Concat([]string{"rg-1", "challenge", "decorators", "decorators@v2"}, at(f.rg.CreatedAt), []string{"7/7", "4", "completed"}),
		"rg-2": slices.Concat([]string{"rg-2", "assessment", "a-1", "bank@b7,", "decorators@v2"}, at(created), []string{"5/12", "2", "running"}),
	}
	if len(rows) != len(want) {
		t.Errorf("stdout:\n%s", stdout)
	}
	for k, w := range want {
		if !slices.Equal(rows[k], w) {
			t.Errorf("row %s: %q; want %q", k, rows[k], w)
		}
	}

	stdout, _, err = runClient(t, env, "regrade", "list", "--json")
	wantExit(t, err, 0)
	var list struct{ Regrades []api.RegradeView }
	if err := json.Unmarshal([]byte(stdout), &list); err != nil || len(list.Regrades) != 2 || list.Regrades[1].ID != "rg-2" {
		t.Errorf("list --json: %+v %v", list, err)
	}

	f.mu.Lock()
	f.list = nil
	f.mu.Unlock()
	stdout, _, err = runClient(t, env, "regrade", "list")
	wantExit(t, err, 0)
	if stdout != "no regrades\n" {
		t.Errorf("empty list: %q", stdout)
	}
	f.checkAuth()
}

func TestRegradeCLIRefusesBadArgumentsBeforeAnyRequest(t *testing.T) {
	f := newFakeRegrade(t)
	env := regradeEnv(f.start())
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--challenge SLUG, --assessment ID, or both"},
		{[]string{"--no-wait", "--json"}, "--challenge SLUG, --assessment ID, or both"},
		{[]string{"--version", "v2"}, "or both"},
		{[]string{"--assessment", "a-1", "--version", "v2"}, "--version needs --challenge"},
		{[]string{"--challenge", "decorators", "extra"}, "takes no arguments"},
		{[]string{"--challenge", "decorators", "--every", "0s"}, "--every must be positive"},
		{[]string{"--challenge", "decorators", "--timeout", "-1s"}, "--timeout may not be negative"},
		{[]string{"--challenge", "decorators", "--server", "localhost:8080"}, "http:// or https://"},
		{[]string{"status"}, "name one regrade"},
		{[]string{"status", "rg-1", "rg-2"}, "name one regrade"},
		{[]string{"list", "rg-1"}, "takes no arguments"},
	} {
		_, stderr, err := runClient(t, env, append([]string{"regrade"}, c.args...)...)
		wantExit(t, err, exitUsage)
		if msg := err.Error() + stderr; !strings.Contains(msg, c.want) {
			t.Errorf("%q: %v; want it to say %q", c.args, err, c.want)
		}
	}
	if _, _, requests := f.counts(); requests > 0 {
		t.Fatalf("%d requests; want none", requests)
	}
	stdout, _, err := runClient(t, nil, "help")
	wantExit(t, err, 0)
	if !strings.Contains(stdout, "assay regrade --challenge SLUG") || !strings.Contains(stdout, "assay regrade status") {
		t.Errorf("help does not show assay regrade:\n%s", stdout)
	}
}

func TestRegradeCLIServerRefusals(t *testing.T) {
	for _, c := range []struct {
		status int
		answer string
		token  string
		want   string
	}{
		{http.StatusForbidden, `{"error":"this needs an admin token"}`, "admin-tok", "403 Forbidden: this needs an admin token"},
		{http.StatusBadRequest, `{"error":"challenge decorators has no version v9"}`, "admin-tok", "400 Bad Request: challenge decorators has no version v9"},
		{0, "", "wrong", "401 Unauthorized: a valid token is required (give a token with --token"},
	} {
		f := newFakeRegrade(t)
		f.createStatus, f.createAnswer = c.status, c.answer
		stdout, _, err := runClient(t, regradeEnv(f.start()), "regrade", "--challenge", "decorators", "--version", "v9", "--token", c.token)
		wantExit(t, err, exitUsage)
		if !strings.Contains(err.Error(), c.want) || reported(err) {
			t.Errorf("%d: %v; want it to say %q", c.status, err, c.want)
		}
		if _, gets, _ := f.counts(); stdout != "" || gets != 0 {
			t.Errorf("%d: stdout %q, %d GETs after a refusal", c.status, stdout, gets)
		}
	}
}

func TestRegradeCLIRetriesAGatewayError(t *testing.T) {
	f := newFakeRegrade(t)
	f.failFirst = 2
	stdout, stderr, err := runClient(t, regradeEnv(f.start()), "regrade", "--challenge", "decorators", "--every", "5ms")
	wantExit(t, err, 0)
	if strings.Count(stderr, "502 Bad Gateway: bad gateway; trying again") != 2 || !strings.Contains(stdout, "completed: 7/7 done") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
}

func TestRegradeCLITimeoutLeavesItRunning(t *testing.T) {
	f := newFakeRegrade(t)
	f.steps = f.steps[:2] // never completes
	start := time.Now()
	stdout, stderr, err := runClient(t, regradeEnv(f.start()), "regrade", "--challenge", "decorators", "--every", "10ms", "--timeout", "300ms")
	wantExit(t, err, exitFailed)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s", took)
	}
	for _, want := range []string{"--timeout 300ms expired", "regrade rg-1 continues on the server", "(3/7 done, 1 changed at the last look)", "assay regrade status rg-1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if reported(err) {
		t.Error("the timeout's message is silent; main would print nothing")
	}
	if _, gets, _ := f.counts(); stdout != "" || !strings.Contains(stderr, "3/7 done, 1 changed") || gets < 3 {
		t.Errorf("%d polls, stdout %q, stderr:\n%s", gets, stdout, stderr)
	}
}

// The summary counts verdicts in their order: tampered after the
// candidate's other outcomes, before the system's failure; unknown ones last.
func TestVerdictCountsOrder(t *testing.T) {
	got := verdictCounts(map[runner.Verdict]int{"zzz": 1, runner.VerdictInternalError: 1, runner.VerdictTampered: 2, runner.VerdictFailed: 3, runner.VerdictPassed: 0})
	if want := "failed 3, tampered 2, internal_error 1, zzz 1"; got != want {
		t.Errorf("verdictCounts: %q; want %q", got, want)
	}
}
