package main

import (
	"path/filepath"
	"testing"
	"time"

	"assay/internal/testenv"
	"assay/runner"
)

// TestHostileSharedUIDLimits: limits the kernel keeps per uid must not let
// one submission break another's run. Under runc every sandbox used to run
// as the same uid with no user namespace, so the uid's inotify instances
// (128 by default, one per phase for the harness's watcher) were shared
// by every sandbox on the host: testdata/hostile/shared/inotify_instances.py
// takes them all and holds them until its wall time, and an ordinary
// submission that starts meanwhile must still pass, at its first attempt.
//
// Not parallel: where the uid is shared, the hog breaks every sandbox of
// that uid that starts while it runs, other tests' included. Under gVisor
// each sandbox has its own kernel, so it runs under runc only.
func TestHostileSharedUIDLimits(t *testing.T) {
	testenv.Docker(t)
	ch := mustChallenge(t, "decorators")
	reference := texts(ch.Reference)["solution.py"]
	hog, err := readHostile(filepath.Join("testdata", "hostile", "shared", "inotify_instances.py"), reference)
	if err != nil {
		t.Fatal(err)
	}
	app := startApp(t, "", map[string]string{"ASSAY_MAX_TIME": "20s", "ASSAY_RUNTIME": "runc", "ASSAY_WORKERS": "2"})
	hogID := app.submit(t, "decorators", map[string]string{"solution.py": hog.source})
	deadline := time.Now().Add(time.Minute)
	for app.get(t, hogID).Status != runner.StatusRunning {
		if time.Now().After(deadline) {
			t.Fatal("the hog never started")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Its container starts, its visible phase imports the solution, and
	// the instances are taken: a few seconds at most, of its 20.
	time.Sleep(5 * time.Second)
	victim := app.submit(t, "decorators", map[string]string{"solution.py": reference})
	v := app.result(t, victim, 2*time.Minute).Result
	h := app.result(t, hogID, 2*time.Minute).Result
	t.Logf("hog: %s (%s); ordinary submission: %s (%s), attempt %d", h.Verdict, h.Reason, v.Verdict, v.Reason, v.Attempt)
	if v.Verdict != runner.VerdictPassed || v.Attempt != 1 {
		t.Errorf("an ordinary submission run beside the hog got %s (%s) at attempt %d; want passed at the first", v.Verdict, v.Reason, v.Attempt)
	}
	if !h.FinishedAt.After(v.FinishedAt) {
		t.Errorf("the hog ended (%s) before the ordinary submission (%s): the test proved nothing", h.FinishedAt, v.FinishedAt)
	}
	assertNoContainers(t, app)
}
