package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
)

func TestChallengesNewScaffoldsALoadableFolder(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if err := run(t.Context(), []string{"challenges", "new", "word-count", "--dir", dir}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), filepath.Join(dir, "word-count")) {
		t.Errorf("output: %s", out.String())
	}
	ch, err := challenges.Load(os.DirFS(dir), "word-count")
	if err != nil || !ch.Fresh() {
		t.Fatalf("load the scaffold: %v (fresh %v)", err, ch != nil && ch.Fresh())
	}

	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"challenges", "new", "--dir", dir, "word-count"}, "already exists"},
		{[]string{"challenges", "new", "Bad_Slug", "--dir", dir}, "lower-case"},
		{[]string{"challenges", "new"}, "usage"},
		{[]string{"challenges", "new", "a", "b"}, "unexpected"},
	} {
		err := run(t.Context(), tc.args, func(string) string { return "" }, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%v: %v; want an error saying %q", tc.args, err, tc.says)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "Bad_Slug")); err == nil {
		t.Error("a refused slug left a folder")
	}
}

// TestScaffoldPassesTheRealCheck runs `assay challenges check` (without
// --write) on a fresh scaffold in the real sandbox: it must pass as is.
func TestScaffoldPassesTheRealCheck(t *testing.T) {
	testenv.Parallel(t)
	image := testenv.Docker(t)
	dir := t.TempDir()
	if _, err := scaffold(dir, "word-count"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"challenges", "check", filepath.Join(dir, "word-count")}, func(k string) string {
		if k == "ASSAY_IMAGE" {
			return image
		}
		return ""
	}, &out, io.Discard)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
}
