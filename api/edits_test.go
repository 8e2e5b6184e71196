package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"assay/api"
	"assay/review"
)

// TestRecordingAndReplay: a page session's batches are stored once each
// (retries add only what is new), bad events are a clear 400 and nothing
// is kept, submissions are marked, and the replay is checked against what
// each submission sent: it matches when the recording covers the edits,
// and says so when the candidate sent something else.
func TestRecordingAndReplay(t *testing.T) {
	s := newRealServer(t, api.RateLimit{})
	f := s.fixture(t, `{"candidate":"NAME","challenges":["add"]}`)
	path := "/api/v1/invitations/" + f.a.ID + "/drafts/add/events"
	batch := func(session string, seq int, events ...review.Event) string {
		b, _ := json.Marshal(api.EditBatch{Session: session, Seq: seq, Events: events})
		return string(b)
	}
	// The fixture's submission (x = 1) was sent without the page: its
	// marker is the recording's first event, and it does not match.
	var v api.ReplayView
	s.must(t, 200, f.interviewer.Token, "GET", path, "", &v)
	if v.Start["solution.py"] == "" || len(v.Events) != 1 || len(v.Checks) != 1 || v.Checks[0].Matches {
		t.Fatalf("before any recording: %+v", v)
	}
	starter := v.Start["solution.py"]

	open := review.Event{T: 1000, K: review.EventOpen, F: "solution.py", Text: starter}
	end := len([]rune(starter)) // the starters here are ASCII
	edit := review.Event{T: 2000, K: review.EventEdit, F: "solution.py", At: end, Ins: "# 🙂 mine\n"}
	paste := review.Event{T: 3000, K: review.EventEdit, F: "solution.py", At: end, Ins: "x = '</script><script>alert(1)</script>'\n", Paste: true}
	var got api.EditsStored
	s.must(t, 200, f.a.Token, "POST", path, batch("session-1", 0, open, edit), &got)
	if got.Stored != 2 {
		t.Fatalf("stored %d", got.Stored)
	}
	// a retry with one more event stores only the new one
	s.must(t, 200, f.a.Token, "POST", path, batch("session-1", 0, open, edit, review.Event{T: 2500, K: review.EventBlur}), &got)
	s.must(t, 200, f.a.Token, "POST", path, batch("session-1", 3, review.Event{T: 2900, K: review.EventFocus}, paste), &got)
	if got.Stored != 5 {
		t.Fatalf("stored %d; want 5", got.Stored)
	}
	rec := s.call(t, f.a.Token, "POST", path, batch("session-1", 9, paste), nil)
	if rec.Code != 409 || !strings.Contains(rec.Body.String(), `"stored":5`) {
		t.Errorf("a gap: %d %s", rec.Code, rec.Body)
	}
	// What the recording reached, submitted from the page; then something
	// else, as a script would send it.
	text := starter + "x = '</script><script>alert(1)</script>'\n# 🙂 mine\n"
	body, _ := json.Marshal(map[string]any{"challenge": "add", "files": map[string]string{"solution.py": text}})
	var acc api.SubmissionAccepted
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", string(body), &acc)
	s.must(t, 202, f.a.Token, "POST", "/api/v1/submissions", `{"challenge":"add","files":{"solution.py":"typed elsewhere\n"}}`, nil)

	for _, bad := range []string{
		batch("short", 0, review.Event{T: 1, K: review.EventFocus}),
		batch("session-1", -1, review.Event{T: 1, K: review.EventFocus}),
		batch("session-1", 5),
		batch("session-1", 5, review.Event{T: 1, K: review.EventSubmit, ID: "forged"}),
		batch("session-1", 5, review.Event{T: 1, K: "keystroke"}),
		batch("session-1", 5, review.Event{T: 0, K: review.EventFocus}),
		batch("session-1", 5, review.Event{T: 1, K: review.EventEdit, F: "other.py"}),
		batch("session-1", 5, review.Event{T: 1, K: review.EventEdit, F: "solution.py", At: -3}),
		batch("session-1", 5, review.Event{T: 1, K: review.EventBlur, Ins: "smuggled"}),
		`{"session":"session-1","seq":5,"events":[{"t":1,"k":"focus","extra":1}]}`,
	} {
		if rec := s.call(t, f.a.Token, "POST", path, bad, nil); rec.Code != 400 {
			t.Errorf("%.80s: %d %s", bad, rec.Code, rec.Body)
		}
	}
	many := make([]review.Event, 5001)
	for i := range many {
		many[i] = review.Event{T: 1, K: review.EventFocus}
	}
	if rec := s.call(t, f.a.Token, "POST", path, batch("session-1", 5, many...), nil); rec.Code != 400 && rec.Code != 413 {
		t.Errorf("5001 events: %d", rec.Code)
	}
	if rec := s.call(t, f.b.Token, "POST", path, batch("session-b", 0, review.Event{T: 1, K: review.EventFocus}), nil); rec.Code != 403 {
		t.Errorf("B records into A's: %d", rec.Code)
	}
	if rec := s.call(t, f.a.Token, "POST", "/api/v1/invitations/"+f.a.ID+"/drafts/mul/events", batch("session-1", 0, review.Event{T: 1, K: review.EventFocus}), nil); rec.Code != 404 {
		t.Errorf("a challenge outside the invitation: %d", rec.Code)
	}

	v = api.ReplayView{}
	s.must(t, 200, f.interviewer.Token, "GET", path, "", &v)
	if len(v.Events) != 8 || v.Pastes != 1 || v.PastedChars != 41 || v.AwayMS != 400 || v.Error != "" {
		t.Fatalf("replay: %d events, %d pastes (%d chars), away %d ms, error %q", len(v.Events), v.Pastes, v.PastedChars, v.AwayMS, v.Error)
	}
	if len(v.Checks) != 3 || v.Checks[1].ID != acc.ID || !v.Checks[1].Matches || v.Checks[0].Matches || v.Checks[2].Matches {
		t.Errorf("checks: %+v", v.Checks)
	}
	page := s.page(t, f.interviewer.Token, "/review/invitations/"+f.a.ID+"/replay/add")
	for _, want := range []string{"check-ok", "check-differs", `id="replay-data"`, `<span id="paste-count">1</span> paste `} {
		if !strings.Contains(page, want) {
			t.Errorf("replay page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Errorf("the embedded recording broke out of its script element")
	}
	if rec := s.pageCall(t, f.interviewer.Token, "/review/invitations/"+f.a.ID+"/replay/mul"); rec.Code != 404 {
		t.Errorf("replay of a challenge outside the invitation: %d", rec.Code)
	}
}
