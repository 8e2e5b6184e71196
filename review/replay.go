package review

import (
	"errors"
	"fmt"
	"unicode/utf16"
)

// An Event is one thing the candidate's editor recorded, or a marker the
// server added: the page opening with a file's text, an edit, a paste, the
// page losing or regaining focus, a Run or a submission.
type Event struct {
	// T is the browser's clock (Unix ms) for recorded events, the
	// server's for markers.
	T int64 `json:"t"`
	// K is the kind: EventOpen, EventEdit, EventBlur, EventFocus,
	// EventSubmit or EventRun.
	K string `json:"k"`
	// F is the file (open, edit).
	F string `json:"f,omitempty"`
	// An edit replaces Del UTF-16 code units at At (JavaScript's string
	// indices) with Ins; Paste marks an edit made by pasting (or
	// dropping) text.
	At    int    `json:"at,omitempty"`
	Del   int    `json:"del,omitempty"`
	Ins   string `json:"ins,omitempty"`
	Paste bool   `json:"paste,omitempty"`
	// Text is the file's whole text when the page opened it.
	Text string `json:"text,omitempty"`
	// ID is the submission or Run a marker stands for.
	ID string `json:"id,omitempty"`
}

// The kinds of events.
const (
	EventOpen   = "open"
	EventEdit   = "edit"
	EventBlur   = "blur"
	EventFocus  = "focus"
	EventSubmit = "submit"
	EventRun    = "run"
)

// Recorded reports whether a client may send the kind (markers are the
// server's).
func Recorded(kind string) bool {
	switch kind {
	case EventOpen, EventEdit, EventBlur, EventFocus:
		return true
	}
	return false
}

// Errors of a store of recordings that callers branch on.
var (
	// ErrRecordingFull: the recording reached its size limit.
	ErrRecordingFull = errors.New("the recording is full")
	// ErrRecordingGap: a batch starts past what was stored of its page
	// session; the client must send from what was stored.
	ErrRecordingGap = errors.New("the batch starts past what was stored")
)

// ErrReplay marks an edit that does not apply to the text it follows (a
// gap in the recording).
var ErrReplay = errors.New("the recording does not apply")

// Checkpoint is the replayed text at a submission or Run marker.
type Checkpoint struct {
	ID    string
	Event int // its index in the events
	Files map[string]string
}

// Replay applies the events to the starting texts (the challenge's
// starter files) and returns the texts at the end and at each marker.
// Edits index UTF-16 code units, as the browser does; an edit that does
// not fit its file is an error wrapping ErrReplay.
func Replay(start map[string]string, events []Event) (map[string]string, []Checkpoint, error) {
	cur := map[string][]uint16{}
	for f, text := range start {
		cur[f] = utf16.Encode([]rune(text))
	}
	snapshot := func() map[string]string {
		out := make(map[string]string, len(cur))
		for f, u := range cur {
			out[f] = string(utf16.Decode(u))
		}
		return out
	}
	var marks []Checkpoint
	for i, e := range events {
		switch e.K {
		case EventOpen:
			cur[e.F] = utf16.Encode([]rune(e.Text))
		case EventEdit:
			u := cur[e.F]
			if e.At < 0 || e.Del < 0 || e.At+e.Del > len(u) {
				return snapshot(), marks, fmt.Errorf("%w: event %d edits %s at %d+%d, past its %d code units", ErrReplay, i, e.F, e.At, e.Del, len(u))
			}
			ins := utf16.Encode([]rune(e.Ins))
			next := make([]uint16, 0, len(u)-e.Del+len(ins))
			next = append(next, u[:e.At]...)
			next = append(next, ins...)
			cur[e.F] = append(next, u[e.At+e.Del:]...)
		case EventSubmit, EventRun:
			marks = append(marks, Checkpoint{ID: e.ID, Event: i, Files: snapshot()})
		}
	}
	return snapshot(), marks, nil
}
