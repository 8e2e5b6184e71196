package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assay/internal/testenv"
	"assay/mailer/mailertest"
)

// TestBrowserInterviewerWorkspace drives an interviewer's day in chromium
// against a whole server (real Redis and Docker): create an assessment
// from the review index (after previewing a challenge), invite a pasted
// list and copy a link, give extra time, revoke a link, decide about a
// candidate, compare two candidates, read the cohort of a challenge, and
// note a line of a submission.
func TestBrowserInterviewerWorkspace(t *testing.T) {
	testenv.Parallel(t)
	ctx, cancel := browser(t)
	defer cancel()
	sink := mailertest.Start(t, mailertest.Options{})
	app := startApp(t, "", map[string]string{"ASSAY_SMTP_ADDR": sink.Addr, "ASSAY_SMTP_FROM": "Hiring <hiring@example.com>", "ASSAY_SMTP_TLS": "none"})
	dir := artifacts(t)
	ch := mustChallenge(t, "decorators")

	var iv struct{ ID, Token string }
	app.api(t, testAdminToken, "POST", "/api/v1/interviewers", map[string]any{"name": "Grace Hopper"}, 201, &iv)

	text := func(sel string) string { t.Helper(); return innerText(t, ctx, sel) }
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			screenshot(t, ctx, dir, "failed-step")
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("%s (at %s): %v\n%.2000s", name, loc, err, text("main"))
		}
	}
	eval := func(js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js+`, true`)); err != nil {
			t.Fatalf("%s: %v", js, err)
		}
	}

	do("sign in",
		chromedp.Navigate(app.base+"/review"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), iv.Token),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#new-assessment")))

	// The preview shows what candidates see, hidden tests as a count.
	do("preview", chromedp.Navigate(app.base+"/review/challenges/decorators"), chromedp.WaitVisible(chromedp.CSS("#prompt")))
	if h := text("#hidden-count"); h == "" || h == "0" || strings.Contains(text("main"), "tests.hidden") {
		t.Errorf("preview: hidden count %q", h)
	}
	screenshot(t, ctx, dir, "1-preview")

	do("the new assessment form",
		chromedp.Navigate(app.base+"/review"),
		chromedp.WaitVisible(chromedp.CSS("#new-assessment")),
		chromedp.SendKeys(chromedp.CSS("#assessment-name"), "Backend engineer, June"),
		chromedp.Click(chromedp.CSS(`input[name="challenges"][value="decorators"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="attempt_limit"]`), "4"),
		chromedp.SendKeys(chromedp.CSS(`input[name="duration_minutes"]`), "30"))
	screenshot(t, ctx, dir, "2-new-assessment")
	do("create it", chromedp.Click(chromedp.CSS("#create-assessment")), chromedp.WaitVisible(chromedp.CSS("#notice")))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	asm := regexp.MustCompile(`/review/assessments/([0-9a-f-]{36})`).FindStringSubmatch(loc)
	if asm == nil {
		t.Fatalf("after creating: at %s", loc)
	}

	do("invite three",
		chromedp.SendKeys(chromedp.CSS("#invite-list"), "Ada Lovelace <ada@example.com>\nBob Kahn, bob@example.com\nCy Young"),
		chromedp.Click(chromedp.CSS("#invite-button")),
		chromedp.WaitVisible(chromedp.CSS("#links")))
	screenshot(t, ctx, dir, "3-links")
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#links input.link")).map(i => i.value)`))
	if err != nil || len(links) != 3 {
		t.Fatalf("links: %v %v", links, err)
	}
	do("copy Ada's link", chromedp.Click(chromedp.CSS(`button[data-copy="link-0"]`)))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('button[data-copy="link-0"]').textContent === "Copied"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the copy button says %q", text(`button[data-copy="link-0"]`))
	}
	// Ada and Bob have addresses: their links went by email too.
	if sent := text("#links"); strings.Count(sent, "sent") != 2 || !strings.Contains(sent, "no address") {
		t.Errorf("emailed column: %q", sent)
	}
	if msgs := sink.Messages(); len(msgs) != 2 || !strings.Contains(msgs[0].Raw, "ada@example.com") {
		t.Errorf("the SMTP sink received %d messages", len(msgs))
	} else if qp := strings.ReplaceAll(msgs[0].Body, "=\r\n", ""); !strings.Contains(qp, strings.TrimPrefix(links[0], app.base)) {
		t.Errorf("Ada's email does not hold her link %s:\n%s", links[0], msgs[0].Body)
	}
	tokens := make([]string, 3)
	for i, l := range links {
		if !strings.HasPrefix(l, app.base+"/i/") {
			t.Fatalf("link %q is not absolute on this server", l)
		}
		tokens[i] = strings.TrimPrefix(l, app.base+"/i/")
	}

	// Ada and Bob start and submit (through the API: the candidate's page
	// has its own test); Ada the reference, Bob a broken solution.
	subs := make([]string, 2)
	for i, src := range []string{string(ch.Reference["solution.py"]), string(ch.Bad["no_wraps"]["solution.py"])} {
		var me struct{ ID string }
		app.api(t, tokens[i], "GET", "/api/v1/me", nil, 200, &me)
		app.api(t, tokens[i], "POST", "/api/v1/invitations/"+me.ID+"/start", nil, 200, nil)
		var acc struct{ ID string }
		app.api(t, tokens[i], "POST", "/api/v1/submissions", map[string]any{"challenge": "decorators", "files": map[string]string{"solution.py": src}}, 202, &acc)
		subs[i] = acc.ID
	}
	for _, id := range subs {
		var st struct{ Status string }
		app.api(t, testAdminToken, "GET", "/api/v1/submissions/"+id+"?wait=60s", nil, 200, &st)
		if st.Status != "done" {
			t.Fatalf("submission %s: %s", id, st.Status)
		}
	}

	page := app.base + "/review/assessments/" + asm[1]
	row := func(name string) string { return `//tr[td/strong[text()="` + name + `"]]` }
	do("give Ada extra time",
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#candidates")),
		chromedp.Click(row("Ada Lovelace")+`//details[@class="time-form"]/summary`),
		chromedp.SendKeys(row("Ada Lovelace")+`//input[@name="extra_minutes"]`, "15"),
		chromedp.Click(row("Ada Lovelace")+`//details[@class="time-form"]//button`),
		chromedp.WaitVisible(chromedp.CSS("#notice")))
	if n := text("#notice"); !strings.Contains(n, "45m") {
		t.Errorf("extra time: %q", n)
	}
	do("revoke Cy's link",
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#candidates")),
		chromedp.Click(row("Cy Young")+`//details[@class="revoke-form"]/summary`),
		chromedp.Click(row("Cy Young")+`//details[@class="revoke-form"]//button`),
		chromedp.WaitVisible(chromedp.CSS("#notice")), pageLoaded())
	if !strings.Contains(text("#notice"), "revoked") || !strings.Contains(text("#candidates"), "revoked") {
		t.Errorf("revoke: %q", text("#notice"))
	}
	do("decide to advance Ada",
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#candidates")),
		chromedp.Click(row("Ada Lovelace")+`//details[@class="decision-form"]/summary`),
		chromedp.SetValue(row("Ada Lovelace")+`//select[@name="decision"]`, "advance"),
		chromedp.SendKeys(row("Ada Lovelace")+`//input[@name="reason"]`, "clean retry logic"),
		chromedp.Click(row("Ada Lovelace")+`//details[@class="decision-form"]//button`),
		// (the notice is at the page's top: visible while the rows below
		// are still being parsed, which CI once read as no decision)
		chromedp.WaitVisible(chromedp.CSS("#notice")), pageLoaded())
	if d := text(".decision-advance"); d != "advance" || !strings.Contains(text("#candidates"), "clean retry logic") {
		t.Errorf("decision: %q", d)
	}
	screenshot(t, ctx, dir, "4-assessment")

	// Cy's revoked link no longer opens.
	do("Cy's link", chromedp.Navigate(links[2]), chromedp.WaitVisible(chromedp.CSS("main")))
	if m := text("main"); !strings.Contains(m, "not valid") {
		t.Errorf("the revoked link's page: %.200q", m)
	}

	do("compare Ada and Bob",
		chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#compare-link")),
		chromedp.Click(chromedp.CSS("#compare-link")),
		chromedp.WaitVisible(chromedp.CSS("#compare-form")))
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#pick-a option")).map(o => o.value + "=" + o.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	idOf := map[string]string{}
	for _, s := range ids {
		id, name, _ := strings.Cut(s, "=")
		idOf[name] = id
	}
	do("choose", chromedp.SetValue(chromedp.CSS("#pick-a"), idOf["Ada Lovelace"]), chromedp.SetValue(chromedp.CSS("#pick-b"), idOf["Bob Kahn"]),
		chromedp.Click(chromedp.CSS("#compare-button")), chromedp.WaitVisible(chromedp.CSS("#compare-tests")), pageLoaded())
	// (the table's head is styled upper case, and innerText says so)
	head, table := strings.ToLower(text("#compare-tests thead")), text("#compare-tests tbody")
	if !strings.Contains(head, "passed") || !strings.Contains(head, "failed") || !strings.Contains(table, "test_keeps_name_doc_and_wrapped") {
		t.Errorf("comparison: %q\n%.500q", head, table)
	}
	screenshot(t, ctx, dir, "5-compare")

	do("the cohort", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("a.cohort-link")),
		chromedp.Click(chromedp.CSS("a.cohort-link")), chromedp.WaitVisible(chromedp.CSS("#pass-rates")), pageLoaded())
	if n := text("#cohort-n"); n != "2" {
		t.Errorf("cohort of %q; want 2", n)
	}
	if first := text("#pass-rates tbody tr"); !strings.Contains(first, "50%") {
		t.Errorf("the hardest test first, passed by one of two: %q", first)
	}
	if r := text("#ranking"); !strings.Contains(r, "Ada Lovelace") || !strings.Contains(r, "75") {
		t.Errorf("ranking: %q", r)
	}
	screenshot(t, ctx, dir, "6-cohort")

	// A note on line 3 of Bob's solution: a click on the line number fills
	// the form.
	do("Bob's submission", chromedp.Navigate(app.base+"/review/submissions/"+subs[1]), chromedp.WaitVisible(chromedp.CSS("#note-form")),
		chromedp.Click(chromedp.CSS(`.source a[href="#f0-L3"]`)))
	line, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS("#note-line")))
	if err != nil || line != "3" {
		t.Fatalf("the line number click: line %q (%v)", line, err)
	}
	eval(`document.getElementById("note-text").value = "the wrapper loses the name"`)
	do("add the note", chromedp.Click(chromedp.CSS("#add-note")), chromedp.WaitVisible(chromedp.CSS("li.note")))
	if n := text("li.note"); !strings.Contains(n, "solution.py:3") || !strings.Contains(n, "the wrapper loses the name") || !strings.Contains(n, "Grace Hopper") {
		t.Errorf("note: %q", n)
	}
	screenshot(t, ctx, dir, "7-note")
	// The candidate's own view of the submission has no trace of it.
	var cand json.RawMessage
	app.api(t, tokens[1], "GET", "/api/v1/submissions/"+subs[1], nil, 200, &cand)
	if strings.Contains(string(cand), "wrapper loses") {
		t.Errorf("the candidate sees the note")
	}
}

// TestBrowserReplay: what a candidate types and pastes in the page's
// editor, and leaving the page, are recorded; staff replay it, and the
// replay ends exactly at the submitted source (the page checks every
// submission against it, and so does this test, through the replay's own
// player).
func TestBrowserReplay(t *testing.T) {
	testenv.Parallel(t)
	ctx, cancel := browser(t)
	defer cancel()
	app := startApp(t, "", nil)
	dir := artifacts(t)

	var iv struct{ ID, Token string }
	app.api(t, testAdminToken, "POST", "/api/v1/interviewers", map[string]any{"name": "Grace Hopper"}, 201, &iv)
	var asm struct{ ID string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments", map[string]any{"name": "Replay", "challenges": []string{"decorators"}}, 201, &asm)
	var inv struct{ ID, Token, Link string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", map[string]any{"candidate": "Ada Lovelace"}, 201, &inv)

	run := func(name, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js+`, true`)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(app.base+inv.Link), chromedp.WaitVisible(chromedp.CSS(".tab-panel .CodeMirror"))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mustText(t, ctx, "#recorded"), "recorded") {
		t.Errorf("the page does not say what is recorded")
	}
	// Typing (real key events into CodeMirror), a paste (a paste event
	// with clipboard data, as the browser sends one), leaving the page and
	// coming back, more typing with a character outside the BMP.
	run("go to the end", `document.querySelector(".tab-panel .CodeMirror").CodeMirror.execCommand("goDocEnd")`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".tab-panel .CodeMirror textarea"), "\n# typed here\n")); err != nil {
		t.Fatal(err)
	}
	run("paste", `(() => { const dt = new DataTransfer(); dt.setData("text/plain", "PASTED = [1, 2, 3]\n");
		document.querySelector(".tab-panel .CodeMirror textarea").dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true})) })()`)
	run("leave", `window.dispatchEvent(new Event("blur"))`)
	run("come back", `window.dispatchEvent(new Event("focus"))`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(".tab-panel .CodeMirror textarea"), "# done 🙂\n")); err != nil {
		t.Fatal(err)
	}
	source, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`textarea.editor[data-file="solution.py"]`)))
	if err != nil || !strings.Contains(source, "PASTED = [1, 2, 3]") || !strings.Contains(source, "# typed here") {
		t.Fatalf("the editor holds %q (%v)", source, err)
	}
	run("submit", `document.getElementById("submit").click()`)
	if _, err := chromedp.Run(ctx, chromedp.Poll[string](`document.getElementById("verdict").textContent`, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		t.Fatalf("wait for the verdict: %v", err)
	}
	var rep struct {
		Submissions []struct{ ID string } `json:"submissions"`
	}
	app.api(t, iv.Token, "GET", "/api/v1/invitations/"+inv.ID, nil, 200, &rep)
	if len(rep.Submissions) != 1 {
		t.Fatalf("%d submissions", len(rep.Submissions))
	}
	var sub struct {
		Submission struct{ Files map[string]string } `json:"submission"`
	}
	app.api(t, iv.Token, "GET", "/api/v1/submissions/"+rep.Submissions[0].ID, nil, 200, &sub)
	sent := sub.Submission.Files["solution.py"]
	if sent != source {
		t.Fatalf("submitted %q; the editor held %q", sent, source)
	}

	// Staff: the replay page.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(app.base+"/review/login"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), iv.Token),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#assessments")),
		chromedp.Navigate(app.base+"/review/assessments/"+asm.ID),
		chromedp.WaitVisible(chromedp.CSS("a.replay-link")),
		chromedp.Click(chromedp.CSS("a.replay-link")),
		chromedp.WaitVisible(chromedp.CSS("#player")),
		// replay.js, at the end of the page, has drawn the timeline and
		// the start (render sets data-at): the player can be visible
		// while the script is still on its way, on a loaded machine.
		chromedp.WaitReady(chromedp.CSS("#replay-text[data-at]"))); err != nil {
		t.Fatal(err)
	}
	if ok := mustText(t, ctx, "#replay-checks"); !strings.Contains(ok, "reaches exactly what was sent") {
		t.Errorf("checks: %q", ok)
	}
	if n := mustText(t, ctx, "#paste-count"); n != "1" {
		t.Errorf("pastes: %q", n)
	}
	marks, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("#timeline .mark")).map(m => m.className)`))
	if err != nil || !contains(marks, "mark mark-paste") || !contains(marks, "mark mark-away") || !contains(marks, "mark mark-submit") {
		t.Errorf("timeline marks: %v %v", marks, err)
	}
	run("play at 64x", `document.getElementById("speed").value = "64", document.getElementById("play").click()`)
	// The player reaches the end on its own (pauses are at most 2 s, over 64).
	final, err := chromedp.Run(ctx, chromedp.Poll[string](`(() => { const p = document.getElementById("replay-text");
		return p.dataset.at === document.getElementById("scrub").max ? p.textContent : ""; })()`, chromedp.WithPollingTimeout(2*time.Minute)))
	if err != nil || final != sent {
		t.Errorf("the replay ends at %q (%v); the submission is %q", final, err, sent)
	}
	screenshot(t, ctx, dir, "replay")
	// Back to the start is the starter code.
	run("to the start", `document.getElementById("to-start").click()`)
	if start := mustText(t, ctx, "#replay-text"); !strings.Contains(start, "def retry") || strings.Contains(start, "PASTED") {
		t.Errorf("the replay's start: %.200q", start)
	}
}

func mustText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	js, _ := json.Marshal(sel)
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e ? e.textContent : "")(document.querySelector(`+string(js)+`))`))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
