package api_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"assay/api"
	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/redis"
)

// passAddSandbox is a fake sandbox that passes whatever holds
// "return a + b" and fails the rest, with two tests, one hidden, each
// reported by its own phase (as the grader insists).
type passAddSandbox struct{}

func (passAddSandbox) Run(_ context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	pass := `<testsuites><testsuite><testcase classname="tests.visible.test_add" name="test_add" time="0.01"/></testsuite></testsuites>`
	fail := `<testsuites><testsuite><testcase classname="tests.visible.test_add" name="test_add" time="0.01"><failure message="no"/></testcase></testsuite></testsuites>`
	hidden := runner.PhaseResult{Name: runner.PhaseHidden, Report: []byte(`<testsuites><testsuite><testcase classname="tests.hidden.test_more" name="test_more" time="0.02"/></testsuite></testsuites>`)}
	for _, f := range spec.Files {
		if f.Path == "solution.py" && strings.Contains(string(f.Data), "return a + b") {
			return runner.RunResult{Phases: []runner.PhaseResult{{Name: runner.PhaseVisible, Report: []byte(pass)}, hidden}}, nil
		}
	}
	return runner.RunResult{Phases: []runner.PhaseResult{{Name: runner.PhaseVisible, ExitCode: 1, Report: []byte(fail)}, hidden}}, nil
}

// addFolder is a valid "add" challenge; hidden varies its version.
func addFolder(hidden string) map[string]string {
	return map[string]string{
		"add/challenge.yaml":            "slug: add\ntitle: Add\nfiles: [solution.py]\n",
		"add/prompt.md":                 "Write add(a, b).",
		"add/starter/solution.py":       "def add(a, b):\n    raise NotImplementedError\n",
		"add/reference/solution.py":     "def add(a, b):\n    return a + b\n",
		"add/bad/minus/solution.py":     "def add(a, b):\n    return a - b\n",
		"add/tests/visible/test_add.py": "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
		"add/tests/hidden/test_more.py": "from solution import add\n\ndef test_more():\n    assert add(" + hidden + ") is not None\n",
	}
}

type member struct {
	name, body string
	typ        byte  // tar type; 0 = regular file
	zeros      int64 // > 0: a file of that many zero bytes
}

func members(files map[string]string, extra ...member) []member {
	var out []member
	for name, body := range files {
		out = append(out, member{name: name, body: body})
	}
	return append(out, extra...)
}

func targz(t *testing.T, ms []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(m.body))}
		if m.typ != 0 {
			h.Typeflag, h.Size, h.Linkname = m.typ, 0, "/etc/passwd"
		}
		if m.zeros > 0 {
			h.Size = m.zeros
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if m.zeros > 0 {
			io.CopyN(tw, bytes.NewReader(make([]byte, m.zeros)), m.zeros)
		} else {
			io.WriteString(tw, m.body)
		}
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func zipped(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	zw.Close()
	return buf.Bytes()
}

type publishEnv struct {
	h     http.Handler
	store *redis.Broker
	subs  *fakeSubmissions
}

func newPublishEnv(t *testing.T, sb runner.Sandbox) *publishEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	store, err := redis.New(ctx, redis.Config{URL: testenv.Redis(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	disk, err := challenges.NewCatalog(nil, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	lib, err := challenges.NewLibrary(challenges.LibraryConfig{Disk: disk, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	subs := &fakeSubmissions{}
	h, err := api.New(api.Config{Catalog: lib, Submissions: subs, Publisher: challenges.Publisher{Library: lib, Sandbox: sb}, AdminToken: testAdminToken,
		MaxArchiveBytes: 256 << 10, Archive: challenges.ArchiveLimits{MaxFileBytes: 1 << 20, MaxTotal: 2 << 20, MaxEntries: 50}})
	if err != nil {
		t.Fatal(err)
	}
	return &publishEnv{h: h, store: store, subs: subs}
}

func (e *publishEnv) upload(token, contentType string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/api/v1/challenges", bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// assertNothingStored fails when any version of add was stored or published.
func (e *publishEnv) assertNothingStored(t *testing.T) {
	t.Helper()
	vs, err := e.store.ChallengeVersions(t.Context(), "add")
	if err != nil || len(vs) != 0 {
		t.Fatalf("stored after a refusal: %+v %v", vs, err)
	}
	cur, rev, err := e.store.PublishedChallenges(t.Context())
	if err != nil || len(cur) != 0 || rev != 0 {
		t.Fatalf("published after a refusal: %v %d %v", cur, rev, err)
	}
	if rec := do(e.h, "GET", "/api/v1/challenges/add", "", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("served after a refusal: %d %s", rec.Code, rec.Body)
	}
}

func TestPublishRefusalsStoreNothing(t *testing.T) {
	e := newPublishEnv(t, passAddSandbox{})
	good := targz(t, members(addFolder("1, 1")))
	random := make([]byte, 300<<10)
	rand.Read(random)
	lucky := addFolder("1, 1")
	lucky["add/bad/lucky/solution.py"] = "def add(a, b):\n    return a + b\n"
	noPrompt := addFolder("1, 1")
	delete(noPrompt, "add/prompt.md")
	badRef := addFolder("1, 1")
	badRef["add/reference/solution.py"] = "def add(a, b):\n    return 0\n"

	cases := []struct {
		name   string
		token  string
		ct     string
		body   []byte
		status int
		says   string
	}{
		{"no token", "", "application/gzip", good, 401, "token"},
		{"wrong token", "not-the-admin-token", "application/gzip", good, 401, "unknown"},
		{"JSON", testAdminToken, "application/json", []byte(`{"slug":"add"}`), 415, "tar.gz"},
		{"no content type", testAdminToken, "", good, 415, "not \"\""},
		{"zip sent as gzip", testAdminToken, "application/gzip", zipped(t, addFolder("1, 1")), 415, "the body is zip"},
		{"garbage", testAdminToken, "application/zip", []byte("definitely not an archive"), 415, "neither"},
		{"too big", testAdminToken, "application/gzip", random, 413, "larger than 262144 bytes"},
		{"bomb", testAdminToken, "application/gzip", targz(t, members(addFolder("1, 1"), member{name: "add/fixtures/zeros", zeros: 16 << 20})), 413, "larger than 1048576"},
		{"traversal", testAdminToken, "application/gzip", targz(t, members(addFolder("1, 1"), member{name: "add/../../x", body: "x"})), 400, ".."},
		{"absolute", testAdminToken, "application/x-gzip", targz(t, members(addFolder("1, 1"), member{name: "/etc/cron.d/x", body: "x"})), 400, "absolute"},
		{"symlink", testAdminToken, "application/x-tar+gzip", targz(t, members(addFolder("1, 1"), member{name: "add/fixtures/l", typ: tar.TypeSymlink})), 400, "symbolic link"},
		{"hard link", testAdminToken, "application/gzip", targz(t, members(addFolder("1, 1"), member{name: "add/fixtures/l", typ: tar.TypeLink})), 400, "hard link"},
		{"duplicate", testAdminToken, "application/gzip", targz(t, members(addFolder("1, 1"), member{name: "add/prompt.md", body: "twice"})), 400, "twice"},
		{"not a challenge", testAdminToken, "application/zip", zipped(t, noPrompt), 422, "prompt.md"},
		{"two folders", testAdminToken, "application/zip", zipped(t, map[string]string{"a/x": "1", "b/y": "2"}), 422, "one challenge folder"},
		{"reference fails", testAdminToken, "application/gzip", targz(t, members(badRef)), 422, "reference"},
		{"known-bad passes", testAdminToken, "application/gzip", targz(t, members(lucky)), 422, "bad/lucky"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.upload(tc.token, tc.ct, tc.body)
			var body struct {
				Error string        `json:"error"`
				Check api.CheckView `json:"check"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%d, not JSON: %s", rec.Code, rec.Body)
			}
			if rec.Code != tc.status || !strings.Contains(body.Error, tc.says) {
				t.Fatalf("%d %s; want %d saying %q", rec.Code, rec.Body, tc.status, tc.says)
			}
			if tc.name == "known-bad passes" {
				var problem string
				for _, s := range body.Check.Solutions {
					if s.Name == "bad/lucky" {
						problem = s.Problem
					}
				}
				if !strings.Contains(problem, "passed") || body.Check.Challenge != "add" {
					t.Fatalf("the report does not say which solution misbehaved: %+v", body.Check)
				}
			}
			e.assertNothingStored(t)
		})
	}
}

func TestPublishWithoutSandboxOrPublisher(t *testing.T) {
	e := newPublishEnv(t, nil)
	rec := e.upload(testAdminToken, "application/gzip", targz(t, members(addFolder("1, 1"))))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "Docker") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	e.assertNothingStored(t)

	h, err := api.New(api.Config{Catalog: fakeCatalog{testChallenge(t)}, Submissions: &fakeSubmissions{}, AdminToken: testAdminToken})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("POST", "/api/v1/challenges", bytes.NewReader(targz(t, members(addFolder("1, 1")))))
	req.Header.Set("Content-Type", "application/gzip")
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("no publisher: %d %s", rec.Code, rec.Body)
	}
}

// TestPublishVersionsSideBySide publishes v1, submits, publishes v2: the
// first submission keeps v1, a new one gets v2, and both versions are listed.
func TestPublishVersionsSideBySide(t *testing.T) {
	e := newPublishEnv(t, passAddSandbox{})
	publish := func(body []byte, ct string, status int) api.Published {
		t.Helper()
		rec := e.upload(testAdminToken, ct, body)
		var p api.Published
		if rec.Code != status || json.Unmarshal(rec.Body.Bytes(), &p) != nil || len(p.Version) != 16 {
			t.Fatalf("publish: %d %s; want %d", rec.Code, rec.Body, status)
		}
		return p
	}
	submit := func() api.SubmissionAccepted {
		t.Helper()
		rec := do(asAdmin(e.h), "POST", "/api/v1/submissions", "application/json", `{"challenge":"add","files":{"solution.py":"def add(a, b):\n    return a + b\n"}}`)
		var acc api.SubmissionAccepted
		if rec.Code != http.StatusAccepted || json.Unmarshal(rec.Body.Bytes(), &acc) != nil {
			t.Fatalf("submit: %d %s", rec.Code, rec.Body)
		}
		return acc
	}

	v1 := publish(targz(t, members(addFolder("1, 1"))), "application/gzip", http.StatusCreated)
	if !v1.Created || v1.Check.Tests != 2 || v1.Check.HiddenTests != 1 || len(v1.Check.Solutions) != 3+len(challenges.AdversarialSolutions()) {
		t.Fatalf("v1: %+v", v1)
	}
	first := submit()
	v2 := publish(zipped(t, addFolder("2, 2")), "application/zip", http.StatusCreated)
	if v2.Version == v1.Version || v2.Previous != v1.Version {
		t.Fatalf("v2: %+v after v1 %s", v2, v1.Version)
	}
	second := submit()
	if first.ChallengeVersion != v1.Version || second.ChallengeVersion != v2.Version {
		t.Fatalf("submissions got %s and %s; want %s and %s", first.ChallengeVersion, second.ChallengeVersion, v1.Version, v2.Version)
	}
	// The interviewer's view of the first submission still names v1.
	rec := do(asAdmin(e.h), "GET", "/api/v1/submissions/"+first.ID, "", "")
	var st runner.State
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &st) != nil || st.Submission.ChallengeVersion != v1.Version {
		t.Fatalf("first submission: %d %s", rec.Code, rec.Body)
	}
	rec = do(e.h, "GET", "/api/v1/challenges", "", "")
	if !strings.Contains(rec.Body.String(), `"version":"`+v2.Version+`"`) {
		t.Fatalf("the list does not show v2: %s", rec.Body)
	}

	// Publishing v1 again rolls back without a new check: 200, not created.
	again := publish(targz(t, members(addFolder("1, 1"))), "application/gzip", http.StatusOK)
	if again.Created || again.Version != v1.Version || again.Previous != v2.Version {
		t.Fatalf("republish: %+v", again)
	}

	rec = do(asAdmin(e.h), "GET", "/api/v1/challenges/add/versions", "", "")
	var vs api.VersionsView
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &vs) != nil {
		t.Fatalf("versions: %d %s", rec.Code, rec.Body)
	}
	if vs.Current != v1.Version || len(vs.Versions) != 2 || vs.Versions[0].Version != v1.Version || len(vs.Versions[0].PublishedAt) != 2 ||
		vs.Versions[1].Origin != runner.OriginUpload || vs.Versions[1].Tests != 2 || vs.Versions[0].Files != nil {
		t.Fatalf("versions: %s", rec.Body)
	}
	if rec := do(e.h, "GET", "/api/v1/challenges/add/versions", "", ""); rec.Code != http.StatusUnauthorized {
		t.Fatalf("versions without a token: %d", rec.Code)
	}
	if rec := do(asAdmin(e.h), "GET", "/api/v1/challenges/nope/versions", "", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("versions of an unknown challenge: %d %s", rec.Code, rec.Body)
	}
}
