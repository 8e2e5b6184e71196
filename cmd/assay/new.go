package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"assay/challenges"
)

// newCommand is `assay challenges new SLUG [--dir DIR]`: it writes a
// working example challenge into DIR/SLUG, to be edited from there.
func newCommand(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("assay challenges new", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("dir", ".", "the directory to create the challenge folder in")
	const usage = "usage: assay challenges new SLUG [--dir DIR]"
	// Flags may come before or after the slug.
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() == 0 {
		return errors.New(usage)
	}
	slug, rest := fset.Arg(0), fset.Args()[1:]
	if err := fset.Parse(rest); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("%s (unexpected %q)", usage, fset.Args())
	}
	target, err := scaffold(*dir, slug)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s: a working example; edit it, then run\n  assay challenges check --write %s\n", target, target)
	return nil
}

// scaffold writes the new challenge folder parent/slug and returns its
// path. It refuses a folder that exists, and leaves nothing behind when it
// fails part way.
func scaffold(parent, slug string) (string, error) {
	files, err := challenges.Scaffold(slug)
	if err != nil {
		return "", err
	}
	target := filepath.Join(parent, slug)
	if _, err := os.Lstat(target); err == nil {
		return "", fmt.Errorf("%s already exists: choose another slug or --dir", target)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("new challenge: %w", err)
	}
	if err := os.Mkdir(target, 0o755); err != nil {
		return "", fmt.Errorf("new challenge: %w", err)
	}
	paths := slices.Sorted(maps.Keys(files))
	for _, p := range paths {
		dst := filepath.Join(target, filepath.FromSlash(p))
		err := os.MkdirAll(filepath.Dir(dst), 0o755)
		if err == nil {
			err = os.WriteFile(dst, files[p], 0o644)
		}
		if err != nil {
			os.RemoveAll(target)
			return "", fmt.Errorf("new challenge: %w", err)
		}
	}
	return target, nil
}
