package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"assay/api/wire"
	"assay/client"
	"assay/runner"
)

const submitUsage = "usage: assay submit --challenge SLUG [--run [--scratch TESTFILE]] [--server URL] [--token TOKEN] [--idempotency-key KEY] [--json] FILE..."

// maxSubmitFileBytes is the server's default bound on one submitted file;
// a bigger file is refused here, before any request.
const maxSubmitFileBytes = 256 << 10

// maxRetryWait is the longest Retry-After that submit waits out by itself.
const maxRetryWait = time.Minute

// submitOptions are assay submit's flags.
type submitOptions struct {
	clientFlags
	challenge string
	key       string
	json      bool
	retries   int
	timeout   time.Duration
	run       bool
	scratch   string
}

// submitCommand is `assay submit`: it submits files to a challenge, shows
// progress on stderr until the verdict, and prints the per-test table on
// stdout. It returns nil only when the verdict is passed.
func submitCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o submitOptions
	fset := flag.NewFlagSet("assay submit", flag.ContinueOnError)
	fset.SetOutput(stderr)
	o.register(fset)
	fset.StringVar(&o.challenge, "challenge", "", "the challenge's slug (required)")
	fset.StringVar(&o.key, "idempotency-key", "", "the submission's Idempotency-Key (default: a new random one); the same key and files never make a second submission")
	fset.BoolVar(&o.json, "json", false, "print the final state as JSON instead of the table")
	fset.BoolVar(&o.run, "run", false, "a Run: the visible tests only; not an attempt, and its verdict never counts")
	fset.StringVar(&o.scratch, "scratch", "", "with --run: a pytest file of your own tests, run after the visible tests (they never count)")
	fset.IntVar(&o.retries, "retries", 3, "times to retry when the server is busy (429 or 503 with Retry-After), with the same Idempotency-Key")
	fset.DurationVar(&o.timeout, "timeout", 10*time.Minute, "give up waiting for the verdict after this long (0: never)")
	fset.Usage = func() {
		fmt.Fprintln(stderr, submitUsage)
		fset.PrintDefaults()
	}
	paths, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	switch {
	case o.challenge == "":
		return fmt.Errorf("name the challenge with --challenge SLUG\n%s", submitUsage)
	case len(paths) == 0:
		return fmt.Errorf("name the files to submit\n%s", submitUsage)
	case o.retries < 0 || o.timeout < 0:
		return errors.New("--retries and --timeout may not be negative")
	case o.scratch != "" && !o.run:
		return fmt.Errorf("--scratch goes with --run: your own tests never run in a submission\n%s", submitUsage)
	}
	files, err := readSubmissionFiles(paths, maxSubmitFileBytes)
	if err != nil {
		return err
	}
	scratch := ""
	if o.scratch != "" {
		one, err := readSubmissionFiles([]string{o.scratch}, maxSubmitFileBytes)
		if err != nil {
			return fmt.Errorf("--scratch: %w", err)
		}
		for _, v := range one {
			scratch = v
		}
	}
	c, err := o.client(getenv)
	if err != nil {
		return err
	}
	if o.key == "" {
		o.key = uuid.NewString()
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	prog := &submitProgress{w: stderr, start: time.Now()}
	req := wire.SubmissionRequest{Challenge: o.challenge, Files: files}
	sent := "submitted"
	if o.run {
		req.Mode, req.Scratch = string(runner.ModeRun), scratch
		sent = "run (visible tests only, not an attempt)"
	}
	acc, err := c.Submit(ctx, req, o.key, client.Retry{Times: o.retries, MaxWait: maxRetryWait, Before: func(e *client.Error, retry int) {
		prog.printf("the server is busy (%d %s: %s); retrying in %s with the same Idempotency-Key (retry %d of %d)",
			e.Status, http.StatusText(e.Status), e.Message, e.RetryAfter, retry, o.retries)
	}})
	if err != nil {
		return timedOut(ctx, err, o.timeout)
	}
	replayed := ""
	if acc.Replayed {
		replayed = " (the server had it already: same Idempotency-Key and files)"
	}
	prog.printf("%s %s to %s, version %s%s", sent, acc.ID, acc.Challenge, acc.ChallengeVersion, replayed)
	st, err := c.Follow(ctx, acc.ID, prog.status, func(err error, pause time.Duration) {
		prog.printf("%v; trying again in %s", err, pause)
	})
	if err != nil {
		return timedOut(ctx, err, o.timeout)
	}
	if o.json {
		var out bytes.Buffer
		if err := json.Indent(&out, st.Raw, "", "  "); err != nil {
			return fmt.Errorf("submission %s: the server's state is not JSON: %w", acc.ID, err)
		}
		out.WriteByte('\n')
		if _, err := stdout.Write(out.Bytes()); err != nil {
			return fmt.Errorf("write the result: %w", err)
		}
	} else if err := printResult(stdout, st); err != nil {
		return fmt.Errorf("write the result: %w", err)
	}
	what := "submission"
	if o.run {
		what = "run"
	}
	if st.Result.Verdict != runner.VerdictPassed {
		return exitFailure("%s %s: verdict %s", what, acc.ID, st.Result.Verdict)
	}
	return nil
}

// timedOut says so when err is the end of --timeout.
func timedOut(ctx context.Context, err error, timeout time.Duration) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no verdict within --timeout %s: %w", timeout, err)
	}
	return err
}

// readSubmissionFiles reads the files to submit, each under its base name.
// It refuses, all at once, what the server would refuse or what cannot be
// meant: directories, missing files, files over limit, text that is not
// UTF-8, two files of one name.
func readSubmissionFiles(paths []string, limit int64) (map[string]string, error) {
	files := map[string]string{}
	from := map[string]string{}
	var errs []error
	for _, p := range paths {
		name := filepath.Base(p)
		info, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("%s: no such file", p))
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", p, err))
			continue
		case info.IsDir():
			errs = append(errs, fmt.Errorf("%s is a directory: name the files to submit (like %s)", p, filepath.Join(p, "solution.py")))
			continue
		case !info.Mode().IsRegular():
			errs = append(errs, fmt.Errorf("%s is not a regular file", p))
			continue
		case info.Size() > limit:
			errs = append(errs, fmt.Errorf("%s is %d bytes; a submitted file may be at most %d bytes (%d KiB)", p, info.Size(), limit, limit>>10))
			continue
		}
		if prev, ok := from[name]; ok {
			errs = append(errs, fmt.Errorf("%s and %s are both named %s: the server knows files by name", prev, p, name))
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("read %s: %w", p, err))
			continue
		}
		if int64(len(data)) > limit { // it grew since Stat
			errs = append(errs, fmt.Errorf("%s is %d bytes; a submitted file may be at most %d bytes (%d KiB)", p, len(data), limit, limit>>10))
			continue
		}
		if !utf8.Valid(data) {
			errs = append(errs, fmt.Errorf("%s is not UTF-8 text: save it as UTF-8", p))
			continue
		}
		files[name], from[name] = string(data), p
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return files, nil
}

// submitProgress shows a submission's progress on the terminal (stderr), one
// line per status it reaches.
type submitProgress struct {
	w     io.Writer
	start time.Time
	last  string
}

func (p *submitProgress) printf(format string, args ...any) {
	fmt.Fprintf(p.w, "[%5.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

// status shows st's status if it is new.
func (p *submitProgress) status(st client.State) {
	if string(st.Status) == p.last {
		return
	}
	p.last = string(st.Status)
	switch {
	case st.Status == runner.StatusRunning && st.Worker != "":
		p.printf("running on %s", st.Worker)
	case st.Status == runner.StatusDone && st.Result != nil:
		p.printf("done: %s", st.Result.Verdict)
	default:
		p.printf("%s", st.Status)
	}
}

// printResult writes the per-test table and the summary line.
func printResult(w io.Writer, st client.State) error {
	r := st.Result
	refs := referenceTimes(r)
	withRef := len(refs) > 0
	var buf bytes.Buffer
	if len(r.Tests) > 0 {
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		if withRef {
			fmt.Fprintln(tw, "TEST\tOUTCOME\tMS\tREF MS\tMESSAGE")
		} else {
			fmt.Fprintln(tw, "TEST\tOUTCOME\tMS\tMESSAGE")
		}
		tests := append([]runner.TestResult(nil), r.Tests...)
		sort.SliceStable(tests, func(i, j int) bool { return !tests[i].Hidden && tests[j].Hidden }) // visible first
		for _, t := range tests {
			ms := fmt.Sprintf("%.1f", t.DurationMS)
			if withRef {
				ref := "-"
				if v, ok := refs[t.ID]; ok {
					ref = fmt.Sprintf("%.1f", v)
				}
				ms += "\t" + ref
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Outcome, ms, firstLineOf(t.Message, 120))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(&buf, "no test results")
		if tail := lastLines(r.Output, 20); tail != "" {
			fmt.Fprintf(&buf, "output (last lines):\n%s\n", tail)
		}
	}
	if len(r.Scratch) > 0 {
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "YOUR TEST\tOUTCOME\tMS\tMESSAGE")
		for _, t := range r.Scratch {
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\n", t.ID, t.Outcome, t.DurationMS, firstLineOf(t.Message, 120))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if r.Mode == runner.ModeRun {
		fmt.Fprintln(&buf, "a Run: the hidden tests did not run, and it was not an attempt")
	} else if r.Hidden != nil && r.Hidden.Total > 0 {
		fmt.Fprintf(&buf, "hidden tests: %d of %d passed\n", r.Hidden.Passed, r.Hidden.Total)
	}
	for _, f := range r.Tampering {
		where := f.Check
		if f.Phase != "" {
			where += " (" + f.Phase + ")"
		}
		fmt.Fprintf(&buf, "tampering: %s: %s\n", where, firstLineOf(f.Seen, 200))
	}
	if sc := r.Score; sc != nil {
		fmt.Fprintf(&buf, "score %g (%g of %g points)", sc.Percent, sc.Earned, sc.Possible)
		for i, p := range sc.Tags {
			sep := ", "
			if i == 0 {
				sep = "; tags: "
			}
			fmt.Fprintf(&buf, "%s%s %g", sep, p.Name, p.Percent)
		}
		for _, g := range sc.Groups {
			state := "earned"
			if g.Earned < g.Possible {
				state = "not earned"
			}
			fmt.Fprintf(&buf, "; group %s %s", g.Name, state)
		}
		buf.WriteByte('\n')
	}
	fmt.Fprintf(&buf, "verdict %s: %d/%d tests passed, run %d ms, queued %d ms", r.Verdict, r.Passed, r.Total, r.RunMS, r.QueuedMS)
	if r.Reason != "" {
		fmt.Fprintf(&buf, " (%s)", firstLineOf(r.Reason, 200))
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// referenceTimes is the reference solution's time for each test, in ms,
// by test id: the timing run's (result.reference.tests_us), which only the
// full view (staff) carries and which arrives after the verdict, so a
// result printed at once may have none yet.
func referenceTimes(r *client.Result) map[string]float64 {
	if r == nil || r.Reference == nil || len(r.Reference.TestsUS) == 0 {
		return nil
	}
	refs := make(map[string]float64, len(r.Reference.TestsUS))
	for id, us := range r.Reference.TestsUS {
		refs[id] = us / 1000
	}
	return refs
}

// firstLineOf is s's first non-empty line, tabs made spaces, cut to n
// runes.
func firstLineOf(s string, n int) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(strings.ReplaceAll(l, "\t", " ")); l != "" {
			if utf8.RuneCountInString(l) > n {
				l = string([]rune(l)[:n-1]) + "…"
			}
			return l
		}
	}
	return ""
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}
