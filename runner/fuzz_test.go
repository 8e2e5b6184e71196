package runner_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"assay/runner"
)

// FuzzParseJUnit feeds arbitrary bytes to the report parser and the
// grader: a report is written by code the candidate controls, so nothing
// in it may panic the worker, and whatever it says must grade to a verdict.
func FuzzParseJUnit(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.xml")
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<testsuites><testsuite><testcase classname="a" name="b" time="-1e309"/></testsuite></testsuites>`))
	f.Add([]byte(`<testsuite><testcase classname="tests.hidden.x" name="t"><failure message="&#0;"/></testcase></testsuite>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tests, err := runner.ParseJUnit(data)
		if err != nil {
			return
		}
		for _, tr := range tests {
			if !utf8.ValidString(tr.Message) || !utf8.ValidString(tr.ID) {
				t.Fatalf("invalid UTF-8 in a parsed test: %q", tr.ID)
			}
			if tr.DurationMS < 0 {
				t.Fatalf("negative duration %v", tr.DurationMS)
			}
		}
		g := runner.Grade([]string{"tests.visible.t::a"}, runner.RunResult{Phases: []runner.PhaseResult{{Name: runner.PhaseVisible, Report: data}}})
		if g.Verdict == "" || strings.TrimSpace(g.Reason) == "" && g.Verdict != runner.VerdictPassed {
			t.Fatalf("no verdict or reason: %+v", g)
		}
	})
}
