package main

import (
	"testing"
	"time"

	"assay/runner"
)

func TestPercentiles(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, c := range []struct{ p, want float64 }{{50, 5}, {95, 10}, {99, 10}, {10, 1}, {0, 1}} {
		if got := pct(sorted, c.p); got != c.want {
			t.Errorf("pct(%v) = %v, want %v", c.p, got, c.want)
		}
	}
	if pct(nil, 50) != 0 {
		t.Error("pct of nothing is not 0")
	}
	l := latency("x", []time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond}, cpuUse{Assay: 3}, 0)
	if l.P50MS != 2 || l.P99MS != 3 || len(l.Sample) != 3 {
		t.Errorf("latency = %+v", l)
	}
	if c := (cpuUse{Assay: 3, Docker: 6, Sandbox: 9}).per(3); c != (cpuUse{Assay: 1, Docker: 2, Sandbox: 3}) {
		t.Errorf("per = %+v", c)
	}
}

func TestReadCPUMoves(t *testing.T) {
	m := readCPU()
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) { // burn some CPU in this process
	}
	if c := m.since(); c.Assay <= 0 {
		t.Errorf("this process's CPU did not move: %+v", c)
	}
}

// The containers' CPU after the requests goes to the visible phases, the
// hidden phases and the reference's timing runs by their wall times: a
// result's RunMS covers both phases, and a result without a timing run
// adds none.
func TestByWallTime(t *testing.T) {
	results := []*runner.Result{
		{RunMS: 300, VisibleRunMS: 100, Reference: &runner.ReferenceTiming{RunMS: 200}},
		{RunMS: 200, VisibleRunMS: 100},
	}
	// 700 ms of wall time in all: 200 visible, 300 hidden, 200 timing.
	vis, hid, ref := byWallTime(1400, results)
	if vis != 400 || hid != 600 || ref != 400 {
		t.Errorf("split of 1400 = %v, %v, %v; want 400, 600, 400", vis, hid, ref)
	}
	if vis, hid, ref := byWallTime(800, nil); vis != 0 || hid != 0 || ref != 0 {
		t.Errorf("no results: %v, %v, %v", vis, hid, ref)
	}
}
