// Package challenges loads, validates and versions Assay's challenges: one
// folder each, with a manifest, a prompt, starter files, visible and hidden
// tests, fixtures, a reference solution and known-bad solutions. It also
// embeds the built-in catalog (the folders beside this file).
package challenges

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"assay/runner"
)

// File names inside a challenge folder.
const (
	ManifestFile = "challenge.yaml"
	PromptFile   = "prompt.md"
	ExpectedFile = "expected.json"
)

// ErrInvalid marks a challenge folder that does not follow the format.
var ErrInvalid = errors.New("invalid challenge")

var (
	slugRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	entryRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}\.py$`)
	// Names Python or pytest would load on their own: never a candidate's.
	reservedEntries = map[string]bool{
		"conftest.py": true, "sitecustomize.py": true, "usercustomize.py": true,
		"pytest.py": true, "_pytest.py": true, "pytest_timeout.py": true,
		"setup.py": true, "__init__.py": true,
	}
)

// KnownImage reports whether a manifest may name the sandbox package set
// ("" and "python" are the default image). Each has an image of its own,
// built by `make image`; see sandbox-images/.
func KnownImage(name string) bool {
	switch name {
	case "", "python", "scientific":
		return true
	}
	return false
}

// Duration is a time.Duration written as "30s" in YAML.
type Duration time.Duration

// UnmarshalYAML parses Go duration strings.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || v <= 0 {
		return fmt.Errorf("line %d: %q is not a positive duration like 30s", n.Line, n.Value)
	}
	*d = Duration(v)
	return nil
}

// Manifest is challenge.yaml.
type Manifest struct {
	Slug    string   `yaml:"slug" json:"slug"`
	Title   string   `yaml:"title" json:"title"`
	Summary string   `yaml:"summary" json:"summary"`
	Files   []string `yaml:"files" json:"files"`
	// Kind is "solution" (the default: the candidate writes code that the
	// challenge's tests check) or "tests" (the candidate writes tests that
	// must pass against Module and catch its mutants; see kind_tests.go).
	Kind string `yaml:"kind" json:"kind,omitempty"`
	// Module names the module under test of a kind "tests" challenge: a
	// file of lib/, mutated under mutants/<name>/.
	Module string `yaml:"module" json:"module,omitempty"`
	// Image names the sandbox image's package set: "python" (the default:
	// Python, pytest, openpyxl) or "scientific" (with numpy and pandas).
	Image  string         `yaml:"image" json:"image,omitempty"`
	Limits ManifestLimits `yaml:"limits" json:"-"`
	// Scoring weighs and tags the tests (see scoring.go); staff only.
	Scoring Scoring `yaml:"scoring" json:"-"`
}

// ManifestLimits are a challenge's own limits; zero means the server default.
type ManifestLimits struct {
	TimeLimit   Duration `yaml:"time_limit"`
	TestTimeout Duration `yaml:"test_timeout"`
	MemoryMB    int64    `yaml:"memory_mb"`
	CPUs        float64  `yaml:"cpus"`
	Pids        int64    `yaml:"pids"`
}

// ExpectedTest is one test a complete report must contain, with the
// reference solution's runtime for comparison.
type ExpectedTest struct {
	ID          string  `json:"id"`
	Hidden      bool    `json:"hidden"`
	ReferenceMS float64 `json:"reference_ms"`
	// Weight, Tags and Group are the test's scoring, resolved from the
	// manifest's scoring section (Weight 0, in versions recorded before
	// scores, counts as 1). Staff only: never in a candidate's view.
	Weight float64  `json:"weight,omitempty"`
	Tags   []string `json:"tags,omitempty"`
	Group  string   `json:"group,omitempty"`
}

// Expected is expected.json: what `assay challenges check` recorded by
// running the reference solution against a version of the challenge.
type Expected struct {
	Version string         `json:"version"`
	Tests   []ExpectedTest `json:"tests"`
}

// Challenge is one loaded challenge folder. File maps are keyed by
// slash-separated paths relative to the folder's part they came from.
type Challenge struct {
	Manifest
	Prompt  string
	Version string
	// Starter and Reference are keyed by entry file name.
	Starter   map[string][]byte
	Reference map[string][]byte
	// Bad maps a known-bad solution's name to its entry files.
	Bad map[string]map[string][]byte
	// Lib holds provided modules placed beside the candidate's files.
	Lib map[string][]byte
	// Mutants maps a mutant's name to its files (kind tests only): wrong
	// versions of Module, placed only among the hidden files of a run.
	Mutants map[string]map[string][]byte
	// Tests holds everything under tests/ (keyed tests/...), Fixtures
	// everything under fixtures/ (keyed fixtures/...).
	Tests    map[string][]byte
	Fixtures map[string][]byte
	// Expected is nil when expected.json is absent; Fresh says whether it
	// was recorded for this Version.
	Expected *Expected
}

// Fresh reports whether expected.json matches the challenge's content.
func (c *Challenge) Fresh() bool {
	return c.Expected != nil && c.Expected.Version == c.Version && len(c.Expected.Tests) > 0
}

// Visible returns the candidate-visible test files (tests/visible/...).
func (c *Challenge) Visible() map[string][]byte {
	out := map[string][]byte{}
	for p, b := range c.Tests {
		if strings.HasPrefix(p, "tests/visible/") {
			out[p] = b
		}
	}
	return out
}

// SandboxFiles are the files every run of this challenge gets besides the
// candidate's: provided modules, tests and fixtures.
func (c *Challenge) SandboxFiles() map[string][]byte {
	out := make(map[string][]byte, len(c.Lib)+len(c.Tests)+len(c.Fixtures))
	for _, m := range []map[string][]byte{c.Lib, c.Tests, c.Fixtures} {
		for p, b := range m {
			out[p] = b
		}
	}
	for name, files := range c.Mutants {
		for f, b := range files {
			out[MutantPath(name, f)] = b
		}
	}
	return out
}

// Limits merges the manifest's limits over defaults and caps them at ceiling.
func (c *Challenge) Limits(defaults, ceiling runner.Limits) runner.Limits {
	l := defaults
	m := c.Manifest.Limits
	if m.TimeLimit > 0 {
		l.Wall = time.Duration(m.TimeLimit)
	}
	if m.TestTimeout > 0 {
		l.TestTimeout = time.Duration(m.TestTimeout)
	}
	if m.MemoryMB > 0 {
		l.MemoryBytes = m.MemoryMB << 20
	}
	if m.CPUs > 0 {
		l.CPUs = m.CPUs
	}
	if m.Pids > 0 {
		l.Pids = m.Pids
	}
	return capLimits(l, ceiling)
}

func capLimits(l, c runner.Limits) runner.Limits {
	minD := func(a, b time.Duration) time.Duration {
		if b > 0 && (a <= 0 || a > b) {
			return b
		}
		return a
	}
	minI := func(a, b int64) int64 {
		if b > 0 && (a <= 0 || a > b) {
			return b
		}
		return a
	}
	l.Wall = minD(l.Wall, c.Wall)
	l.TestTimeout = minD(l.TestTimeout, c.TestTimeout)
	l.MemoryBytes = minI(l.MemoryBytes, c.MemoryBytes)
	l.Pids = minI(l.Pids, c.Pids)
	l.NoFile = minI(l.NoFile, c.NoFile)
	l.FileSize = minI(l.FileSize, c.FileSize)
	l.Scratch = minI(l.Scratch, c.Scratch)
	l.OutputBytes = minI(l.OutputBytes, c.OutputBytes)
	if c.CPUs > 0 && (l.CPUs <= 0 || l.CPUs > c.CPUs) {
		l.CPUs = c.CPUs
	}
	return l
}

// Load reads and validates the challenge folder dir of fsys.
func Load(fsys fs.FS, dir string) (*Challenge, error) {
	c, err := load(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalid, dir, err)
	}
	return c, nil
}

func load(fsys fs.FS, dir string) (*Challenge, error) {
	raw, err := fs.ReadFile(fsys, path.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ManifestFile, err)
	}
	c := &Challenge{
		Starter: map[string][]byte{}, Reference: map[string][]byte{},
		Bad: map[string]map[string][]byte{}, Lib: map[string][]byte{},
		Tests: map[string][]byte{}, Fixtures: map[string][]byte{},
		Mutants: map[string]map[string][]byte{},
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c.Manifest); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}
	if err := c.Manifest.validate(path.Base(dir)); err != nil {
		return nil, fmt.Errorf("%s: %w", ManifestFile, err)
	}

	hash := sha256.New()
	// Author tooling and Python's caches are not part of a challenge.
	files, err := FolderFiles(fsys, dir)
	if err != nil {
		return nil, err
	}
	paths := slices.Sorted(maps.Keys(files))
	for _, rel := range paths {
		data := files[rel]
		if rel == ExpectedFile {
			var e Expected
			if err := json.Unmarshal(data, &e); err != nil {
				return nil, fmt.Errorf("%s: %w", ExpectedFile, err)
			}
			c.Expected = &e
			continue
		}
		fmt.Fprintf(hash, "%s\x00%d\x00", rel, len(data))
		hash.Write(data)
		if err := c.place(rel, data); err != nil {
			return nil, err
		}
	}
	if c.Kind == KindTests {
		// The driver tests are generated, and part of the version: a
		// change of the generator is a new version of the challenge.
		if err := c.generateDriver(hash); err != nil {
			return nil, err
		}
	}
	c.Version = hex.EncodeToString(hash.Sum(nil))[:16]
	if err := c.validateFiles(); err != nil {
		return nil, err
	}
	if c.Fresh() {
		if err := checkRecordedScoring(c.Scoring, c.Expected); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// place files one file of the folder into its part of the challenge.
func (c *Challenge) place(rel string, data []byte) error {
	first, rest, _ := strings.Cut(rel, "/")
	switch {
	case rel == ManifestFile:
	case rel == PromptFile:
		c.Prompt = string(data)
	case first == "starter" && rest != "":
		c.Starter[rest] = data
	case first == "reference" && rest != "":
		c.Reference[rest] = data
	case first == "bad" && strings.Count(rest, "/") == 1:
		name, file, _ := strings.Cut(rest, "/")
		if c.Bad[name] == nil {
			c.Bad[name] = map[string][]byte{}
		}
		c.Bad[name][file] = data
	case first == "lib" && rest != "" && !strings.Contains(rest, "/"):
		c.Lib[rest] = data
	case first == "tests" && rest != "":
		c.Tests[rel] = data
	case first == "fixtures" && rest != "":
		c.Fixtures[rel] = data
	case first == MutantsDir && strings.Count(rest, "/") == 1:
		name, file, _ := strings.Cut(rest, "/")
		if c.Mutants[name] == nil {
			c.Mutants[name] = map[string][]byte{}
		}
		c.Mutants[name][file] = data
	default:
		return fmt.Errorf("%s: not part of the challenge format (see docs/CHALLENGES.md)", rel)
	}
	return nil
}

func (m *Manifest) validate(dirName string) error {
	switch {
	case !slugRE.MatchString(m.Slug):
		return fmt.Errorf("slug %q: use lower-case letters, digits and dashes", m.Slug)
	case m.Slug != dirName:
		return fmt.Errorf("slug %q does not match its folder %q", m.Slug, dirName)
	case strings.TrimSpace(m.Title) == "":
		return errors.New("title is missing")
	case len(m.Files) == 0:
		return errors.New("files: name at least one file the candidate submits")
	}
	if !KnownImage(m.Image) {
		return fmt.Errorf("image %q: use one of python (the default) or scientific (numpy, pandas)", m.Image)
	}
	if m.Image == "python" {
		m.Image = ""
	}
	if err := m.validateKind(); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if m.Kind == KindTests {
			if !entryRE.MatchString(f) || reservedEntries[f] {
				return fmt.Errorf("files: %q is not allowed as a candidate file (a lower-case module name ending in .py, not a conftest or site file)", f)
			}
		} else if !entryRE.MatchString(f) || reservedEntries[f] || strings.HasPrefix(f, "test_") {
			return fmt.Errorf("files: %q is not allowed as a candidate file (a lower-case module name ending in .py, not a test, conftest or site file)", f)
		}
		if seen[f] {
			return fmt.Errorf("files: %q is listed twice", f)
		}
		seen[f] = true
	}
	l := m.Limits
	if l.MemoryMB < 0 || l.CPUs < 0 || l.Pids < 0 {
		return errors.New("limits: values must be positive")
	}
	if l.MemoryMB > 0 && l.MemoryMB < MinMemoryMB {
		return fmt.Errorf("limits: memory_mb must be at least %d: pytest and the harness take about 40 MiB, and under runc a run is stopped a sixteenth (at least 8 MiB) before the limit", MinMemoryMB)
	}
	return m.Scoring.validate()
}

// MinMemoryMB is the least memory_mb a challenge may set.
const MinMemoryMB = 64

func (c *Challenge) validateFiles() error {
	if strings.TrimSpace(c.Prompt) == "" {
		return fmt.Errorf("%s is missing or empty", PromptFile)
	}
	for _, f := range c.Files {
		if _, ok := c.Starter[f]; !ok {
			return fmt.Errorf("starter/%s is missing", f)
		}
		if _, ok := c.Reference[f]; !ok {
			return fmt.Errorf("reference/%s is missing", f)
		}
		for name, files := range c.Bad {
			if _, ok := files[f]; !ok {
				return fmt.Errorf("bad/%s/%s is missing", name, f)
			}
		}
		if _, ok := c.Lib[f]; ok {
			return fmt.Errorf("lib/%s has the name of a candidate file", f)
		}
	}
	if c.Kind == KindTests {
		return c.validateTestsKind()
	}
	if len(c.Mutants) > 0 {
		return fmt.Errorf("%s/ is only for challenges of kind tests (add `kind: tests` and `module:` to %s)", MutantsDir, ManifestFile)
	}
	if len(c.Visible()) == 0 {
		return errors.New("tests/visible/ has no test files")
	}
	return nil
}
