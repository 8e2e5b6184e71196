package challenges_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"assay/challenges"
	"assay/runner"
)

func TestAdversarialSolutions(t *testing.T) {
	set := challenges.AdversarialSolutions()
	want := []string{"adversarial/always_equal", "adversarial/forged_reports", "adversarial/lying_builtins", "adversarial/oracle",
		"adversarial/returns_itself", "adversarial/source_oracle"}
	if len(set) != len(want) {
		t.Fatalf("%d adversarial solutions, want %v", len(set), want)
	}
	ch, err := challenges.Load(twoFileFS(), "add")
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range set {
		if a.Name != want[i] {
			t.Errorf("solution %d is %s, want %s (sorted)", i, a.Name, want[i])
		}
		// Generic: every name a test imports comes from the module's
		// __getattr__ (PEP 562); nothing names a challenge's API.
		src := string(a.Source)
		if !strings.Contains(src, "\ndef __getattr__(name):") || strings.Contains(src, "retry") {
			t.Errorf("%s is not a generic forgery", a.Name)
		}
		files := a.Files(ch)
		if len(files) != 2 || string(files["solution.py"]) != src || string(files["helpers.py"]) != src {
			t.Errorf("%s: files %v, want its source as solution.py and helpers.py", a.Name, keys(files))
		}
	}
}

// twoFileFS is the add challenge with two entry files.
func twoFileFS() fstest.MapFS {
	fsys := validFS()
	fsys["add/challenge.yaml"] = &fstest.MapFile{Data: []byte("slug: add\ntitle: Add\nfiles: [solution.py, helpers.py]\n")}
	for _, dir := range []string{"starter", "reference", "bad/minus"} {
		fsys["add/"+dir+"/helpers.py"] = &fstest.MapFile{Data: []byte("# helpers\n")}
	}
	return fsys
}

// phasedSandbox grades the add challenge's two tests in their own phases,
// as the real sandbox does: every test passes for a solution that
// contains one of pass, and test_add fails for the others. It records the
// entry files each run was given.
type phasedSandbox struct {
	pass []string
	mu   sync.Mutex
	runs map[string]map[string]string // run id -> entry file -> source
	// policies: each run's canary policy, by run id
	policies map[string]runner.CanaryPolicy
}

func (s *phasedSandbox) Run(_ context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	entry := map[string]string{}
	ok := false
	for _, f := range spec.Files {
		for _, e := range spec.Entry {
			if f.Path == e {
				entry[e] = string(f.Data)
				for _, p := range s.pass {
					ok = ok || strings.Contains(string(f.Data), p)
				}
			}
		}
	}
	s.mu.Lock()
	if s.runs == nil {
		s.runs = map[string]map[string]string{}
	}
	s.runs[spec.ID] = entry
	if s.policies == nil {
		s.policies = map[string]runner.CanaryPolicy{}
	}
	s.policies[spec.ID] = spec.Canaries
	s.mu.Unlock()
	visible := `<testsuites><testsuite><testcase classname="tests.visible.test_add" name="test_add" time="0.01"/></testsuite></testsuites>`
	code := 0
	if !ok {
		visible = `<testsuites><testsuite><testcase classname="tests.visible.test_add" name="test_add" time="0.01"><failure message="no"/></testcase></testsuite></testsuites>`
		code = 1
	}
	hidden := `<testsuites><testsuite><testcase classname="tests.hidden.test_more" name="test_more" time="0.02"/></testsuite></testsuites>`
	return runner.RunResult{Phases: []runner.PhaseResult{
		{Name: runner.PhaseVisible, ExitCode: code, Report: []byte(visible)},
		{Name: runner.PhaseHidden, Report: []byte(hidden)},
	}}, nil
}

func TestCheckRunsTheAdversarialSet(t *testing.T) {
	ch, err := challenges.Load(twoFileFS(), "add")
	if err != nil {
		t.Fatal(err)
	}
	set := challenges.AdversarialSolutions()

	// Tests that resist: every forged solution fails, and the report lists
	// each after the known-bad ones.
	sb := &phasedSandbox{pass: []string{"return a + b"}}
	ch.Reference["solution.py"] = []byte("def add(a, b):\n    return a + b\n")
	rep, err := challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("resisting tests: report not OK: %+v", rep.Solutions)
	}
	var names []string
	for _, s := range rep.Solutions {
		names = append(names, s.Name)
	}
	want := []string{"reference", "starter", "bad/minus"}
	for _, a := range set {
		want = append(want, a.Name)
	}
	if fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf("solutions %v, want %v", names, want)
	}
	for _, s := range rep.Solutions[3:] {
		if s.Verdict != runner.VerdictFailed || s.Passed != 1 || s.Total != 2 || s.Problem != "" {
			t.Errorf("%s: %s %d/%d %q", s.Name, s.Verdict, s.Passed, s.Total, s.Problem)
		}
	}
	for _, a := range set {
		id := "check-add-" + strings.ReplaceAll(a.Name, "/", "-")
		got := sb.runs[id]
		if len(got) != 2 || got["solution.py"] != string(a.Source) || got["helpers.py"] != string(a.Source) {
			t.Errorf("%s: run %s was given entry files %v, want its source as both", a.Name, id, got)
		}
	}

	// Tests a forgery passes: the check fails and says which forgery.
	sb = &phasedSandbox{pass: []string{"return a + b", "def __getattr__(name):"}}
	rep, err = challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() {
		t.Fatal("forged solutions passed every test, but the report is OK")
	}
	for _, s := range rep.Solutions {
		forged := strings.HasPrefix(s.Name, challenges.AdversarialPrefix)
		if forged != (s.Problem != "") {
			t.Errorf("%s: problem %q", s.Name, s.Problem)
		}
		if forged && !strings.Contains(s.Problem, "forged solution") || forged && !strings.Contains(s.Problem, "challenges/adversarial_") {
			t.Errorf("%s: problem %q does not say a forgery passed, and where it is", s.Name, s.Problem)
		}
	}
	if msg := (&challenges.CheckError{Report: rep}).Error(); !strings.Contains(msg, "adversarial/oracle") {
		t.Errorf("the check error does not name the forgery: %s", msg)
	}
}

// TestCheckSkipsTheAdversarialSetWhenTheReferenceFails: nothing is
// expected of other solutions then.
func TestCheckSkipsTheAdversarialSetWhenTheReferenceFails(t *testing.T) {
	ch, err := challenges.Load(validFS(), "add")
	if err != nil {
		t.Fatal(err)
	}
	sb := &phasedSandbox{pass: []string{"no solution contains this"}}
	rep, err := challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.Solutions) != 1 || len(sb.runs) != 1 {
		t.Errorf("report %+v after %d runs", rep.Solutions, len(sb.runs))
	}
}

// TestStrictHelperIsOneFile: the scaffold's tests/strict.py and every
// built-in challenge's copy are the same file, so a fix reaches them all.
func TestStrictHelperIsOneFile(t *testing.T) {
	files, err := challenges.Scaffold("word-count")
	if err != nil {
		t.Fatal(err)
	}
	want := files["tests/strict.py"]
	if !strings.Contains(string(want), "def same(actual, expected):") {
		t.Fatalf("the scaffold's tests/strict.py has no same(): %.200s", want)
	}
	copies, err := fs.Glob(challenges.Builtin(), "*/tests/strict.py")
	if err != nil || len(copies) == 0 {
		t.Fatalf("no built-in tests/strict.py: %v", err)
	}
	for _, p := range copies {
		got, err := fs.ReadFile(challenges.Builtin(), p)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs from the scaffold's tests/strict.py (challenges/scaffold.go): copy one over the other", p)
		}
	}
}

// TestCheckDrawsEveryCanaryForTheReference: the reference runs with a canary
// for every source (so none a run may draw could pass an honest run), the
// other solutions with the reference's runtimes as costs, and a challenge
// with few canary sources gets a warning that does not fail it.
func TestCheckDrawsEveryCanaryForTheReference(t *testing.T) {
	ch, err := challenges.Load(twoFileFS(), "add")
	if err != nil {
		t.Fatal(err)
	}
	sb := &phasedSandbox{pass: []string{"return a + b"}}
	ch.Reference["solution.py"] = []byte("def add(a, b):\n    return a + b\n")
	rep, err := challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if err != nil || !rep.OK() {
		t.Fatalf("check: %v %+v", err, rep)
	}
	if p := sb.policies["check-add-reference"]; !p.All {
		t.Errorf("the reference ran with %+v, want every canary", p)
	}
	p := sb.policies["check-add-starter"]
	if p.All || p.CostMS["tests.hidden.test_more::test_more"] != 20 || p.CostMS["tests.visible.test_add::test_add"] != 10 {
		t.Errorf("the starter ran with %+v, want the reference's runtimes as costs", p)
	}
	if rep.Canaries != 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "only 0 hidden test(s) can have a canary") ||
		!strings.Contains(rep.Warnings[0], "nothing would detect") {
		t.Errorf("canaries %d, warnings %q: want one warning of none", rep.Canaries, rep.Warnings)
	}
}
