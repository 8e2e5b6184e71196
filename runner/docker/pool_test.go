package docker_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

type poolCounts struct {
	mu         sync.Mutex
	warm, cold int
	idle       int
}

func (p *poolCounts) PoolTaken(warm bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if warm {
		p.warm++
	} else {
		p.cold++
	}
}

func (p *poolCounts) PoolIdle(d int) { p.mu.Lock(); p.idle += d; p.mu.Unlock() }

func (p *poolCounts) get() (warm, cold, idle int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.warm, p.cold, p.idle
}

func pooledSandbox(t *testing.T, runtime string, size int, maxAge time.Duration) (*docker.Sandbox, *poolCounts, string) {
	t.Helper()
	image := testenv.Docker(t)
	obs := &poolCounts{}
	worker := "test-" + strings.ReplaceAll(t.Name(), "/", "-")
	sb, err := docker.New(context.Background(), docker.Config{Image: image, Runtime: runtime, Worker: worker, PoolSize: size, PoolMaxAge: maxAge, PoolObserver: obs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb, obs, worker
}

func containerIDs(t *testing.T, sb *docker.Sandbox, worker string) map[string]bool {
	t.Helper()
	list, err := sb.Client().ContainerList(context.Background(), container.ListOptions{All: true, Filters: filters.NewArgs(filters.Arg("label", docker.LabelWorker+"="+worker))})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, c := range list {
		ids[c.ID] = true
	}
	return ids
}

func waitIdle(t *testing.T, sb *docker.Sandbox, l runner.Limits, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for sb.Idle("", l) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the pool did not fill to %d (has %d)", n, sb.Idle("", l))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const addSolution = "def add(a, b):\n    return a + b\n"

// Each run takes a pre-started container, which is used once and removed;
// the pool refills behind it.
func TestWarmPoolServesEachContainerOnce(t *testing.T) {
	sb, obs, worker := pooledSandbox(t, "", 1, time.Minute)
	l := limits()
	sb.Warm("", l)
	waitIdle(t, sb, l, 1)
	pooled := containerIDs(t, sb, worker)
	if len(pooled) != 1 {
		t.Fatalf("%d containers after warming, want 1", len(pooled))
	}
	for i := range 2 {
		r, err := sb.Run(context.Background(), spec("pool-run", addSolution, l))
		if err != nil {
			t.Fatal(err)
		}
		if h := phase(t, r, runner.PhaseHidden); h.ExitCode != 0 {
			t.Fatalf("run %d: hidden exit %d\n%s", i, h.ExitCode, h.Output)
		}
		sb.WaitRemoved()
		waitIdle(t, sb, l, 1)
		now := containerIDs(t, sb, worker)
		for id := range pooled {
			if now[id] {
				t.Fatalf("run %d: container %s was used and is still there", i, id[:12])
			}
		}
		pooled = now
	}
	if warm, cold, idle := obs.get(); warm != 2 || cold != 0 || idle != 1 {
		t.Errorf("warm %d, cold %d, idle %d; want 2, 0, 1", warm, cold, idle)
	}
	sb.Close()
	if left := containerIDs(t, sb, worker); len(left) != 0 {
		t.Errorf("%d containers left after Close: the pool was not drained", len(left))
	}
}

// A pooled container that died, or waited too long, is replaced, not used.
func TestWarmPoolReplacesDeadAndStaleContainers(t *testing.T) {
	sb, obs, worker := pooledSandbox(t, "", 1, time.Minute)
	l := limits()
	sb.Warm("", l)
	waitIdle(t, sb, l, 1)
	running, err := sb.Client().ContainerList(context.Background(), container.ListOptions{Filters: filters.NewArgs(
		filters.Arg("label", docker.LabelWorker+"="+worker), filters.Arg("status", "running"))})
	if err != nil || len(running) != 1 {
		t.Fatalf("%d running pooled containers, want 1 (%v)", len(running), err)
	}
	for _, c := range running {
		id := c.ID
		waitC, errC := sb.Client().ContainerWait(context.Background(), id, container.WaitConditionNotRunning)
		if err := sb.Client().ContainerKill(context.Background(), id, "KILL"); err != nil {
			t.Fatal(err)
		}
		select { // the container has died, as one that died a while ago
		case <-waitC:
		case err := <-errC:
			t.Fatal(err)
		}
	}
	r, err := sb.Run(context.Background(), spec("pool-dead", addSolution, l))
	if err != nil {
		t.Fatal(err)
	}
	if h := phase(t, r, runner.PhaseHidden); h.ExitCode != 0 {
		t.Fatalf("hidden exit %d", h.ExitCode)
	}
	if warm, cold, _ := obs.get(); warm != 0 || cold != 1 {
		t.Errorf("a dead pooled container was used: warm %d, cold %d", warm, cold)
	}

	stale, obs2, _ := pooledSandbox(t, "", 1, time.Nanosecond)
	stale.Warm("", l)
	waitIdle(t, stale, l, 1)
	if _, err := stale.Run(context.Background(), spec("pool-stale", addSolution, l)); err != nil {
		t.Fatal(err)
	}
	if warm, cold, _ := obs2.get(); warm != 0 || cold != 1 {
		t.Errorf("a stale pooled container was used: warm %d, cold %d", warm, cold)
	}
}

// The hidden tests must not be anywhere the visible phase's code can reach:
// not on disk and not in the memory that phase's pytest inherits from the
// harness. The solution scans every object the interpreter holds, and the
// harness's own stack frames, for a marker only the hidden test contains.
func TestHiddenTestsAreNotInTheVisiblePhasesMemory(t *testing.T) {
	// The markers are built at run time, so the probe's own code holds
	// neither: the hidden test file as the request carries it (base64) and
	// its test's name.
	// The probe is a visible test: the audit hook refuses gc walks and
	// frames to the candidate's code, not to the challenge's tests, which
	// share its process and memory.
	const visible = `import base64, gc, sys
def _leaked():
    body = "".join(["from solution import add\n\ndef test_hidden", "_big():\n    assert add(10**6, 1) == 10**6 + 1\n"])
    marks = [base64.b64encode(body.encode()).decode()[8:40], "".join(["test_hidden", "_big"])]
    for o in gc.get_objects():
        if o is marks or not isinstance(o, (dict, list, tuple)):
            continue
        try:
            r = repr(o)
        except Exception:
            continue
        if any(m in r for m in marks):
            return True
    f = sys._getframe().f_back
    while f:
        if any(m in repr(f.f_locals) for m in marks):
            return True
        f = f.f_back
    return False

def test_no_leak():
    assert not _leaked()
`
	const probe = "def add(a, b):\n    return a + b\n"
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			for _, pooled := range []bool{false, true} {
				leakProbe(t, rt, pooled, probe, visible)
			}
		})
	}
}

// leakProbe runs the probe once, on a cold or a pooled container.
func leakProbe(t *testing.T, rt string, pooled bool, probe, visible string) {
	t.Helper()
	size := 0
	if pooled {
		size = 1
	}
	sb, _, _ := pooledSandbox(t, rt, size, time.Minute)
	l := limits()
	if pooled {
		sb.Warm("", l)
		waitIdle(t, sb, l, 1)
	}
	s := spec("leak", probe, l)
	s.Files[1].Data = []byte(visible)
	// The canaries' costs name the hidden tests: they come with them.
	s.Canaries = runner.CanaryPolicy{CostMS: map[string]float64{"tests.hidden.test_add::test_hidden_big": 1}}
	r, err := sb.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	v, h := phase(t, r, runner.PhaseVisible), phase(t, r, runner.PhaseHidden)
	if v.ExitCode != 0 {
		t.Errorf("pooled=%v: the visible phase found the hidden tests in memory (exit %d)\n%s", pooled, v.ExitCode, v.Output)
	}
	if h.ExitCode != 0 {
		t.Errorf("pooled=%v: hidden phase exit %d\n%s", pooled, h.ExitCode, h.Output)
	}
}

// While a run is in progress and its set still has a container waiting,
// the refill waits for the run to end (a container starting beside the run
// would compete with it for the CPUs); then the set fills up again.
func TestWarmPoolRefillsAfterTheRunWhileOthersWait(t *testing.T) {
	sb, _, _ := pooledSandbox(t, "", 2, time.Minute)
	l := limits()
	sb.Warm("", l)
	waitIdle(t, sb, l, 2)
	slow := "import os, time\nif not os.path.isdir('tests/hidden'):\n    time.sleep(3)\n" + addSolution
	type ran struct {
		r   runner.RunResult
		err error
	}
	done := make(chan ran, 1)
	go func() {
		r, err := sb.Run(context.Background(), spec("slow-run", slow, l))
		done <- ran{r, err}
	}()
	taken := false
	// A refill takes far longer than the gap between Run's return and done.
	for running := true; running; {
		select {
		case res := <-done:
			if res.err != nil {
				t.Fatal(res.err)
			}
			if h := phase(t, res.r, runner.PhaseHidden); h.ExitCode != 0 {
				t.Fatalf("hidden exit %d\n%s", h.ExitCode, h.Output)
			}
			running = false
		default:
			n := sb.Idle("", l)
			taken = taken || n < 2
			if taken && n > 1 {
				t.Fatalf("%d containers waiting during the run: the refill did not wait for it", n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if !taken {
		t.Fatal("the run took no container from the pool")
	}
	waitIdle(t, sb, l, 2)
}

// A sandbox closed (the server got SIGTERM) while its pool was still
// warming leaves no container behind, whatever step each start was at:
// one the engine was creating as the pool stopped used to stay, Created.
func TestWarmPoolClosedWhileWarmingLeavesNothing(t *testing.T) {
	l := limits()
	for _, delay := range []time.Duration{0, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond,
		20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond, 160 * time.Millisecond} {
		sb, _, worker := pooledSandbox(t, "", 3, time.Minute)
		if err := sb.Warm("", l); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay)
		sb.Close()
		if left := containerIDs(t, sb, worker); len(left) != 0 {
			t.Errorf("closed %v after warming began: %d containers left", delay, len(left))
			for id := range left {
				sb.Client().ContainerRemove(context.Background(), id, container.RemoveOptions{Force: true})
			}
		}
	}
}
