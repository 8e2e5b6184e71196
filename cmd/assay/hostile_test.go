package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
)

// hostileCase is one file of testdata/hostile: a solution to the
// decorators challenge that attacks the sandbox or the verdict. Its header
// says the verdict it must get ("# verdict: X", or "X | Y" for any of
// them), and whether the reference solution is appended ("# append:
// reference"), which makes a contained attack pass and an attack that got
// through fail. Some headers name a channel out of the hidden phase that
// the candidate's view must keep shut:
//
//	# candidate-reason-must-not-match: REGEXP   (e.g. the hidden phase's exit status)
//	# candidate-run-ms-below: N                 (the hidden phase slept N ms)
//	# candidate-output-truncated: false         (the hidden phase flooded its output)
//
// "# also-under-runsc: error" accepts, under gVisor only, a run that ended
// with no report from the harness (see fork_bomb.py).
type hostileCase struct {
	name      string
	source    string
	verdicts  []runner.Verdict // any of these; a fork bomb may meet the memory limit or the deadline first
	runscAlso []runner.Verdict
	// What the candidate's view must not show.
	reasonMustNotMatch *regexp.Regexp
	runMSBelow         int64
	notTruncated       bool
}

func loadHostile(t *testing.T, reference string) []hostileCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "hostile", "*.py"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no hostile corpus: %v", err)
	}
	sort.Strings(paths)
	var out []hostileCase
	for _, p := range paths {
		c, err := readHostile(p, reference)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// readHostile reads one attack and its header.
func readHostile(path, reference string) (hostileCase, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return hostileCase{}, err
	}
	c := hostileCase{name: strings.TrimSuffix(filepath.Base(path), ".py"), source: string(b)}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# verdict: "); ok {
			for _, one := range strings.Split(v, "|") {
				c.verdicts = append(c.verdicts, runner.Verdict(strings.TrimSpace(one)))
			}
		}
		if v, ok := strings.CutPrefix(line, "# also-under-runsc: "); ok {
			for _, one := range strings.Split(v, "|") {
				c.runscAlso = append(c.runscAlso, runner.Verdict(strings.TrimSpace(one)))
			}
		}
		if strings.TrimSpace(line) == "# append: reference" {
			c.source += "\n" + reference
		}
		if v, ok := strings.CutPrefix(line, "# candidate-reason-must-not-match: "); ok {
			if c.reasonMustNotMatch, err = regexp.Compile(strings.TrimSpace(v)); err != nil {
				return c, fmt.Errorf("%s: %w", path, err)
			}
		}
		if v, ok := strings.CutPrefix(line, "# candidate-run-ms-below: "); ok {
			if c.runMSBelow, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
				return c, fmt.Errorf("%s: %w", path, err)
			}
		}
		if strings.TrimSpace(line) == "# candidate-output-truncated: false" {
			c.notTruncated = true
		}
	}
	if len(c.verdicts) == 0 {
		return c, fmt.Errorf("%s: no '# verdict:' line", path)
	}
	return c, nil
}

// TestHostileCorpus sends every attack through the whole path under each
// runtime (runc and gVisor) as a candidate would: through an invitation,
// with the candidate's token. It checks the verdict in the staff's view,
// that the candidate's view matches it (a tampered run reads as an error
// with a fixed reason), that the candidate's view shows no hidden test
// (by name, file or source line), nothing of the staff's evidence, no
// time or truncation of the hidden phase and none of the channels the
// case's header names; then that no container is left, and that an
// ordinary submission still passes and the server is ready afterwards.
//
// The attacks that may end in a timeout (busy loops, fork bombs, a sleep)
// go to a server of their own whose time limit is short: they spend their
// whole limit, most of it on the CPU, and at the others' 20 s they cost
// about 160 CPU-seconds per run of the test, a quarter of the package's.
func TestHostileCorpus(t *testing.T) {
	testenv.Parallel(t)
	testenv.Docker(t)
	ch := mustChallenge(t, "decorators")
	reference := texts(ch.Reference)["solution.py"]
	secrets := hiddenSecrets(t, ch, reference)
	var timing, within []hostileCase
	for _, c := range loadHostile(t, reference) {
		if slices.Contains(c.verdicts, runner.VerdictTimeout) {
			timing = append(timing, c)
		} else {
			within = append(within, c)
		}
	}
	if len(timing) == 0 || len(within) == 0 {
		t.Fatalf("%d cases may time out, %d may not: the split serves nothing", len(timing), len(within))
	}
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			testenv.Parallel(t)
			// The time limit leaves room for a loaded CI machine: there,
			// gVisor runs of the passing cases have taken 8 s (1.4 s idle),
			// and a tighter limit turned their verdicts into timeouts.
			t.Run("within-time", func(t *testing.T) {
				testenv.Parallel(t)
				hostileRun(t, rt, "20s", within, reference, secrets)
			})
			// A timeout is what these cases may get, and all they may
			// pass with (the reference appended to a spinning attack) is
			// a pass: a short limit only makes them reach it sooner.
			t.Run("may-time-out", func(t *testing.T) {
				testenv.Parallel(t)
				hostileRun(t, rt, "5s", timing, reference, secrets)
			})
		})
	}
}

// hostileRun sends cases, one candidate's submissions, to a server of
// runtime rt whose challenges' time limits are at most maxTime, and checks
// each as TestHostileCorpus says.
func hostileRun(t *testing.T, rt, maxTime string, corpus []hostileCase, reference string, secrets []string) {
	// Under the engine's default runtime each attack's run is followed,
	// as in production, by the reference's timing run in the same
	// container, which meets whatever the attack left behind. Under
	// gVisor the wipe before it is the same harness code (runner/docker's
	// TestTheReferenceRunsInAWipedSandbox checks it under both runtimes),
	// and each timing run cost about 2 s of gVisor's ptrace platform on
	// two cores, beside every other test.
	timing := "on"
	if rt == "runsc" {
		timing = "off"
	}
	app := startApp(t, "", map[string]string{
		// Attacks run in pooled containers, as in production; with one
		// worker one ready container per set of limits serves as well as
		// two, and the pool warms a set for every built-in challenge (the
		// corpus uses one): half the idle containers, four servers over.
		"ASSAY_MAX_TIME": maxTime, "ASSAY_RUNTIME": rt, "ASSAY_WORKERS": "1", "ASSAY_POOL_SIZE": "1",
		"ASSAY_REFERENCE_TIMING": timing,
		// One candidate sends the whole corpus.
		"ASSAY_RATE_LIMIT": "off",
	})
	token := app.invite(t, "decorators")
	ids := make([]string, len(corpus))
	for i, c := range corpus {
		ids[i] = app.submitAs(t, token, "decorators", map[string]string{"solution.py": c.source})
	}
	for i, c := range corpus {
		st := app.result(t, ids[i], 3*time.Minute)
		r := st.Result
		// The run's time (from the request to the harness's reply, or
		// to the kill at the limit plus the kill grace) is logged: a
		// case that comes near the limit keeps its verdict only while
		// the machine is fast enough.
		want := c.verdicts
		if rt == "runsc" && slices.Contains(c.runscAlso, r.Verdict) &&
			(r.Verdict != runner.VerdictError || strings.Contains(r.Reason, "the harness sent no result")) {
			want = append(slices.Clone(want), r.Verdict)
		}
		if !slices.Contains(want, r.Verdict) {
			t.Errorf("%s: %s (%s) in %d ms; want %v; evidence %v\n%s", c.name, r.Verdict, r.Reason, r.RunMS, c.verdicts, r.Tampering, tail(r.Output, 1500))
		} else {
			t.Logf("%s: %s (%s) in %d ms", c.name, r.Verdict, r.Reason, r.RunMS)
		}
		checkCandidateView(t, c, r, app.candidateView(t, token, ids[i]), secrets)
	}
	// The reference afterwards must pass. A timeout is sent again, up to
	// twice (as TestBuiltinChallengesEndToEnd does): the may-time-out
	// server's 5 s limit is four times the reference's idle run, and in
	// CI, beside runner/docker's tests and the gVisor servers, one such
	// run passed 11 of 34 tests in its 5 s and the timing run in the same
	// container, two seconds later, took 1.9 s. Whatever an attack leaves
	// behind that fails the next run fails every try; a failed test, or
	// any verdict but a timeout, is not sent again.
	for try := 1; ; try++ {
		after := app.submitAs(t, token, "decorators", map[string]string{"solution.py": reference})
		r := app.result(t, after, time.Minute).Result
		if r.Verdict == runner.VerdictPassed {
			break
		}
		if r.Verdict != runner.VerdictTimeout || try == 3 {
			t.Errorf("after the corpus, the reference got %s (%s), try %d", r.Verdict, r.Reason, try)
			break
		}
		t.Logf("after the corpus, the reference got %s (%s) in %d ms, try %d of 3: sending it again", r.Verdict, r.Reason, r.RunMS, try)
	}
	resp, err := http.Get(app.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("readyz after the corpus: %d", resp.StatusCode)
	}
	assertNoContainers(t, app)
}

// hiddenSecrets lists what of the hidden tests must never reach a
// candidate: the names of hidden test functions and the lines of the
// hidden test files that appear nowhere the candidate may read (the
// prompt, the visible tests and fixtures, the starter) nor in the
// reference solution (which some cases append, and whose lines a visible
// traceback may quote).
func hiddenSecrets(t *testing.T, ch *challenges.Challenge, reference string) []string {
	t.Helper()
	public := string(ch.Prompt) + reference
	for _, b := range ch.Starter {
		public += string(b)
	}
	for p, b := range ch.Tests {
		if !strings.HasPrefix(p, runner.HiddenDir) {
			public += string(b)
		}
	}
	testName := regexp.MustCompile(`def (test_\w+)`)
	var names, lines []string
	for p, b := range ch.Tests {
		if !strings.HasPrefix(p, runner.HiddenDir) {
			continue
		}
		for _, m := range testName.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(public, m[1]) {
				names = append(names, m[1])
			}
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line = strings.TrimSpace(line); len(line) >= 30 && !strings.Contains(public, line) {
				lines = append(lines, line)
			}
		}
	}
	if len(names) == 0 || len(lines) == 0 {
		t.Fatalf("no distinctive hidden test names (%d) or source lines (%d) to look for", len(names), len(lines))
	}
	return append(append(names, lines...), runner.HiddenIDPrefix, runner.HiddenDir)
}

// candidateResult is the part of the candidate's view the checks read.
type candidateResult struct {
	Verdict         runner.Verdict `json:"verdict"`
	Reason          string         `json:"reason"`
	RunMS           int64          `json:"run_ms"`
	OutputTruncated bool           `json:"output_truncated"`
}

// checkCandidateView checks what a candidate sees of a result (view, the
// JSON of the candidate's GET) against the staff's record of it (r).
func checkCandidateView(t *testing.T, c hostileCase, r *runner.Result, view []byte, secrets []string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(view, &doc); err != nil {
		t.Errorf("%s: the candidate's view is not JSON: %v: %.300s", c.name, err, view)
		return
	}
	var state struct {
		Result *candidateResult `json:"result"`
	}
	if err := json.Unmarshal(view, &state); err != nil || state.Result == nil {
		t.Errorf("%s: the candidate's view has no result: %.300s", c.name, view)
		return
	}
	cr := state.Result
	// Every text of the view but the candidate's own submission.
	delete(doc, "submission")
	var texts []string
	collectStrings(doc, &texts)
	text := strings.Join(texts, "\n")

	if want := runner.CandidateVerdict(r.Verdict); cr.Verdict != want {
		t.Errorf("%s: the candidate sees %s for a %s run; want %s", c.name, cr.Verdict, r.Verdict, want)
	}
	if r.Verdict == runner.VerdictTampered && cr.Reason != runner.CandidateTamperedReason {
		t.Errorf("%s: the candidate's reason for a tampered run is %q; want the fixed %q", c.name, cr.Reason, runner.CandidateTamperedReason)
	}
	var leaked []string
	for _, s := range secrets {
		if strings.Contains(text, s) {
			leaked = append(leaked, s)
		}
	}
	if len(leaked) > 0 {
		t.Errorf("%s: the candidate's view shows %d pieces of the hidden tests (names, files, source lines), such as %q", c.name, len(leaked), leaked[:min(3, len(leaked))])
	}
	if r.ReasonDetail != "" && r.ReasonDetail != r.Reason && strings.Contains(text, r.ReasonDetail) {
		t.Errorf("%s: the candidate's view shows the staff's reason_detail %q", c.name, r.ReasonDetail)
	}
	for _, f := range r.Tampering {
		if len(f.Seen) >= 20 && strings.Contains(text, f.Seen) {
			t.Errorf("%s: the candidate's view shows the evidence of tampering %q", c.name, f.Seen)
		}
	}
	if cr.RunMS > r.VisibleRunMS {
		t.Errorf("%s: the candidate's run_ms %d is more than the visible phase's %d ms (the whole run: %d ms)", c.name, cr.RunMS, r.VisibleRunMS, r.RunMS)
	}
	if cr.OutputTruncated && !r.OutputTruncated {
		t.Errorf("%s: the candidate's view says the output was truncated; the visible phase's was not", c.name)
	}
	if c.reasonMustNotMatch != nil && c.reasonMustNotMatch.MatchString(cr.Reason) {
		t.Errorf("%s: the candidate's reason %q carries what the hidden phase chose (matches %s)", c.name, cr.Reason, c.reasonMustNotMatch)
	}
	if c.runMSBelow > 0 && cr.RunMS >= c.runMSBelow {
		t.Errorf("%s: the candidate's run_ms is %d: it includes the hidden phase's sleep of %d ms", c.name, cr.RunMS, c.runMSBelow)
	}
	if c.notTruncated && cr.OutputTruncated {
		t.Errorf("%s: the candidate's view says the output was truncated: only the hidden phase's was", c.name)
	}
}

// collectStrings appends every string in a decoded JSON value.
func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
	case []any:
		for _, e := range v {
			collectStrings(e, out)
		}
	case map[string]any:
		for _, e := range v {
			collectStrings(e, out)
		}
	}
}

// TestHostileRequests: what the API must refuse before anything is queued.
func TestHostileRequests(t *testing.T) {
	testenv.Parallel(t)
	app := startApp(t, "", nil)
	huge := strings.Repeat("# padding\n", 18<<20/10)
	cases := []struct {
		name   string
		body   []byte
		status int
	}{
		{"non-UTF-8 source", []byte("{\"challenge\":\"decorators\",\"files\":{\"solution.py\":\"\xc3\x28 = 1\"}}"), http.StatusBadRequest},
		{"18 MB source", []byte(`{"challenge":"decorators","files":{"solution.py":"` + strings.ReplaceAll(huge, "\n", `\n`) + `"}}`), http.StatusRequestEntityTooLarge},
		{"a conftest of the candidate's", []byte(`{"challenge":"decorators","files":{"solution.py":"x","conftest.py":"x"}}`), http.StatusBadRequest},
		{"a path instead of a name", []byte(`{"challenge":"decorators","files":{"../solution.py":"x"}}`), http.StatusBadRequest},
	}
	for _, c := range cases {
		resp, err := postAsAdmin(http.DefaultClient, app.base, bytes.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct{ Error string }
		if resp.StatusCode != c.status || json.Unmarshal(msg, &e) != nil || e.Error == "" {
			t.Errorf("%s: %d %.200s; want %d with an error message", c.name, resp.StatusCode, msg, c.status)
		}
	}
	assertQueueEmpty(t, app.redis)
}

// invite makes what a candidate needs to submit, as the admin and an
// interviewer would through the API: an interviewer, an assessment of the
// challenges with no attempt limit, and an invitation; it returns the
// candidate's token.
func (a *testApp) invite(t *testing.T, challenges ...string) string {
	t.Helper()
	var iv struct{ ID, Token string }
	a.api(t, testAdminToken, "POST", "/api/v1/interviewers", map[string]any{"name": "Red Team"}, http.StatusCreated, &iv)
	var asm struct{ ID string }
	a.api(t, iv.Token, "POST", "/api/v1/assessments", map[string]any{"name": "Hostile corpus", "challenges": challenges}, http.StatusCreated, &asm)
	var inv struct{ ID, Token string }
	a.api(t, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", map[string]any{"candidate": "Mallory", "email": "mallory@example.com"}, http.StatusCreated, &inv)
	if inv.Token == "" {
		t.Fatal("the invitation has no token")
	}
	return inv.Token
}

// submitAs submits with a token (a candidate's): the submission's id.
func (a *testApp) submitAs(t *testing.T, token, challenge string, files map[string]string) string {
	t.Helper()
	var acc struct {
		ID string `json:"id"`
	}
	a.api(t, token, "POST", "/api/v1/submissions", map[string]any{"challenge": challenge, "files": files}, http.StatusAccepted, &acc)
	if acc.ID == "" {
		t.Fatalf("submit %s: no id", challenge)
	}
	return acc.ID
}

// candidateView fetches a submission with the candidate's token: the
// candidate's view, as JSON.
func (a *testApp) candidateView(t *testing.T, token, id string) []byte {
	t.Helper()
	req, err := http.NewRequest("GET", a.base+"/api/v1/submissions/"+id, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the candidate's GET of %s: %d %.300s", id, resp.StatusCode, b)
	}
	return b
}
