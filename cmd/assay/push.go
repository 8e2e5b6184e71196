package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"assay/api/wire"
	"assay/challenges"
	"assay/client"
)

const pushUsage = "usage: assay challenges push [--server URL] [--token TOKEN] [--json] DIR"

// pushCommand is `assay challenges push DIR`: it packs the challenge
// folder into a tar.gz in memory and publishes it (POST
// /api/v1/challenges, the admin's). The server checks it in the sandbox
// and publishes it only when it behaves. A refusal is exit status 1.
func pushCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cf clientFlags
	fset := flag.NewFlagSet("assay challenges push", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cf.register(fset)
	asJSON := fset.Bool("json", false, "print the server's answer as JSON")
	timeout := fset.Duration("timeout", 10*time.Minute, "give up waiting for the server's check after this long (0: never)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, pushUsage)
		fset.PrintDefaults()
	}
	dirs, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		return fmt.Errorf("name one challenge folder\n%s", pushUsage)
	}
	if *timeout < 0 {
		return errors.New("--timeout may not be negative")
	}
	archive, n, err := packChallenge(dirs[0])
	if err != nil {
		return err
	}
	c, err := cf.client(getenv)
	if err != nil {
		return err
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	fmt.Fprintf(stderr, "pushing %s (%d files, %d bytes packed) to %s; the server checks it in the sandbox before publishing it\n",
		dirs[0], n, len(archive), c.Server())
	p, err := c.Publish(ctx, archive)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("no answer within --timeout %s: %w", *timeout, err)
		}
		return err
	}
	return showPublication(stdout, p, *asJSON)
}

// showPublication prints the outcome of an upload: the version published,
// or why the challenge was refused (exit status 1).
func showPublication(w io.Writer, p client.Publication, asJSON bool) error {
	if asJSON {
		var out bytes.Buffer
		if err := json.Indent(&out, p.Raw, "", "  "); err != nil {
			return fmt.Errorf("push: the server's answer is not JSON: %w", err)
		}
		out.WriteByte('\n')
		if _, err := w.Write(out.Bytes()); err != nil {
			return fmt.Errorf("write the answer: %w", err)
		}
	}
	if pub := p.Published; pub != nil {
		if !asJSON {
			var buf bytes.Buffer
			switch {
			case pub.Created && pub.Previous != "":
				fmt.Fprintf(&buf, "published %s version %s (it replaces %s)\n", pub.Challenge, pub.Version, pub.Previous)
			case pub.Created:
				fmt.Fprintf(&buf, "published %s version %s (its first)\n", pub.Challenge, pub.Version)
			default:
				fmt.Fprintf(&buf, "%s version %s was published before; it is the current version again\n", pub.Challenge, pub.Version)
			}
			writeCheck(&buf, pub.Check)
			if _, err := w.Write(buf.Bytes()); err != nil {
				return fmt.Errorf("write the answer: %w", err)
			}
		}
		return nil
	}
	refused := p.Refused
	if !asJSON {
		var buf bytes.Buffer
		fmt.Fprintf(&buf, "refused (%d %s): %s\n", p.Status, http.StatusText(p.Status), refused.Error)
		if len(refused.Check.Solutions) > 0 {
			writeCheck(&buf, refused.Check)
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("write the answer: %w", err)
		}
	}
	return exitFailure("the server refused the challenge: %s", refused.Error)
}

// writeCheck writes a check report: the tests found and each solution's
// verdict, with what is wrong with it.
func writeCheck(w io.Writer, v wire.CheckView) {
	fmt.Fprintf(w, "check: %d tests (%d hidden, %d can have a canary)\n", v.Tests, v.HiddenTests, v.Canaries)
	for _, warning := range v.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	if len(v.Solutions) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOLUTION\tVERDICT\tPASSED\tPROBLEM")
	for _, s := range v.Solutions {
		problem := s.Problem
		if problem == "" {
			problem = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", s.Name, s.Verdict, s.Passed, s.Total, firstLineOf(problem, 160))
	}
	tw.Flush()
}

// packChallenge packs the challenge folder dir into a tar.gz, in memory,
// under one top-level folder named as dir is (the slug). It takes what
// the loader reads (challenges.FolderFiles): regular files, without
// tools/ and Python's caches. It returns the archive and its file count.
func packChallenge(dir string) ([]byte, int, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, 0, fmt.Errorf("push %s: %w", dir, err)
	}
	info, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, 0, fmt.Errorf("%s: no such folder", dir)
	case err != nil:
		return nil, 0, fmt.Errorf("push %s: %w", dir, err)
	case !info.IsDir():
		return nil, 0, fmt.Errorf("%s is not a folder: name the challenge folder (the one holding %s)", dir, challenges.ManifestFile)
	}
	if m, err := os.Stat(filepath.Join(abs, challenges.ManifestFile)); err != nil || !m.Mode().IsRegular() {
		return nil, 0, fmt.Errorf("%s has no %s: it is not a challenge folder (assay challenges new SLUG makes one)", dir, challenges.ManifestFile)
	}
	top := filepath.Base(abs)
	// The files a version holds, by the loader's own rules (tools/ and
	// Python's caches left out; a link or device is an error).
	files, err := challenges.FolderFiles(os.DirFS(filepath.Dir(abs)), top)
	if err != nil {
		return nil, 0, fmt.Errorf("pack %s (links and devices cannot be pushed): %w", dir, err)
	}
	names := slices.Sorted(maps.Keys(files)) // the same folder packs the same
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	n := 0
	for _, rel := range names {
		data := files[rel]
		hdr := &tar.Header{Name: top + "/" + rel, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(data))}
		if err = tw.WriteHeader(hdr); err != nil {
			break
		}
		if _, err = tw.Write(data); err != nil {
			break
		}
		n++
	}
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = gz.Close()
	}
	if err != nil {
		return nil, 0, fmt.Errorf("pack %s: %w", dir, err)
	}
	return buf.Bytes(), n, nil
}
