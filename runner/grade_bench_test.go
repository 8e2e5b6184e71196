package runner_test

import (
	"fmt"
	"strings"
	"testing"

	"assay/runner"
)

// BenchmarkGrade measures parsing and grading a report of 200 tests, the
// work a worker does per submission besides the sandbox run.
func BenchmarkGrade(b *testing.B) {
	var sb strings.Builder
	var ids []string
	sb.WriteString(`<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">`)
	for i := range 200 {
		id := fmt.Sprintf("tests.visible.test_m::test_%d", i)
		ids = append(ids, id)
		if i%10 == 0 {
			fmt.Fprintf(&sb, `<testcase classname="tests.visible.test_m" name="test_%d" time="0.001"><failure message="assert 1 == 2">long traceback %s</failure></testcase>`, i, strings.Repeat("x", 500))
		} else {
			fmt.Fprintf(&sb, `<testcase classname="tests.visible.test_m" name="test_%d" time="0.001"/>`, i)
		}
	}
	sb.WriteString(`</testsuite></testsuites>`)
	run := runner.RunResult{Phases: []runner.PhaseResult{{ExitCode: 1, Report: []byte(sb.String())}}}
	b.ReportAllocs()
	for b.Loop() {
		if g := runner.Grade(ids, run); g.Verdict != runner.VerdictFailed || g.Total != 200 {
			b.Fatalf("%s %d", g.Verdict, g.Total)
		}
	}
}
