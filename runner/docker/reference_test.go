package docker_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

const fastAdd = "def add(a, b):\n    return a + b\n"

// The harness times each test's call in nanoseconds: sub-millisecond
// times, not all the same, by the report's ids (the hidden one under its
// own name once graded); and, with a reference, the reference's times for
// the same tests come from the same container, without changing the run.
func TestRunTimesTestsAndTheReference(t *testing.T) {
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			sb := newSandbox(t, rt)
			s := spec("timing-"+testenv.RuntimeName(rt), fastAdd, limits())
			s.Reference = []runner.File{{Path: "solution.py", Data: []byte(fastAdd)}}
			r, err := sb.Run(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			bothPhasesPass(t, r)
			g := runner.Grade(nil, r)
			if g.Verdict != runner.VerdictPassed || len(g.Tests) != 3 {
				t.Fatalf("verdict %s with %d tests: %s", g.Verdict, len(g.Tests), g.Detail)
			}
			// (Bounded by the run's own time, not by a fixed figure: a
			// loaded machine makes even a trivial call take milliseconds.)
			seen := map[float64]bool{}
			for _, tr := range g.Tests {
				if tr.DurationUS <= 0 || tr.DurationUS >= float64(r.Duration.Microseconds()) || math.Abs(tr.DurationMS-tr.DurationUS/1000) > 1e-9 {
					t.Errorf("%s: %v µs, %v ms; want a time within the run's %v, measured by the harness", tr.ID, tr.DurationUS, tr.DurationMS, r.Duration)
				}
				seen[tr.DurationUS] = true
			}
			if len(seen) < 2 {
				t.Errorf("every test took exactly the same time: %+v", g.Tests)
			}
			ref := r.WaitReference(context.Background())
			if ref == nil {
				t.Fatalf("no reference timing; harness stderr: %s", r.Diagnostics)
			}
			if ref.Problem != "" || ref.NotPassed != 0 || len(ref.TestsUS) != 3 {
				t.Fatalf("reference timing %+v; want the 3 tests timed", *ref)
			}
			for _, tr := range g.Tests {
				if us := ref.TestsUS[tr.ID]; us <= 0 || us >= 1e6 {
					t.Errorf("reference time of %s: %v µs", tr.ID, us)
				}
			}
			assertGone(t, sb, s.ID)
		})
	}
}

// Without a reference the harness gets no fourth part, ends, and the run
// has no reference timing; nor has a run that passed no test (there is
// no ratio to show), though it was given the reference.
func TestRunWithoutAReferenceHasNoTiming(t *testing.T) {
	sb := newSandbox(t, "")
	s := spec("timing-none", fastAdd, limits())
	r, err := sb.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	bothPhasesPass(t, r)
	if r.Reference != nil {
		t.Errorf("a timing run without a reference: %+v", r.WaitReference(context.Background()))
	}
	assertGone(t, sb, s.ID)

	s = spec("timing-nothing-passed", "def add(a, b):\n    return None\n", limits())
	s.Reference = []runner.File{{Path: "solution.py", Data: []byte(fastAdd)}}
	r, err = sb.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if g := runner.Grade(nil, r); g.Verdict != runner.VerdictFailed || g.Passed != 0 || g.Total != 3 {
		t.Fatalf("verdict %s, %d of %d passed: %s", g.Verdict, g.Passed, g.Total, g.Detail)
	}
	for _, ph := range r.Phases {
		if ph.Tally == nil || ph.Tally.Passed != 0 || ph.Tally.Failed == 0 {
			t.Errorf("%s phase's tally %+v; want failures and no pass", ph.Name, ph.Tally)
		}
	}
	if r.Reference != nil {
		t.Errorf("a timing run for a run that passed nothing: %+v", r.WaitReference(context.Background()))
	}
	assertGone(t, sb, s.ID)
}

// hostileSlowAdd is a correct but slow candidate that leaves behind
// everything it can for the reference's run to trip on: a process that
// would rewrite solution.py and the tests later, a sitecustomize, a .pth
// and a conftest where Python or pytest might read them, files in /tmp,
// /work and /dev/shm.
const hostileSlowAdd = `import os, time

def _plant():
    for path, text in {
        "/tmp/sitecustomize.py": "import time; time.sleep(5)\n",
        "/tmp/evil.pth": "import time; time.sleep(5)\n",
        "/work/sitecustomize.py": "import time; time.sleep(5)\n",
        "/work/conftest.py": "import time; time.sleep(5)\n",
        "/work/leftover.txt": "x\n",
        # the reference imports colorsys: a module of that name on /work,
        # first on sys.path, would run in its place
        "/work/colorsys.py": "raise SystemExit('planted')\n",
        "/dev/shm/leftover": "x\n",
    }.items():
        try:
            with open(path, "w") as f:
                f.write(text)
        except OSError:
            pass
    try:
        pid = os.fork()
    except Exception:
        return
    if pid == 0:
        try:
            os.setsid()
            time.sleep(3)
            with open("/work/solution.py", "w") as f:
                f.write("def add(a, b):\n    raise SystemExit('planted')\n")
        finally:
            os._exit(0)

_plant()

def add(a, b):
    time.sleep(0.003)
    return a + b
`

// What the candidate leaves behind neither changes its own result nor
// reaches the reference's run: the reference passes every test, faster
// than the candidate, and the candidate's run grades as it would without
// a reference.
func TestTheReferenceRunsInAWipedSandbox(t *testing.T) {
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			sb := newSandbox(t, rt)
			s := spec("timing-hostile-"+testenv.RuntimeName(rt), hostileSlowAdd, limits())
			without, err := sb.Run(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			s.ID += "-ref"
			s.Reference = []runner.File{{Path: "solution.py", Data: []byte("import colorsys\n\n" + fastAdd)}}
			with, err := sb.Run(context.Background(), s)
			if err != nil {
				t.Fatal(err)
			}
			g0, g1 := runner.Grade(nil, without), runner.Grade(nil, with)
			if g0.Verdict != g1.Verdict || g0.Passed != g1.Passed || g1.Verdict != runner.VerdictPassed {
				t.Errorf("verdict %s (%d passed) with the reference's run, %s (%d) without; want passed both: %s", g1.Verdict, g1.Passed, g0.Verdict, g0.Passed, g1.Detail)
			}
			ref := with.WaitReference(context.Background())
			if ref == nil || ref.Problem != "" || ref.NotPassed != 0 || len(ref.TestsUS) != 3 {
				t.Fatalf("reference timing %+v; want the 3 tests passed and timed\nharness stderr: %s", ref, with.Diagnostics)
			}
			for _, tr := range g1.Tests {
				if tr.DurationUS < 3000 {
					t.Errorf("candidate's %s took %v µs; its add sleeps 3 ms", tr.ID, tr.DurationUS)
				}
				if us := ref.TestsUS[tr.ID]; us >= 3000 {
					t.Errorf("reference's %s took %v µs: the candidate's code or leftovers ran in its place", tr.ID, us)
				}
			}
			for _, ph := range with.Phases {
				if strings.Contains(string(ph.Output), "planted") {
					t.Errorf("%s phase output: %s", ph.Name, ph.Output)
				}
			}
			assertGone(t, sb, s.ID)
		})
	}
}

// slowAdd is a reference slower than fastAdd: each call sleeps.
const slowAdd = "import time\n\ndef add(a, b):\n    time.sleep(0.5)\n    return a + b\n"

// Run returns the run's result as soon as the harness's reply is in, while
// the reference's timing run goes on in the same container: with a
// reference that sleeps half a second in each of the three tests, the
// timing has not ended when Run returns, and it delivers afterwards; the
// container is removed only then. A cancelled context stops it early.
func TestRunReturnsBeforeTheReferenceTimingEnds(t *testing.T) {
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			sb := newSandbox(t, rt)
			s := spec("timing-async-"+testenv.RuntimeName(rt), fastAdd, limits())
			s.Reference = []runner.File{{Path: "solution.py", Data: []byte(slowAdd)}}
			r, err := sb.Run(context.Background(), s)
			returned := time.Now()
			if err != nil {
				t.Fatal(err)
			}
			bothPhasesPass(t, r)
			if g := runner.Grade(nil, r); g.Verdict != runner.VerdictPassed || len(g.Tests) != 3 {
				t.Fatalf("verdict %s with %d tests: %s", g.Verdict, len(g.Tests), g.Detail)
			}
			if r.Reference == nil {
				t.Fatalf("no timing run started; harness stderr: %s", r.Diagnostics)
			}
			select {
			case ref := <-r.Reference:
				t.Fatalf("the timing run had ended when Run returned: %+v", ref)
			default:
			}
			ref := r.WaitReference(context.Background())
			waited := time.Since(returned)
			if ref == nil || ref.Problem != "" || ref.NotPassed != 0 || len(ref.TestsUS) != 3 {
				t.Fatalf("reference timing %+v; want the 3 tests timed", ref)
			}
			for id, us := range ref.TestsUS {
				if us < 500e3 {
					t.Errorf("reference's %s took %v µs; its add sleeps 500 ms", id, us)
				}
			}
			if waited < time.Second {
				t.Errorf("the timing delivered %v after Run returned; its tests sleep 1.5 s in all", waited)
			}
			assertGone(t, sb, s.ID)

			// Cancelled: the timing run stops, says why, and the container goes.
			s.ID += "-cancelled"
			ctx, cancel := context.WithCancel(context.Background())
			r, err = sb.Run(ctx, s)
			if err != nil || r.Reference == nil {
				t.Fatalf("Run: %v, timing started %v", err, r.Reference != nil)
			}
			cancel()
			if ref := r.WaitReference(context.Background()); ref == nil || ref.Problem == "" || len(ref.TestsUS) == 3 {
				t.Errorf("cancelled timing run %+v; want a problem and not every test timed", ref)
			}
			if _, open := <-r.Reference; open {
				t.Error("the timing's channel delivered twice")
			}
			assertGone(t, sb, s.ID)
		})
	}
}

var _ runner.Sandbox = (*docker.Sandbox)(nil)
