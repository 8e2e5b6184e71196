package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assay/challenges"
	"assay/internal/testenv"
)

// TestBrowserAdmin drives the admin's pages in Chromium against a real
// server (Redis, and Docker for the checks): upload a challenge archive
// and publish it, a bad archive refused on the page, a second version,
// the versions and the difference between them; then create an
// interviewer, sign in with the token the page shows once, revoke it and
// see the token refused.
func TestBrowserAdmin(t *testing.T) {
	testenv.Parallel(t)
	ctx, cancel := browser(t)
	defer cancel()
	// Where gVisor is registered (always in CI), uploads are checked under
	// both runtimes, and the page shows a report for each.
	env := map[string]string{}
	gvisor := runscRegistered(ctx)
	if gvisor {
		env["ASSAY_CHECK_RUNTIMES"] = "runc,runsc"
	}
	app := startApp(t, "", env)
	dir := artifacts(t)
	files := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(files, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	v1 := write("adder-v1.tar.gz", folderArchive(t, "adder", adder(false)))
	v2 := write("adder-v2.tar.gz", folderArchive(t, "adder", adder(true)))
	junk := write("notes.tar.gz", []byte("these are notes, not an archive\n"))

	text := func(sel string) string { t.Helper(); return innerText(t, ctx, sel) }
	type step struct {
		name string
		do   chromedp.Action[chromedp.Void]
	}
	run := func(within time.Duration, steps ...step) {
		t.Helper()
		for _, st := range steps {
			sctx, cancel := context.WithTimeout(ctx, within)
			err := chromedp.Do(sctx, st.do)
			cancel()
			if err != nil {
				screenshot(t, ctx, dir, "failed-step")
				loc, _ := chromedp.Run(ctx, chromedp.Location())
				t.Fatalf("%s (at %s): %v\n%.3000s", st.name, loc, err, text("main"))
			}
		}
	}
	// signIn fills the sign-in form the browser is on.
	signIn := func(token string, then string) {
		t.Helper()
		run(30*time.Second,
			step{"the token field", chromedp.WaitVisible(chromedp.CSS("#token"))},
			step{"type the token", chromedp.SendKeys(chromedp.CSS("#token"), token)},
			step{"send the sign-in form", chromedp.Click(chromedp.CSS("#login-submit"))},
			step{"the page after signing in", chromedp.WaitVisible(chromedp.CSS(then))},
		)
	}
	signOut := func() {
		t.Helper()
		run(30*time.Second,
			step{"sign out", chromedp.Click(chromedp.CSS(`form[action="/review/logout"] button`))},
			step{"the sign-in form", chromedp.WaitVisible(chromedp.CSS("#token"))},
		)
	}
	upload := func(server *testApp, path string) {
		t.Helper()
		run(30*time.Second,
			step{"the challenges page", chromedp.Navigate(server.base + "/review/challenges")},
			step{"the upload form", chromedp.WaitVisible(chromedp.CSS("#upload-form"))},
			step{"choose the archive", chromedp.SetUploadFiles(chromedp.CSS("#upload-archive"), []string{path})},
			step{"send it", chromedp.Click(chromedp.CSS("#upload-submit"))},
		)
		// The check runs every solution in the sandbox.
		run(4*time.Minute, step{"the outcome", chromedp.WaitVisible(chromedp.CSS("#upload-outcome"))})
	}

	// The admin signs in and follows the index's link to the challenges.
	run(30*time.Second, step{"the sign-in form", chromedp.Navigate(app.base + "/review/login")})
	signIn(testAdminToken, "#nav-challenges")
	run(30*time.Second,
		step{"open the challenges", chromedp.Click(chromedp.CSS("#nav-challenges"))},
		step{"the upload form", chromedp.WaitVisible(chromedp.CSS("#upload-form"))},
	)

	upload(app, junk)
	if msg := text("#upload-error"); !strings.Contains(msg, "neither a tar.gz nor a zip") || !strings.Contains(msg, "Nothing was published") {
		t.Errorf("a file that is not an archive: %q", msg)
	}
	screenshot(t, ctx, dir, "1-upload-refused")

	upload(app, v1)
	published := text("#upload-published")
	report := text("#check-report")
	if !strings.Contains(published, "Published adder") || !strings.Contains(report, "reference") || !strings.Contains(report, "bad/minus") {
		t.Fatalf("v1: %q, report:\n%s\nerror: %q", published, report, text("#upload-error"))
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#check-report tbody tr").length`))
	if want := 3 + len(challenges.AdversarialSolutions()); err != nil || rows != want {
		t.Errorf("the report has %d rows (%v); want %d (reference, starter, one known-bad, the adversarial ones)", rows, err, want)
	}
	if rt := text("#check-runtime"); !strings.Contains(rt, "runtime") {
		t.Errorf("the report does not name its runtime: %q", rt)
	}
	if gvisor {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('table.check-report[data-runtime="runsc"] tbody tr').length`))
		// (a second runtime's check: no forgery, see challenges.StartCheckAgain)
		if want := 3; err != nil || n != want || strings.Contains(text("#upload-outcome"), "must fail") {
			t.Errorf("the report under gVisor has %d rows (%v); want %d (reference, starter, one known-bad), none with a problem:\n%s", n, err, want, text("#upload-outcome"))
		}
	} else {
		t.Log("runsc is not registered: the check ran under one runtime")
	}
	screenshot(t, ctx, dir, "2-published-v1")

	// The second version goes to a second server of the same deployment
	// (the same Redis, an API-only process checking with a sandbox of its
	// own) that checks under the engine's default runtime only: v1's
	// report above is the page's report under two runtimes, and checking
	// v2 under gVisor as well cost eight more gVisor runs for a report
	// nothing reads. The browser's sign-in (the cookie holds the token)
	// carries over: cookies do not depend on the port.
	second := app
	if gvisor {
		second = runApp(t, "api", modeAPI, map[string]string{
			"REDIS_URL": app.redis, "ASSAY_IMAGE": app.cfg.Image, "ASSAY_ADDR": "127.0.0.1:0",
			"ASSAY_ADMIN_TOKEN": testAdminToken, "ASSAY_WORKER_ID": app.cfg.WorkerID + "-second",
		})
	}
	upload(second, v2)
	if published := text("#upload-published"); !strings.Contains(published, "It replaces version") {
		t.Fatalf("v2: %q, error %q", published, text("#upload-error"))
	}
	run(30*time.Second,
		step{"open the versions", chromedp.Click(chromedp.CSS("#published-versions"))},
		step{"the versions", chromedp.WaitVisible(chromedp.CSS("#compare-form"))},
	)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#versions tbody tr").length`)); err != nil || n != 2 {
		t.Errorf("versions listed: %d (%v); want 2", n, err)
	}
	screenshot(t, ctx, dir, "3-versions")
	run(30*time.Second,
		step{"compare the two (the form offers the newest two)", chromedp.Click(chromedp.CSS("#compare-submit"))},
		step{"the difference", chromedp.WaitVisible(chromedp.CSS("#version-diff"))},
	)
	diff := text(`#version-diff [data-file="tests/hidden/test_add.py"]`)
	if !strings.Contains(diff, "- def test_floats():") || !strings.Contains(diff, "+ def test_three():") || !strings.Contains(text(`#version-diff [data-file="prompt.md"]`), "+ Write add(*numbers).") {
		t.Errorf("the difference between v1 and v2:\n%s", text("#version-diff"))
	}
	screenshot(t, ctx, dir, "4-diff")

	// An interviewer, created from the page; its token is shown once.
	run(30*time.Second,
		step{"the interviewers", chromedp.Navigate(app.base + "/review/interviewers")},
		step{"the form", chromedp.WaitVisible(chromedp.CSS("#interviewer-form"))},
		step{"a name", chromedp.SendKeys(chromedp.CSS("#interviewer-name"), "Grace Hopper")},
		step{"create", chromedp.Click(chromedp.CSS("#interviewer-submit"))},
		step{"the token", chromedp.WaitVisible(chromedp.CSS("#created-token"))},
		step{"copy it", chromedp.Click(chromedp.CSS("#copy-token"))},
	)
	token := strings.TrimSpace(text("#created-token"))
	if len(token) < 32 {
		t.Fatalf("the token shown: %q", token)
	}
	state, err := chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById("copy-token").dataset.state || ""`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || (state != "copied" && state != "selected") {
		t.Errorf("the copy button did nothing: %q %v", state, err)
	}
	screenshot(t, ctx, dir, "5-interviewer-created")

	// The interviewer signs in with it, and sees no admin link.
	signOut()
	signIn(token, ".who")
	if who := text(".who"); !strings.Contains(who, "Grace Hopper") || !strings.Contains(who, "interviewer") {
		t.Fatalf("signed in as %q", who)
	}
	if links := text("nav"); strings.Contains(links, "Challenges") || strings.Contains(links, "Interviewers") {
		t.Errorf("the interviewer's index links the admin's pages: %q", links)
	}
	run(30*time.Second,
		step{"the admin's page", chromedp.Navigate(app.base + "/review/interviewers")},
		step{"the refusal", chromedp.WaitVisible(chromedp.CSS("main"))},
	)
	if body := text("main"); !strings.Contains(body, "needs the admin role") {
		t.Errorf("the interviewer on the interviewers page: %q", body)
	}
	screenshot(t, ctx, dir, "6-interviewer-signed-in")

	// The admin revokes it; the token no longer signs in.
	run(30*time.Second, step{"back to the index", chromedp.Navigate(app.base + "/review")}) // still signed in as Grace
	signOut()
	signIn(testAdminToken, "#nav-interviewers")
	run(30*time.Second,
		step{"the interviewers", chromedp.Click(chromedp.CSS("#nav-interviewers"))},
		step{"the list", chromedp.WaitVisible(chromedp.CSS("#interviewers"))},
		step{"revoke", chromedp.Click(chromedp.CSS("#interviewers .revoke-form button"))},
		step{"the notice", chromedp.WaitVisible(chromedp.CSS("#revoked-notice"))},
	)
	if notice, row := text("#revoked-notice"), text("#interviewers tbody tr"); !strings.Contains(notice, "Grace Hopper") || !strings.Contains(row, "revoked") {
		t.Errorf("after revoking: notice %q, row %q", notice, row)
	}
	screenshot(t, ctx, dir, "7-interviewer-revoked")
	signOut()
	run(30*time.Second,
		step{"the revoked token", chromedp.SendKeys(chromedp.CSS("#token"), token)},
		step{"send it", chromedp.Click(chromedp.CSS("#login-submit"))},
		step{"the refusal", chromedp.WaitVisible(chromedp.CSS(".alert-error"))},
	)
	if msg := text(".alert-error"); !strings.Contains(msg, "unknown or was revoked") {
		t.Errorf("signing in with the revoked token: %q", msg)
	}
	screenshot(t, ctx, dir, "8-revoked-token-refused")
}
