package challenges_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"assay/challenges"
	"assay/runner"
)

func withImage(image string) fstest.MapFS {
	fsys := validFS()
	fsys["add/challenge.yaml"] = &fstest.MapFile{Data: []byte("slug: add\ntitle: Add\nfiles: [solution.py]\nimage: " + image + "\n")}
	return fsys
}

func TestManifestImage(t *testing.T) {
	for image, want := range map[string]string{"python": "", "scientific": "scientific", `""`: ""} {
		ch, err := challenges.Load(withImage(image), "add")
		if err != nil {
			t.Fatalf("image %s: %v", image, err)
		}
		if s := challenges.SuiteOf(ch, runner.Limits{}, runner.Limits{}); s.Image != want {
			t.Errorf("image %s: suite image %q, want %q", image, s.Image, want)
		}
	}
	_, err := challenges.Load(withImage("gpu"), "add")
	if err == nil || !strings.Contains(err.Error(), `image "gpu"`) || !strings.Contains(err.Error(), "scientific") {
		t.Errorf("unknown image: err = %v, want a refusal naming the choices", err)
	}
}
