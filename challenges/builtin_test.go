package challenges_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"assay/challenges"
	"assay/runner"
)

func TestEveryFolderIsEmbedded(t *testing.T) {
	onDisk, err := filepath.Glob(filepath.Join("*", challenges.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := fs.Glob(challenges.Builtin(), "*/"+challenges.ManifestFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(onDisk) == 0 || len(onDisk) != len(embedded) {
		t.Fatalf("on disk %v, embedded %v: add the folder to the go:embed line in builtin.go", onDisk, embedded)
	}
}

func TestBuiltinChallengesLoadAndAreFresh(t *testing.T) {
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range list {
		if !ch.Fresh() {
			t.Errorf("%s: expected.json is missing or stale: run `bin/assay challenges check --write challenges/%s`", ch.Slug, ch.Slug)
			continue
		}
		visible, hidden := 0, 0
		for _, tc := range ch.Expected.Tests {
			if tc.Hidden {
				hidden++
			} else {
				visible++
			}
		}
		// Only a "tests" challenge's hidden tests may start programs (they
		// run the candidate's tests in one).
		suite := challenges.SuiteOf(ch, runner.Limits{}, runner.Limits{})
		if got := suite.HiddenPrograms; got != (ch.Kind == challenges.KindTests) {
			t.Errorf("%s (kind %q): HiddenPrograms %v", ch.Slug, ch.Kind, got)
		}
		// The reference's runtimes size each run's canaries.
		if len(suite.ReferenceMS) != len(ch.Expected.Tests) {
			t.Errorf("%s: %d reference runtimes for %d tests", ch.Slug, len(suite.ReferenceMS), len(ch.Expected.Tests))
		}
		if ch.Kind == challenges.KindTests {
			// One generated visible test; one hidden test per mutant.
			if visible != 1 || hidden != len(ch.Mutants) || hidden < 4 || len(ch.Bad) < 2 {
				t.Errorf("%s: %d visible tests, %d hidden for %d mutants, %d known-bad suites; want 1, one per mutant (at least 4) and 2", ch.Slug, visible, hidden, len(ch.Mutants), len(ch.Bad))
			}
			continue
		}
		if visible < 8 || hidden < 8 || len(ch.Bad) < 2 {
			t.Errorf("%s: %d visible tests, %d hidden, %d known-bad solutions; want at least 8, 8 and 2", ch.Slug, visible, hidden, len(ch.Bad))
		}
		if _, err := os.Stat(filepath.Join(ch.Slug, "tests", "visible")); err != nil {
			t.Errorf("%s: %v", ch.Slug, err)
		}
	}
}
