package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"assay/challenges"
	"assay/runner"
)

// slowReferenceChallenge is a challenge whose reference sleeps a second
// and a half in each of its two tests: its timing run takes three seconds
// at least, while a plain candidate's run takes milliseconds of tests.
func slowReferenceChallenge(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"challenge.yaml":                   "slug: slowref\ntitle: Slow reference\nfiles: [solution.py]\nlimits:\n  time_limit: 20s\n",
		"prompt.md":                        "Write add(a, b).\n",
		"starter/solution.py":              "def add(a, b):\n    raise NotImplementedError\n",
		"reference/solution.py":            "import time\n\ndef add(a, b):\n    time.sleep(1.5)\n    return a + b\n",
		"tests/visible/test_slow.py":       "from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
		"tests/hidden/test_slow_hidden.py": "from solution import add\n\ndef test_big():\n    assert add(10**9, 1) == 10**9 + 1\n",
		"bad/minus/solution.py":            "def add(a, b):\n    return a - b\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, "slowref", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := challenges.Load(os.DirFS(dir), "slowref")
	if err != nil {
		t.Fatal(err)
	}
	// No reference_ms recorded: the worker times it (MaxTimedReferenceMS).
	exp, _ := json.Marshal(challenges.Expected{Version: ch.Version, Tests: []challenges.ExpectedTest{
		{ID: "tests.hidden.test_slow_hidden::test_big", Hidden: true},
		{ID: "tests.visible.test_slow::test_add"},
	}})
	if err := os.WriteFile(filepath.Join(dir, "slowref", challenges.ExpectedFile), exp, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// The candidate's result is recorded, and announced to waiters, before the
// reference's timing run has ended: the first answer that says done has
// the whole result and no reference yet (the timing run sleeps three
// seconds at least); the timing is attached to it afterwards, changing
// nothing else, and no container is left behind.
func TestTheResultComesBeforeTheReferenceTiming(t *testing.T) {
	app := startApp(t, "", map[string]string{"ASSAY_CHALLENGES_DIR": slowReferenceChallenge(t), "ASSAY_REFERENCE_TIMING": "on"})
	id := app.submit(t, "slowref", map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"})
	st := app.result(t, id, 2*time.Minute)
	done := time.Now()
	r := *st.Result
	if r.Verdict != runner.VerdictPassed || r.Passed != 2 {
		t.Fatalf("verdict %s, %d/%d passed: %s\n%s", r.Verdict, r.Passed, r.Total, r.Reason, r.Output)
	}
	if r.Reference != nil {
		t.Fatalf("the result came with the reference's timing (%+v): it waited for the timing run", r.Reference)
	}

	var ref *runner.ReferenceTiming
	deadline := time.Now().Add(time.Minute)
	for ref == nil {
		if time.Now().After(deadline) {
			t.Fatal("no reference timing attached within a minute")
		}
		time.Sleep(100 * time.Millisecond)
		now := app.get(t, id)
		if now.Result == nil {
			t.Fatal("the result is gone")
		}
		if ref = now.Result.Reference; ref != nil {
			after := *now.Result
			after.Reference = nil
			if !reflect.DeepEqual(after, r) {
				t.Errorf("attaching the timing changed the result:\n got %+v\nwant %+v", after, r)
			}
		}
	}
	t.Logf("reference attached %v after the result", time.Since(done).Round(time.Millisecond))
	if ref.Problem != "" || ref.NotPassed != 0 || len(ref.TestsUS) != 2 {
		t.Fatalf("reference timing %+v; want both tests timed", ref)
	}
	for id, us := range ref.TestsUS {
		if us < 1.5e6 {
			t.Errorf("reference's %s took %v µs; its add sleeps 1.5 s", id, us)
		}
	}
	assertNoContainers(t, app)
}
