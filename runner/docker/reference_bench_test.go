package docker_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
)

// BenchmarkReferenceTiming measures what the reference's timing run adds
// to a submission: each iteration runs the decorators challenge's
// reference solution twice through the sandbox, without and with the
// timing run, one right after the other, so that a busy machine's load
// falls on both alike. It reports the medians of both, of their
// difference, of the timing run's own time (Result.Reference.RunMS), and
// of the overall ratio (median, quartiles) of the reference against its
// own timing: how far from 1 the page's ratio strays for equal code.
// ASSAY_RUNTIME picks the runtime (runsc for gVisor).
//
//	go test ./runner/docker -run '^$' -bench ReferenceTiming -benchtime 10x
func BenchmarkReferenceTiming(b *testing.B) {
	testenv.Docker(b)
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	i := slices.IndexFunc(list, func(c *challenges.Challenge) bool { return c.Slug == "decorators" })
	ch := list[i]
	suite := challenges.SuiteOf(ch, limits(), limits())
	files, hidden, err := runner.SandboxFiles(suite, map[string]string{"solution.py": string(ch.Reference["solution.py"])})
	if err != nil {
		b.Fatal(err)
	}
	sb := newSandbox(b, os.Getenv("ASSAY_RUNTIME"))
	spec := runner.RunSpec{ID: "bench-reference", Files: files, Hidden: hidden, Entry: suite.Entry, Limits: suite.Limits,
		Canaries: runner.CanaryPolicy{CostMS: suite.ReferenceMS}}
	var off, on, added, own, median, q1, q3 []float64
	run := func(s runner.RunSpec) (time.Duration, runner.RunResult) {
		start := time.Now()
		r, err := sb.Run(context.Background(), s)
		if err != nil {
			b.Fatal(err)
		}
		return time.Since(start), r
	}
	b.ResetTimer()
	for range b.N {
		d0, _ := run(spec)
		s := spec
		s.Reference = runner.ReferenceFiles(suite)
		d1, r := run(s)
		if r.Reference == nil || len(r.Reference.TestsUS) == 0 {
			b.Fatalf("no reference timing: %+v", r.Reference)
		}
		// The reference against itself: how far from 1 a ratio strays
		// on this machine, as the page would show it.
		g := runner.Grade(suite.Expected, r)
		if sp := runner.CompareRuntimes(g.Tests, r.Reference, nil).Overall; sp != nil {
			median, q1, q3 = append(median, sp.Median), append(q1, sp.Q1), append(q3, sp.Q3)
		}
		off, on = append(off, ms(d0)), append(on, ms(d1))
		added, own = append(added, ms(d1-d0)), append(own, float64(r.Reference.RunMS))
	}
	b.StopTimer()
	for name, v := range map[string][]float64{"off-ms": off, "on-ms": on, "added-ms": added, "ref-run-ms": own,
		"self-ratio-median": median, "self-ratio-q1": q1, "self-ratio-q3": q3} {
		b.ReportMetric(runner.SpreadOf(v).Median, name)
	}
	b.ReportMetric(0, "ns/op")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
