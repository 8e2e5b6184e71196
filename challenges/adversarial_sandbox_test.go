package challenges_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

// shapesFS is a small challenge whose tests are either naive (plain ==,
// isinstance) or strict (tests/strict.py's same, as the built-in
// challenges use it).
func shapesFS(t *testing.T, strict bool) fstest.MapFS {
	t.Helper()
	strictPy, err := fs.ReadFile(challenges.Builtin(), "decorators/tests/strict.py")
	if err != nil {
		t.Fatal(err)
	}
	solution := func(area string) []byte {
		return []byte("class Square:\n    def __init__(self, side):\n        self.side = side\n\n\n" +
			"def area(side):\n    return " + area + "\n\n\ndef square(side):\n    return Square(side)\n\n\n" +
			"def corners(side):\n    return {'count': 4, 'at': [(0, 0), (side, 0), (side, side), (0, side)]}\n")
	}
	visible := `from solution import Square, area, corners, square


def test_area():
    assert area(3) == 9


def test_square():
    sq = square(2)
    assert isinstance(sq, Square)
    assert sq.side == 2
`
	hidden := `from solution import corners


def test_corners():
    assert corners(1) == {"count": 4, "at": [(0, 0), (1, 0), (1, 1), (0, 1)]}
`
	if strict {
		visible = `from tests.strict import same
from solution import Square, area, corners, square


def test_area():
    same(area(3), 9)


def test_square():
    sq = square(2)
    assert type(sq) is Square
    same(sq.side, 2)
`
		hidden = `from tests.strict import same
from solution import corners


def test_corners():
    same(corners(1), {"count": 4, "at": [(0, 0), (1, 0), (1, 1), (0, 1)]})
`
	}
	return fstest.MapFS{
		"shapes/challenge.yaml":               {Data: []byte("slug: shapes\ntitle: Shapes\nfiles: [solution.py]\n")},
		"shapes/prompt.md":                    {Data: []byte("Write area, square and corners.")},
		"shapes/starter/solution.py":          {Data: []byte("def area(side):\n    raise NotImplementedError\n")},
		"shapes/reference/solution.py":        {Data: solution("side * side")},
		"shapes/bad/perimeter/solution.py":    {Data: solution("4 * side")},
		"shapes/tests/strict.py":              {Data: strictPy},
		"shapes/tests/conftest.py":            {Data: []byte("import solution  # noqa: F401 (as many challenges' conftests do)\n")},
		"shapes/tests/visible/test_shapes.py": {Data: []byte(visible)},
		"shapes/tests/hidden/test_corners.py": {Data: []byte(hidden)},
	}
}

// TestAdversarialSetInTheSandbox runs the check for real: every forged
// solution passes every test of naive tests (so the set really forges, in
// the real harness), and none passes the same tests written with
// strict.same. The harness may still catch a forgery on its own: its
// canaries (hidden tests every honest run fails) make one that passes
// everything tampered, and its audit hook refuses the frames the oracle
// reads. The check accepts any verdict but passed.
func TestAdversarialSetInTheSandbox(t *testing.T) {
	image := testenv.Docker(t)
	if testing.Short() {
		t.Skip("sandbox runs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sb, err := docker.New(ctx, docker.Config{Image: image, Worker: "adversarial-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	defaults := runner.Limits{
		Wall: 30 * time.Second, TestTimeout: 10 * time.Second, CPUs: 1, MemoryBytes: 256 << 20, Pids: 64,
		NoFile: 256, FileSize: 16 << 20, Scratch: 64 << 20, OutputBytes: 64 << 10,
	}
	ceiling := runner.Limits{Wall: 2 * time.Minute, TestTimeout: time.Minute, CPUs: 2, MemoryBytes: 1 << 30, Pids: 256}
	check := func(strict bool) challenges.CheckReport {
		t.Helper()
		ch, err := challenges.Load(shapesFS(t, strict), "shapes")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := challenges.Check(ctx, ch, sb, defaults, ceiling)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range rep.Solutions {
			t.Logf("strict=%v %-28s %-8s %d/%d %s", strict, s.Name, s.Verdict, s.Passed, s.Total, s.Problem)
		}
		return rep
	}
	forged := func(rep challenges.CheckReport) []challenges.SolutionCheck {
		var out []challenges.SolutionCheck
		for _, s := range rep.Solutions {
			if strings.HasPrefix(s.Name, challenges.AdversarialPrefix) {
				out = append(out, s)
			}
		}
		if len(out) != len(challenges.AdversarialSolutions()) {
			t.Fatalf("%d forged solutions in the report, want %d", len(out), len(challenges.AdversarialSolutions()))
		}
		return out
	}

	naive := check(false)
	if naive.Solutions[0].Verdict != runner.VerdictPassed {
		t.Errorf("naive tests: the reference must pass")
	}
	for _, s := range forged(naive) {
		switch {
		case s.Verdict == runner.VerdictTampered && (s.Name == "adversarial/oracle" || s.Name == "adversarial/forged_reports"):
			// caught by the harness: the frames the oracle reads, the
			// hook the forger planted in the conftest
		case s.Verdict != runner.VerdictPassed && s.Verdict != runner.VerdictTampered,
			s.Passed != s.Total, (s.Verdict == runner.VerdictPassed) != (s.Problem != ""):
			t.Errorf("%s did not forge its way through naive tests: %s %d/%d %q", s.Name, s.Verdict, s.Passed, s.Total, s.Problem)
		}
	}

	strict := check(true)
	if !strict.OK() {
		t.Errorf("strict tests: the check failed")
	}
	for _, s := range forged(strict) {
		if s.Verdict == runner.VerdictPassed || s.Problem != "" {
			t.Errorf("%s against strict tests: %s %d/%d %s", s.Name, s.Verdict, s.Passed, s.Total, s.Problem)
		}
	}
}
