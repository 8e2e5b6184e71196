package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"assay/internal/testenv"
	"assay/runner"
)

// hostileCase is one file of testdata/hostile: a solution to the
// decorators challenge that attacks the sandbox or the verdict. Its header
// says the verdict it must get ("# verdict: X"), and whether the reference
// solution is appended ("# append: reference"), which makes a contained
// attack pass and an attack that got through fail.
type hostileCase struct {
	name     string
	source   string
	verdicts []runner.Verdict // any of these; a fork bomb may meet the memory limit or the deadline first
}

func loadHostile(t *testing.T, reference string) []hostileCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.py"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no hostile corpus: %v", err)
	}
	sort.Strings(paths)
	var out []hostileCase
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		c := hostileCase{name: strings.TrimSuffix(filepath.Base(p), ".py"), source: string(b)}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "# verdict: "); ok {
				for _, one := range strings.Split(v, "|") {
					c.verdicts = append(c.verdicts, runner.Verdict(strings.TrimSpace(one)))
				}
			}
			if strings.TrimSpace(line) == "# append: reference" {
				c.source += "\n" + reference
			}
		}
		if len(c.verdicts) == 0 {
			t.Fatalf("%s: no '# verdict:' line", p)
		}
		out = append(out, c)
	}
	return out
}

// TestHostileCorpus sends every attack through the whole path under each
// runtime (runc and gVisor), checks its verdict, that the candidate's view
// never shows hidden test source, that no container is left, and that an
// ordinary submission still passes and the server is ready afterwards.
func TestHostileCorpus(t *testing.T) {
	testenv.Parallel(t)
	testenv.Docker(t)
	ch := mustChallenge(t, "decorators")
	reference := texts(ch.Reference)["solution.py"]
	// Hidden test names that appear nowhere in what the candidate may see.
	testName := regexp.MustCompile(`def (test_\w+)`)
	visible := string(ch.Prompt)
	for p, b := range ch.Tests {
		if !strings.HasPrefix(p, "tests/hidden/") {
			visible += string(b)
		}
	}
	var hiddenSource []string
	for p, b := range ch.Tests {
		if strings.HasPrefix(p, "tests/hidden/") {
			for _, m := range testName.FindAllStringSubmatch(string(b), -1) {
				if !strings.Contains(visible, m[1]) {
					hiddenSource = append(hiddenSource, m[1])
				}
			}
		}
	}
	if len(hiddenSource) == 0 {
		t.Fatal("no distinctive hidden test names to look for")
	}
	corpus := loadHostile(t, reference)
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			testenv.Parallel(t)
			// The time limit leaves room for a loaded CI machine: there,
			// gVisor runs of the passing cases have taken 8 s (1.4 s idle),
			// and a tighter limit turned their verdicts into timeouts.
			app := startApp(t, "", map[string]string{"ASSAY_MAX_TIME": "20s", "ASSAY_RUNTIME": rt, "ASSAY_WORKERS": "1", "ASSAY_POOL_SIZE": "2"})
			ids := make([]string, len(corpus))
			for i, c := range corpus {
				ids[i] = app.submit(t, "decorators", map[string]string{"solution.py": c.source})
			}
			for i, c := range corpus {
				st := app.result(t, ids[i], 3*time.Minute)
				r := st.Result
				if !slices.Contains(c.verdicts, r.Verdict) {
					t.Errorf("%s: %s (%s); want %v\n%s", c.name, r.Verdict, r.Reason, c.verdicts, tail(r.Output, 1500))
				} else {
					t.Logf("%s: %s (%s)", c.name, r.Verdict, r.Reason)
				}
				view := app.candidateView(t, ids[i])
				for _, src := range hiddenSource {
					if strings.Contains(view, src) {
						t.Errorf("%s: the candidate's view shows hidden test source %q", c.name, src)
					}
				}
				if strings.Contains(view, "tests.hidden.") || strings.Contains(view, "tests/hidden/") {
					t.Errorf("%s: the candidate's view names a hidden test file", c.name)
				}
			}
			after := app.submit(t, "decorators", map[string]string{"solution.py": reference})
			if r := app.result(t, after, time.Minute).Result; r.Verdict != runner.VerdictPassed {
				t.Errorf("after the corpus, the reference got %s (%s)", r.Verdict, r.Reason)
			}
			resp, err := http.Get(app.base + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("readyz after the corpus: %d", resp.StatusCode)
			}
			assertNoContainers(t, app)
		})
	}
}

// TestHostileRequests: what the API must refuse before anything is queued.
func TestHostileRequests(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	huge := strings.Repeat("# padding\n", 18<<20/10)
	cases := []struct {
		name   string
		body   []byte
		status int
	}{
		{"non-UTF-8 source", []byte("{\"challenge\":\"decorators\",\"files\":{\"solution.py\":\"\xc3\x28 = 1\"}}"), http.StatusBadRequest},
		{"18 MB source", []byte(`{"challenge":"decorators","files":{"solution.py":"` + strings.ReplaceAll(huge, "\n", `\n`) + `"}}`), http.StatusRequestEntityTooLarge},
		{"a conftest of the candidate's", []byte(`{"challenge":"decorators","files":{"solution.py":"x","conftest.py":"x"}}`), http.StatusBadRequest},
		{"a path instead of a name", []byte(`{"challenge":"decorators","files":{"../solution.py":"x"}}`), http.StatusBadRequest},
	}
	for _, c := range cases {
		resp, err := postAsAdmin(http.DefaultClient, app.base, bytes.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Error string }
		if resp.StatusCode != c.status || json.Unmarshal(msg, &e) != nil || e.Error == "" {
			t.Errorf("%s: %d %.200s; want %d with an error message", c.name, resp.StatusCode, msg, c.status)
		}
	}
	assertQueueEmpty(t, app.redis)
}

// candidateView fetches a submission without the admin token.
func (a *testApp) candidateView(t *testing.T, id string) string {
	t.Helper()
	resp, err := http.Get(a.base + "/api/v1/submissions/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
