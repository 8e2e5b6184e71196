package main

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
)

// legitCase is one file of testdata/legit/<slug>/: an honest, correct
// solution to the built-in challenge <slug>, written the way a strong
// candidate writes it, with the standard library's (and, for a scientific
// challenge, numpy's and pandas') ordinary tools. Its header says what it
// exercises ("# legit: ..." and "# exercises: ..."). Whatever the sandbox
// refuses to candidate code, it must keep passing.
type legitCase struct {
	name  string // <slug>/<file>
	ch    *challenges.Challenge
	files map[string]string
}

func loadLegit(t *testing.T) []legitCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "legit", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no legit corpus: %v", err)
	}
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	builtin := map[string]*challenges.Challenge{}
	for _, ch := range list {
		builtin[ch.Slug] = ch
	}
	var out []legitCase
	covered := map[string]bool{}
	sort.Strings(dirs)
	for _, dir := range dirs {
		slug := filepath.Base(dir)
		ch := builtin[slug]
		if ch == nil {
			t.Fatalf("%s: no built-in challenge %q", dir, slug)
		}
		if len(ch.Files) != 1 {
			t.Fatalf("%s: the challenge takes %d files; the corpus holds one-file solutions", dir, len(ch.Files))
		}
		paths, err := filepath.Glob(filepath.Join(dir, "*.py"))
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(paths)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			src := string(b)
			if !strings.HasPrefix(src, "# legit: ") || !strings.Contains(src, "\n# exercises: ") {
				t.Fatalf("%s: the header must say what it is and what it exercises ('# legit: ...', '# exercises: ...')", p)
			}
			out = append(out, legitCase{
				name:  slug + "/" + filepath.Base(p),
				ch:    ch,
				files: map[string]string{ch.Files[0]: src},
			})
			covered[slug] = true
		}
	}
	for _, ch := range list {
		if !covered[ch.Slug] {
			t.Errorf("no legit solution of the built-in challenge %s: add one under testdata/legit/%s/", ch.Slug, ch.Slug)
		}
	}
	return out
}

// TestLegitCorpus sends every honest solution of testdata/legit through the
// whole path under each runtime (runc and gVisor) and requires each to
// pass: what the sandbox does against hostile code (limits, the guard,
// refusing sharp tools to candidate code) must never cost an honest
// candidate a test. It also checks that no container is left behind.
func TestLegitCorpus(t *testing.T) {
	testenv.Parallel(t)
	testenv.Docker(t)
	testenv.ScientificImage(t) // expenses runs in it
	corpus := loadLegit(t)
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			testenv.Parallel(t)
			// One worker, as in TestHostileCorpus: the challenges' own time
			// limits apply, and the timing tests (deadlines of 0.8 s to
			// 1.8 s) do not share the CPUs with another run of this app.
			app := startApp(t, "", map[string]string{"ASSAY_RUNTIME": rt, "ASSAY_WORKERS": "1"})
			ids := make([]string, len(corpus))
			for i, c := range corpus {
				ids[i] = app.submit(t, c.ch.Slug, c.files)
			}
			// A run whose tests ran and some failed gets up to two more
			// tries, alone on the app's worker once the others are done:
			// the gil, asyncio-aggregation and expenses tests time their
			// runs (all 32 fetches in flight at once within 0.3 s, 1.2 s
			// deadlines), which a machine loaded by the other runtime's
			// runs and the package's other tests can miss, with the
			// reference too (under gVisor on a loaded two-core machine a
			// 1.2 s deadline was missed by 0.09 s twice running).
			// Whatever the sandbox refuses to honest code fails every
			// time; an error (a crash, a missing report) is never retried.
			const tries = 3
			again := map[int]bool{}
			for i, c := range corpus {
				r := app.result(t, ids[i], 5*time.Minute).Result
				switch {
				case r.Verdict == runner.VerdictPassed && r.Passed == r.Total:
					t.Logf("%s: %s %d/%d in %dms", c.name, r.Verdict, r.Passed, r.Total, r.RunMS)
					if len(r.Flags) > 0 {
						// Flags never change a verdict, but an honest
						// solution should give an interviewer nothing to
						// look at.
						t.Logf("%s: flagged %v", c.name, r.Flags)
					}
				case r.Verdict == runner.VerdictFailed:
					t.Logf("%s: %s %d/%d (%s), trying again%s", c.name, r.Verdict, r.Passed, r.Total, r.Reason, legitFailures(r))
					again[i] = true
				default:
					t.Errorf("%s: %s %d/%d (%s)%s\n%s", c.name, r.Verdict, r.Passed, r.Total, r.Reason, legitFailures(r), legitOutput(r))
				}
			}
			for try := 2; try <= tries && len(again) > 0; try++ {
				for _, i := range slices.Sorted(maps.Keys(again)) {
					ids[i] = app.submit(t, corpus[i].ch.Slug, corpus[i].files)
				}
				for _, i := range slices.Sorted(maps.Keys(again)) {
					c := corpus[i]
					r := app.result(t, ids[i], 5*time.Minute).Result
					switch {
					case r.Verdict == runner.VerdictPassed && r.Passed == r.Total:
						t.Logf("%s: %s %d/%d in %dms at try %d", c.name, r.Verdict, r.Passed, r.Total, r.RunMS, try)
						delete(again, i)
					case r.Verdict == runner.VerdictFailed && try < tries:
						t.Logf("%s, try %d: %s %d/%d (%s)%s", c.name, try, r.Verdict, r.Passed, r.Total, r.Reason, legitFailures(r))
					default:
						t.Errorf("%s, try %d of %d: %s %d/%d (%s)%s\n%s", c.name, try, tries, r.Verdict, r.Passed, r.Total, r.Reason, legitFailures(r), legitOutput(r))
						delete(again, i)
					}
				}
			}
			assertNoContainers(t, app)
		})
	}
}

// legitFailures lists the tests that did not pass, with their messages,
// and the tampering findings if any.
func legitFailures(r *runner.Result) string {
	var b strings.Builder
	for _, tr := range r.Tests {
		if tr.Outcome != runner.OutcomePassed {
			fmt.Fprintf(&b, "\n  %s %s: %s", tr.ID, tr.Outcome, tail(tr.Message, 400))
		}
	}
	for _, f := range r.Tampering {
		fmt.Fprintf(&b, "\n  tampering %s (%s): %s", f.Check, f.Phase, tail(f.Seen, 400))
	}
	if r.ReasonDetail != "" {
		fmt.Fprintf(&b, "\n  detail: %s", r.ReasonDetail)
	}
	return b.String()
}

// legitOutput is the end of pytest's output of each phase.
func legitOutput(r *runner.Result) string {
	out := "visible phase:\n" + tail(r.Output, 1500)
	if r.HiddenOutput != "" {
		out += "\nhidden phase:\n" + tail(r.HiddenOutput, 1500)
	}
	return out
}
