package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"assay/runner"
)

func TestFlags(t *testing.T) {
	cases := []struct {
		src  string
		want string // "" means no flag
	}{
		{"import _pytest.reports as r\n", "pytest internals"},
		{"g = sys.modules['assay_guard']\n", "pytest internals"},
		{"g._durations.clear()\n", "pytest internals"},
		{"import gc\nfor o in gc.get_objects(): pass\n", "interpreter objects"},
		// (a test's fixture object, reached through the function it passed)
		{"def fetch_all(urls, fetch):\n    net = fetch.__closure__[0].cell_contents\n", "interpreter objects"},
		{"m = __import__('_py' + 'test')\n", "built at run time"},
		{"open('/work/tests/hidden/test_x.py').read()\n", "test files"},
		{"import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n", "processes"},
		{"import socket\n", "network"},
		{"code = compile(src, 'x', 'exec')\n", "built at run time"},
		{"import re\nQ = re.compile(r'Q[1-4]')\n", ""},
		{"import functools\n\ndef retry(attempts=3):\n    def deco(f):\n        @functools.wraps(f)\n        def w(*a, **k):\n            return f(*a, **k)\n        return w\n    return deco\n", ""},
	}
	for _, c := range cases {
		got := strings.Join(runner.Flags(map[string]string{"solution.py": c.src}), "; ")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%q: flags %q; want %q", c.src, got, c.want)
		}
	}
}

// TestReferenceSolutionsAreNotFlagged keeps the rules honest: the built-in
// reference solutions are what honest code looks like.
func TestReferenceSolutionsAreNotFlagged(t *testing.T) {
	paths, _ := filepath.Glob(filepath.Join("..", "challenges", "*", "reference", "*.py"))
	if len(paths) == 0 {
		t.Fatal("no reference solutions found")
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if f := runner.Flags(map[string]string{filepath.Base(p): string(b)}); len(f) > 0 {
			t.Errorf("%s is flagged: %v", p, f)
		}
	}
}
