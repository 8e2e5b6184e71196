package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"assay/challenges"
	"assay/internal/testenv"
)

// scaffoldFolder writes `assay challenges new SLUG` into a temporary
// directory, with the litter an author's machine leaves (caches, tools),
// and returns the folder.
func scaffoldFolder(t *testing.T, slug string) string {
	t.Helper()
	parent := t.TempDir()
	if _, _, err := runClient(t, nil, "challenges", "new", slug, "--dir", parent); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, slug)
	for p, body := range map[string]string{
		"tests/visible/__pycache__/test_count.cpython-313.pyc": "\x00\x01junk",
		".pytest_cache/v/cache/lastfailed":                     "{}",
		"tools/regen.sh":                                       "#!/bin/sh\n",
	} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(full), 0o755)
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// publisher is a stand-in for POST /api/v1/challenges.
type fakePublisher struct {
	status int
	answer string
	mu     sync.Mutex
	got    []*http.Request
	bodies [][]byte
}

func (p *fakePublisher) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.got, p.bodies = append(p.got, r), append(p.bodies, body)
		p.mu.Unlock()
		if r.Method != "POST" || r.URL.Path != "/api/v1/challenges" {
			http.NotFound(w, r)
			return
		}
		if p.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(p.status)
		io.WriteString(w, p.answer)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPushRefusesBadArgumentsBeforeAnyRequest(t *testing.T) {
	p := &fakePublisher{status: 201, answer: `{}`}
	env := map[string]string{"ASSAY_SERVER": p.start(t), "ASSAY_TOKEN": "tok"}
	dir := scaffoldFolder(t, "counter")
	notChallenge := t.TempDir()
	file := writeSolution(t, "solution.py", "x")
	withLink := scaffoldFolder(t, "linked")
	if err := os.Symlink("/etc/passwd", filepath.Join(withLink, "fixtures.txt")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "name one challenge folder"},
		{[]string{dir, dir}, "name one challenge folder"},
		{[]string{filepath.Join(dir, "nope")}, "no such folder"},
		{[]string{file}, "is not a folder"},
		{[]string{notChallenge}, "has no challenge.yaml"},
		{[]string{withLink}, "fixtures.txt: not a regular file"},
		{[]string{"--server", "localhost:8080", dir}, "http:// or https://"},
	} {
		_, stderr, err := runClient(t, env, append([]string{"challenges", "push"}, c.args...)...)
		wantExit(t, err, exitUsage)
		if msg := err.Error() + stderr; !strings.Contains(msg, c.want) {
			t.Errorf("%q: %v; want it to say %q", c.args, err, c.want)
		}
	}
	if len(p.got) > 0 {
		t.Fatalf("%d requests; want none", len(p.got))
	}
}

func TestPushPacksTheFolderAndShowsTheVersion(t *testing.T) {
	p := &fakePublisher{status: http.StatusCreated, answer: `{"challenge":"counter","version":"ab12cd34ef56ab78","previous":"0011223344556677","created":true,
		"check":{"challenge":"counter","version":"ab12cd34ef56ab78","tests":4,"hidden_tests":2,"canaries":1,"warnings":["only 1 hidden test(s) can have a canary"],"solutions":[
		{"name":"reference","verdict":"passed","passed":4,"total":4},
		{"name":"starter","verdict":"failed","passed":0,"total":4},
		{"name":"bad/case_sensitive","verdict":"failed","passed":3,"total":4,"not_passed":["tests.visible.test_count::test_ignores_case"]}]}}`}
	url := p.start(t)
	dir := scaffoldFolder(t, "counter")
	stdout, stderr, err := runClient(t, map[string]string{"ASSAY_ADMIN_TOKEN": "admin-tok"}, "challenges", "push", dir, "--server", url)
	wantExit(t, err, 0)
	if len(p.got) != 1 {
		t.Fatalf("%d requests", len(p.got))
	}
	r := p.got[0]
	if r.Header.Get("Content-Type") != "application/gzip" || r.Header.Get("Authorization") != "Bearer admin-tok" {
		t.Errorf("headers %v", r.Header)
	}
	// What the server unpacks is the folder as the loader reads it.
	fsys, top, err := challenges.ReadArchive(p.bodies[0], challenges.ArchiveLimits{})
	if err != nil || top != "counter" {
		t.Fatalf("archive: %q %v", top, err)
	}
	var got []string
	for name := range fsys {
		got = append(got, strings.TrimPrefix(name, "counter/"))
	}
	sort.Strings(got)
	want, _ := challenges.Scaffold("counter")
	wantNames := slices.Sorted(maps.Keys(want))
	if strings.Join(got, ",") != strings.Join(wantNames, ",") {
		t.Errorf("archive holds\n%v\nwant\n%v", got, wantNames)
	}
	if _, err := challenges.Load(fsys, "counter"); err != nil {
		t.Errorf("the archive does not load: %v", err)
	}
	for _, w := range []string{"published counter version ab12cd34ef56ab78 (it replaces 0011223344556677)", "check: 4 tests (2 hidden, 1 can have a canary)",
		"warning: only 1 hidden test(s) can have a canary",
		"bad/case_sensitive", "3/4"} {
		if !strings.Contains(stdout, w) {
			t.Errorf("stdout lacks %q:\n%s", w, stdout)
		}
	}
	if !strings.Contains(stderr, "pushing "+dir) {
		t.Errorf("stderr:\n%s", stderr)
	}

	// The same version again: 200, made current again.
	p.status = http.StatusOK
	p.answer = `{"challenge":"counter","version":"ab12cd34ef56ab78","created":false,"check":{"challenge":"counter","version":"ab12cd34ef56ab78","tests":4,"hidden_tests":2,"solutions":[]}}`
	stdout, _, err = runClient(t, nil, "challenges", "push", "--server", url, dir)
	wantExit(t, err, 0)
	if !strings.Contains(stdout, "counter version ab12cd34ef56ab78 was published before; it is the current version again") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestPushRefusals(t *testing.T) {
	dir := scaffoldFolder(t, "counter")
	for _, c := range []struct {
		status int
		answer string
		code   int
		want   []string
	}{
		{http.StatusUnprocessableEntity, `{"error":"the challenge failed its check, so it was not published: reference: failed (1 of 4 tests did not pass)",
			"check":{"challenge":"counter","version":"v","tests":4,"hidden_tests":2,"solutions":[
			{"name":"reference","verdict":"failed","passed":3,"total":4,"problem":"the reference must pass every test\nmore"}]}}`,
			exitFailed, []string{"refused (422 Unprocessable Entity): the challenge failed its check", "reference", "the reference must pass every test"}},
		{http.StatusUnprocessableEntity, `{"error":"invalid challenge: counter: challenge.yaml: title is missing"}`,
			exitFailed, []string{"title is missing"}},
		{http.StatusRequestEntityTooLarge, `{"error":"the archive is larger than 8388608 bytes"}`, exitFailed, []string{"larger than 8388608"}},
		{http.StatusUnauthorized, `{"error":"this needs a token"}`, exitUsage, []string{"401 Unauthorized: this needs a token", "ASSAY_TOKEN"}},
		{http.StatusForbidden, `{"error":"only the admin may do this"}`, exitUsage, []string{"403 Forbidden: only the admin"}},
		{http.StatusServiceUnavailable, `{"error":"publishing is not enabled on this server"}`, exitUsage, []string{"publishing is not enabled", "retry after 5s"}},
	} {
		p := &fakePublisher{status: c.status, answer: c.answer}
		stdout, _, err := runClient(t, nil, "challenges", "push", "--server", p.start(t), "--token", "t", dir)
		wantExit(t, err, c.code)
		out := stdout + err.Error()
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%d: output lacks %q:\n%s", c.status, w, out)
			}
		}
		if c.code == exitFailed && !reported(err) {
			t.Errorf("%d: a refusal is shown on stdout; main should not print it again", c.status)
		}
	}

	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, _, err := runClient(t, nil, "challenges", "push", "--server", url, dir)
	wantExit(t, err, exitUsage)
	if !strings.Contains(err.Error(), "cannot reach the Assay server") {
		t.Errorf("unreachable: %v", err)
	}
}

// TestPushScaffoldThenSubmit scaffolds a challenge with `assay challenges
// new`, pushes it to a real server (Redis, Docker), submits to it, pushes
// it again, and pushes a broken version of it with the built binary.
func TestPushScaffoldThenSubmit(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	dir := scaffoldFolder(t, "cli-words")
	env := map[string]string{"ASSAY_SERVER": app.base, "ASSAY_TOKEN": testAdminToken}

	stdout, stderr, err := runClient(t, env, "challenges", "push", dir)
	t.Logf("assay challenges push:\n%s%s", stderr, stdout)
	wantExit(t, err, 0)
	m := regexp.MustCompile(`published cli-words version ([0-9a-f]+) \(its first\)`).FindStringSubmatch(stdout)
	// (the scaffold's two hidden tests: one ends with a literal, a canary source)
	if m == nil || !strings.Contains(stdout, "check: 4 tests (2 hidden, 1 can have a canary)") {
		t.Fatalf("push:\n%s", stdout)
	}
	version := m[1]

	ref := filepath.Join(dir, "reference", "solution.py")
	stdout, _, err = runClient(t, env, "submit", "--challenge", "cli-words", ref)
	wantExit(t, err, 0)
	if !strings.Contains(stdout, "verdict passed: 4/4") || !strings.Contains(stdout, "tests.visible.test_count::test_ignores_case") {
		t.Errorf("reference:\n%s", stdout)
	}
	bad := filepath.Join(dir, "bad", "case_sensitive", "solution.py")
	stdout, _, err = runClient(t, env, "submit", "--challenge", "cli-words", bad)
	wantExit(t, err, exitFailed)
	if !strings.Contains(stdout, "verdict failed") {
		t.Errorf("known-bad:\n%s", stdout)
	}

	// Unchanged: the same version, made current again without a check.
	stdout, _, err = runClient(t, env, "challenges", "push", dir)
	wantExit(t, err, 0)
	if !strings.Contains(stdout, "was published before") {
		t.Errorf("second push:\n%s", stdout)
	}

	// A reference that fails its own tests is refused: exit status 1 from
	// the real binary, with the check report.
	if err := os.WriteFile(ref, []byte("def count_words(text):\n    return {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildAssay(t), "challenges", "push", "--server", app.base, dir)
	cmd.Env = append(os.Environ(), "ASSAY_TOKEN="+testAdminToken)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	t.Logf("assay challenges push, a broken reference:\n%s%s", errOut.String(), out.String())
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("broken push: %v; want exit status 1", err)
	}
	if !strings.Contains(out.String(), "refused (422") || !strings.Contains(out.String(), "reference") {
		t.Errorf("refusal:\n%s", out.String())
	}
	// The published version is still the one candidates get.
	resp := getFull(t, app.base+"/api/v1/challenges/cli-words")
	var cur struct {
		Version string `json:"version"`
	}
	json.NewDecoder(resp.Body).Decode(&cur)
	resp.Body.Close()
	if cur.Version != version {
		t.Errorf("current version %q after a refused push; want %q", cur.Version, version)
	}
}
