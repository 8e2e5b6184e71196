package challenges_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

// TestCheckRefusesScoringThatNamesNoTest: `assay challenges check` matches
// the scoring section's patterns against the tests the reference reported
// in the real sandbox, and a pattern that names none of them fails the
// check with its line, before any other solution runs.
func TestCheckRefusesScoringThatNamesNoTest(t *testing.T) {
	image := testenv.Docker(t)
	if testing.Short() {
		t.Skip("sandbox runs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sb, err := docker.New(ctx, docker.Config{Image: image, Worker: "challenges-scoring-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	fsys := fstest.MapFS{
		"add/challenge.yaml": {Data: []byte("slug: add\ntitle: Add\nfiles: [solution.py]\nscoring:\n  tests:\n" +
			"    - match: tests/hidden/test_add.py::test_many\n      weight: 4\n" +
			"    - match: tests/hidden/test_add.py::test_negative\n      weight: 2\n")},
		"add/prompt.md":                 {Data: []byte("Write add(a, b).")},
		"add/starter/solution.py":       {Data: []byte("def add(a, b):\n    raise NotImplementedError\n")},
		"add/reference/solution.py":     {Data: []byte("def add(a, b):\n    return a + b\n")},
		"add/tests/visible/test_add.py": {Data: []byte("from solution import add\n\ndef test_small():\n    assert type(add(1, 2)) is int and add(1, 2) == 3\n")},
		"add/tests/hidden/test_add.py":  {Data: []byte("import pytest\nfrom solution import add\n\n@pytest.mark.parametrize('a', [1, 2])\ndef test_many(a):\n    assert add(a, a) == 2 * a\n")},
	}
	ch, err := challenges.Load(fsys, "add")
	if err != nil {
		t.Fatal(err)
	}
	limits := runner.Limits{Wall: 30 * time.Second, TestTimeout: 10 * time.Second, CPUs: 1, MemoryBytes: 256 << 20, Pids: 64,
		NoFile: 256, FileSize: 16 << 20, Scratch: 64 << 20, OutputBytes: 64 << 10}
	rep, err := challenges.Check(ctx, ch, sb, limits, limits)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || !strings.Contains(rep.Scoring, `tests[1] (line 8): "tests/hidden/test_add.py::test_negative" names none of the challenge's 3 tests`) {
		t.Fatalf("ok %v, scoring problem %q", rep.OK(), rep.Scoring)
	}
	if len(rep.Solutions) != 1 {
		t.Errorf("%d solutions ran after the scoring failed; want the reference alone", len(rep.Solutions))
	}
	if err := (&challenges.CheckError{Report: rep}).Error(); !strings.Contains(err, "test_negative") {
		t.Errorf("the publication's error leaves the scoring out: %s", err)
	}
}
