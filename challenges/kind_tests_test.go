package challenges_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"assay/challenges"
	"assay/runner"
)

// testsKindFS is a minimal valid challenge of kind tests.
func testsKindFS() fstest.MapFS {
	const mod = "def double(x):\n    return 2 * x\n"
	return fstest.MapFS{
		"dbl/challenge.yaml":                {Data: []byte("slug: dbl\ntitle: Test double\nkind: tests\nmodule: calc.py\nfiles: [test_calc.py]\nlimits:\n  test_timeout: 30s\n")},
		"dbl/prompt.md":                     {Data: []byte("Test double.")},
		"dbl/lib/calc.py":                   {Data: []byte(mod)},
		"dbl/lib/helpers.py":                {Data: []byte("X = 1\n")},
		"dbl/mutants/plus/calc.py":          {Data: []byte("def double(x):\n    return 2 + x\n")},
		"dbl/mutants/square/calc.py":        {Data: []byte("def double(x):\n    return x * x\n")},
		"dbl/starter/test_calc.py":          {Data: []byte("import pytest\n\ndef test_todo():\n    pytest.fail('write your tests')\n")},
		"dbl/reference/test_calc.py":        {Data: []byte("from calc import double\n\ndef test_double():\n    assert double(3) == 6\n")},
		"dbl/bad/only_two/test_calc.py":     {Data: []byte("from calc import double\n\ndef test_double():\n    assert double(2) == 4\n")},
		"dbl/bad/wrong_answer/test_calc.py": {Data: []byte("from calc import double\n\ndef test_double():\n    assert double(3) == 7\n")},
		"dbl/tools/make_mutants.py":         {Data: []byte("# author tooling\n")},
	}
}

func loadTestsKind(t *testing.T, fsys fstest.MapFS) *challenges.Challenge {
	t.Helper()
	ch, err := challenges.Load(fsys, "dbl")
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestTestsKindLoads(t *testing.T) {
	ch := loadTestsKind(t, testsKindFS())
	if ch.Kind != challenges.KindTests || ch.Module != "calc.py" || len(ch.Mutants) != 2 || len(ch.Bad) != 2 {
		t.Fatalf("%+v", ch.Manifest)
	}
	files := ch.SandboxFiles()
	for _, want := range []string{"calc.py", "helpers.py", challenges.DriverVisible, challenges.DriverHidden,
		"tests/hidden/mutants/plus/calc.py", "tests/hidden/mutants/square/calc.py"} {
		if _, ok := files[want]; !ok {
			t.Errorf("sandbox files lack %s", want)
		}
	}
	// Mutants reach the sandbox only in the hidden phase.
	visible, hidden, err := runner.SandboxFiles(challenges.SuiteOf(ch, runner.Limits{}, runner.Limits{}), map[string]string{"test_calc.py": "def test_x(): pass\n"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range visible {
		if strings.Contains(f.Path, "mutants") || strings.Contains(string(f.Data), "2 + x") || strings.Contains(string(f.Data), "square") {
			t.Errorf("a mutant reaches the visible phase: %s", f.Path)
		}
	}
	mutantsHidden := 0
	for _, f := range hidden {
		if strings.HasPrefix(f.Path, runner.HiddenDir+challenges.MutantsDir+"/") {
			mutantsHidden++
		}
	}
	if mutantsHidden != 2 {
		t.Errorf("%d mutants among the hidden files; want 2", mutantsHidden)
	}
	// The candidate sees the module under test and the visible driver only.
	if v := ch.Visible(); len(v) != 1 || v[challenges.DriverVisible] == nil {
		t.Errorf("visible tests: %v", keys(v))
	}
	if _, ok := ch.Lib["calc.py"]; !ok {
		t.Error("the module under test is not provided")
	}
	drv := string(files[challenges.DriverHidden])
	for _, want := range []string{`MUTANTS = ["plus","square"]`, `MODULE = "calc.py"`, `PROVIDED = ["calc.py","helpers.py"]`,
		`SUITE = ["test_calc.py"]`, `"-p", "no:cacheprovider"`, `PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"`, "def test_catches(mutant)",
		`MUTANTS_DIR = "tests/hidden/mutants"`, "SUITE_TIMEOUT = 14", "TEST_TIMEOUT = 4"} {
		if !strings.Contains(drv, want) {
			t.Errorf("hidden driver lacks %q", want)
		}
	}
	if v := string(files[challenges.DriverVisible]); !strings.Contains(v, "def test_pass_against_correct_module()") || strings.Contains(v, "plus") {
		t.Errorf("visible driver:\n%s", v)
	}
}

func TestTestsKindIsDeterministicAndVersioned(t *testing.T) {
	a := loadTestsKind(t, testsKindFS())
	b := loadTestsKind(t, testsKindFS())
	if a.Version != b.Version || string(a.Tests[challenges.DriverHidden]) != string(b.Tests[challenges.DriverHidden]) {
		t.Fatal("loading twice gave different versions or drivers")
	}
	changed := testsKindFS()
	changed["dbl/mutants/plus/calc.py"] = &fstest.MapFile{Data: []byte("def double(x):\n    return 2 + x  # changed\n")}
	if c := loadTestsKind(t, changed); c.Version == a.Version {
		t.Error("a changed mutant kept the version")
	}
	added := testsKindFS()
	added["dbl/mutants/zero/calc.py"] = &fstest.MapFile{Data: []byte("def double(x):\n    return 0\n")}
	if c := loadTestsKind(t, added); c.Version == a.Version || !strings.Contains(string(c.Tests[challenges.DriverHidden]), `"zero"`) {
		t.Error("a new mutant kept the version or is not in the driver")
	}
	limits := testsKindFS()
	limits["dbl/challenge.yaml"].Data = []byte("slug: dbl\ntitle: Test double\nkind: tests\nmodule: calc.py\nfiles: [test_calc.py]\n")
	c := loadTestsKind(t, limits)
	if c.Version == a.Version || !strings.Contains(string(c.Tests[challenges.DriverHidden]), "SUITE_TIMEOUT = 4") {
		t.Error("the driver's timeouts do not follow the manifest's test_timeout")
	}
}

func TestTestsKindRefusesBrokenChallenges(t *testing.T) {
	manifest := func(extra string) func(fstest.MapFS) {
		return func(f fstest.MapFS) { f["dbl/challenge.yaml"].Data = []byte("slug: dbl\ntitle: T\n" + extra) }
	}
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		msg    string
	}{
		{"unknown kind", manifest("kind: quiz\nmodule: calc.py\nfiles: [test_calc.py]\n"), `kind "quiz"`},
		{"no module", manifest("kind: tests\nfiles: [test_calc.py]\n"), "module: a challenge of kind tests names"},
		{"module is a test", manifest("kind: tests\nmodule: test_calc.py\nfiles: [test_x.py]\n"), `module: "test_calc.py" is not allowed`},
		{"module is a candidate file", manifest("kind: tests\nmodule: calc.py\nfiles: [test_calc.py, calc.py]\n"), "cannot be a candidate file"},
		{"no test file", manifest("kind: tests\nmodule: calc.py\nfiles: [helper.py]\n"), "at least one test file"},
		{"conftest entry", manifest("kind: tests\nmodule: calc.py\nfiles: [test_calc.py, conftest.py]\n"), "not allowed"},
		{"module in solution kind", manifest("module: calc.py\nfiles: [solution.py]\n"), "module: only challenges of kind tests"},
		{"module not in lib", func(f fstest.MapFS) { delete(f, "dbl/lib/calc.py") }, "lib/calc.py is missing"},
		{"no mutants", func(f fstest.MapFS) {
			delete(f, "dbl/mutants/plus/calc.py")
			delete(f, "dbl/mutants/square/calc.py")
		}, "mutants/ has no mutants"},
		{"mutant without the module", func(f fstest.MapFS) {
			f["dbl/mutants/other/helpers.py"] = &fstest.MapFile{Data: []byte("X = 2\n")}
		}, "mutants/other/calc.py is missing"},
		{"mutant with another file", func(f fstest.MapFS) {
			f["dbl/mutants/plus/helpers.py"] = &fstest.MapFile{Data: []byte("X = 2\n")}
		}, "a mutant holds only the module under test"},
		{"mutant same as module", func(f fstest.MapFS) {
			f["dbl/mutants/same/calc.py"] = &fstest.MapFile{Data: f["dbl/lib/calc.py"].Data}
		}, "is the same as lib/calc.py"},
		{"bad mutant name", func(f fstest.MapFS) {
			f["dbl/mutants/Off-By-One/calc.py"] = &fstest.MapFile{Data: []byte("def double(x):\n    return 3 * x\n")}
		}, "a mutant's name"},
		{"nested mutant", func(f fstest.MapFS) {
			f["dbl/mutants/plus/deep/calc.py"] = &fstest.MapFile{Data: []byte("x")}
		}, "not part of the challenge format"},
		{"authored tests", func(f fstest.MapFS) {
			f["dbl/tests/visible/test_more.py"] = &fstest.MapFile{Data: []byte("def test_x(): pass\n")}
		}, "has no tests of its own"},
		{"fixtures", func(f fstest.MapFS) {
			f["dbl/fixtures/data.csv"] = &fstest.MapFile{Data: []byte("a\n")}
		}, "fixtures/: not supported"},
		{"no reference", func(f fstest.MapFS) { delete(f, "dbl/reference/test_calc.py") }, "reference/test_calc.py is missing"},
		{"no starter", func(f fstest.MapFS) { delete(f, "dbl/starter/test_calc.py") }, "starter/test_calc.py is missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testsKindFS()
			tc.change(fsys)
			_, err := challenges.Load(fsys, "dbl")
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v; want one mentioning %q", err, tc.msg)
			}
		})
	}
}

// A solution-kind challenge keeps its rules: no mutants, no test files.
func TestSolutionKindRefusesTestsKindParts(t *testing.T) {
	fsys := validFS()
	fsys["add/mutants/minus/solution.py"] = &fstest.MapFile{Data: []byte("x")}
	if _, err := challenges.Load(fsys, "add"); err == nil || !strings.Contains(err.Error(), "mutants/ is only for challenges of kind tests") {
		t.Errorf("mutants in a solution challenge: %v", err)
	}
	fsys = validFS()
	fsys["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nkind: solution\nfiles: [test_add.py]\n")
	if _, err := challenges.Load(fsys, "add"); err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Errorf("a test file as a solution: %v", err)
	}
	fsys = validFS()
	fsys["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nkind: solution\nfiles: [solution.py]\n")
	ch, err := challenges.Load(fsys, "add")
	if err != nil || ch.Kind != challenges.KindSolution || len(ch.Tests) != 2 {
		t.Fatalf("explicit kind solution: %v", err)
	}
	implicit, _ := challenges.Load(validFS(), "add")
	if implicit.Kind != challenges.KindSolution {
		t.Errorf("default kind %q", implicit.Kind)
	}
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
