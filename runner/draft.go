package runner

import "time"

// Draft is a candidate's work in progress at one challenge, as the page
// last saved it: kept on the server so that the link opened on another
// device shows it, and kept as a history (each save), the raw material of a
// replay. A draft never counts for anything: only submissions do.
type Draft struct {
	Invitation string            `json:"invitation"`
	Challenge  string            `json:"challenge"`
	Files      map[string]string `json:"files"`
	Scratch    string            `json:"scratch,omitempty"`
	SavedAt    time.Time         `json:"saved_at"`
	// Source says what saved it: DraftTyping, DraftRun or DraftSubmit.
	Source string `json:"source"`
}

// What saved a draft.
const (
	DraftTyping = "typing" // the page, every few seconds while the candidate types
	DraftRun    = "run"    // a Run
	DraftSubmit = "submit" // a submission
)

// MaxDraftHistory and MaxDraftHistoryBytes bound the saves kept of one
// draft (the oldest go first).
const (
	MaxDraftHistory      = 2000
	MaxDraftHistoryBytes = 16 << 20
)
