// Package review holds what interviewers add to a candidate's work and
// what they read across a cohort: notes anchored to a line of a
// submission, a decision per candidate, and the cohort's statistics (score
// distribution, each test's pass rate, a candidate's percentile). It
// depends on nothing of Assay's; runner/redis stores notes and decisions
// and api shows them to staff only.
package review

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Note is an interviewer's comment on a submission, anchored to a line of
// one of its files (Line 0 and File "": the submission as a whole).
type Note struct {
	ID         string    `json:"id"`
	Submission string    `json:"submission"`
	File       string    `json:"file,omitempty"`
	Line       int       `json:"line,omitempty"`
	Text       string    `json:"text"`
	Author     string    `json:"author"`
	AuthorName string    `json:"author_name"`
	CreatedAt  time.Time `json:"created_at"`
}

// Verdict is an interviewer's decision about a candidate.
type Verdict string

// The decisions.
const (
	Advance Verdict = "advance"
	Hold    Verdict = "hold"
	Reject  Verdict = "reject"
)

// Verdicts are the decisions in the order the pages offer them.
func Verdicts() []Verdict { return []Verdict{Advance, Hold, Reject} }

// Decision is one decision about a candidate (an invitation), with who
// made it and when; the latest one stands, the earlier ones are history.
type Decision struct {
	Invitation string    `json:"invitation"`
	Decision   Verdict   `json:"decision"`
	Reason     string    `json:"reason,omitempty"`
	By         string    `json:"by"`
	ByName     string    `json:"by_name"`
	At         time.Time `json:"at"`
}

// ErrInvalid marks a note or decision that cannot be kept as given.
var ErrInvalid = errors.New("invalid")

// Limits on what staff write: notes are comments, not documents.
const (
	MaxNoteBytes   = 4000
	MaxReasonBytes = 1000
	// MaxNotes bounds a submission's notes.
	MaxNotes = 500
)

// CheckNote validates a note against the submission's files: the file
// must be one of them and the line within it.
func CheckNote(n Note, files map[string]string) error {
	if err := checkText("text", n.Text, MaxNoteBytes, true); err != nil {
		return err
	}
	if n.File == "" {
		if n.Line != 0 {
			return fmt.Errorf("%w: a line needs a file", ErrInvalid)
		}
		return nil
	}
	src, ok := files[n.File]
	if !ok {
		return fmt.Errorf("%w: the submission has no file %q", ErrInvalid, n.File)
	}
	lines := strings.Count(src, "\n")
	if !strings.HasSuffix(src, "\n") {
		lines++
	}
	if n.Line < 1 || n.Line > max(lines, 1) {
		return fmt.Errorf("%w: line must be from 1 to %d in %s", ErrInvalid, max(lines, 1), n.File)
	}
	return nil
}

// CheckDecision validates a decision.
func CheckDecision(d Decision) error {
	switch d.Decision {
	case Advance, Hold, Reject:
	default:
		return fmt.Errorf("%w: decision must be advance, hold or reject", ErrInvalid)
	}
	return checkText("reason", d.Reason, MaxReasonBytes, false)
}

func checkText(field, v string, limit int, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return fmt.Errorf("%w: %s is required", ErrInvalid, field)
	case len(v) > limit:
		return fmt.Errorf("%w: %s is longer than %d bytes", ErrInvalid, field, limit)
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s is not UTF-8", ErrInvalid, field)
	}
	return nil
}
