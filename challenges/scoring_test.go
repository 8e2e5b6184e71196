package challenges_test

import (
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"assay/challenges"
	"assay/runner"
)

// scoringIDs are test ids as the sandbox reports them: modules, a class,
// parametrised cases.
var scoringIDs = []string{
	"tests.hidden.test_retry.TestBackoff::test_doubles[1]",
	"tests.hidden.test_retry.TestBackoff::test_doubles[2]",
	"tests.hidden.test_retry.TestBackoff::test_caps",
	"tests.hidden.test_retry::test_gives_up",
	"tests.hidden.test_retry::test_gives_up_late",
	"tests.hidden.test_state::test_fresh_per_call[a.b-1]",
	"tests.visible.test_retry::test_keeps_metadata",
}

func TestPatternMatches(t *testing.T) {
	cases := []struct {
		pattern string
		want    []int // indexes into scoringIDs
	}{
		{"tests/hidden", []int{0, 1, 2, 3, 4, 5}},
		{"tests/hidden/", []int{0, 1, 2, 3, 4, 5}},
		{"tests.hidden", []int{0, 1, 2, 3, 4, 5}},
		{"tests/hidden/test_retry.py", []int{0, 1, 2, 3, 4}},
		{"tests.hidden.test_retry", []int{0, 1, 2, 3, 4}},
		// A file name is a whole name: test_retry is not test_retry_x.
		{"tests/hidden/test_re.py", nil},
		{"tests/hidden/test_retry.py::TestBackoff", []int{0, 1, 2}},
		{"tests.hidden.test_retry.TestBackoff", []int{0, 1, 2}},
		{"tests/hidden/test_retry.py::TestBackoff::test_doubles", []int{0, 1}},
		{"tests/hidden/test_retry.py::TestBackoff::test_doubles[2]", []int{1}},
		{"tests.hidden.test_retry.TestBackoff::test_doubles[2]", []int{1}},
		// A function is a whole name: test_gives_up is not test_gives_up_late.
		{"tests/hidden/test_retry.py::test_gives_up", []int{3}},
		{"tests/hidden/test_retry.py::test_gives_up*", []int{3, 4}},
		{"tests.hidden.*::test_*", []int{3, 4, 5}},
		// A case's brackets may hold dots; * matches inside them.
		{"tests/hidden/test_state.py::test_fresh_per_call[a.b-1]", []int{5}},
		{"tests/hidden/test_state.py::test_fresh_per_call[*-1]", []int{5}},
		{"tests/hidden/test_state.py::test_fresh_per_call[*-2]", nil},
		{"tests/visible", []int{6}},
	}
	for _, c := range cases {
		p, err := challenges.ParsePattern(c.pattern)
		if err != nil {
			t.Errorf("%s: %v", c.pattern, err)
			continue
		}
		var got []int
		for i, id := range scoringIDs {
			if p.Matches(id) {
				got = append(got, i)
			}
		}
		if !equalInts(got, c.want) {
			t.Errorf("%s matched %v, want %v", c.pattern, got, c.want)
		}
	}
	for _, bad := range []string{"", "hidden/test_x.py", "tests//x.py", "tests/x.py::f[", "tests/x.py::f[]", "tests/a b.py"} {
		if _, err := challenges.ParsePattern(bad); err == nil {
			t.Errorf("pattern %q was accepted", bad)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func scoringFS(scoring string) fstest.MapFS {
	f := validFS()
	f["add/challenge.yaml"] = &fstest.MapFile{Data: []byte("slug: add\ntitle: Add\nfiles: [solution.py]\n" + scoring)}
	return f
}

func loadScoring(t *testing.T, scoring string) challenges.Scoring {
	t.Helper()
	ch, err := challenges.Load(scoringFS(scoring), "add")
	if err != nil {
		t.Fatal(err)
	}
	return ch.Scoring
}

func TestResolveScoring(t *testing.T) {
	s := loadScoring(t, `scoring:
  tests:
    - match: tests/hidden
      tags: [correctness]
    - match: tests/hidden/test_retry.py::TestBackoff
      weight: 2
      tags: [backoff, correctness]
    - match: tests/hidden/test_retry.py::TestBackoff::test_doubles[2]
      weight: 0.5
    - match: tests/visible/test_retry.py::test_keeps_metadata
      weight: 3
      tags: [api]
  groups:
    - name: giving-up
      tests: [tests/hidden/test_retry.py::test_gives_up, tests.hidden.test_retry::test_gives_up_late]
`)
	got, err := s.Resolve(scoringIDs)
	if err != nil {
		t.Fatal(err)
	}
	want := []runner.TestWeight{
		{Weight: 2, Tags: []string{"backoff", "correctness"}},
		{Weight: 0.5, Tags: []string{"backoff", "correctness"}}, // the last weight given wins
		{Weight: 2, Tags: []string{"backoff", "correctness"}},
		{Weight: 1, Tags: []string{"correctness"}, Group: "giving-up"},
		{Weight: 1, Tags: []string{"correctness"}, Group: "giving-up"},
		{Weight: 1, Tags: []string{"correctness"}},
		{Weight: 3, Tags: []string{"api"}},
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Weight != w.Weight || g.Group != w.Group || strings.Join(g.Tags, ",") != strings.Join(w.Tags, ",") {
			t.Errorf("%s: got %+v, want %+v", scoringIDs[i], g, w)
		}
	}

	// No scoring section: every test weighs 1, no tags, no group.
	none, err := loadScoring(t, "").Resolve(scoringIDs)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range none {
		if w.Weight != 1 || w.Tags != nil || w.Group != "" {
			t.Errorf("%s without scoring: %+v", scoringIDs[i], w)
		}
	}
}

// TestResolveRefusesWhatNamesNothing: a typo in a pattern, or a test in
// two groups, fails with the line and what is wrong.
func TestResolveRefusesWhatNamesNothing(t *testing.T) {
	cases := []struct{ name, scoring, msg string }{
		{"typo", "scoring:\n  tests:\n    - match: tests/hidden/test_retyr.py\n      weight: 2\n",
			`tests[0] (line 6): "tests/hidden/test_retyr.py" names none of the challenge's 7 tests`},
		{"case that does not exist", "scoring:\n  tests:\n    - match: tests/hidden/test_retry.py::TestBackoff::test_doubles[3]\n      weight: 2\n",
			"names none"},
		{"group typo", "scoring:\n  groups:\n    - name: g\n      tests: [tests/hidden/test_nope.py]\n",
			`groups[0] (line 7): "tests/hidden/test_nope.py" names none`},
		{"two groups", "scoring:\n  groups:\n    - name: a\n      tests: [tests/hidden/test_retry.py]\n    - name: b\n      tests: [tests/hidden/test_retry.py::test_gives_up]\n",
			`tests.hidden.test_retry::test_gives_up is in group "a" already; a test can be in one group only`},
	}
	for _, c := range cases {
		_, err := loadScoring(t, c.scoring).Resolve(scoringIDs)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.msg)
		}
	}
}

// TestLoadRefusesBadScoring: what can be checked without the tests fails
// the manifest, with its line.
func TestLoadRefusesBadScoring(t *testing.T) {
	cases := []struct{ name, scoring, msg string }{
		{"zero weight", "scoring:\n  tests:\n    - match: tests/hidden\n      weight: 0\n", `line 7: weight "0": give a number from 0.01 to 100`},
		{"negative weight", "scoring:\n  tests:\n    - match: tests/hidden\n      weight: -2\n", `weight "-2"`},
		{"absurd weight", "scoring:\n  tests:\n    - match: tests/hidden\n      weight: 1e9\n", `weight "1e9"`},
		{"infinite weight", "scoring:\n  tests:\n    - match: tests/hidden\n      weight: .inf\n", `weight ".inf"`},
		{"not a number", "scoring:\n  tests:\n    - match: tests/hidden\n      weight: heavy\n", `weight "heavy"`},
		{"too precise", "scoring:\n  tests:\n    - match: tests/hidden\n      weight: 0.001\n", "at most two decimals"},
		{"unknown field", "scoring:\n  tests:\n    - match: tests/hidden\n      wieght: 2\n", "field wieght not found"},
		{"unknown section", "scoring:\n  bonus: 3\n", "field bonus not found"},
		{"no match", "scoring:\n  tests:\n    - weight: 2\n", "match is missing"},
		{"rule that does nothing", "scoring:\n  tests:\n    - match: tests/hidden\n", "a weight, tags, or both"},
		{"bad pattern", "scoring:\n  tests:\n    - match: hidden/test_x.py\n      weight: 2\n", "line 6: test pattern \"hidden/test_x.py\": every test is under tests/"},
		{"bad tag", "scoring:\n  tests:\n    - match: tests/hidden\n      tags: [Edge Cases]\n", `line 7: name "Edge Cases"`},
		{"tag twice", "scoring:\n  tests:\n    - match: tests/hidden\n      tags: [a, a]\n", `tag "a" is listed twice`},
		{"group without name", "scoring:\n  groups:\n    - tests: [tests/hidden]\n", "name is missing"},
		{"group twice", "scoring:\n  groups:\n    - name: g\n      tests: [tests/hidden]\n    - name: g\n      tests: [tests/visible]\n", `group "g" is defined twice`},
		{"empty group", "scoring:\n  groups:\n    - name: g\n", `group "g" names no tests`},
		{"scoring not a mapping", "scoring: [tests/hidden]\n", "line 4: cannot unmarshal"},
		{"tags not a list", "scoring:\n  tests:\n    - match: tests/hidden\n      tags: edge\n", "line 7: cannot unmarshal"},
		{"pattern not a string", "scoring:\n  tests:\n    - match: [tests/hidden]\n      weight: 2\n", "line 6: a test pattern is one string"},
		{"huge pattern", "scoring:\n  tests:\n    - match: tests/" + strings.Repeat("a", 400) + "\n      weight: 2\n", "longer than 300 characters"},
	}
	for _, c := range cases {
		_, err := challenges.Load(scoringFS(c.scoring), "add")
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.msg)
		}
	}
}

// TestLoadChecksRecordedScoring: the server scores from expected.json, so
// a fresh expected.json must record what the manifest's scoring gives each
// test; one recorded before scores (no weights) reads as weight 1.
func TestLoadChecksRecordedScoring(t *testing.T) {
	const scoring = "scoring:\n  tests:\n    - match: tests/hidden\n      weight: 3\n      tags: [edge]\n"
	f := scoringFS(scoring)
	ch, err := challenges.Load(f, "add")
	if err != nil {
		t.Fatal(err)
	}
	write := func(tests []challenges.ExpectedTest) {
		b, _ := json.Marshal(challenges.Expected{Version: ch.Version, Tests: tests})
		f["add/expected.json"] = &fstest.MapFile{Data: b}
	}
	write([]challenges.ExpectedTest{
		{ID: "tests.hidden.test_more::test_more", Hidden: true, Weight: 3, Tags: []string{"edge"}},
		{ID: "tests.visible.test_add::test_add", Weight: 1},
	})
	ch, err = challenges.Load(f, "add")
	if err != nil || !ch.Fresh() {
		t.Fatalf("recorded as resolved: %v", err)
	}
	w := challenges.SuiteOf(ch, runner.Limits{}, runner.Limits{}).Weights
	if got := w["tests.hidden.test_more::test_more"]; got.Weight != 3 || len(got.Tags) != 1 {
		t.Errorf("suite weights: %+v", w)
	}

	write([]challenges.ExpectedTest{
		{ID: "tests.hidden.test_more::test_more", Hidden: true, Weight: 30, Tags: []string{"edge"}},
		{ID: "tests.visible.test_add::test_add", Weight: 1},
	})
	if _, err := challenges.Load(f, "add"); err == nil || !strings.Contains(err.Error(), "tests.hidden.test_more::test_more has weight 30") {
		t.Errorf("an expected.json edited by hand loaded: %v", err)
	}

	// Recorded before scores: no weights, and no scoring in the manifest.
	old := validFS()
	base, _ := challenges.Load(old, "add")
	old["add/expected.json"] = &fstest.MapFile{Data: []byte(`{"version":"` + base.Version + `","tests":[{"id":"tests.visible.test_add::test_add"}]}`)}
	if _, err := challenges.Load(old, "add"); err != nil {
		t.Errorf("an expected.json from before scores: %v", err)
	}
}
