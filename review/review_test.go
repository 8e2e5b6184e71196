package review

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCheckNote(t *testing.T) {
	files := map[string]string{"solution.py": "a = 1\nb = 2\n", "one.py": "x"}
	for _, tc := range []struct {
		name string
		n    Note
		ok   bool
	}{
		{"line note", Note{File: "solution.py", Line: 2, Text: "why?"}, true},
		{"whole submission", Note{Text: "nice"}, true},
		{"no trailing newline", Note{File: "one.py", Line: 1, Text: "x"}, true},
		{"line past the end", Note{File: "solution.py", Line: 3, Text: "x"}, false},
		{"line 0 with a file", Note{File: "solution.py", Line: 0, Text: "x"}, false},
		{"line without file", Note{Line: 2, Text: "x"}, false},
		{"unknown file", Note{File: "other.py", Line: 1, Text: "x"}, false},
		{"empty text", Note{File: "solution.py", Line: 1, Text: "  "}, false},
		{"huge text", Note{Text: strings.Repeat("a", MaxNoteBytes+1)}, false},
		{"not UTF-8", Note{Text: "\xff"}, false},
	} {
		err := CheckNote(tc.n, files)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v is not ErrInvalid", tc.name, err)
		}
	}
}

func TestCheckDecision(t *testing.T) {
	for _, v := range Verdicts() {
		if err := CheckDecision(Decision{Decision: v}); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	if err := CheckDecision(Decision{Decision: "hire"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown decision: %v", err)
	}
	if err := CheckDecision(Decision{Decision: Hold, Reason: strings.Repeat("r", MaxReasonBytes+1)}); !errors.Is(err, ErrInvalid) {
		t.Errorf("long reason: %v", err)
	}
}

func TestSummarize(t *testing.T) {
	entries := []Entry{
		{Candidate: "a", Score: 100, Tests: map[string]bool{"t1": true, "t2": true, "t3": true}},
		{Candidate: "b", Score: 50, Tests: map[string]bool{"t1": true, "t2": false}},
		{Candidate: "c", Score: 0, Tests: map[string]bool{"t1": false, "t2": false, "t3": false}},
		{Candidate: "d", Score: 50, Tests: map[string]bool{"t1": true, "t2": true, "t3": false}},
	}
	c := Summarize(entries, []string{"t1", "t2", "t3"})
	if c.N != 4 || c.Mean != 50 || c.Median != 50 {
		t.Fatalf("n=%d mean=%v median=%v, want 4 50 50", c.N, c.Mean, c.Median)
	}
	if c.Buckets[0].Count != 1 || c.Buckets[5].Count != 2 || c.Buckets[9].Count != 1 {
		t.Errorf("buckets = %+v", c.Buckets)
	}
	// t3 is the hardest: 1 of 4 (b's run did not report it: not passed).
	want := []TestRate{{"t3", 1, 4, 0.25}, {"t2", 2, 4, 0.5}, {"t1", 3, 4, 0.75}}
	for i, w := range want {
		if c.Tests[i] != w {
			t.Errorf("tests[%d] = %+v, want %+v", i, c.Tests[i], w)
		}
	}
	for score, want := range map[float64]float64{100: 87.5, 50: 50, 0: 12.5, 75: 75} {
		if got := c.Percentile(score); math.Abs(got-want) > 1e-9 {
			t.Errorf("percentile(%v) = %v, want %v", score, got, want)
		}
	}
}

func TestSummarizeEdges(t *testing.T) {
	c := Summarize(nil, []string{"t1"})
	if c.N != 0 || c.Percentile(50) != 0 || len(c.Tests) != 1 || c.Tests[0].Rate != 0 {
		t.Fatalf("empty cohort: %+v", c)
	}
	one := Summarize([]Entry{{Score: 120, Tests: map[string]bool{"x": true}}}, nil)
	if one.Percentile(100) != 50 || one.Median != 100 || one.Buckets[9].Count != 1 {
		t.Errorf("one candidate, score clamped to 100: %+v", one)
	}
	if len(one.Tests) != 1 || one.Tests[0].Rate != 1 {
		t.Errorf("tests from the entries when none are expected: %+v", one.Tests)
	}
}
