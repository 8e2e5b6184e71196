package testenv

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/docker/docker/client"
)

// DefaultImage is the sandbox image tests use unless ASSAY_IMAGE names another.
const DefaultImage = "assay/python:latest"

// Docker checks that the Docker engine answers and the sandbox image exists,
// and returns the image name. Outside CI a missing part skips the test.
func Docker(t testing.TB) string {
	t.Helper()
	image := os.Getenv("ASSAY_IMAGE")
	if image == "" {
		image = DefaultImage
	}
	cli, ctx := engine(t)
	if _, err := cli.ImageInspect(ctx, image); err != nil {
		Missing(t, "sandbox image %s is missing (run `make image`): %v", image, err)
	}
	return image
}

// ScientificImage is Docker for the scientific package set's image
// (ASSAY_IMAGE_SCIENTIFIC, default assay/python-scientific:latest).
func ScientificImage(t testing.TB) string {
	t.Helper()
	image := os.Getenv("ASSAY_IMAGE_SCIENTIFIC")
	if image == "" {
		image = "assay/python-scientific:latest"
	}
	cli, ctx := engine(t)
	if _, err := cli.ImageInspect(ctx, image); err != nil {
		Missing(t, "sandbox image %s is missing (run `make image`): %v", image, err)
	}
	return image
}

// engine returns a client of an engine that answers, closed when the test
// ends, and a context bounding the calls made with it.
func engine(t testing.TB) (*client.Client, context.Context) {
	t.Helper()
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		Missing(t, "docker client: %v", err)
	}
	t.Cleanup(func() { cli.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	if _, err := cli.Ping(ctx); err != nil {
		Missing(t, "the Docker engine is not reachable: %v", err)
	}
	return cli, ctx
}

// Missing stops a test that needs a part this machine lacks: a failure in
// CI (CI set), where every part must be present, and a skip elsewhere.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// Runtimes lists the container runtimes tests must cover: the engine's
// default, and gVisor's runsc (registered by scripts/gvisor.sh). Outside CI
// a missing runsc only narrows the list; in CI it fails the test.
func Runtimes(t testing.TB) []string {
	t.Helper()
	cli, ctx := engine(t)
	info, err := cli.Info(ctx)
	if err != nil {
		Missing(t, "the Docker engine is not reachable: %v", err)
	}
	if _, ok := info.Runtimes["runsc"]; ok {
		return []string{"", "runsc"}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("gVisor (runsc) is not registered with Docker: run scripts/gvisor.sh")
	}
	t.Logf("runsc is not registered; testing the default runtime only (scripts/gvisor.sh registers it)")
	return []string{""}
}

// RuntimeName names a runtime for subtest names.
func RuntimeName(rt string) string {
	if rt == "" {
		return "default"
	}
	return rt
}
