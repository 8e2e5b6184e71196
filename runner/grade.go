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
	// Findings is the evidence behind a tampered verdict.
	Findings []Finding
	// Notes are for staff, never the verdict (a canary passed while its
	// twin failed).
	Notes []string
	// NearMisses counts the canaries passed while their twins failed: an
	// honest near miss, or a forgery that guessed wrong which test of a
	// pair is real. Staff see it summed over a candidate's attempts.
	NearMisses int
}

// Grade decides the verdict of a run from what the worker can trust: the
// limits Docker saw being hit, pytest's exit status in each phase, and the
// reports checked against the expected test ids, against each phase, the
// guard's tally and the canaries. A run is passed only when every expected
// test is in its own phase's report and passed, and pytest exited 0.
//
// The report is written by a process the candidate's code shares, so it is
// evidence to check, not to believe: a test id counts only from its own
// phase (hidden ids from the hidden phase, the others from the visible
// one); a duplicated, unexpected or (in a phase that ended normally)
// missing id, a report that disagrees with its phase's exit status or the
// guard's tally, and a canary reported passed or missing are tampering.
func Grade(expected []string, run RunResult) Grading {
	var g Grading
	var cases []ReportCase
	var parseErr error
	reportless, reportlessDetail, exitCode, exitHidden := "", "", 0, false
	collection, collectionDetail := "", ""
	// A run cut short (SIGINT at the wall time, the output cap, the memory
	// limit) was cut in its last phase: the harness starts a phase only
	// when nothing cut the one before, so earlier phases ended on their own.
	runCut := run.TimedOut || run.OutputLimit || run.OOMKilled
	want := map[string]bool{}
	for _, id := range expected {
		want[id] = true
	}
	canaries := map[string]bool{}
	for _, c := range run.Canaries {
		canaries[c] = true
	}
	seenCanary := map[string]bool{}
	seen := map[string]bool{}
	// The hidden phase's outcomes by id (names given back), and its
	// canaries reported passed: judged against their twins.
	outcomes := map[string]Outcome{}
	var passedCanaries []string
	// The first phase that did not exit cleanly decides the exit rule.
	noteExit := func(ph PhaseResult) {
		if ph.ExitCode != 0 && exitCode == 0 {
			exitCode, exitHidden = ph.ExitCode, ph.Name == PhaseHidden
		}
	}
	for i, ph := range run.Phases {
		cut := runCut && i == len(run.Phases)-1
		g.Findings = append(g.Findings, ph.Findings...)
		if ph.Report == nil {
			noteExit(ph)
			if reportless == "" {
				reportlessDetail = noReportReason(ph, true)
				reportless = noReportReason(ph, ph.Name != PhaseHidden)
			}
			continue
		}
		c, err := ParseJUnit(ph.Report)
		if err != nil {
			parseErr = err
			noteExit(ph)
			continue
		}
		c = WithDurations(c, ph.Durations)
		if ph.Name == PhaseHidden {
			c = unrename(c, run.Renames)
		}
		phaseCollection, _ := collectionError(c, false)
		if collection == "" {
			collection, collectionDetail = collectionError(c, ph.Name == PhaseHidden)
		}
		report := func(format string, args ...any) {
			// A phase cut short leaves pytest's report in whatever state
			// the interruption found it, and the verdict is not passed
			// anyway: only a phase that ended on its own is held to its
			// report.
			if !cut {
				g.Findings = append(g.Findings, Finding{Check: CheckReport, Phase: ph.Name, Seen: fmt.Sprintf(format, args...)})
			}
		}
		var kept []ReportCase
		passed, failed, canaryFailed, canarySkipped, skipped := 0, 0, 0, 0, 0
		for _, rc := range c {
			if rc.Collection {
				kept = append(kept, rc)
				continue
			}
			switch rc.Outcome {
			case OutcomePassed:
				passed++
			case OutcomeFailed, OutcomeError:
				failed++
			case OutcomeSkipped:
				skipped++
			}
			if ph.Name == PhaseHidden {
				outcomes[rc.ID] = rc.Outcome
			}
			if name := testName(rc.ID); ph.Name == PhaseHidden && canaries[name] {
				seenCanary[name] = true
				switch rc.Outcome {
				case OutcomeFailed, OutcomeError:
					canaryFailed++
				case OutcomeSkipped:
					canarySkipped++
				case OutcomePassed:
					if run.Twins == nil {
						g.Findings = append(g.Findings, Finding{Check: CheckCanary, Phase: ph.Name, Seen: "a canary test, which every honest run fails, was reported passed"})
					} else {
						passedCanaries = append(passedCanaries, rc.ID)
					}
				}
				continue
			}
			hidden := strings.HasPrefix(rc.ID, HiddenIDPrefix)
			switch {
			case ph.Name == PhaseHidden && !hidden:
				report("the hidden phase's report names %s, a test of the visible phase", rc.ID)
				continue
			case ph.Name != PhaseHidden && hidden:
				report("the %s phase's report names %s, a hidden test", ph.Name, rc.ID)
				continue
			case seen[rc.ID]:
				report("the report names %s twice", rc.ID)
				continue
			case len(want) > 0 && !want[rc.ID]:
				report("the report names %s, which is not one of the challenge's tests", rc.ID)
				continue
			}
			seen[rc.ID] = true
			kept = append(kept, rc)
		}
		// pytest exits 0 only when no test failed, and 1 only when one did.
		switch {
		case ph.ExitCode == 0 && failed > 0:
			report("pytest exited 0 but its report shows %d failed test(s)", failed)
		case ph.ExitCode == 1 && failed == 0 && phaseCollection == "":
			report("pytest exited 1 (tests failed) but its report shows no failure")
		}
		if t := ph.Tally; t != nil && (passed > t.Passed || failed < min(t.Failed, 1)) {
			report("the report shows %d passed and %d failed, but pytest reported %d passed and %d failed steps as the tests ran", passed, failed, t.Passed, t.Failed)
		}
		// A phase that ended on its own (not cut short, no collection
		// error) reports every test it was given, canaries included.
		if !cut && phaseCollection == "" && (ph.ExitCode == 0 || ph.ExitCode == 1) {
			for _, id := range expected {
				if strings.HasPrefix(id, HiddenIDPrefix) == (ph.Name == PhaseHidden) && !seen[id] {
					report("the report leaves out %s", id)
				}
			}
			if ph.Name == PhaseHidden {
				for _, name := range run.Canaries {
					if !seenCanary[name] {
						g.Findings = append(g.Findings, Finding{Check: CheckCanary, Phase: ph.Name, Seen: "a canary test is missing from the report"})
					}
				}
			}
		}
		// A canary expects another value than its twin for the same call:
		// an honest run may compute the canary's (a near miss, or a value
		// the test uses elsewhere), and then fails the twin; no
		// computation passes both.
		for _, id := range passedCanaries {
			if outcomes[withName(id, run.Twins[testName(id)])] == OutcomePassed {
				g.Findings = append(g.Findings, Finding{Check: CheckCanary, Phase: ph.Name,
					Seen: "a canary test and its twin both passed: they expect two different values of one call"})
			} else {
				g.NearMisses++
				g.Notes = append(g.Notes, "a canary test passed while its twin failed: a near miss that computed the canary's value, or a guess")
			}
		}
		passedCanaries = passedCanaries[:0]
		// A canary is a copy of a test that is not marked to skip: skipped
		// while no real test was, it was made to skip.
		if canarySkipped > 0 && skipped == canarySkipped {
			g.Findings = append(g.Findings, Finding{Check: CheckCanary, Phase: ph.Name, Seen: "a canary test was reported skipped, though no other test was"})
		}
		// The canaries fail in every honest run, so a hidden phase whose
		// only failures are theirs exits 1 and is still a clean one.
		if !(ph.ExitCode == 1 && failed > 0 && failed == canaryFailed) {
			noteExit(ph)
		}
		cases = append(cases, kept...)
	}
	if len(run.Phases) == 0 {
		reportless = "the run ended before pytest wrote its report"
		if run.Problem != "" {
			reportless = run.Problem
		}
		reportlessDetail = reportless
	}
	g.Tests, g.Passed, g.Total = match(expected, cases)
	missing := 0
	for _, t := range g.Tests {
		if t.Outcome == OutcomeMissing {
			missing++
		}
	}

	switch {
	case len(g.Findings) > 0:
		// Evidence of tampering outranks how the run then ended (its
		// memory, its time, its output), so that no ending can hide it.
		// The candidate is told nothing of it (CandidateTamperedReason).
		seen := make([]string, 0, len(g.Findings))
		for _, f := range g.Findings {
			if s := f.Check + ": " + f.Seen; !slices.Contains(seen, s) {
				seen = append(seen, s)
			}
		}
		g.Verdict, g.Reason, g.Detail = VerdictTampered, CandidateTamperedReason, "tampering: "+strings.Join(seen, "; ")
	case run.OOMKilled:
		g.Verdict, g.Reason = VerdictMemoryLimit, "the run went over its memory limit and was killed"
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
	case exitCode != 0 && exitHidden:
		g.Verdict, g.Reason = VerdictError, "every test passed but the hidden tests' run did not end normally"
		g.Detail = fmt.Sprintf("every test passed but pytest exited with status %d in the hidden phase", exitCode)
	case exitCode != 0:
		g.Verdict, g.Reason = VerdictError, fmt.Sprintf("every test passed but pytest exited with status %d", exitCode)
	default:
		g.Verdict, g.Reason = VerdictPassed, fmt.Sprintf("all %d tests passed", g.Total)
	}
	if g.Detail == "" {
		g.Detail = g.Reason
	}
	return g
}

// testName is the function part of a test id: test_x of
// tests.hidden.test_m.TestC::test_x[param].
func testName(id string) string {
	_, name, ok := strings.Cut(id, "::")
	if !ok {
		name = id
	}
	name, _, _ = strings.Cut(name, "[")
	return name
}

// unrename gives the hidden phase's cases their own names back (the
// harness renamed every hidden test function for the run), in their ids
// and in their messages, which quote the run's names in tracebacks.
// withName is a test id with its function named name instead, the rest
// (module, class, parameters) kept: tests.hidden.m.TestC::name[1-2].
func withName(id, name string) string {
	cls, rest, _ := strings.Cut(id, "::")
	return cls + "::" + name + strings.TrimPrefix(rest, testName(id))
}

func unrename(cases []ReportCase, renames map[string]string) []ReportCase {
	if len(renames) == 0 {
		return cases
	}
	pairs := make([]string, 0, 2*len(renames))
	for from, to := range renames {
		pairs = append(pairs, from, to)
	}
	r := strings.NewReplacer(pairs...)
	for i, c := range cases {
		if c.Collection {
			continue
		}
		if to, ok := renames[testName(c.ID)]; ok {
			cases[i].ID = withName(c.ID, to)
		}
		cases[i].Message = r.Replace(c.Message)
	}
	return cases
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
// the exception line of pytest's output and the exit status. Without them
// (the hidden phase, for the candidate) it is a fixed phrase: how the
// hidden phase ended is not the candidate's to see.
func noReportReason(ph PhaseResult, details bool) string {
	if !details {
		return "the hidden tests' run ended without a report"
	}
	problem := ph.Problem
	if problem == "" {
		problem = "pytest wrote no report"
	}
	// pytest stops before writing a report when a conftest cannot import
	// the candidate's code: its output names the exception.
	if e := lastErrorLine(string(ph.Output)); strings.Contains(string(ph.Output), "\nE ") && e != "" {
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
