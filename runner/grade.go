package runner

import (
	"fmt"
	"slices"
	"strings"
)

// Hidden tests live under tests/hidden/: their files have the path prefix
// HiddenDir, and their ids (pytest's dotted class names) HiddenIDPrefix.
const (
	HiddenDir      = "tests/hidden/"
	HiddenIDPrefix = "tests.hidden."
)

// Grading is the part of a Result decided from a run.
type Grading struct {
	Verdict Verdict
	// Reason is safe to show the candidate: it never carries text from
	// the hidden phase, which the candidate's code could fill with the
	// hidden tests. Detail adds that text, for interviewers.
	Reason string
	Detail string
	Passed int
	Total  int
	Tests  []TestResult
}

// Grade decides the verdict of a run from what the worker can trust: the
// limits Docker saw being hit, pytest's exit status in each phase, and the
// reports checked against the expected test ids. A run is passed only when
// every expected test is in a report and passed, and pytest exited 0.
func Grade(expected []string, run RunResult) Grading {
	var g Grading
	var cases []ReportCase
	var parseErr error
	reportless, reportlessDetail, exitCode, tampered := "", "", 0, []string(nil)
	hiddenTampered := false
	collection, collectionDetail := "", ""
	for _, ph := range run.Phases {
		for _, t := range ph.Tampered {
			if !slices.Contains(tampered, t) {
				tampered = append(tampered, t)
				hiddenTampered = hiddenTampered || ph.Name == PhaseHidden
			}
		}
		if ph.ExitCode != 0 && exitCode == 0 {
			exitCode = ph.ExitCode
		}
		if ph.Report == nil {
			if reportless == "" {
				reportlessDetail = noReportReason(ph, true)
				reportless = noReportReason(ph, ph.Name != PhaseHidden)
			}
			continue
		}
		c, err := ParseJUnit(ph.Report)
		if err != nil {
			parseErr = err
		}
		if collection == "" {
			collection, collectionDetail = collectionError(c, ph.Name == PhaseHidden)
		}
		cases = append(cases, c...)
	}
	if len(run.Phases) == 0 {
		reportless = "the run ended before pytest wrote its report"
		if run.Problem != "" {
			reportless = run.Problem
		}
	}
	g.Tests, g.Passed, g.Total = match(expected, cases)
	missing := 0
	for _, t := range g.Tests {
		if t.Outcome == OutcomeMissing {
			missing++
		}
	}

	switch {
	case run.OOMKilled:
		g.Verdict, g.Reason = VerdictMemoryLimit, "the run went over its memory limit and was killed"
	case len(tampered) > 0:
		// Evidence of tampering outranks how the run then ended. Findings
		// of the hidden phase may come from code the candidate controls.
		g.Verdict, g.Detail = VerdictError, "the run changed the test files or the report: "+strings.Join(tampered, "; ")
		g.Reason = g.Detail
		if hiddenTampered {
			g.Reason = "the run changed the test files or the report (in the hidden tests' run)"
		}
	case run.TimedOut:
		g.Verdict, g.Reason = VerdictTimeout, "the run did not finish within its time limit"
	case run.OutputLimit:
		g.Verdict, g.Reason = VerdictOutputLimit, "the run wrote more output than allowed and was stopped"
	case reportless != "":
		g.Verdict, g.Reason, g.Detail = VerdictError, "no test report: "+reportless, "no test report: "+reportlessDetail
	case parseErr != nil:
		g.Verdict, g.Reason = VerdictError, "the test report is unreadable (was it overwritten?)"
	case collection != "":
		g.Verdict, g.Reason, g.Detail = VerdictError, "the tests could not be collected: "+collection, "the tests could not be collected: "+collectionDetail
	case exitCode == 5 || g.Total == 0:
		g.Verdict, g.Reason = VerdictError, "no tests ran"
	case missing > 0:
		g.Verdict, g.Reason = VerdictError, fmt.Sprintf("the report is incomplete: %d of %d expected tests are missing (did the run exit early?)", missing, g.Total)
	case g.Passed < g.Total:
		g.Verdict, g.Reason = VerdictFailed, fmt.Sprintf("%d of %d tests did not pass", g.Total-g.Passed, g.Total)
	case exitCode != 0:
		g.Verdict, g.Reason = VerdictError, fmt.Sprintf("every test passed but pytest exited with status %d", exitCode)
	default:
		g.Verdict, g.Reason = VerdictPassed, fmt.Sprintf("all %d tests passed", g.Total)
	}
	return g
}

// match lines the report up with the expected ids. With no expected ids
// (a challenge being validated) the report's own tests count.
func match(expected []string, cases []ReportCase) (tests []TestResult, passed, total int) {
	byID := make(map[string]TestResult, len(cases))
	for _, c := range cases {
		if !c.Collection {
			byID[c.ID] = c.TestResult
		}
	}
	if len(expected) == 0 {
		for _, c := range cases {
			if !c.Collection {
				expected = append(expected, c.ID)
			}
		}
	}
	for _, id := range expected {
		t, ok := byID[id]
		if !ok {
			t = TestResult{ID: id, Outcome: OutcomeMissing}
		}
		t.Hidden = strings.HasPrefix(id, HiddenIDPrefix)
		if t.Outcome == OutcomePassed {
			passed++
		}
		tests = append(tests, t)
	}
	return tests, passed, len(expected)
}

// collectionError describes a phase's first collection error: for the
// candidate (nothing of the hidden phase's messages) and in full.
func collectionError(cases []ReportCase, hidden bool) (reason, detail string) {
	for _, c := range cases {
		if c.Collection {
			detail = c.ID + ": " + lastErrorLine(c.Message)
			if hidden {
				return "a hidden test module could not be collected", detail
			}
			return detail, detail
		}
	}
	return "", ""
}

// noReportReason says why a phase has no report; with details, it quotes
// the exception line of pytest's output.
func noReportReason(ph PhaseResult, details bool) string {
	problem := ph.Problem
	if problem == "" {
		problem = "pytest wrote no report"
	}
	// pytest stops before writing a report when a conftest cannot import
	// the candidate's code: its output names the exception.
	if e := lastErrorLine(string(ph.Output)); details && strings.Contains(string(ph.Output), "\nE ") && e != "" {
		problem += ": " + e
	}
	switch {
	case ph.Signal != 0:
		return fmt.Sprintf("%s (pytest was killed by signal %d)", problem, ph.Signal)
	case ph.ExitCode >= 0:
		return fmt.Sprintf("%s (pytest exited with status %d)", problem, ph.ExitCode)
	}
	return problem
}

// lastErrorLine picks the exception line out of a pytest traceback: the
// last line pytest marks with "E ".
func lastErrorLine(msg string) string {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if rest, ok := strings.CutPrefix(lines[i], "E "); ok && strings.TrimSpace(rest) != "" {
			return strings.TrimSpace(rest)
		}
	}
	return lines[0]
}
