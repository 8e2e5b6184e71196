package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"assay/access"
	"assay/api"
	"assay/challenges"
	"assay/runner"
)

type fakeCatalog struct{ ch *challenges.Challenge }

func (f fakeCatalog) List() []*challenges.Challenge { return []*challenges.Challenge{f.ch} }
func (f fakeCatalog) Get(slug string) (*challenges.Challenge, error) {
	if slug != f.ch.Slug {
		return nil, fmt.Errorf("challenge %q: %w", slug, runner.ErrNotFound)
	}
	return f.ch, nil
}

type fakeSubmissions struct {
	mu      sync.Mutex
	created []runner.Submission
	err     error
	keys    map[string][2]string // idempotency key -> fingerprint, id
}

func (f *fakeSubmissions) CreateIdempotent(ctx context.Context, s runner.Submission, key, print string) (string, error) {
	if key == "" || print == "" {
		return "", errors.New("enqueue: idempotency key and a fingerprint are required")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if prev, ok := f.keys[key]; ok {
		if prev[0] != print {
			return "", runner.ErrKeyReused
		}
		return prev[1], nil
	}
	if err := f.create(s); err != nil {
		return "", err
	}
	if f.keys == nil {
		f.keys = map[string][2]string{}
	}
	f.keys[key] = [2]string{print, s.ID}
	return s.ID, nil
}

func (f *fakeSubmissions) Create(_ context.Context, s runner.Submission) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.create(s)
}

// create refuses an empty or taken id, as the Redis store does
// (TestFakeSubmissionsKeepTheContract).
func (f *fakeSubmissions) create(s runner.Submission) error {
	if f.err != nil {
		return f.err
	}
	if s.ID == "" {
		return errors.New("enqueue: empty submission id")
	}
	for _, c := range f.created {
		if c.ID == s.ID {
			return fmt.Errorf("enqueue %s: %w", s.ID, runner.ErrConflict)
		}
	}
	f.created = append(f.created, s)
	return nil
}

func (f *fakeSubmissions) Get(_ context.Context, id string) (runner.State, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return runner.State{}, f.err
	}
	for _, s := range f.created {
		if s.ID == id {
			return runner.State{Submission: s, Status: runner.StatusQueued}, nil
		}
	}
	return runner.State{}, fmt.Errorf("submission %s: %w", id, runner.ErrNotFound)
}

func (f *fakeSubmissions) GetMany(ctx context.Context, ids []string) (map[string]runner.State, error) {
	out := map[string]runner.State{}
	for _, id := range ids {
		st, err := f.Get(ctx, id)
		if errors.Is(err, runner.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[id] = st
	}
	return out, nil
}

func (f *fakeSubmissions) Wait(ctx context.Context, id string) (runner.State, error) {
	return f.Get(ctx, id)
}

func (f *fakeSubmissions) Watch(ctx context.Context, id string, _ runner.Status) (runner.State, error) {
	return f.Get(ctx, id)
}

func (f *fakeSubmissions) QueueLength(context.Context) (int64, error) {
	return f.count(runner.ModeSubmit)
}

func (f *fakeSubmissions) RunQueueLength(context.Context) (int64, error) {
	return f.count(runner.ModeRun)
}

func (f *fakeSubmissions) count(mode runner.Mode) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.created {
		if s.Mode == mode {
			n++
		}
	}
	return int64(n), f.err
}

var _ api.Submissions = (*fakeSubmissions)(nil)

func testChallenge(t *testing.T) *challenges.Challenge {
	t.Helper()
	fsys := fstest.MapFS{
		"add/challenge.yaml":              {Data: []byte("slug: add\ntitle: Add\nsummary: Add two numbers.\nfiles: [solution.py]\n")},
		"add/prompt.md":                   {Data: []byte("# Add\nWrite add(a, b).")},
		"add/starter/solution.py":         {Data: []byte("def add(a, b):\n    raise NotImplementedError\n")},
		"add/reference/solution.py":       {Data: []byte("def add(a, b):\n    return a + b  # REFERENCE\n")},
		"add/bad/minus/solution.py":       {Data: []byte("def add(a, b):\n    return a - b  # BAD\n")},
		"add/tests/visible/test_add.py":   {Data: []byte("def test_visible(): pass\n")},
		"add/tests/hidden/test_secret.py": {Data: []byte("def test_SECRET_HIDDEN(): pass\n")},
		"add/expected.json":               {Data: []byte(`{"version":"x","tests":[{"id":"tests.hidden.test_secret::test_SECRET_HIDDEN","hidden":true}]}`)},
	}
	ch, err := challenges.Load(fsys, "add")
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func newServer(t *testing.T, subs *fakeSubmissions) http.Handler {
	t.Helper()
	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: subs, MaxBodyBytes: 4096, MaxFileBytes: 1024, AdminToken: testAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	return asAdmin(h)
}

const testAdminToken = "test-admin-token-0123456789"

// asAdmin sends every request that carries no Authorization header with
// the admin token: the tests written before roles existed act as the admin.
func asAdmin(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			r.Header.Set("Authorization", "Bearer "+testAdminToken)
		}
		h.ServeHTTP(w, r)
	})
}

// oneCandidate is an Accounts that knows one candidate's token and
// nothing else (its other methods are not called).
type oneCandidate struct {
	api.Accounts
	token string
	inv   access.Invitation
}

func (o oneCandidate) Resolve(_ context.Context, hash string) (access.Principal, error) {
	if hash != access.HashToken(o.token) {
		return access.Principal{}, runner.ErrNotFound
	}
	return access.Principal{Role: access.RoleCandidate, ID: o.inv.ID, Name: o.inv.Candidate, Invitation: &o.inv}, nil
}

func do(h http.Handler, method, path, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestChallengesHideWhatCandidatesMustNotSee(t *testing.T) {
	h := newServer(t, &fakeSubmissions{})
	rec := do(h, "GET", "/api/v1/challenges", "", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"slug":"add"`) {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	rec = do(h, "GET", "/api/v1/challenges/add", "", "")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Write add(a, b)") || !strings.Contains(body, "NotImplementedError") || !strings.Contains(body, "test_visible") {
		t.Fatalf("get: %d %s", rec.Code, body)
	}
	for _, secret := range []string{"SECRET_HIDDEN", "REFERENCE", "BAD"} {
		if strings.Contains(body, secret) {
			t.Errorf("challenge view leaks %s: %s", secret, body)
		}
	}
	if !strings.Contains(body, `"hidden_tests":1`) {
		t.Errorf("hidden test count missing: %s", body)
	}
	if rec := do(h, "GET", "/api/v1/challenges/nope", "", ""); rec.Code != 404 {
		t.Errorf("unknown challenge: %d", rec.Code)
	}
}

func TestCreateSubmission(t *testing.T) {
	subs := &fakeSubmissions{}
	h := newServer(t, subs)
	rec := do(h, "POST", "/api/v1/submissions", "application/json", `{"challenge":"add","files":{"solution.py":"def add(a, b): return a + b\n"}}`)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	var got api.SubmissionAccepted
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if rec.Header().Get("Location") != "/api/v1/submissions/"+got.ID || got.Status != runner.StatusQueued || len(subs.created) != 1 {
		t.Fatalf("location %q, body %+v, created %d", rec.Header().Get("Location"), got, len(subs.created))
	}
	if s := subs.created[0]; s.ID != got.ID || s.ChallengeVersion == "" || s.CreatedAt.IsZero() {
		t.Errorf("stored %+v", s)
	}
	rec = do(h, "GET", got.Location, "", "")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"status":"queued"`) {
		t.Errorf("get: %d %s", rec.Code, rec.Body)
	}
}

func TestBadSubmissionsAreRefusedAndNothingIsQueued(t *testing.T) {
	big := strings.Repeat("x", 5000)
	cases := []struct {
		name, contentType, body string
		status                  int
		msg                     string
	}{
		{"unknown challenge", "application/json", `{"challenge":"nope","files":{"solution.py":"x"}}`, 404, "nope"},
		{"missing file", "application/json", `{"challenge":"add","files":{"other.py":"x"}}`, 400, "solution.py is missing"},
		{"extra file", "application/json", `{"challenge":"add","files":{"solution.py":"x","conftest.py":"y"}}`, 400, "conftest.py"},
		{"no files", "application/json", `{"challenge":"add"}`, 400, "files is required"},
		{"no challenge", "application/json", `{"files":{"solution.py":"x"}}`, 400, "challenge is required"},
		{"not JSON", "application/json", `challenge=add`, 400, "not valid JSON"},
		{"empty body", "application/json", ``, 400, "empty"},
		{"wrong type", "application/json", `{"challenge":"add","files":{"solution.py":1}}`, 400, "must be string"},
		{"unknown field", "application/json", `{"challenge":"add","files":{"solution.py":"x"},"admin":true}`, 400, "unknown field"},
		{"two values", "application/json", `{"challenge":"add","files":{"solution.py":"x"}}{}`, 400, "more than one"},
		{"form post", "application/x-www-form-urlencoded", `challenge=add`, 415, "JSON"},
		{"oversized body", "application/json", `{"challenge":"add","files":{"solution.py":"` + big + `"}}`, 413, "larger than"},
		{"oversized file", "application/json", `{"challenge":"add","files":{"solution.py":"` + big[:2000] + `"}}`, 413, "limit is 1024"},
		{"non-UTF-8", "application/json", "{\"challenge\":\"add\",\"files\":{\"solution.py\":\"\xff\xfe\"}}", 400, "UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			subs := &fakeSubmissions{}
			rec := do(newServer(t, subs), "POST", "/api/v1/submissions", tc.contentType, tc.body)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.msg) {
				t.Errorf("got %d %s; want %d with %q", rec.Code, rec.Body, tc.status, tc.msg)
			}
			if len(subs.created) != 0 {
				t.Errorf("%d submissions queued", len(subs.created))
			}
		})
	}
}

func TestStoreDownAnswers503(t *testing.T) {
	h := newServer(t, &fakeSubmissions{err: errors.New("dial tcp: connection refused")})
	rec := do(h, "POST", "/api/v1/submissions", "application/json", `{"challenge":"add","files":{"solution.py":"x"}}`)
	if rec.Code != 503 || rec.Header().Get("Retry-After") == "" || strings.Contains(rec.Body.String(), "refused") {
		t.Errorf("%d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
}

func TestGetSubmissionErrors(t *testing.T) {
	h := newServer(t, &fakeSubmissions{})
	for path, status := range map[string]int{
		"/api/v1/submissions/not-a-uuid":                                   404,
		"/api/v1/submissions/6f1c3c4e-2b6a-4a55-9c0e-1f0d7b0b8e11":         404,
		"/api/v1/submissions/6f1c3c4e-2b6a-4a55-9c0e-1f0d7b0b8e11?wait=xx": 400,
		"/nowhere": 404,
		"/healthz": 200,
		"/readyz":  200,
	} {
		if rec := do(h, "GET", path, "", ""); rec.Code != status {
			t.Errorf("GET %s: %d %s; want %d", path, rec.Code, rec.Body, status)
		}
	}
	if rec := do(h, "DELETE", "/api/v1/submissions/x", "", ""); rec.Code != 405 {
		t.Errorf("DELETE: %d", rec.Code)
	}
}

type doneSubmissions struct {
	fakeSubmissions
	state runner.State
}

func (d *doneSubmissions) Get(context.Context, string) (runner.State, error) { return d.state, nil }
func (d *doneSubmissions) GetMany(_ context.Context, ids []string) (map[string]runner.State, error) {
	out := map[string]runner.State{}
	for _, id := range ids {
		out[id] = d.state
	}
	return out, nil
}
func (d *doneSubmissions) Wait(context.Context, string) (runner.State, error) {
	return d.state, nil
}

func TestCandidatesNeverSeeHiddenTests(t *testing.T) {
	id := "6f1c3c4e-2b6a-4a55-9c0e-1f0d7b0b8e11"
	subs := &doneSubmissions{state: runner.State{
		Submission: runner.Submission{ID: id, Challenge: "add"},
		Status:     runner.StatusDone,
		Result: &runner.Result{
			Verdict: runner.VerdictError, Reason: "the tests could not be collected: tests.hidden.test_secret: NameError",
			Passed: 1, Total: 3, Output: "visible output", HiddenOutput: "SECRET_OUTPUT",
			Tests: []runner.TestResult{
				{ID: "tests.visible.test_add::test_visible", Outcome: runner.OutcomeFailed, Message: "assert 1 == 2"},
				{ID: "tests.hidden.test_secret::test_SECRET_NAME", Hidden: true, Outcome: runner.OutcomeFailed, Message: "SECRET_MESSAGE"},
				{ID: "tests.hidden.test_secret::test_other", Hidden: true, Outcome: runner.OutcomePassed},
			},
		},
	}}
	subs.state.Submission.Invitation = "inv-1"
	cand := oneCandidate{token: "candidate-token", inv: access.Invitation{ID: "inv-1", Candidate: "Ada", Challenges: []string{"add"}}}
	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: subs, AdminToken: "s3cret", Accounts: cand})
	if err != nil {
		t.Fatal(err)
	}
	for _, auth := range []string{"", "Bearer wrong", "s3cret", "Bearer candidate-token"} {
		req := httptest.NewRequest("GET", "/api/v1/submissions/"+id+"?wait=1s", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		for _, secret := range []string{"SECRET", "tests.hidden"} {
			if strings.Contains(body, secret) {
				t.Errorf("auth %q: candidate view leaks %s: %s", auth, secret, body)
			}
		}
		if auth != "Bearer candidate-token" {
			// Without a valid token nothing is shown at all.
			if rec.Code != http.StatusUnauthorized {
				t.Errorf("auth %q: %d %s; want 401", auth, rec.Code, body)
			}
			continue
		}
		if !strings.Contains(body, `"hidden":{"passed":1,"total":2}`) || !strings.Contains(body, "assert 1 == 2") || !strings.Contains(body, "visible output") {
			t.Errorf("auth %q: candidate view lacks counts or visible details: %s", auth, body)
		}
	}
	req := httptest.NewRequest("GET", "/api/v1/submissions/"+id, nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, want := range []string{"SECRET_NAME", "SECRET_MESSAGE", "SECRET_OUTPUT"} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("full view lacks %s: %s", want, rec.Body)
		}
	}
}

func TestQueueLimitAnswers503(t *testing.T) {
	subs := &fakeSubmissions{}
	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: subs, QueueLimit: 2, AdminToken: testAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"challenge":"add","files":{"solution.py":"x"}}`
	for i, want := range []int{202, 202, 503, 503} {
		rec := do(asAdmin(h), "POST", "/api/v1/submissions", "application/json", body)
		if rec.Code != want {
			t.Fatalf("request %d: %d %s; want %d", i, rec.Code, rec.Body, want)
		}
		if want == 503 && (rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "queue is full")) {
			t.Errorf("503 without Retry-After or reason: %v %s", rec.Header(), rec.Body)
		}
	}
	if len(subs.created) != 2 {
		t.Errorf("%d queued; want 2", len(subs.created))
	}
}
