package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"assay/api/wire"
	"assay/client"
	"assay/runner"
)

const regradeUsage = `usage: assay regrade --challenge SLUG [--assessment ID] [--version V] [--no-wait] [--json] [--every D] [--timeout D] [--server URL] [--token TOKEN]
       assay regrade status [--wait] [--json] [--every D] [--timeout D] ID
       assay regrade list [--json]`

// regradePageSize is how many items one GET of a regrade asks for: the
// server's most.
const regradePageSize = 1000

// regradeOptions are the flags the regrade commands share.
type regradeOptions struct {
	clientFlags
	json    bool
	every   time.Duration
	timeout time.Duration
}

// flags makes the flag set of the regrade command name, with the shared
// flags (the waiting ones only when waits).
func (o *regradeOptions) flags(name string, waits bool, stderr io.Writer) *flag.FlagSet {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.SetOutput(stderr)
	o.register(fset)
	fset.BoolVar(&o.json, "json", false, "print the server's view as JSON instead of the table")
	if waits {
		fset.DurationVar(&o.every, "every", time.Second, "how often to ask the server for progress while waiting")
		fset.DurationVar(&o.timeout, "timeout", 0, "stop waiting after this long, exit status 1; the regrade continues on the server (0: never)")
	}
	fset.Usage = func() {
		fmt.Fprintln(stderr, regradeUsage)
		fset.PrintDefaults()
	}
	return fset
}

// waiting checks the waiting flags and returns the API client and ctx
// bounded by --timeout, if given.
func (o *regradeOptions) waiting(ctx context.Context, getenv func(string) string) (*client.Client, context.Context, context.CancelFunc, error) {
	if o.every <= 0 || o.timeout < 0 {
		return nil, nil, nil, errors.New("--every must be positive and --timeout may not be negative")
	}
	c, err := o.client(getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	if o.timeout > 0 {
		ctx, cancel := context.WithTimeout(ctx, o.timeout)
		return c, ctx, cancel, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	return c, ctx, cancel, nil
}

// regradeCommand is `assay regrade`: with --challenge and/or --assessment
// it regrades their finished submissions (POST /api/v1/regrades) and waits
// for the copies' results, showing progress on stderr, then prints the
// items whose verdict changed on stdout. `assay regrade status ID` shows
// one regrade, `assay regrade list` all of them. A changed verdict is not
// a failure: the exit status is 0 once the regrade completed, 1 when
// --timeout ends the wait first.
func regradeCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return regradeStatusCommand(ctx, args[1:], getenv, stdout, stderr)
		case "list":
			return regradeListCommand(ctx, args[1:], getenv, stdout, stderr)
		}
	}
	var o regradeOptions
	var req wire.NewRegrade
	fset := o.flags("assay regrade", true, stderr)
	fset.StringVar(&req.Challenge, "challenge", "", "regrade this challenge's submissions (with --assessment: only that assessment's)")
	fset.StringVar(&req.Assessment, "assessment", "", "regrade this assessment's submissions (every challenge of it, or --challenge's)")
	fset.StringVar(&req.Version, "version", "", "the --challenge version to run against (default: its current one)")
	noWait := fset.Bool("no-wait", false, "print the regrade's id on stdout and return without waiting")
	rest, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	switch {
	case len(rest) > 0:
		return fmt.Errorf("assay regrade takes no arguments, got %q\n%s", rest, regradeUsage)
	case req.Challenge == "" && req.Assessment == "":
		return fmt.Errorf("name what to regrade with --challenge SLUG, --assessment ID, or both\n%s", regradeUsage)
	case req.Version != "" && req.Challenge == "":
		return errors.New("--version needs --challenge: a version is one challenge's")
	}
	c, ctx, cancel, err := o.waiting(ctx, getenv)
	if err != nil {
		return err
	}
	defer cancel()
	rv, err := c.CreateRegrade(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (the server may have made the regrade anyway: assay regrade list shows it)", err)
		}
		return err
	}
	fmt.Fprintf(stderr, "regrade %s: %d submissions queued (%d skipped: not finished); against %s\n",
		rv.ID, rv.Total, rv.Skipped, versionsOf(rv.Versions))
	if *noWait {
		fmt.Fprintf(stderr, "follow it with: assay regrade status --wait %s\n", rv.ID)
		if o.json {
			return writeJSON(stdout, rv)
		}
		if _, err := fmt.Fprintln(stdout, rv.ID); err != nil {
			return fmt.Errorf("write the id: %w", err)
		}
		return nil
	}
	return o.show(ctx, c, rv.ID, true, stdout, stderr)
}

// regradeStatusCommand is `assay regrade status ID`: one regrade's
// progress and changed items, waiting for it to complete with --wait.
func regradeStatusCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o regradeOptions
	fset := o.flags("assay regrade status", true, stderr)
	wait := fset.Bool("wait", false, "wait until the regrade completes, showing progress on stderr")
	ids, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	switch {
	case len(ids) != 1 || ids[0] == "":
		return fmt.Errorf("name one regrade (assay regrade list shows them)\n%s", regradeUsage)
	}
	c, ctx, cancel, err := o.waiting(ctx, getenv)
	if err != nil {
		return err
	}
	defer cancel()
	return o.show(ctx, c, ids[0], *wait, stdout, stderr)
}

// show waits for regrade id to complete (if wait), then prints it with all
// its items: the changed ones as a table, or everything as JSON.
func (o *regradeOptions) show(ctx context.Context, c *client.Client, id string, wait bool, stdout, stderr io.Writer) error {
	if wait {
		prog := &submitProgress{w: stderr, start: time.Now()}
		shown := ""
		last, err := c.WaitRegrade(ctx, id, o.every, func(rv wire.RegradeView) {
			if line := progressLine(rv); line != shown {
				prog.printf("%s", line)
				shown = line
			}
		}, func(err error, pause time.Duration) {
			prog.printf("%v; trying again in %s", err, pause)
		})
		if err != nil {
			return o.stillRunning(ctx, id, last, err)
		}
	}
	rv, err := c.RegradeItems(ctx, id, regradePageSize)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w; see it with: assay regrade status %s", err, id)
		}
		return err
	}
	if o.json {
		return writeJSON(stdout, rv)
	}
	if err := printRegrade(stdout, rv); err != nil {
		return fmt.Errorf("write the regrade: %w", err)
	}
	return nil
}

// stillRunning is the error of a wait that ended before the regrade
// completed: exit status 1 for the end of --timeout or an interrupt (the
// regrade goes on without us), err itself otherwise.
func (o *regradeOptions) stillRunning(ctx context.Context, id string, last *wire.RegradeView, err error) error {
	var why string
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		why = fmt.Sprintf("--timeout %s expired", o.timeout)
	case ctx.Err() != nil:
		why = "stopped waiting"
	default:
		return fmt.Errorf("regrade %s: %w", id, err)
	}
	at := ""
	if last != nil {
		at = fmt.Sprintf(" (%s at the last look)", progressLine(*last))
	}
	return &exitError{code: exitFailed, err: fmt.Errorf("%s: regrade %s continues on the server%s; see it with: assay regrade status %s", why, id, at, id)}
}

// regradeListCommand is `assay regrade list`: every regrade, oldest first.
func regradeListCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var o regradeOptions
	fset := o.flags("assay regrade list", false, stderr)
	rest, err := parseInterspersed(fset, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("assay regrade list takes no arguments, got %q\n%s", rest, regradeUsage)
	}
	c, err := o.client(getenv)
	if err != nil {
		return err
	}
	list, raw, err := c.Regrades(ctx)
	if err != nil {
		return err
	}
	if o.json {
		var out bytes.Buffer
		if err := json.Indent(&out, raw, "", "  "); err != nil {
			return fmt.Errorf("list regrades: the answer is not JSON: %w", err)
		}
		out.WriteByte('\n')
		_, err := stdout.Write(out.Bytes())
		return err
	}
	var buf bytes.Buffer
	if len(list.Regrades) == 0 {
		fmt.Fprintln(&buf, "no regrades")
	} else {
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSCOPE\tVERSIONS\tCREATED\tDONE\tCHANGED\tSTATE")
		for _, rv := range list.Regrades {
			state := "running"
			if rv.Progress.Completed {
				state = "completed"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d/%d\t%d\t%s\n", rv.ID, scopeOf(rv.Regrade), versionsOf(rv.Versions),
				rv.CreatedAt.Local().Format("2006-01-02 15:04"), rv.Progress.Done, rv.Total, rv.Progress.Changed, state)
		}
		tw.Flush()
	}
	_, err = stdout.Write(buf.Bytes())
	return err
}

// progressLine is a regrade's progress in a few words.
func progressLine(rv wire.RegradeView) string {
	s := fmt.Sprintf("%d/%d done, %d changed", rv.Progress.Done, rv.Total, rv.Progress.Changed)
	if rv.Progress.Queued < rv.Total {
		s += fmt.Sprintf(" (only %d queued)", rv.Progress.Queued)
	}
	return s
}

// printRegrade writes the table of the items whose verdict changed and a
// summary line with the counts per verdict.
func printRegrade(w io.Writer, rv wire.RegradeView) error {
	var buf bytes.Buffer
	var rows []runner.RegradeItem
	for _, it := range rv.Items {
		if it.Changed() {
			rows = append(rows, it)
		}
	}
	if len(rows) == 0 {
		fmt.Fprintln(&buf, "no verdict changed")
	} else {
		withChallenge := rv.Challenge == "" // an assessment's every challenge
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		head := "ORIGINAL\tCOPY\tSUBMITTER\tPREVIOUS\tNEW"
		if withChallenge {
			head = "ORIGINAL\tCOPY\tCHALLENGE\tSUBMITTER\tPREVIOUS\tNEW"
		}
		fmt.Fprintln(tw, head)
		for _, it := range rows {
			submitter := firstOf(it.Submitter, "-")
			if withChallenge {
				submitter = it.Challenge + "\t" + submitter
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s %d/%d\t%s %d/%d\n", it.Of, it.ID, submitter,
				it.PreviousVerdict, it.PreviousPassed, it.PreviousTotal, it.Verdict, it.Passed, it.Total)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	state := "completed"
	if !rv.Progress.Completed {
		state = "in progress"
	}
	fmt.Fprintf(&buf, "regrade %s %s: %s", rv.ID, state, progressLine(rv))
	if counts := verdictCounts(rv.Progress.Verdicts); counts != "" {
		fmt.Fprintf(&buf, "; %s", counts)
	}
	if rv.Skipped > 0 {
		fmt.Fprintf(&buf, "; %d skipped (not finished)", rv.Skipped)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// verdictOrder is the order the summary counts verdicts in; others follow
// by name.
var verdictOrder = []runner.Verdict{
	runner.VerdictPassed, runner.VerdictFailed, runner.VerdictError, runner.VerdictTimeout,
	runner.VerdictMemoryLimit, runner.VerdictOutputLimit, runner.VerdictRejected, runner.VerdictTampered,
	runner.VerdictInternalError,
}

// verdictCounts is "passed 30, failed 8, error 2": the verdicts counted,
// in verdictOrder.
func verdictCounts(counts map[runner.Verdict]int) string {
	rank := func(v runner.Verdict) int {
		for i, o := range verdictOrder {
			if o == v {
				return i
			}
		}
		return len(verdictOrder)
	}
	vs := make([]runner.Verdict, 0, len(counts))
	for v, n := range counts {
		if n > 0 {
			vs = append(vs, v)
		}
	}
	sort.Slice(vs, func(i, j int) bool {
		if ri, rj := rank(vs[i]), rank(vs[j]); ri != rj {
			return ri < rj
		}
		return vs[i] < vs[j]
	})
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprintf("%s %d", v, counts[v])
	}
	return strings.Join(parts, ", ")
}

// scopeOf says which submissions a regrade takes.
func scopeOf(rg runner.Regrade) string {
	switch {
	case rg.Challenge != "" && rg.Assessment != "":
		return rg.Challenge + " in assessment " + rg.Assessment
	case rg.Assessment != "":
		return "assessment " + rg.Assessment
	default:
		return "challenge " + rg.Challenge
	}
}

// versionsOf is "slug@version, ..." by slug.
func versionsOf(versions map[string]string) string {
	parts := make([]string, 0, len(versions))
	for slug, v := range versions {
		parts = append(parts, slug+"@"+v)
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode the answer: %w", err)
	}
	if _, err := w.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("write the answer: %w", err)
	}
	return nil
}
