package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"assay/internal/testenv"
)

// TestBrowserSimilarityPair: four candidates submit to the decorators
// challenge through the API (one copies another with the names changed
// and the functions reordered, one submits the reference renamed, one an
// independent solution); once their results are recorded the indexer
// beside the worker compares them, and an interviewer's similarity page
// lists the one pair and flags the reference's copy; the pair page shows
// the two sources with the shared stretches highlighted.
func TestBrowserSimilarityPair(t *testing.T) {
	testenv.Parallel(t)
	ctx, cancel := browser(t)
	defer cancel()
	app := startApp(t, "", nil)
	dir := artifacts(t)

	var iv struct{ ID, Token string }
	app.api(t, testAdminToken, "POST", "/api/v1/interviewers", map[string]any{"name": "Grace Hopper"}, http.StatusCreated, &iv)
	var asm struct{ ID string }
	app.api(t, iv.Token, "POST", "/api/v1/assessments", map[string]any{"name": "Backend, June", "challenges": []string{"decorators"}}, http.StatusCreated, &asm)
	subs := map[string]string{}
	var aliceToken string
	for _, who := range []string{"alice", "mallory", "bob", "trent"} {
		var inv struct{ ID, Token string }
		app.api(t, iv.Token, "POST", "/api/v1/assessments/"+asm.ID+"/invitations", map[string]any{"candidate": strings.ToUpper(who[:1]) + who[1:]}, http.StatusCreated, &inv)
		src, err := os.ReadFile("../../similarity/testdata/decorators/" + who + ".py")
		if err != nil {
			t.Fatal(err)
		}
		subs[who] = app.submitAs(t, inv.Token, "decorators", map[string]string{"solution.py": string(src)})
		if who == "alice" {
			aliceToken = inv.Token
		}
	}
	for who, id := range subs {
		var st struct{ Status string }
		app.api(t, testAdminToken, "GET", "/api/v1/submissions/"+id+"?wait=60s", nil, http.StatusOK, &st)
		if st.Status != "done" {
			t.Fatalf("%s's submission: %s", who, st.Status)
		}
	}
	// The indexer works off the request path: wait until it has indexed
	// all four (the API answers at once; nothing to wait on but polling).
	deadline := time.Now().Add(30 * time.Second)
	for {
		var rep struct {
			Pending int
			Pairs   []json.RawMessage
		}
		app.api(t, iv.Token, "GET", "/api/v1/assessments/"+asm.ID+"/similarity", nil, http.StatusOK, &rep)
		if rep.Pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d submissions not indexed after 30s", rep.Pending)
		}
		time.Sleep(100 * time.Millisecond)
	}

	text := func(sel string) string {
		t.Helper()
		js, _ := json.Marshal(sel)
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e ? e.innerText : "")(document.querySelector(`+string(js)+`))`))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return v
	}
	do := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			screenshot(t, ctx, dir, "failed-step")
			t.Fatalf("%s: %v\n%.2000s", name, err, text("main"))
		}
	}
	do("sign in",
		chromedp.Navigate(app.base+"/review"),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), iv.Token),
		chromedp.Click(chromedp.CSS("#login-submit")),
		chromedp.WaitVisible(chromedp.CSS("#new-assessment")))

	do("the similarity page", chromedp.Navigate(app.base+"/review/assessments/"+asm.ID), chromedp.WaitVisible(chromedp.CSS("#similarity-link")),
		chromedp.Click(chromedp.CSS("#similarity-link")), chromedp.WaitVisible(chromedp.CSS("#similar-pairs")), pageLoaded())
	pairs := text("#similar-pairs tbody")
	if rows := strings.Count(strings.TrimSpace(pairs), "\n") + 1; rows != 1 || !strings.Contains(pairs, "Alice") || !strings.Contains(pairs, "Mallory") {
		t.Errorf("pairs (%d rows): %q, want Alice and Mallory only", rows, pairs)
	}
	if flagged := text("#reference-similarity tr.flagged"); !strings.Contains(flagged, "Trent") {
		t.Errorf("flagged to the reference: %q, want Trent", flagged)
	}
	screenshot(t, ctx, dir, "1-similarity")

	do("the pair page", chromedp.Click(chromedp.CSS("a.pair-link")), chromedp.WaitVisible(chromedp.CSS(".sim-source mark")), pageLoaded())
	// Each side: how much of its source is highlighted, and whether the
	// copied loop is.
	type side struct {
		Submission string
		Marked     string
		All        string
	}
	sides, err := chromedp.Run(ctx, chromedp.Evaluate[[]side](`Array.from(document.querySelectorAll(".side")).map(s => ({
		Submission: s.dataset.submission,
		Marked: Array.from(s.querySelectorAll("mark")).map(m => m.textContent).join("\n"),
		All: s.querySelector(".sim-source").textContent}))`))
	if err != nil || len(sides) != 2 {
		t.Fatalf("sides: %v %v", sides, err)
	}
	for _, sd := range sides {
		if frac := float64(len(sd.Marked)) / float64(len(sd.All)); frac < 0.4 {
			t.Errorf("%s: %.2f of the source highlighted, want most of it", sd.Submission, frac)
		}
		if sd.Submission == subs["mallory"] && !strings.Contains(sd.Marked, "tries += 1") {
			t.Errorf("mallory's copied loop is not highlighted:\n%s", sd.Marked)
		}
		if sd.Submission == subs["alice"] && !strings.Contains(sd.Marked, "n += 1") {
			t.Errorf("alice's loop is not highlighted:\n%s", sd.Marked)
		}
		// The starter's import lines are scaffolding: never a match.
		if strings.Contains(sd.Marked, "import functools") {
			t.Errorf("%s: scaffolding highlighted", sd.Submission)
		}
	}
	if got := map[string]bool{sides[0].Submission: true, sides[1].Submission: true}; !got[subs["alice"]] || !got[subs["mallory"]] {
		t.Errorf("the pair page shows %v", got)
	}
	screenshot(t, ctx, dir, "2-pair")

	// Candidates are told what is recorded.
	do("Alice's page", chromedp.Navigate(app.base+"/i/"+aliceToken), chromedp.WaitVisible(chromedp.CSS("#similarity-notice")))
	if n := text("#similarity-notice"); !strings.Contains(n, "compared with other candidates") || !strings.Contains(n, "only interviewers") {
		t.Errorf("the candidate's notice: %q", n)
	}
}
