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
// falls on both alike. It reports the medians of: the run without
// (off-ms); with it, until Run returns the result (result-ms: what the
// candidate waits for, the result being recorded then) and until the
// timing run has delivered (held-ms: how long the worker's job holds the
// container); their differences with the run without (result-added-ms,
// held-added-ms); within the run with it, the time from the result to the
// timing's end (spared-ms: what the candidate waited for before the result
// was recorded first); the timing run's own time (Result.Reference.RunMS); and
// the overall ratio (median, quartiles) of the reference against its own
// timing: how far from 1 the page's ratio strays for equal code.
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
	var off, result, held, resultAdded, heldAdded, spared, own, median, q1, q3 []float64
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if _, err := sb.Run(context.Background(), spec); err != nil {
			b.Fatal(err)
		}
		d0 := time.Since(start)
		s := spec
		s.Reference = runner.ReferenceFiles(suite)
		start = time.Now()
		r, err := sb.Run(context.Background(), s)
		if err != nil {
			b.Fatal(err)
		}
		d1 := time.Since(start) // the result is in
		ref := r.WaitReference(context.Background())
		d2 := time.Since(start) // the timing run has ended
		if ref == nil || len(ref.TestsUS) == 0 {
			b.Fatalf("no reference timing: %+v", ref)
		}
		// The reference against itself: how far from 1 a ratio strays
		// on this machine, as the page would show it.
		g := runner.Grade(suite.Expected, r)
		if sp := runner.CompareRuntimes(g.Tests, ref, nil).Overall; sp != nil {
			median, q1, q3 = append(median, sp.Median), append(q1, sp.Q1), append(q3, sp.Q3)
		}
		off, result, held = append(off, ms(d0)), append(result, ms(d1)), append(held, ms(d2))
		resultAdded, heldAdded = append(resultAdded, ms(d1-d0)), append(heldAdded, ms(d2-d0))
		spared = append(spared, ms(d2-d1))
		own = append(own, float64(ref.RunMS))
	}
	b.StopTimer()
	sb.WaitRemoved()
	for name, v := range map[string][]float64{"off-ms": off, "result-ms": result, "held-ms": held,
		"result-added-ms": resultAdded, "held-added-ms": heldAdded, "spared-ms": spared, "ref-run-ms": own,
		"self-ratio-median": median, "self-ratio-q1": q1, "self-ratio-q3": q3} {
		b.ReportMetric(runner.SpreadOf(v).Median, name)
	}
	b.ReportMetric(0, "ns/op")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
