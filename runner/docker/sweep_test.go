package docker_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"assay/runner"
	"assay/runner/docker"
)

// leftover creates (but does not start) a container with the given labels,
// as a dead worker would have left it, and removes it when the test ends.
func leftover(t *testing.T, sb *docker.Sandbox, image string, labels map[string]string) string {
	t.Helper()
	ctx := context.Background()
	resp, err := sb.Client().ContainerCreate(ctx, &container.Config{Image: image, Cmd: []string{"true"}, Labels: labels}, &container.HostConfig{NetworkMode: "none"}, nil, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sb.Client().ContainerRemove(context.Background(), resp.ID, container.RemoveOptions{Force: true})
	})
	return resp.ID
}

func exists(t *testing.T, sb *docker.Sandbox, id string) bool {
	t.Helper()
	_, err := sb.Client().ContainerInspect(context.Background(), id)
	return err == nil
}

func TestSweepRemovesLeftoversOnly(t *testing.T) {
	sb := newSandbox(t, "")
	image := "assay/python:latest"
	me := "test-" + t.Name()
	past := strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)
	future := strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)
	mine := leftover(t, sb, image, map[string]string{docker.LabelWorker: me, docker.LabelSubmission: "s-mine", docker.LabelRun: "r1", docker.LabelDeadline: future})
	othersLive := leftover(t, sb, image, map[string]string{docker.LabelWorker: "other-" + t.Name(), docker.LabelSubmission: "s-other", docker.LabelRun: "r2", docker.LabelDeadline: future})
	othersExpired := leftover(t, sb, image, map[string]string{docker.LabelWorker: "other-" + t.Name(), docker.LabelSubmission: "s-old", docker.LabelRun: "r3", docker.LabelDeadline: past})
	unrelated := leftover(t, sb, image, map[string]string{"com.example.app": "x"})

	n, err := sb.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Other processes on the engine sweep expired containers too, so this
	// sweep may not be the one that removed the expired container.
	if n < 1 {
		t.Errorf("Sweep removed %d containers, want at least this worker's own", n)
	}
	for _, c := range []struct {
		name string
		id   string
		want bool
	}{{"this worker's leftover", mine, false}, {"another worker's live container", othersLive, true},
		{"another worker's expired container", othersExpired, false}, {"a container not Assay's", unrelated, true}} {
		if got := exists(t, sb, c.id); got != c.want {
			t.Errorf("%s: exists = %v, want %v", c.name, got, c.want)
		}
	}
}

// A sweep running while a job runs must leave the job's container alone.
func TestSweepSparesLiveRuns(t *testing.T) {
	sb := newSandbox(t, "")
	done := make(chan runner.RunResult)
	errc := make(chan error, 1)
	go func() {
		r, err := sb.Run(context.Background(), spec("sweep-live", "import time\ntime.sleep(1.5)\ndef add(a, b):\n    return a + b\n", limits()))
		errc <- err
		done <- r
	}()
	sweeps := 0
	for {
		select {
		case err := <-errc:
			r := <-done
			if err != nil {
				t.Fatal(err)
			}
			if p := phase(t, r, runner.PhaseHidden); p.ExitCode != 0 || p.Report == nil {
				t.Fatalf("the run did not finish cleanly: %+v", r)
			}
			if sweeps < 3 {
				t.Fatalf("only %d sweeps ran during the run", sweeps)
			}
			return
		default:
		}
		if _, err := sb.Sweep(context.Background()); err != nil {
			t.Fatal(err)
		}
		sweeps++
		time.Sleep(50 * time.Millisecond)
	}
}
