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
// Beside it, in one command whose solutions run side by side, a copy whose
// known-bad solution passes and a folder that is no challenge fail, each
// reported in its place.
func TestScaffoldPassesTheRealCheck(t *testing.T) {
	testenv.Parallel(t)
	image := testenv.Docker(t)
	dir, broken := t.TempDir(), t.TempDir()
	for _, d := range []string{dir, broken} {
		if _, err := scaffold(d, "word-count"); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := os.ReadFile(filepath.Join(broken, "word-count", "reference", "solution.py"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(broken, "word-count", "bad", "actually-right"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(broken, "word-count", "bad", "actually-right", "solution.py"), ref, 0o644); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "ASSAY_IMAGE" {
			return image
		}
		return ""
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	// As a second runtime's check: no forgery (the next check runs them).
	var out bytes.Buffer
	err = run(ctx, []string{"challenges", "check", "--adversarial=false", filepath.Join(dir, "word-count")}, getenv, &out, io.Discard)
	t.Log(out.String())
	if err != nil {
		t.Fatal(err)
	}
	if text := out.String(); strings.Contains(text, "adversarial/") || !strings.Contains(text, "starter") {
		t.Errorf("--adversarial=false: want the starter and no forgery:\n%s", text)
	}

	out.Reset()
	err = run(ctx, []string{"challenges", "check", "--parallel", "3", filepath.Join(dir, "word-count"), filepath.Join(broken, "word-count"), filepath.Join(dir, "nothing")}, getenv, &out, io.Discard)
	t.Log(out.String())
	if err == nil || !strings.Contains(err.Error(), "2 of 3 challenges failed") {
		t.Errorf("err = %v; want 2 of 3 failed", err)
	}
	text := out.String()
	okAt, badAt, noneAt := strings.Index(text, "ok   "+filepath.Join(dir, "word-count")), strings.Index(text, "bad/actually-right"), strings.Index(text, "FAIL "+filepath.Join(dir, "nothing"))
	if okAt < 0 || badAt < okAt || noneAt < badAt || !strings.Contains(text[badAt:noneAt], "must fail at least one test, but passed them all") {
		t.Errorf("reports out of place or missing (ok at %d, the passing bad solution at %d, the missing folder at %d)", okAt, badAt, noneAt)
	}
	if strings.Count(text, "adversarial/") != 2*len(challenges.AdversarialSolutions()) {
		t.Errorf("want every adversarial solution run for both challenges:\n%s", text)
	}

	if err := run(ctx, []string{"challenges", "check", "--parallel", "0", filepath.Join(dir, "word-count")}, getenv, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("--parallel 0: %v", err)
	}
}
