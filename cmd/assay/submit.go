package main

import (
	"bufio"
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

	"assay/internal/wait"
	"assay/runner"
)

const submitUsage = "usage: assay submit --challenge SLUG [--run [--scratch TESTFILE]] [--server URL] [--token TOKEN] [--idempotency-key KEY] [--json] FILE..."

// maxSubmitFileBytes is the server's default bound on one submitted file;
// a bigger file is refused here, before any request.
const maxSubmitFileBytes = 256 << 10

// maxRetryWait is the longest Retry-After that submit waits out by itself.
const maxRetryWait = time.Minute

// pollWait is how long one long-poll asks the server to hold the request.
const pollWait = "30s"

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
	acc, err := c.createSubmission(ctx, runSubmission{challenge: o.challenge, files: files, key: o.key, retries: o.retries, run: o.run, scratch: scratch}, prog)
	if err != nil {
		return timedOut(ctx, err, o.timeout)
	}
	st, raw, err := c.follow(ctx, acc.ID, prog)
	if err != nil {
		return timedOut(ctx, fmt.Errorf("submission %s: %w", acc.ID, err), o.timeout)
	}
	if st.Result == nil {
		return fmt.Errorf("submission %s is done but has no result", acc.ID)
	}
	if o.json {
		var out bytes.Buffer
		if err := json.Indent(&out, raw, "", "  "); err != nil {
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
	if st.Result.Verdict != string(runner.VerdictPassed) {
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

// runSubmission is one submission to make.
type runSubmission struct {
	challenge string
	files     map[string]string
	key       string
	retries   int
	run       bool   // a Run: the visible tests only
	scratch   string // a Run's own tests
}

// submitAccepted is the server's 202 answer.
type submitAccepted struct {
	ID               string `json:"id"`
	Challenge        string `json:"challenge"`
	ChallengeVersion string `json:"challenge_version"`
}

// createSubmission POSTs the submission. A busy server (429 or 503 with
// Retry-After) is retried up to s.retries times, as it asks, with the same
// Idempotency-Key: a retry never makes a second submission.
func (c *apiClient) createSubmission(ctx context.Context, s runSubmission, prog *submitProgress) (submitAccepted, error) {
	req := map[string]any{"challenge": s.challenge, "files": s.files}
	if s.run {
		req["mode"] = "run"
		if s.scratch != "" {
			req["scratch"] = s.scratch
		}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return submitAccepted{}, fmt.Errorf("encode the submission: %w", err)
	}
	for attempt := 0; ; attempt++ {
		req, err := c.request(ctx, http.MethodPost, "/api/v1/submissions", bytes.NewReader(body))
		if err != nil {
			return submitAccepted{}, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", s.key)
		resp, err := c.do(req)
		if err != nil {
			return submitAccepted{}, err
		}
		answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
		resp.Body.Close()
		if err != nil {
			return submitAccepted{}, fmt.Errorf("submit: read the answer: %w", err)
		}
		if resp.StatusCode == http.StatusAccepted {
			var acc submitAccepted
			if err := json.Unmarshal(answer, &acc); err != nil || acc.ID == "" {
				return submitAccepted{}, fmt.Errorf("submit: the server's 202 answer has no submission id (%v)", err)
			}
			replayed := ""
			if resp.Header.Get("Idempotent-Replayed") == "true" {
				replayed = " (the server had it already: same Idempotency-Key and files)"
			}
			what := "submitted"
			if s.run {
				what = "run (visible tests only, not an attempt)"
			}
			prog.printf("%s %s to %s, version %s%s", what, acc.ID, acc.Challenge, acc.ChallengeVersion, replayed)
			return acc, nil
		}
		e := answerError(resp, answer)
		if !e.busy() || attempt >= s.retries || e.retryAfter > maxRetryWait {
			return submitAccepted{}, fmt.Errorf("submit to %s: %w", s.challenge, e)
		}
		prog.printf("the server is busy (%d %s: %s); retrying in %s with the same Idempotency-Key (retry %d of %d)",
			e.status, http.StatusText(e.status), e.msg, e.retryAfter, attempt+1, s.retries)
		if err := wait.Sleep(ctx, e.retryAfter); err != nil {
			return submitAccepted{}, fmt.Errorf("submit to %s: %w", s.challenge, err)
		}
	}
}

// submissionState is a submission's state in either view the server
// gives: the full one (staff) or the candidate's.
type submissionState struct {
	Submission struct {
		ID               string `json:"id"`
		Challenge        string `json:"challenge"`
		ChallengeVersion string `json:"challenge_version"`
	} `json:"submission"`
	Status string            `json:"status"`
	Worker string            `json:"worker,omitempty"`
	Result *submissionResult `json:"result,omitempty"`
}

type submissionResult struct {
	Verdict string        `json:"verdict"`
	Reason  string        `json:"reason"`
	Passed  int           `json:"passed"`
	Total   int           `json:"total"`
	Tests   []testRow     `json:"tests"`
	Hidden  *hiddenCounts `json:"hidden,omitempty"` // the candidate's view
	// Tampering is the evidence behind a "tampered" verdict (the full
	// view: staff's tokens only).
	Tampering []runner.Finding `json:"tampering,omitempty"`
	Output    string           `json:"output,omitempty"`
	RunMS     int64            `json:"run_ms"`
	QueuedMS  int64            `json:"queued_ms"`
	// Mode and Scratch: a Run's (see api.CandidateResult).
	Mode    string    `json:"mode,omitempty"`
	Scratch []testRow `json:"scratch,omitempty"`
	// Score is the submission's score (the full view: staff's tokens only).
	Score *runner.Score `json:"score,omitempty"`
}

type hiddenCounts struct {
	Passed int `json:"passed"`
	Total  int `json:"total"`
}

type testRow struct {
	ID          string   `json:"id"`
	Hidden      bool     `json:"hidden"`
	Outcome     string   `json:"outcome"`
	DurationMS  float64  `json:"duration_ms"`
	ReferenceMS *float64 `json:"reference_ms,omitempty"`
	Message     string   `json:"message,omitempty"`
}

// errNoEvents means the server has no event stream for submissions.
var errNoEvents = errors.New("the server has no event stream")

// maxTransient bounds consecutive transient failures while following a
// submission (the server busy, a stream cut short).
const maxTransient = 5

// follow waits for the submission to be done, showing each status it
// reaches, and returns its final state and the state's JSON as the server
// sent it. It follows the server's event stream, or long-polls a server
// that has none.
func (c *apiClient) follow(ctx context.Context, id string, prog *submitProgress) (submissionState, []byte, error) {
	events, transient := true, 0
	for {
		var st submissionState
		var raw []byte
		var err error
		began := time.Now()
		if events {
			st, raw, err = c.streamEvents(ctx, id, prog)
			if errors.Is(err, errNoEvents) {
				events = false
				continue
			}
		} else {
			raw, err = c.getJSON(ctx, "/api/v1/submissions/"+id+"?wait="+pollWait, &st)
			if err == nil {
				prog.status(st)
			}
		}
		var ae *apiError
		switch {
		case err == nil && st.Status == string(runner.StatusDone):
			return st, raw, nil
		case err == nil:
			transient = 0
			if time.Since(began) < time.Second { // a stream that ends at once must not spin
				if err := wait.Sleep(ctx, time.Second); err != nil {
					return st, nil, err
				}
			}
			continue
		case ctx.Err() != nil:
			return st, nil, err
		case errors.As(err, &ae) && !ae.busy():
			return st, nil, err // a refusal (401, 403, 404...) does not get better
		}
		if transient++; transient > maxTransient {
			return st, nil, fmt.Errorf("giving up after %d failures in a row: %w", transient, err)
		}
		pause := time.Second
		if errors.As(err, &ae) && ae.retryAfter > 0 {
			pause = min(ae.retryAfter, 10*time.Second)
		}
		prog.printf("%v; trying again in %s", err, pause)
		if err := wait.Sleep(ctx, pause); err != nil {
			return st, nil, err
		}
	}
}

// streamEvents reads the submission's Server-Sent Events until the done
// event or the end of the stream, showing each status. It returns the
// last state seen; errNoEvents when the server has no event stream.
func (c *apiClient) streamEvents(ctx context.Context, id string, prog *submitProgress) (submissionState, []byte, error) {
	var st submissionState
	path := "/api/v1/submissions/" + id + "/events"
	req, err := c.request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return st, nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.do(req)
	if err != nil {
		return st, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return st, nil, errNoEvents // an older server; a missing submission shows up in the long poll
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return st, nil, answerError(resp, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		return st, nil, errNoEvents
	}
	var raw []byte
	r := bufio.NewReader(io.LimitReader(resp.Body, maxAnswer*4))
	var event string
	var data bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) && ctx.Err() == nil {
				return st, raw, nil // the stream's time is up; the caller reconnects
			}
			if ctx.Err() != nil {
				return st, raw, fmt.Errorf("GET %s: %w", path, ctx.Err())
			}
			return st, raw, fmt.Errorf("GET %s: the stream broke: %w", path, err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if data.Len() > 0 || event != "" {
				if event == "error" {
					return st, raw, fmt.Errorf("GET %s: the event stream reported: %s", path, errorMessage(data.Bytes()))
				}
				var next submissionState
				if err := json.Unmarshal(data.Bytes(), &next); err != nil {
					return st, raw, fmt.Errorf("GET %s: event %q is not a submission's state: %w", path, event, err)
				}
				st, raw = next, bytes.Clone(data.Bytes())
				prog.status(st)
				if st.Status == string(runner.StatusDone) {
					return st, raw, nil
				}
			}
			event = ""
			data.Reset()
		case strings.HasPrefix(line, ":"): // a comment: the server's heartbeat
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
}

// errorMessage is the error of an {"error": "..."} body, or the body.
func errorMessage(body []byte) string {
	var eb struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		return eb.Error
	}
	return strings.TrimSpace(string(body))
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
func (p *submitProgress) status(st submissionState) {
	if st.Status == p.last {
		return
	}
	p.last = st.Status
	switch {
	case st.Status == string(runner.StatusRunning) && st.Worker != "":
		p.printf("running on %s", st.Worker)
	case st.Status == string(runner.StatusDone) && st.Result != nil:
		p.printf("done: %s", st.Result.Verdict)
	default:
		p.printf("%s", st.Status)
	}
}

// printResult writes the per-test table and the summary line.
func printResult(w io.Writer, st submissionState) error {
	r := st.Result
	withRef := false
	for _, t := range r.Tests {
		withRef = withRef || t.ReferenceMS != nil
	}
	var buf bytes.Buffer
	if len(r.Tests) > 0 {
		tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
		if withRef {
			fmt.Fprintln(tw, "TEST\tOUTCOME\tMS\tREF MS\tMESSAGE")
		} else {
			fmt.Fprintln(tw, "TEST\tOUTCOME\tMS\tMESSAGE")
		}
		tests := append([]testRow(nil), r.Tests...)
		sort.SliceStable(tests, func(i, j int) bool { return !tests[i].Hidden && tests[j].Hidden }) // visible first
		for _, t := range tests {
			ms := fmt.Sprintf("%.1f", t.DurationMS)
			if withRef {
				ref := "-"
				if t.ReferenceMS != nil {
					ref = fmt.Sprintf("%.1f", *t.ReferenceMS)
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
	if r.Mode == string(runner.ModeRun) {
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
