package challenges

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"assay/runner"
)

// Bounds of a manifest's scoring section.
const (
	MinWeight = 0.01
	MaxWeight = 100
	maxTags   = 8
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,31}$`)

// Scoring is the manifest's scoring section: weights and tags for the
// tests a pattern names, and all-or-nothing groups. Every test not named
// weighs 1, with no tags and no group. See docs/CHALLENGES.md, "Scores".
type Scoring struct {
	Tests  []ScoringRule  `yaml:"tests"`
	Groups []ScoringGroup `yaml:"groups"`
}

// ScoringRule gives the tests Match names a weight, tags, or both. When
// several rules name a test, the last one that sets a weight gives it, and
// its tags are all of theirs.
type ScoringRule struct {
	Match  Pattern   `yaml:"match"`
	Weight Weight    `yaml:"weight"`
	Tags   []TagName `yaml:"tags"`
}

// ScoringGroup is an all-or-nothing group: its tests earn their points
// only when every one of them passed.
type ScoringGroup struct {
	Name  TagName   `yaml:"name"`
	Tests []Pattern `yaml:"tests"`
}

// Pattern names tests: a folder, a file, a class, a function (with all
// its parametrised cases) or one case, written as pytest's node id
// (tests/hidden/test_retry.py::TestBackoff::test_doubles[2]) or as
// Assay's test id (tests.hidden.test_retry.TestBackoff::test_doubles[2]);
// `*` stands for any characters within one name or in the case's brackets.
type Pattern struct {
	Text string
	Line int
	segs []string
	// param is the case part ("[2]"), "" for every case.
	param string
}

// UnmarshalYAML parses a pattern and remembers its line.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: a test pattern is one string, like tests/hidden/test_x.py::test_y", n.Line)
	}
	q, err := ParsePattern(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	q.Line = n.Line
	*p = q
	return nil
}

// ParsePattern parses a test pattern (see Pattern).
func ParsePattern(text string) (Pattern, error) {
	p := Pattern{Text: text}
	base := text
	if i := strings.IndexByte(text, '['); i >= 0 {
		base, p.param = text[:i], text[i:]
		if !strings.HasSuffix(p.param, "]") || len(p.param) < 3 {
			return p, fmt.Errorf("test pattern %q: a parametrised case is written name[case]", text)
		}
	}
	base = strings.ReplaceAll(base, "/", ".")
	base = strings.ReplaceAll(base, ".py::", "::")
	base = strings.TrimSuffix(strings.TrimSuffix(base, "."), ".py")
	for _, part := range strings.Split(base, "::") {
		for _, seg := range strings.Split(part, ".") {
			if seg == "" || strings.ContainsAny(seg, " \t\r\n]\\") {
				return p, fmt.Errorf("test pattern %q: write a test file, class or function like tests/hidden/test_x.py::test_y or tests.hidden.test_x::test_y", text)
			}
			p.segs = append(p.segs, seg)
		}
	}
	if p.segs[0] != "tests" {
		return p, fmt.Errorf("test pattern %q: every test is under tests/ (tests/visible/..., tests/hidden/...)", text)
	}
	if len(text) > 300 {
		return p, fmt.Errorf("test pattern %q...: longer than 300 characters", text[:40])
	}
	return p, nil
}

// Matches reports whether the pattern names the test id (pytest's JUnit
// class name and test name: tests.hidden.test_m.TestC::test_f[case]).
func (p Pattern) Matches(id string) bool {
	cls, fn, _ := strings.Cut(id, "::")
	fn, param, _ := strings.Cut(fn, "[")
	if param != "" {
		param = "[" + param
	}
	segs := append(strings.Split(cls, "."), fn)
	if len(p.segs) > len(segs) || (p.param != "" && len(p.segs) != len(segs)) {
		return false
	}
	for i, s := range p.segs {
		if !glob(s, segs[i]) {
			return false
		}
	}
	return p.param == "" || glob(p.param, param)
}

// glob matches s against pattern, where `*` stands for any characters
// and nothing else is special (a case's brackets hold anything).
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// Weight is a test's points in the manifest: from MinWeight to MaxWeight.
type Weight float64

// UnmarshalYAML checks the weight's range, with its line.
func (w *Weight) UnmarshalYAML(n *yaml.Node) error {
	var v float64
	if err := n.Decode(&v); err != nil || !(v >= MinWeight && v <= MaxWeight) || math.Abs(math.Round(v*100)-v*100) > 1e-6 {
		return fmt.Errorf("line %d: weight %q: give a number from %g to %g, with at most two decimals", n.Line, n.Value, MinWeight, float64(MaxWeight))
	}
	*w = Weight(v)
	return nil
}

// TagName is a tag's or a group's name: lower-case letters, digits, _ and -.
type TagName string

// UnmarshalYAML checks the name, with its line.
func (t *TagName) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || !nameRE.MatchString(n.Value) {
		return fmt.Errorf("line %d: name %q: use up to 32 lower-case letters, digits, _ and -, starting with a letter", n.Line, n.Value)
	}
	*t = TagName(n.Value)
	return nil
}

// validate checks what can be checked without the tests' ids.
func (s Scoring) validate() error {
	for i, r := range s.Tests {
		where := fmt.Sprintf("scoring: tests[%d]", i)
		if r.Match.Line > 0 {
			where += fmt.Sprintf(" (line %d)", r.Match.Line)
		}
		switch {
		case r.Match.Text == "":
			return fmt.Errorf("%s: match is missing: name the tests (tests/hidden/test_x.py, ...::test_y, ...::test_y[case])", where)
		case r.Weight == 0 && len(r.Tags) == 0:
			return fmt.Errorf("%s: give the tests of %q a weight, tags, or both", where, r.Match.Text)
		case len(r.Tags) > maxTags:
			return fmt.Errorf("%s: more than %d tags", where, maxTags)
		}
		for j, tag := range r.Tags {
			if slices.Contains(r.Tags[:j], tag) {
				return fmt.Errorf("%s: tag %q is listed twice", where, tag)
			}
		}
	}
	seen := map[TagName]bool{}
	for i, g := range s.Groups {
		where := fmt.Sprintf("scoring: groups[%d]", i)
		switch {
		case g.Name == "":
			return fmt.Errorf("%s: name is missing", where)
		case seen[g.Name]:
			return fmt.Errorf("%s: group %q is defined twice", where, g.Name)
		case len(g.Tests) == 0:
			return fmt.Errorf("%s: group %q names no tests", where, g.Name)
		}
		seen[g.Name] = true
	}
	return nil
}

// Resolve gives each of the test ids its weight, tags and group under the
// scoring section, in the order of ids. A pattern that names none of them,
// and a test in two groups, are errors: a typo must not silently leave a
// test at the default weight.
func (s Scoring) Resolve(ids []string) ([]runner.TestWeight, error) {
	out := make([]runner.TestWeight, len(ids))
	for i := range out {
		out[i].Weight = 1
	}
	tags := make([][]string, len(ids))
	for ri, r := range s.Tests {
		n := 0
		for i, id := range ids {
			if !r.Match.Matches(id) {
				continue
			}
			n++
			if r.Weight != 0 {
				out[i].Weight = float64(r.Weight)
			}
			for _, t := range r.Tags {
				if !slices.Contains(tags[i], string(t)) {
					tags[i] = append(tags[i], string(t))
				}
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("scoring: tests[%d] (line %d): %q names none of the challenge's %d tests%s", ri, r.Match.Line, r.Match.Text, len(ids), example(ids, r.Match))
		}
	}
	for gi, g := range s.Groups {
		for _, p := range g.Tests {
			n := 0
			for i, id := range ids {
				if !p.Matches(id) {
					continue
				}
				n++
				switch prev := out[i].Group; {
				case prev == string(g.Name):
				case prev != "":
					return nil, fmt.Errorf("scoring: groups[%d] (line %d): %s is in group %q already; a test can be in one group only", gi, p.Line, id, prev)
				}
				out[i].Group = string(g.Name)
			}
			if n == 0 {
				return nil, fmt.Errorf("scoring: groups[%d] (line %d): %q names none of the challenge's %d tests%s", gi, p.Line, p.Text, len(ids), example(ids, p))
			}
		}
	}
	for i := range out {
		slices.Sort(tags[i])
		out[i].Tags = tags[i]
	}
	return out, nil
}

// example suggests a test id near a pattern that named nothing: one in the
// same file if there is one, else the first.
func example(ids []string, p Pattern) string {
	if len(ids) == 0 {
		return ""
	}
	best := ids[0]
	for _, id := range ids {
		cls, _, _ := strings.Cut(id, "::")
		if len(p.segs) > 2 && strings.HasPrefix(cls, strings.Join(p.segs[:3], ".")) {
			best = id
			break
		}
	}
	return fmt.Sprintf(" (a test id looks like %s)", best)
}

// applyScoring records each expected test's resolved weight, tags and group.
func applyScoring(s Scoring, tests []ExpectedTest) error {
	ids := make([]string, len(tests))
	for i, t := range tests {
		ids[i] = t.ID
	}
	ws, err := s.Resolve(ids)
	if err != nil {
		return err
	}
	for i, w := range ws {
		tests[i].Weight, tests[i].Tags, tests[i].Group = w.Weight, w.Tags, w.Group
	}
	return nil
}

// checkRecordedScoring fails when a fresh expected.json's weights, tags or
// groups are not what the manifest's scoring section gives its tests (an
// expected.json edited by hand): the server scores from expected.json, so
// the two must agree. A weight left out (recorded before scores) is 1.
func checkRecordedScoring(s Scoring, e *Expected) error {
	want := slices.Clone(e.Tests)
	if err := applyScoring(s, want); err != nil {
		return err
	}
	for i, t := range e.Tests {
		w := want[i]
		if t.Weight == 0 {
			t.Weight = 1
		}
		if t.Weight != w.Weight || t.Group != w.Group || !slices.Equal(t.Tags, w.Tags) {
			return fmt.Errorf("%s: %s has weight %g, tags %v, group %q, but %s's scoring gives it weight %g, tags %v, group %q: run `assay challenges check --write`",
				ExpectedFile, t.ID, t.Weight, t.Tags, t.Group, ManifestFile, w.Weight, w.Tags, w.Group)
		}
	}
	return nil
}

// Weights is the expected tests' weights by id, for the runner's Suite.
func (e *Expected) Weights() map[string]runner.TestWeight {
	out := make(map[string]runner.TestWeight, len(e.Tests))
	for _, t := range e.Tests {
		out[t.ID] = runner.TestWeight{Weight: t.Weight, Tags: t.Tags, Group: t.Group}
	}
	return out
}
