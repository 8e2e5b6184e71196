package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"assay/challenges"
	"assay/runner/docker"
)

// checkCommand is `assay challenges check [--write] DIR...`.
func checkCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("assay challenges check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	write := fs.Bool("write", false, "record the reference's tests in each folder's expected.json")
	image := fs.String("image", envOr(getenv, "ASSAY_IMAGE", "assay/python:latest"), "sandbox image ($ASSAY_IMAGE)")
	rt := fs.String("runtime", getenv("ASSAY_RUNTIME"), "container runtime ($ASSAY_RUNTIME)")
	adversarial := fs.Bool("adversarial", true, "run the built-in adversarial solutions too (false: the check of another runtime, once they have run under a first; see StartCheckAgain)")
	parallel := fs.Int("parallel", 4, "solutions run at a time once the references have run (the references run two at a time)")
	fs.String("image-scientific", envOr(getenv, "ASSAY_IMAGE_SCIENTIFIC", "assay/python-scientific:latest"), "sandbox image for `image: scientific` ($ASSAY_IMAGE_SCIENTIFIC)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: assay challenges check [--write] [--parallel N] [--adversarial=false] DIR...")
	}
	if *parallel < 1 {
		return fmt.Errorf("--parallel %d: want at least 1", *parallel)
	}
	science := fs.Lookup("image-scientific").Value.String()
	sb, err := docker.New(ctx, docker.Config{Image: *image, Images: map[string]string{"scientific": science}, Runtime: *rt, Worker: "check"})
	if err != nil {
		return err
	}
	defer sb.Close()
	// The checker holds challenges to the server's default ceilings.
	cfg, _, err := parseConfig("check", nil, func(string) string { return "" }, io.Discard)
	if err != nil {
		return err
	}
	defaults, ceiling := cfg.limits()

	// The references run first, two at a time, on a quiet sandbox (some
	// challenges' tests time things); then every other solution of every
	// challenge, *parallel at a time: they are independent, and a run
	// mostly waits (one at a time kept two cores about 40% busy). Reports
	// print in order.
	type outcome struct {
		pending *challenges.PendingCheck
		loadErr error // the folder is not a valid challenge: a failed check
		runErr  error // the sandbox failed: the command fails
	}
	dirs := fs.Args()
	outcomes := make([]outcome, len(dirs))
	each := func(limit int, jobs []func()) {
		sem := make(chan struct{}, limit)
		var wg sync.WaitGroup
		for _, job := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				job()
			}()
		}
		wg.Wait()
	}
	var references []func()
	for i, dir := range dirs {
		references = append(references, func() {
			abs, err := filepath.Abs(dir)
			if err != nil {
				outcomes[i].loadErr = err
				return
			}
			ch, err := challenges.Load(os.DirFS(filepath.Dir(abs)), filepath.Base(abs))
			if err != nil {
				outcomes[i].loadErr = err
				return
			}
			start := challenges.StartCheck
			if !*adversarial {
				start = challenges.StartCheckAgain
			}
			outcomes[i].pending, outcomes[i].runErr = start(ctx, ch, sb, defaults, ceiling)
		})
	}
	each(2, references)
	var rest []func()
	var mu sync.Mutex
	for i := range outcomes {
		o := &outcomes[i]
		if o.pending == nil || o.runErr != nil {
			continue
		}
		for j := range o.pending.Len() {
			rest = append(rest, func() {
				if err := o.pending.Run(ctx, j); err != nil {
					mu.Lock()
					if o.runErr == nil {
						o.runErr = err
					}
					mu.Unlock()
				}
			})
		}
	}
	each(*parallel, rest)

	failed := 0
	for i, dir := range dirs {
		o := outcomes[i]
		if o.runErr != nil {
			return fmt.Errorf("check %s: %w", dir, o.runErr)
		}
		if o.loadErr != nil {
			fmt.Fprintf(stdout, "FAIL %s\n  %v\n", dir, o.loadErr)
			failed++
			continue
		}
		rep := o.pending.Report()
		printCheck(stdout, dir, rep)
		switch {
		case !rep.OK():
			failed++
		case *write:
			b, _ := json.MarshalIndent(rep.Expected, "", "  ")
			if err := os.WriteFile(filepath.Join(dir, challenges.ExpectedFile), append(b, '\n'), 0o644); err != nil {
				return fmt.Errorf("write %s: %w", challenges.ExpectedFile, err)
			}
			fmt.Fprintf(stdout, "  wrote %s\n", filepath.Join(dir, challenges.ExpectedFile))
		case rep.Stale:
			fmt.Fprintf(stdout, "  %s is missing or stale for version %s: run `assay challenges check --write %s`\n", challenges.ExpectedFile, rep.Version, dir)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d challenges failed the check", failed, fs.NArg())
	}
	return nil
}

func printCheck(w io.Writer, dir string, rep challenges.CheckReport) {
	status := "ok  "
	if !rep.OK() {
		status = "FAIL"
	}
	hidden := 0
	for _, t := range rep.Expected.Tests {
		if t.Hidden {
			hidden++
		}
	}
	fmt.Fprintf(w, "%s %s (%s, version %s): %d tests, %d hidden, %d can have a canary, %.1f independent canary guesses a run\n",
		status, dir, rep.Slug, rep.Version, len(rep.Expected.Tests), hidden, rep.Canaries, rep.CanaryGroups)
	for _, warning := range rep.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
	if rep.Scoring != "" {
		fmt.Fprintf(w, "  PROBLEM: %s\n", rep.Scoring)
	}
	for _, s := range rep.Solutions {
		mark := "ok"
		if s.Problem != "" {
			mark = "PROBLEM: " + s.Problem
		}
		score := "     "
		if s.Score != nil {
			score = fmt.Sprintf("%5.1f", s.Score.Percent)
		}
		fmt.Fprintf(w, "  %-34s %-13s %3d/%-3d %s  %s\n", s.Name, s.Verdict, s.Passed, s.Total, score, mark)
		if s.Problem != "" && s.Reason != "" {
			fmt.Fprintf(w, "    %s\n", strings.ReplaceAll(s.Reason, "\n", "\n    "))
		}
	}
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}
