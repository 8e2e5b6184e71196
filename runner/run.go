package runner

import (
	"strings"
)

// A Run is a candidate trying their code on the visible tests before
// submitting: the hidden tests never run and nothing of them is sent, it
// is not an attempt, and its verdict never counts (see Submission.Mode).
// A Run may carry a scratch test file of the candidate's own, run in a
// phase of its own after the visible one.

// RunParts are what a Run's job sends to the sandbox and grades against.
type RunParts struct {
	// Expected are the visible tests' ids only.
	Expected []string
	// Scratch is the scratch file, if any.
	Scratch []File
}

// RunPartsOf is what a Run of sub on suite needs.
func RunPartsOf(suite Suite, sub Submission) RunParts {
	var p RunParts
	for _, id := range suite.Expected {
		if !strings.HasPrefix(id, HiddenIDPrefix) {
			p.Expected = append(p.Expected, id)
		}
	}
	if sub.Scratch != "" {
		p.Scratch = []File{{Path: ScratchPath, Data: []byte(sub.Scratch)}}
	}
	return p
}

// SplitScratch takes a Run's scratch phase out of run: graded, the run is
// its visible phase alone; the scratch tests' lines and output are
// reported beside it. A scratch phase whose report is missing or
// unreadable gives one line saying so.
func SplitScratch(run RunResult) (RunResult, []TestResult, string) {
	var scratch *PhaseResult
	kept := run.Phases[:0:0]
	for i, ph := range run.Phases {
		if ph.Name == PhaseScratch {
			scratch = &run.Phases[i]
			continue
		}
		kept = append(kept, ph)
	}
	run.Phases = kept
	if scratch == nil {
		return run, nil, ""
	}
	output := string(scratch.Output)
	if scratch.Report == nil {
		return run, []TestResult{{ID: ScratchPrefix + "test_scratch", Outcome: OutcomeError, Message: "your tests wrote no report: " + noReportReason(*scratch, true)}}, output
	}
	cases, err := ParseJUnit(scratch.Report)
	if err != nil {
		return run, []TestResult{{ID: ScratchPrefix + "test_scratch", Outcome: OutcomeError, Message: "your tests' report is unreadable"}}, output
	}
	cases = WithDurations(cases, scratch.Durations)
	out := make([]TestResult, 0, len(cases))
	for _, c := range cases {
		t := c.TestResult
		if c.Collection && t.Outcome == "" {
			t.Outcome = OutcomeError
		}
		out = append(out, t)
	}
	return run, out, output
}
