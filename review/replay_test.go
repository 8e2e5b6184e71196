package review

import (
	"errors"
	"maps"
	"testing"
)

func TestReplay(t *testing.T) {
	start := map[string]string{"solution.py": "def f():\n    pass\n"}
	events := []Event{
		{K: EventFocus},
		// replace "pass" (at 13, 4 units) with "return 1"
		{K: EventEdit, F: "solution.py", At: 13, Del: 4, Ins: "return 1"},
		{K: EventSubmit, ID: "s1"},
		// an emoji is two UTF-16 units: edits after it index past both
		{K: EventEdit, F: "solution.py", At: 0, Ins: "# 🙂\n"},
		{K: EventEdit, F: "solution.py", At: 4, Ins: "!", Paste: true}, // before the newline
		{K: EventBlur},
		{K: EventRun, ID: "r1"},
		// the page opened again on another device with another text
		{K: EventOpen, F: "solution.py", Text: "x = 'é'\n"},
		{K: EventEdit, F: "solution.py", At: 6, Del: 1, Ins: "\"\n"},
		{K: EventEdit, F: "solution.py", At: 4, Del: 1, Ins: "\""},
	}
	final, marks, err := Replay(start, events)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"solution.py": "x = \"é\"\n\n"}; !maps.Equal(final, want) {
		t.Errorf("final %q; want %q", final, want)
	}
	if len(marks) != 2 || marks[0].ID != "s1" || marks[0].Files["solution.py"] != "def f():\n    return 1\n" ||
		marks[1].ID != "r1" || marks[1].Files["solution.py"] != "# 🙂!\ndef f():\n    return 1\n" || marks[1].Event != 6 {
		t.Errorf("checkpoints %+v", marks)
	}
	for _, bad := range []Event{
		{K: EventEdit, F: "solution.py", At: 100, Ins: "x"},
		{K: EventEdit, F: "solution.py", At: 0, Del: 100},
		{K: EventEdit, F: "solution.py", At: -1},
		{K: EventEdit, F: "other.py", At: 0, Del: 1},
	} {
		if _, _, err := Replay(start, []Event{bad}); !errors.Is(err, ErrReplay) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if !Recorded(EventEdit) || Recorded(EventSubmit) || Recorded("x") {
		t.Error("Recorded")
	}
}
