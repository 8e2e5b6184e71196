package challenges_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"assay/challenges"
	"assay/runner"
)

func validFS() fstest.MapFS {
	return fstest.MapFS{
		"add/challenge.yaml":            {Data: []byte("slug: add\ntitle: Add\nsummary: Add.\nfiles: [solution.py]\nlimits:\n  time_limit: 5s\n  memory_mb: 128\n  cpus: 8\n")},
		"add/prompt.md":                 {Data: []byte("Write add.")},
		"add/starter/solution.py":       {Data: []byte("def add(a, b):\n    raise NotImplementedError\n")},
		"add/reference/solution.py":     {Data: []byte("def add(a, b):\n    return a + b\n")},
		"add/bad/minus/solution.py":     {Data: []byte("def add(a, b):\n    return a - b\n")},
		"add/tests/visible/test_add.py": {Data: []byte("def test_add(): pass\n")},
		"add/tests/hidden/test_more.py": {Data: []byte("def test_more(): pass\n")},
		"add/fixtures/data.csv":         {Data: []byte("a,b\n")},
		"add/tools/gen.py":              {Data: []byte("# author tooling, not part of the challenge\n")},
	}
}

func TestLoadValid(t *testing.T) {
	ch, err := challenges.Load(validFS(), "add")
	if err != nil {
		t.Fatal(err)
	}
	if ch.Slug != "add" || len(ch.Version) != 16 || len(ch.Visible()) != 1 || len(ch.Bad["minus"]) != 1 || ch.Fresh() {
		t.Fatalf("%+v", ch)
	}
	files := ch.SandboxFiles()
	for _, want := range []string{"tests/visible/test_add.py", "tests/hidden/test_more.py", "fixtures/data.csv"} {
		if _, ok := files[want]; !ok {
			t.Errorf("sandbox files lack %s", want)
		}
	}
	for p := range files {
		if strings.HasPrefix(p, "reference") || strings.HasPrefix(p, "bad") || strings.HasPrefix(p, "tools") {
			t.Errorf("sandbox files include %s", p)
		}
	}
}

func TestVersionIsTheContentHash(t *testing.T) {
	base, _ := challenges.Load(validFS(), "add")
	same := validFS()
	same["add/expected.json"] = &fstest.MapFile{Data: []byte(`{"version":"` + base.Version + `","tests":[{"id":"x"}]}`)}
	same["add/tools/other.py"] = &fstest.MapFile{Data: []byte("#")}
	c2, err := challenges.Load(same, "add")
	if err != nil {
		t.Fatal(err)
	}
	if c2.Version != base.Version || !c2.Fresh() {
		t.Errorf("expected.json or tools/ changed the version: %s vs %s", c2.Version, base.Version)
	}
	changed := validFS()
	changed["add/tests/hidden/test_more.py"] = &fstest.MapFile{Data: []byte("def test_more(): assert 1\n")}
	c3, _ := challenges.Load(changed, "add")
	if c3.Version == base.Version {
		t.Error("a changed hidden test kept the version")
	}
}

func TestLoadRefusesBrokenChallenges(t *testing.T) {
	cases := []struct {
		name   string
		change func(fstest.MapFS)
		msg    string
	}{
		{"no manifest", func(f fstest.MapFS) { delete(f, "add/challenge.yaml") }, "challenge.yaml"},
		{"bad yaml", func(f fstest.MapFS) { f["add/challenge.yaml"].Data = []byte("slug: [\n") }, "challenge.yaml"},
		{"unknown field", func(f fstest.MapFS) {
			f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nfiles: [solution.py]\ntimeout: 3\n")
		}, "field timeout not found"},
		{"slug mismatch", func(f fstest.MapFS) {
			f["add/challenge.yaml"].Data = []byte("slug: sum\ntitle: A\nfiles: [solution.py]\n")
		}, "does not match its folder"},
		{"bad duration", func(f fstest.MapFS) {
			f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nfiles: [solution.py]\nlimits:\n  time_limit: soon\n")
		}, "line 5"},
		{"conftest as entry", func(f fstest.MapFS) {
			f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nfiles: [conftest.py]\n")
		}, "not allowed"},
		{"path entry", func(f fstest.MapFS) { f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nfiles: [../x.py]\n") }, "not allowed"},
		{"too little memory", func(f fstest.MapFS) {
			f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nfiles: [solution.py]\nlimits:\n  memory_mb: 40\n")
		}, "memory_mb must be at least 64"},
		{"negative limit", func(f fstest.MapFS) {
			f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\nfiles: [solution.py]\nlimits:\n  pids: -1\n")
		}, "values must be positive"},
		{"no files", func(f fstest.MapFS) { f["add/challenge.yaml"].Data = []byte("slug: add\ntitle: A\n") }, "files"},
		{"no prompt", func(f fstest.MapFS) { delete(f, "add/prompt.md") }, "prompt.md"},
		{"no reference", func(f fstest.MapFS) { delete(f, "add/reference/solution.py") }, "reference/solution.py is missing"},
		{"no starter", func(f fstest.MapFS) { delete(f, "add/starter/solution.py") }, "starter/solution.py is missing"},
		{"incomplete bad", func(f fstest.MapFS) { f["add/bad/empty/notes.txt"] = &fstest.MapFile{Data: []byte("x")} }, "bad/empty/solution.py is missing"},
		{"no visible tests", func(f fstest.MapFS) { delete(f, "add/tests/visible/test_add.py") }, "tests/visible"},
		{"stray file", func(f fstest.MapFS) { f["add/notes.txt"] = &fstest.MapFile{Data: []byte("x")} }, "notes.txt: not part of the challenge format"},
		{"bad expected.json", func(f fstest.MapFS) { f["add/expected.json"] = &fstest.MapFile{Data: []byte("{")} }, "expected.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := validFS()
			tc.change(fsys)
			_, err := challenges.Load(fsys, "add")
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v; want one mentioning %q", err, tc.msg)
			}
		})
	}
}

func TestLimitsMergeAndCap(t *testing.T) {
	ch, _ := challenges.Load(validFS(), "add")
	defaults := runner.Limits{Wall: 30 * time.Second, TestTimeout: 10 * time.Second, CPUs: 1, MemoryBytes: 256 << 20, Pids: 64}
	ceiling := runner.Limits{Wall: time.Minute, CPUs: 2, MemoryBytes: 1 << 30, Pids: 100}
	l := ch.Limits(defaults, ceiling)
	if l.Wall != 5*time.Second || l.MemoryBytes != 128<<20 || l.CPUs != 2 || l.TestTimeout != 10*time.Second || l.Pids != 64 {
		t.Errorf("%+v", l)
	}
}

func TestCatalogRefusesStaleExpectations(t *testing.T) {
	ch, _ := challenges.Load(validFS(), "add")
	cat, err := challenges.NewCatalog([]*challenges.Challenge{ch}, runner.Limits{}, runner.Limits{})
	if err == nil || len(cat.List()) != 0 {
		t.Fatalf("stale challenge served: %v", err)
	}
	fresh := validFS()
	fresh["add/expected.json"] = &fstest.MapFile{Data: []byte(`{"version":"` + ch.Version + `","tests":[{"id":"tests.visible.test_add::test_add"}]}`)}
	ch2, _ := challenges.Load(fresh, "add")
	cat, err = challenges.NewCatalog([]*challenges.Challenge{ch2}, runner.Limits{}, runner.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := cat.Suite(context.Background(), "add", ch2.Version)
	if err != nil || len(s.Expected) != 1 || s.Entry[0] != "solution.py" {
		t.Fatalf("%+v %v", s, err)
	}
	if _, err := cat.Suite(context.Background(), "add", "old"); err == nil {
		t.Error("an unknown version was served")
	}
}

type sandboxFunc func(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error)

func (f sandboxFunc) Run(ctx context.Context, spec runner.RunSpec) (runner.RunResult, error) {
	return f(ctx, spec)
}

// TestCheckFlagsMisbehavingSolutions uses a fake sandbox that passes
// whatever contains "return a + b" and fails the rest.
func TestCheckFlagsMisbehavingSolutions(t *testing.T) {
	sb := &phasedSandbox{pass: []string{"return a + b"}}
	fsys := validFS()
	ch, _ := challenges.Load(fsys, "add")
	rep, err := challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if err != nil || !rep.OK() || !rep.Stale || len(rep.Expected.Tests) != 2 || !rep.Expected.Tests[0].Hidden {
		t.Fatalf("good challenge: %+v %v", rep, err)
	}
	fsys["add/bad/lucky/solution.py"] = &fstest.MapFile{Data: []byte("def add(a, b):\n    return a + b\n")}
	ch, _ = challenges.Load(fsys, "add")
	rep, _ = challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if rep.OK() {
		t.Error("a known-bad solution that passes was not flagged")
	}
	fsys["add/reference/solution.py"] = &fstest.MapFile{Data: []byte("def add(a, b):\n    return 0\n")}
	ch, _ = challenges.Load(fsys, "add")
	rep, _ = challenges.Check(context.Background(), ch, sb, runner.Limits{}, runner.Limits{})
	if rep.OK() || !strings.Contains(rep.Solutions[0].Problem, "reference") {
		t.Errorf("a failing reference was not flagged: %+v", rep.Solutions)
	}
}
