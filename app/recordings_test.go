package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"assay/app"
	"assay/review"
	"assay/runner"
)

// tape is an in-memory app.RecordingStore: one recording per
// "invitation/challenge", a page session's events counted apart.
type tape struct {
	events   map[string][]review.Event
	sessions map[string]int
	limit    int // events a recording holds; 0: no limit
	err      error
}

func (r *tape) RecordEdits(_ context.Context, inv, slug, session string, seq int, events []review.Event) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	k := inv + "/" + slug
	have := r.sessions[k+"/"+session]
	if seq > have {
		return have, fmt.Errorf("session %s: %w", session, review.ErrRecordingGap)
	}
	events = events[have-seq:]
	if r.limit > 0 && len(r.events[k])+len(events) > r.limit {
		return have, review.ErrRecordingFull
	}
	r.events[k] = append(r.events[k], events...)
	r.sessions[k+"/"+session] = have + len(events)
	return have + len(events), nil
}

func (r *tape) Edits(_ context.Context, inv, slug string) ([]review.Event, bool, error) {
	return r.events[inv+"/"+slug], false, r.err
}

func newRecordings(w *workspace, lim app.Limiter) (*app.Recordings, *tape, *store) {
	tp := &tape{events: map[string][]review.Event{}, sessions: map[string]int{}}
	subs := &store{states: map[string]runner.State{}}
	cat := addCatalog()
	cat["add"].Starter = map[string][]byte{"solution.py": []byte("def add(a, b):\n")}
	return &app.Recordings{Catalog: cat, Store: tp, Invitations: w, Submissions: subs, Limiter: lim, MaxFileBytes: 64, Now: clock}, tp, subs
}

func edit(t int64, at int, ins string) review.Event {
	return review.Event{T: t, K: review.EventEdit, F: "solution.py", At: at, Ins: ins}
}

func TestRecord(t *testing.T) {
	w := newWorkspace()
	lim := &limiter{}
	u, tp, _ := newRecordings(w, lim)
	ctx := context.Background()
	inv, ch, err := u.Open(as(w, "inv-u"), "inv-u", "add")
	if err != nil {
		t.Fatal(err)
	}
	n, err := u.Record(ctx, inv, ch, app.EditBatch{Session: "page-0001", Seq: 0, Events: []review.Event{edit(1, 15, "  return a + b\n")}})
	if err != nil || n != 1 || len(tp.events["inv-u/add"]) != 1 {
		t.Fatalf("Record = %d, %v; stored %v", n, err, tp.events)
	}
	if lim.seen["edits:invitation:inv-u"] != 1 {
		t.Errorf("batches counted %v", lim.seen)
	}
	// A batch past what is stored: Conflict, with the count to send from.
	n, err = u.Record(ctx, inv, ch, app.EditBatch{Session: "page-0001", Seq: 5, Events: []review.Event{edit(2, 0, "x")}})
	if wantKind(t, err, app.Conflict, "send the session's events from 1"); n != 1 || !errors.Is(err, review.ErrRecordingGap) {
		t.Errorf("gap: n %d, err %v", n, err)
	}
	tp.limit = 1
	_, err = u.Record(ctx, inv, ch, app.EditBatch{Session: "page-0002", Events: []review.Event{edit(3, 0, "x")}})
	wantKind(t, err, app.TooLarge, "the recording of this challenge is full")
	tp.err = errDown
	_, err = u.Record(ctx, inv, ch, app.EditBatch{Session: "page-0002", Events: []review.Event{edit(3, 0, "x")}})
	wantKind(t, err, app.Unavailable, "")
}

func TestRecordRefusesWhatAPageCannotRecord(t *testing.T) {
	w := newWorkspace()
	u, tp, _ := newRecordings(w, nil)
	inv, ch, err := u.Open(as(w, "inv-u"), "inv-u", "add")
	if err != nil {
		t.Fatal(err)
	}
	ok := edit(1, 0, "x")
	for _, tc := range []struct {
		name string
		b    app.EditBatch
		kind app.Kind
		msg  string
	}{
		{"session", app.EditBatch{Session: "short", Events: []review.Event{ok}}, app.Invalid, "session must be 8 to 64 letters"},
		{"seq", app.EditBatch{Session: "page-0001", Seq: -1, Events: []review.Event{ok}}, app.Invalid, "seq must not be negative"},
		{"no events", app.EditBatch{Session: "page-0001"}, app.Invalid, "send 1 to 5000 events"},
		{"a marker", app.EditBatch{Session: "page-0001", Events: []review.Event{{T: 1, K: review.EventRun}}}, app.Invalid, "event 0: kind"},
		{"no time", app.EditBatch{Session: "page-0001", Events: []review.Event{edit(0, 0, "x")}}, app.Invalid, "event 0: t must be a time"},
		{"an id", app.EditBatch{Session: "page-0001", Events: []review.Event{{T: 1, K: review.EventEdit, F: "solution.py", ID: "x"}}}, app.Invalid, "event 0: id is the server's"},
		{"another file", app.EditBatch{Session: "page-0001", Events: []review.Event{{T: 1, K: review.EventEdit, F: "tests.py"}}}, app.Invalid, `event 0: "tests.py" is not a file of this challenge`},
		{"text on a blur", app.EditBatch{Session: "page-0001", Events: []review.Event{ok, {T: 2, K: review.EventBlur, Ins: "x"}}}, app.Invalid, "event 1: a blur event carries no text"},
		{"offset", app.EditBatch{Session: "page-0001", Events: []review.Event{edit(1, 65, "")}}, app.Invalid, "event 0: at and del must be from 0 to 64"},
		{"text", app.EditBatch{Session: "page-0001", Events: []review.Event{edit(1, 0, strings.Repeat("x", 65))}}, app.TooLarge, "event 0: text larger than a file may be (64 bytes)"},
	} {
		_, err := u.Record(context.Background(), inv, ch, tc.b)
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		wantKind(t, err, tc.kind, tc.msg)
	}
	if len(tp.events) != 0 {
		t.Errorf("refused batches were stored: %v", tp.events)
	}
}

func TestRecordingsOff(t *testing.T) {
	w := newWorkspace()
	u := &app.Recordings{Catalog: addCatalog(), Invitations: w, Now: clock}
	_, _, err := u.Open(as(w, "inv-u"), "inv-u", "add")
	wantKind(t, err, app.Unsupported, "this server keeps no recordings")
	_, err = u.Replay(context.Background(), "inv-u", "add")
	wantKind(t, err, app.Unsupported, "this server keeps no recordings")
	u, _, _ = newRecordings(w, nil)
	u.Invitations = nil
	_, err = u.Replay(context.Background(), "inv-u", "add")
	wantKind(t, err, app.Unsupported, "this server keeps no accounts")
	_, _, err = u.Open(staffer, "inv-u", "add")
	wantKind(t, err, app.Forbidden, "invitation inv-u is not yours")
}

func TestReplay(t *testing.T) {
	w := newWorkspace()
	u, tp, subs := newRecordings(w, nil)
	const sent, gone = "sub-sent", "sub-gone"
	tp.events["inv-u/add"] = []review.Event{
		{T: 1000, K: review.EventOpen, F: "solution.py", Text: "def add(a, b):\n"},
		{T: 2000, K: review.EventEdit, F: "solution.py", At: 15, Ins: "    return a + b\n", Paste: true},
		{T: 3000, K: review.EventBlur},
		{T: 7500, K: review.EventFocus},
		{T: 8000, K: review.EventSubmit, ID: sent},
		{T: 9000, K: review.EventRun, ID: gone},
	}
	subs.states[sent] = runner.State{Submission: runner.Submission{ID: sent, Files: map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"}}}
	v, err := u.Replay(context.Background(), "inv-u", "add")
	if err != nil {
		t.Fatal(err)
	}
	if v.Start["solution.py"] != "def add(a, b):\n" || v.Error != "" || v.Pastes != 1 || v.PastedChars != 17 || v.AwayMS != 4500 {
		t.Fatalf("replay %+v", v)
	}
	// The gone submission's marker is not checked; the sent one matches.
	if len(v.Checks) != 1 || v.Checks[0] != (app.ReplayCheck{ID: sent, Kind: review.EventSubmit, Event: 4, Matches: true}) {
		t.Fatalf("checks %+v", v.Checks)
	}
	subs.states[sent] = runner.State{Submission: runner.Submission{ID: sent, Files: map[string]string{"solution.py": "something else"}}}
	if v, err := u.Replay(context.Background(), "inv-u", "add"); err != nil || v.Checks[0].Matches {
		t.Fatalf("a marker that differs from what was sent: %+v, %v", v.Checks, err)
	}

	_, err = u.Replay(context.Background(), "inv-u", "sum")
	wantKind(t, err, app.NotFound, `invitation inv-u has no challenge "sum"`)
	_, err = u.Replay(context.Background(), "inv-9", "add")
	wantKind(t, err, app.NotFound, "invitation inv-9: not found")
	subs.err = errDown
	_, err = u.Replay(context.Background(), "inv-u", "add")
	wantKind(t, err, app.Unavailable, "")
}
