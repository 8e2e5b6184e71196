package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"assay/internal/testenv"
)

// TestBrowserTimedSessionByKeyboard is the candidate's whole timed session
// by keyboard only: Start, edit in the editor (Tab indents; Escape, then
// Tab, leaves it), Run (visible results, no attempt spent), reload (the
// draft is restored from the server), Submit, edit again, and the time
// running out: the last draft is submitted for them, and a Submit after is
// a 403 that says the time is over.
func TestBrowserTimedSessionByKeyboard(t *testing.T) {
	testenv.Parallel(t)
	ctx, cancel := browser(t)
	defer cancel()
	app := startApp(t, "", map[string]string{"ASSAY_SESSION_SWEEP": "1s"})
	dir := artifacts(t)

	var iv struct{ ID, Token string }
	app.api(t, testAdminToken, "POST", "/api/v1/interviewers", map[string]any{"name": "Grace Hopper"}, 201, &iv)
	var asm struct{ ID string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments", map[string]any{"name": "Timed", "challenges": []string{"decorators"}, "attempt_limit": 3, "duration": "75s"}, 201, &asm)
	var inv struct{ ID, Token, Link string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", map[string]any{"candidate": "Ada Lovelace"}, 201, &inv)

	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	active := func() string {
		return eval(`(e => e.id || (e.closest(".CodeMirror") ? "codemirror:" + e.closest(".tab-panel, .scratch-box").id : e.tagName))(document.activeElement)`)
	}
	keys := func(k ...string) {
		t.Helper()
		for _, one := range k {
			if err := chromedp.Do(ctx, chromedp.KeyEvent(one)); err != nil {
				t.Fatalf("key %q: %v", one, err)
			}
		}
	}
	// tabTo presses Tab until the focus is on want (by keyboard: no
	// clicks); in an editor, where Tab indents, Escape first.
	tabTo := func(want string) {
		t.Helper()
		for range 60 {
			a := active()
			if a == want {
				return
			}
			if strings.HasPrefix(a, "codemirror:") {
				keys(kb.Escape)
			}
			keys(kb.Tab)
		}
		t.Fatalf("Tab never reached %s (focus on %s)", want, active())
	}
	editorText := func() string {
		return eval(`document.querySelector('textarea.editor[data-file="solution.py"]').value`)
	}
	waitFor := func(js string, d time.Duration) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Poll[string](js, chromedp.WithPollingTimeout(d)))
		if err != nil {
			t.Fatalf("wait for %s: %v", js, err)
		}
		return v
	}

	// Before Start: no prompt, no editor; Start by keyboard.
	if err := chromedp.Do(ctx, chromedp.Navigate(app.base+inv.Link), chromedp.WaitVisible(chromedp.CSS("#start"))); err != nil {
		t.Fatal(err)
	}
	if eval(`String(!!document.querySelector(".prompt"))`) != "false" {
		t.Error("the prompt shows before Start")
	}
	screenshot(t, ctx, dir, "1-before-start")
	tabTo("start")
	keys(kb.Enter)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(".tab-panel .CodeMirror"))); err != nil {
		t.Fatal(err)
	}
	if clock := waitFor(`(c => c && c.textContent.startsWith("Time left") ? c.textContent : "")(document.getElementById("clock"))`, 10*time.Second); clock == "" {
		t.Fatal("no clock")
	}

	// Into the editor, to its end; Tab indents; Escape, then Tab, leaves.
	tabTo("codemirror:panel-file-solution.py")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.End, chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	keys(kb.Enter, kb.Tab)
	keys("# typed by keyboard")
	if text := editorText(); !strings.Contains(text, "    # typed by keyboard") {
		t.Fatalf("typed text not in the editor, indented by Tab:\n%s", text[max(0, len(text)-200):])
	}
	keys(kb.Escape, kb.Tab)
	if a := active(); strings.HasPrefix(a, "codemirror:panel-file") {
		t.Fatalf("Escape, then Tab, did not leave the editor (focus on %s)", a)
	}

	// Run: visible results, no attempt spent.
	tabTo("run")
	keys(kb.Enter)
	verdict := waitFor(`document.getElementById("verdict").textContent`, 2*time.Minute)
	if !strings.HasPrefix(verdict, "Run: ") || !strings.Contains(eval(`document.getElementById("hidden-count").textContent`), "does not run the hidden tests") {
		t.Errorf("Run: verdict %q", verdict)
	}
	if left := eval(`document.getElementById("attempts-left").textContent`); left != "3" {
		t.Errorf("attempts left after a Run: %s; want 3", left)
	}
	screenshot(t, ctx, dir, "2-run")

	// The plain textarea, for screen readers: one checkbox, by keyboard;
	// the text is the same, and it can be turned back.
	tabTo("plain-editor")
	keys(" ")
	if eval(`String(!document.querySelector(".tab-panel .CodeMirror") && document.getElementById("file-solution.py").offsetParent !== null)`) != "true" ||
		!strings.Contains(editorText(), "# typed by keyboard") {
		t.Error("the plain editor did not replace CodeMirror")
	}
	keys(" ")
	if eval(`String(!!document.querySelector(".tab-panel .CodeMirror"))`) != "true" {
		t.Error("CodeMirror did not come back")
	}

	// Reload: the draft comes back from the server.
	if err := chromedp.Do(ctx, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".tab-panel .CodeMirror"))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(editorText(), "# typed by keyboard") {
		t.Fatal("the draft was not restored after a reload")
	}

	// Submit: an attempt.
	tabTo("submit")
	keys(kb.Enter)
	verdict = waitFor(`(v => v.startsWith("Run") ? "" : v)(document.getElementById("verdict").textContent)`, 2*time.Minute)
	if left := eval(`document.getElementById("attempts-left").textContent`); left != "2" || verdict == "" {
		t.Errorf("after Submit: verdict %q, attempts left %s; want 2", verdict, left)
	}

	// Edit again (saved two seconds later), then let the time run out.
	// The page reloads itself 8 s after the end, so the edit needs the
	// time left to be saved (75 s leave room for a Run and a Submit on a
	// loaded machine; 40 s did not).
	if left, _ := strconv.Atoi(eval(`document.getElementById("clock").dataset.left || "0"`)); left < 15 {
		t.Fatalf("only %ds of the session left before its last edit: the Run and the Submit took the rest", left)
	}
	tabTo("codemirror:panel-file-solution.py")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.End, chromedp.KeyModifiers(chromedp.ModifierCtrl))); err != nil {
		t.Fatal(err)
	}
	keys(kb.Enter)
	keys("# the last draft")
	waitFor(`(s => s.startsWith("Draft saved") ? s : "")(document.getElementById("draft-status").textContent)`, 20*time.Second)
	waitFor(`(c => c.textContent === "Time is over" ? "over" : "")(document.getElementById("clock"))`, 2*time.Minute)
	screenshot(t, ctx, dir, "3-time-over")

	// The server submitted the last draft, once; a Submit now is a 403.
	var rep struct {
		Submissions []struct{ ID string } `json:"submissions"`
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		app.api(t, iv.Token, "GET", "/api/v1/invitations/"+inv.ID, nil, 200, &rep)
		if len(rep.Submissions) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond) // polling the server's record, not hiding a race
	}
	if len(rep.Submissions) != 2 {
		t.Fatalf("%d submissions after the time ran out; want the Submit and the last draft", len(rep.Submissions))
	}
	var st struct {
		Submission struct {
			Auto  bool              `json:"auto"`
			Files map[string]string `json:"files"`
		} `json:"submission"`
	}
	app.api(t, iv.Token, "GET", "/api/v1/submissions/"+rep.Submissions[1].ID, nil, 200, &st)
	if !st.Submission.Auto || !strings.Contains(st.Submission.Files["solution.py"], "# the last draft") {
		t.Errorf("the automatic submission: auto %v", st.Submission.Auto)
	}
	var refused json.RawMessage
	app.api(t, inv.Token, "POST", "/api/v1/submissions", map[string]any{"challenge": "decorators", "files": map[string]string{"solution.py": "x = 1\n"}}, 403, &refused)
	if !strings.Contains(string(refused), "time is over") {
		t.Errorf("a Submit after the time: %s", refused)
	}
}
