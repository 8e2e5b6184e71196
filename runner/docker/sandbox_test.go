package docker_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

func limits() runner.Limits {
	return runner.Limits{
		Wall: 20 * time.Second, TestTimeout: 10 * time.Second, CPUs: 1,
		MemoryBytes: 256 << 20, Pids: 64, NoFile: 256, FileSize: 16 << 20,
		Scratch: 64 << 20, OutputBytes: 64 << 10,
	}
}

func newSandbox(t *testing.T) *docker.Sandbox {
	t.Helper()
	image := testenv.Docker(t)
	sb, err := docker.New(context.Background(), docker.Config{Image: image, Worker: "test-" + t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func spec(id, solution string, l runner.Limits) runner.RunSpec {
	return runner.RunSpec{
		ID: id,
		Files: []runner.File{
			{Path: "solution.py", Data: []byte(solution)},
			{Path: "tests/visible/test_add.py", Data: []byte("from solution import add\n\ndef test_add():\n    assert add(1, 2) == 3\n\ndef test_add_neg():\n    assert add(-1, 1) == 0\n")},
		},
		Limits: l,
	}
}

// assertGone fails when any container labelled for this run still exists.
func assertGone(t *testing.T, sb *docker.Sandbox, id string) {
	t.Helper()
	list, err := sb.Client().ContainerList(context.Background(), container.ListOptions{
		All: true, Filters: filters.NewArgs(filters.Arg("label", docker.LabelSubmission+"="+id)),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("%d container(s) of %s left behind", len(list), id)
	}
}

func TestRunOutcomes(t *testing.T) {
	sb := newSandbox(t)
	short := limits()
	short.Wall = 3 * time.Second
	small := limits()
	small.MemoryBytes = 64 << 20
	cases := []struct {
		name     string
		solution string
		limits   runner.Limits
		check    func(t *testing.T, r runner.RunResult)
	}{
		{"pass", "def add(a, b):\n    return a + b\n", limits(), func(t *testing.T, r runner.RunResult) {
			if r.ExitCode != 0 || !strings.Contains(string(r.Report), `name="test_add_neg"`) {
				t.Errorf("exit %d, report %q, output %q, problem %q", r.ExitCode, r.Report, r.Output, r.Problem)
			}
		}},
		{"fail", "def add(a, b):\n    return a - b\n", limits(), func(t *testing.T, r runner.RunResult) {
			if r.ExitCode != 1 || !strings.Contains(string(r.Report), "<failure") {
				t.Errorf("exit %d, report %q", r.ExitCode, r.Report)
			}
		}},
		{"infinite loop", "while True:\n    pass\n", short, func(t *testing.T, r runner.RunResult) {
			if !r.TimedOut {
				t.Errorf("not timed out: %+v", r)
			}
			if r.Duration > short.Wall+5*time.Second {
				t.Errorf("took %v for a %v wall limit", r.Duration, short.Wall)
			}
		}},
		{"memory bomb", "x = []\nwhile True:\n    x.append(bytearray(1 << 20))\n", small, func(t *testing.T, r runner.RunResult) {
			if !r.OOMKilled {
				t.Errorf("not OOM killed: exit %d signal %d problem %q", r.ExitCode, r.Signal, r.Problem)
			}
		}},
		{"exit at import", "import os\nos._exit(0)\n", limits(), func(t *testing.T, r runner.RunResult) {
			if r.Report != nil || r.ExitCode != 0 {
				t.Errorf("exit %d report %q", r.ExitCode, r.Report)
			}
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			id := "sandbox-test-" + strings.ReplaceAll(tc.name, " ", "-")
			_ = i
			r, err := sb.Run(context.Background(), spec(id, tc.solution, tc.limits))
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, r)
			assertGone(t, sb, id)
		})
	}
}
