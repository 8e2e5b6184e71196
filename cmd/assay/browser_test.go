package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assay/internal/testenv"
)

// browser starts headless chromium for the test (Debian's, from PATH) and
// returns a chromedp context on a fresh tab. Without chromium the test is
// skipped, or fails in CI.
func browser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	var path string
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		testenv.Missing(t, "chromium not found: apt-get install chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.WindowSize(1280, 1000), chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-dev-shm-usage", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // chromium refuses to run as root with its sandbox
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc, chromedp.WithLogf(t.Logf))
	// The first call starts the browser, on a context without a deadline
	// (a deadline there would end the browser); the steps after it are
	// bounded by the test's own.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		testenv.Missing(t, "start chromium %s: %v", path, err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, 6*time.Minute)
	return ctx, func() { cancelTimeout(); cancelCtx(); cancelAlloc() }
}

// artifacts is where screenshots go: $ASSAY_ARTIFACTS, or a temporary
// directory of the test.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ASSAY_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// setText replaces an editor's text through the page (the editor is
// CodeMirror over the textarea): file is an entry file's name or "scratch".
func setText(ctx context.Context, file, text string) error {
	f, _ := json.Marshal(file)
	v, _ := json.Marshal(text)
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("app").assaySetText(`+string(f)+`, `+string(v)+`), true`))
	return err
}

// pageLoaded waits for the current document to have loaded. After a click
// that navigates (chromedp.Navigate waits by itself), an element of the
// new page can be visible while the rest of it is still arriving: a
// table's rows read then were once "" in CI.
func pageLoaded() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`document.readyState === "complete"`)(ctx, t)
		return err
	})
}

// innerText reads an element's text as shown (no waiting): "" when it is
// absent.
func innerText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	js, _ := json.Marshal(sel)
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e ? e.innerText : "")(document.querySelector(`+string(js)+`))`))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

// api calls the server's JSON API with a token and decodes the answer.
func (a *testApp) api(t *testing.T, token, method, path string, body any, want int, out any) {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&raw)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s; want %d", method, path, resp.StatusCode, raw, want)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBrowserCandidateAndInterviewer drives the real pages in chromium
// against a whole server (real Redis and Docker): a candidate opens an
// invitation, submits the reference solution and sees it pass, submits a
// broken one and sees which visible test failed; an interviewer signs in
// and sees every test of that submission with its duration (µs or ms, as
// the harness timed it) beside the reference's, timed in the same
// container, and their ratio, none of which the candidate's view has.
func TestBrowserCandidateAndInterviewer(t *testing.T) {
	testenv.Parallel(t)
	ctx, cancel := browser(t)
	defer cancel()
	app := startApp(t, "", map[string]string{"ASSAY_REFERENCE_TIMING": "on"}) // the page shows its ratios
	dir := artifacts(t)
	ch := mustChallenge(t, "decorators")

	var iv struct{ ID, Token string }
	app.api(t, testAdminToken, "POST", "/api/v1/interviewers", map[string]any{"name": "Grace Hopper"}, 201, &iv)
	var asm struct{ ID string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments", map[string]any{"name": "Backend engineer, May", "challenges": []string{"decorators", "deepcopy"}, "attempt_limit": 5}, 201, &asm)
	var inv struct{ ID, Token, Link string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", map[string]any{"candidate": "Ada Lovelace", "email": "ada@example.com"}, 201, &inv)

	editor := chromedp.CSS(`textarea.editor[data-file="solution.py"]`)
	var press func(button, source string) (verdict, trail string)
	// text reads an element's text now (no waiting): "" when it is absent.
	text := func(sel string) string {
		t.Helper()
		js, _ := json.Marshal(sel)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e ? e.innerText : "")(document.querySelector(`+string(js)+`))`))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	submit := func(source string) (verdict, trail string) {
		t.Helper()
		return press("submit", source)
	}
	press = func(button, source string) (verdict, trail string) {
		t.Helper()
		// The button is enabled again once the previous result is shown;
		// then a click in the page itself (a pointer click at the button's
		// coordinates was once lost while the result box was laid out, and
		// the previous verdict was read as this one's).
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById("`+button+`").disabled`, chromedp.WithPollingTimeout(time.Minute))); err != nil {
			t.Fatalf("wait for the submit button: %v", err)
		}
		if err := setText(ctx, "solution.py", source); err != nil {
			t.Fatalf("edit in the browser: %v", err)
		}
		cleared, cerr := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("`+button+`").click(), document.getElementById("verdict").textContent === ""`))
		if cerr != nil || !cleared {
			t.Fatalf("submit in the browser: the click did not start a submission (%v)", cerr)
		}
		verdict, err := chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById("verdict").textContent`, chromedp.WithPollingTimeout(3*time.Minute)))
		if err != nil {
			t.Fatalf("wait for the verdict: %v", err)
		}
		attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#status"), "data-trail"))
		if err != nil {
			t.Fatal(err)
		}
		return verdict, attr.Value
	}

	// The candidate's page: the prompt, the starter code, the challenges.
	// (the editor: CodeMirror over the textarea, which holds the text)
	if err := chromedp.Do(ctx, chromedp.Navigate(app.base+inv.Link), chromedp.WaitVisible(chromedp.CSS(".tab-panel .CodeMirror"))); err != nil {
		t.Fatal(err)
	}
	prompt, list := text(".prompt"), text("#challenge-list")
	starter, err := chromedp.Run(ctx, chromedp.Value(editor))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(starter, "def retry") || !strings.Contains(strings.ToLower(list), "cop") || len(prompt) < 100 {
		t.Errorf("candidate page: prompt %d chars, starter %.60q, list %q", len(prompt), starter, list)
	}
	screenshot(t, ctx, dir, "1-candidate-start")

	// A Run of a broken solution with a test of one's own: the visible
	// tests' results and the scratch test's, no hidden count, no attempt
	// spent.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("scratch-box").open = true`)); err != nil {
		t.Fatal(err)
	}
	if err := setText(ctx, "scratch", "from solution import retry\n\ndef test_mine():\n    assert callable(retry)\n"); err != nil {
		t.Fatal(err)
	}
	verdict, trail := press("run", string(ch.Bad["no_wraps"]["solution.py"]))
	screenshot(t, ctx, dir, "1b-candidate-run")
	if verdict != "Run: failed" || !strings.Contains(text("#tests tr.outcome-failed"), "test_keeps_name_doc_and_wrapped") ||
		!strings.Contains(text("#scratch-tests"), "test_mine") || !strings.Contains(text("#hidden-count"), "does not run the hidden tests") {
		t.Errorf("run: verdict %q, progress %q, failed %q, scratch %q, hidden %q, error %q", verdict, trail,
			text("#tests tr.outcome-failed"), text("#scratch-tests"), text("#hidden-count"), text("#error"))
	}
	if left := text("#attempts-left"); left != "5" {
		t.Errorf("attempts left after a Run: %q; want 5", left)
	}

	verdict, trail = submit(string(ch.Reference["solution.py"]))
	hidden := text("#hidden-count")
	if verdict != "passed" || !strings.Contains(trail, "Done") || !strings.Contains(hidden, "Hidden tests:") {
		t.Errorf("reference: verdict %q, progress %q, hidden %q", verdict, trail, hidden)
	}
	if !strings.Contains(trail, "Running") {
		t.Logf("the running state was not shown (progress %q): the run may have started before the page listened", trail)
	}
	screenshot(t, ctx, dir, "2-candidate-passed")
	// The candidate's visible tests' times, in the unit that fits them.
	timed, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll("#tests td.duration")).filter(td => /^\d+(\.\d)? (µs|ms|s)$/.test(td.textContent.trim())).length`))
	if cells := strings.Count(text("#tests"), "passed"); err != nil || timed == 0 || timed != cells {
		t.Errorf("candidate page: %d timed durations for %d passed tests (%v):\n%s", timed, cells, err, text("#tests"))
	}

	verdict, trail = submit(string(ch.Bad["no_wraps"]["solution.py"]))
	screenshot(t, ctx, dir, "3-candidate-failed")
	failedRow := text("#tests tr.outcome-failed")
	if verdict != "failed" || !strings.Contains(failedRow, "test_keeps_name_doc_and_wrapped") {
		t.Errorf("broken: verdict %q, progress %q, failed row %q, error %q", verdict, trail, failedRow, text("#error"))
	}
	if result := text("#result"); strings.Contains(result, "tests.hidden") {
		t.Errorf("the candidate's page names a hidden test: %s", result)
	}

	// The interviewer: sign in, the assessment, the broken submission.
	var rep struct {
		Submissions []struct{ ID, Verdict string } `json:"submissions"`
		Runs        []struct{ ID, Verdict string } `json:"runs"`
	}
	app.api(t, iv.Token, "GET", "/api/v1/invitations/"+inv.ID, nil, 200, &rep)
	if len(rep.Runs) != 1 || rep.Runs[0].Verdict != "failed" {
		t.Errorf("invitation's Runs: %+v; want the one failed Run", rep.Runs)
	}
	if len(rep.Submissions) != 2 {
		t.Fatalf("invitation has %d submissions; want 2 (a Run is not one)", len(rep.Submissions))
	}
	broken := rep.Submissions[1].ID
	// The reference's timing run is attached after the result is recorded:
	// wait for it before the page that shows it.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if st := app.get(t, broken); st.Result != nil && st.Result.Reference != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no reference timing attached to the broken submission within a minute")
		}
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(app.base+"/review"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), iv.Token),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#assessments")),
		chromedp.Navigate(app.base+"/review/assessments/"+asm.ID),
		chromedp.WaitVisible(chromedp.CSS("#candidates")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if table := text("#candidates"); !strings.Contains(table, "Ada Lovelace") || !strings.Contains(table, "passed") || !strings.Contains(table, "failed") {
		t.Errorf("assessment page: %q", table)
	}
	// The candidate's score at decorators: the best attempt's, the reference's.
	if score := text("#candidates .score-badge"); score != "100" {
		t.Errorf("assessment page: score badge %q; want 100", score)
	}
	screenshot(t, ctx, dir, "4-interviewer-assessment")

	if err := chromedp.Do(ctx, chromedp.Navigate(app.base+"/review/submissions/"+broken), chromedp.WaitVisible(chromedp.CSS("#tests"))); err != nil {
		t.Fatal(err)
	}
	count := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	rows := count(`document.querySelectorAll("#tests tbody tr").length`)
	// Each test's time in the unit that fits it ("412 µs", "3.2 ms"), the
	// reference's from the same container, and their ratio ("1.8×").
	durations := count(`Array.from(document.querySelectorAll("#tests td.duration")).filter(td => /^\d+(\.\d)? (µs|ms|s)$/.test(td.textContent.trim())).length`)
	refs := count(`Array.from(document.querySelectorAll("#tests td.reference")).filter(td => /^\d+(\.\d)? (µs|ms|s)$/.test(td.textContent.trim())).length`)
	ratios := count(`Array.from(document.querySelectorAll("#tests td.ratio")).filter(td => /^\d+(\.\d+)?×/.test(td.textContent.trim())).length`)
	micro := count(`Array.from(document.querySelectorAll("#tests td.duration")).filter(td => /µs$/.test(td.textContent.trim())).length`)
	distinct := count(`new Set(Array.from(document.querySelectorAll("#tests td.duration")).map(td => td.textContent.trim())).size`)
	want := len(ch.Expected.Tests)
	if rows != want || durations != want || refs != want || ratios != want {
		t.Errorf("submission page: %d rows, %d durations, %d reference durations, %d ratios; want %d each", rows, durations, refs, ratios, want)
	}
	if micro == 0 || distinct < 2 {
		t.Errorf("submission page: %d durations in µs, %d distinct; want sub-millisecond times that differ:\n%s", micro, distinct, text("#tests"))
	}
	if overall, source := text("#overall-ratio"), text("#reference-source"); !strings.HasSuffix(overall, "×") || !strings.Contains(source, "same container") {
		t.Errorf("submission page: overall ratio %q, reference %q; want a ratio against the same container's reference", overall, source)
	}
	// The candidate's own view of that submission has none of it.
	var candidate, staff json.RawMessage
	app.api(t, inv.Token, "GET", "/api/v1/submissions/"+broken, nil, 200, &candidate)
	app.api(t, iv.Token, "GET", "/api/v1/submissions/"+broken, nil, 200, &staff)
	if strings.Contains(string(candidate), "tests_us") || strings.Contains(string(candidate), `"reference"`) || !strings.Contains(string(candidate), "duration_us") {
		t.Errorf("the candidate's view: %s; want its visible tests' times and no reference timing", candidate)
	}
	if !strings.Contains(string(staff), `"tests_us"`) {
		t.Errorf("staff's view has no reference timing: %.2000s", staff)
	}
	// decorators weighs its tests: no_wraps fails the metadata tests, so it
	// scores less than all and loses part of the metadata tag.
	if score, parts := text("#score-value"), text("#score-parts"); score == "" || score == "100" || score == "0" || score == "–" ||
		!strings.Contains(parts, "metadata") || !strings.Contains(parts, "group per-call-state: earned") {
		t.Errorf("submission page: score %q, parts %q", score, parts)
	}
	if mem := text("#peak-memory"); !strings.HasSuffix(mem, "MiB") {
		t.Errorf("peak memory shown as %q", mem)
	}
	if diff := text("#diff"); !strings.Contains(diff, "wraps") {
		t.Errorf("the diff against the previous attempt does not show the change: %.300q", diff)
	}
	screenshot(t, ctx, dir, "5-interviewer-submission")

	// The admin regrades the assessment's decorators submissions from the
	// form and follows the progress page until it completes.
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}{
		{"sign out", chromedp.Click(chromedp.CSS(`form[action="/review/logout"] button`))},
		{"the sign-in form", chromedp.WaitVisible(chromedp.CSS("#token"))},
		{"sign in as admin", chromedp.SendKeys(chromedp.CSS("#token"), testAdminToken)},
		{"send the sign-in form", chromedp.Click(chromedp.CSS("#login-submit"))},
		{"the assessments", chromedp.WaitVisible(chromedp.CSS("#assessments"))},
		{"open the regrades", chromedp.Click(chromedp.CSS(`a[href="/review/regrades"]`))},
		{"the regrade form", chromedp.WaitVisible(chromedp.CSS("#regrade-form"))},
		{"choose the challenge", chromedp.SetValue(chromedp.CSS("#regrade-challenge"), "decorators")},
		{"choose the assessment", chromedp.SetValue(chromedp.CSS("#regrade-assessment"), asm.ID)},
		{"send the regrade form", chromedp.Click(chromedp.CSS("#regrade-submit"))},
		{"the regrade's page", chromedp.WaitVisible(chromedp.CSS("#regrade-status"))},
	}
	for _, st := range steps {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := chromedp.Do(sctx, st.do)
		cancel()
		if err != nil {
			screenshot(t, ctx, dir, "failed-step")
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s (at %s): %v\n%.2000s", st.name, loc, err, text("main"))
		}
	}
	progress, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil || !strings.Contains(progress, "/review/regrades/") {
		t.Fatalf("after the regrade form: at %q (%v); want the regrade's page", progress, err)
	}
	// The page refreshes itself; reading it again until it says complete
	// is what a reviewer does.
	deadline := time.Now().Add(3 * time.Minute)
	for !strings.EqualFold(text("#regrade-status"), "complete") {
		if time.Now().After(deadline) {
			t.Fatalf("the regrade did not complete: %q, %s done", text("#regrade-status"), text("#regrade-done"))
		}
		time.Sleep(250 * time.Millisecond) // the interval between two reads of the page
		if err := chromedp.Do(ctx, chromedp.Navigate(progress), chromedp.WaitVisible(chromedp.CSS("#regrade-status"))); err != nil {
			t.Fatal(err)
		}
	}
	items := text("#regrade-items")
	if n := count(`document.querySelectorAll("#regrade-items tbody tr").length`); n != 2 || !strings.Contains(items, "passed") || !strings.Contains(items, "failed") || text("#regrade-changed") != "0" {
		t.Errorf("completed regrade: %d rows, changed %q:\n%s", n, text("#regrade-changed"), items)
	}
	screenshot(t, ctx, dir, "6-admin-regrade")
	if err := chromedp.Do(ctx, chromedp.Navigate(app.base+"/review/submissions/"+broken), chromedp.WaitVisible(chromedp.CSS("#regraded"))); err != nil {
		t.Fatal(err)
	}
	if r := text("#regraded"); !strings.Contains(r, "failed") {
		t.Errorf("the broken submission's regrade: %q", r)
	}
}
