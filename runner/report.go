package runner

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ErrBadReport marks a JUnit report that cannot be read.
var ErrBadReport = errors.New("unreadable report")

// maxMessage bounds one test's failure message in a result.
const maxMessage = 4 << 10

type junitSuites struct {
	Suites []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string         `xml:"classname,attr"`
	Name      string         `xml:"name,attr"`
	Time      string         `xml:"time,attr"`
	Failure   []junitProblem `xml:"failure"`
	Error     []junitProblem `xml:"error"`
	Skipped   []junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// ReportCase is one test case as pytest reported it.
type ReportCase struct {
	TestResult
	// Collection is set for pytest's pseudo-case of a file that could not
	// be collected (import error, syntax error).
	Collection bool
}

// ParseJUnit reads pytest's JUnit XML (xunit2, one or more suites).
func ParseJUnit(data []byte) ([]ReportCase, error) {
	var doc junitSuites
	root := bytes.TrimSpace(data)
	if bytes.Contains(root[:min(len(root), 200)], []byte("<testsuites")) {
		if err := xml.Unmarshal(root, &doc); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadReport, err)
		}
	} else {
		var one junitSuite
		if err := xml.Unmarshal(root, &one); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadReport, err)
		}
		doc.Suites = []junitSuite{one}
	}
	var out []ReportCase
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			rc := ReportCase{TestResult: TestResult{ID: caseID(c), Outcome: OutcomePassed}}
			if secs, err := strconv.ParseFloat(c.Time, 64); err == nil && secs >= 0 {
				rc.DurationMS = secs * 1000
			}
			switch {
			case len(c.Failure) > 0:
				rc.Outcome, rc.Message = OutcomeFailed, message(c.Failure[0])
			case len(c.Error) > 0:
				rc.Outcome, rc.Message = OutcomeError, message(c.Error[0])
				rc.Collection = c.ClassName == ""
			case len(c.Skipped) > 0:
				rc.Outcome, rc.Message = OutcomeSkipped, message(c.Skipped[0])
			}
			out = append(out, rc)
		}
	}
	return out, nil
}

// caseID is the test's id: pytest's classname (the module path, dotted,
// plus any class) and name, as in tests.visible.test_x::test_y.
func caseID(c junitCase) string {
	if c.ClassName == "" {
		return c.Name
	}
	return c.ClassName + "::" + c.Name
}

func message(p junitProblem) string {
	m := strings.TrimSpace(p.Message)
	if t := strings.TrimSpace(p.Text); t != "" && t != m {
		if m != "" {
			m += "\n\n"
		}
		m += t
	}
	return truncate(m, maxMessage)
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "\n[truncated]"
}

// WithDurations gives each case its call phase's time as the harness
// measured it (ns, by the report's test id), where there is one: the
// precise time replaces JUnit's in DurationMS too.
func WithDurations(cases []ReportCase, ns map[string]int64) []ReportCase {
	if len(ns) == 0 {
		return cases
	}
	for i, c := range cases {
		if d, ok := ns[c.ID]; ok && d > 0 && !c.Collection {
			cases[i].DurationUS = float64(d) / 1e3
			cases[i].DurationMS = float64(d) / 1e6
		}
	}
	return cases
}
