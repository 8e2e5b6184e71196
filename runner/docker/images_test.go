package docker_test

import (
	"context"
	"errors"
	"testing"

	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

// The scientific package set runs in its own image, which has numpy and
// pandas; the default image has neither, and an unknown set is refused.
func TestPackageSetImages(t *testing.T) {
	image := testenv.Docker(t)
	science := testenv.ScientificImage(t)
	sb, err := docker.New(context.Background(), docker.Config{Image: image, Images: map[string]string{"scientific": science}, Worker: "test-" + t.Name()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	uses := "import numpy, pandas\n\ndef add(a, b):\n    return int(numpy.int64(a) + pandas.Series([b]).sum())\n"

	s := spec("sci", uses, limits())
	s.Image = "scientific"
	r, err := sb.Run(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	if v, h := phase(t, r, runner.PhaseVisible), phase(t, r, runner.PhaseHidden); v.ExitCode != 0 || h.ExitCode != 0 {
		t.Fatalf("scientific image: exits %d, %d\n%s", v.ExitCode, h.ExitCode, v.Output)
	}

	r, err = sb.Run(context.Background(), spec("plain", uses, limits()))
	if err != nil {
		t.Fatal(err)
	}
	if v := phase(t, r, runner.PhaseVisible); v.ExitCode == 0 {
		t.Fatal("numpy imported in the default image")
	}

	s.Image = "gpu"
	if _, err := sb.Run(context.Background(), s); !errors.Is(err, docker.ErrUnknownImage) {
		t.Errorf("unknown package set: err = %v, want ErrUnknownImage", err)
	}
}
