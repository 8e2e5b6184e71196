package challenges

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"text/template"
	"time"

	"assay/runner"
)

// Challenge kinds.
const (
	// KindSolution: the candidate writes code; the challenge's tests check it.
	KindSolution = "solution"
	// KindTests: the candidate writes a pytest suite for a given module. It
	// must pass against the module and fail against each of its mutants.
	KindTests = "tests"
)

// MutantsDir is the folder of a kind tests challenge that holds the
// mutated versions of its module, one folder per mutant.
const MutantsDir = "mutants"

// The driver tests Assay generates for a kind tests challenge.
const (
	DriverVisible = "tests/visible/test_your_tests.py"
	DriverHidden  = runner.HiddenDir + "test_mutants.py"
)

// defaultTestTimeout is the server's default per-test timeout, used to size
// the driver's own timeouts when the manifest sets none.
const defaultTestTimeout = 10 * time.Second

var mutantRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// MutantPath is where a mutant's file is placed in a run: under the hidden
// tests, so it reaches the sandbox only in the hidden phase.
func MutantPath(mutant, file string) string {
	return runner.HiddenDir + MutantsDir + "/" + mutant + "/" + file
}

func (m *Manifest) validateKind() error {
	switch m.Kind {
	case "", KindSolution:
		m.Kind = KindSolution
		if m.Module != "" {
			return fmt.Errorf("module: only challenges of kind %s name a module under test", KindTests)
		}
		return nil
	case KindTests:
	default:
		return fmt.Errorf("kind %q: use %s (the default) or %s", m.Kind, KindSolution, KindTests)
	}
	switch {
	case m.Module == "":
		return fmt.Errorf("module: a challenge of kind %s names its module under test (a file of lib/, e.g. inventory.py)", KindTests)
	case !entryRE.MatchString(m.Module) || reservedEntries[m.Module] || strings.HasPrefix(m.Module, "test_"):
		return fmt.Errorf("module: %q is not allowed (a lower-case module name ending in .py, not a test, conftest or site file)", m.Module)
	case slices.Contains(m.Files, m.Module):
		return fmt.Errorf("module: %q is the module under test; it cannot be a candidate file too", m.Module)
	}
	for _, f := range m.Files {
		if strings.HasPrefix(f, "test_") {
			return nil
		}
	}
	return fmt.Errorf("files: a challenge of kind %s takes at least one test file from the candidate (test_*.py)", KindTests)
}

// generateDriver adds the driver tests of a kind tests challenge to
// c.Tests and to the version hash. The challenge's own folder may hold no
// tests or fixtures: the driver is the whole suite.
func (c *Challenge) generateDriver(h hash.Hash) error {
	if len(c.Tests) > 0 {
		return fmt.Errorf("tests/: a challenge of kind %s has no tests of its own (Assay generates %s and %s)", KindTests, DriverVisible, DriverHidden)
	}
	if len(c.Fixtures) > 0 {
		return fmt.Errorf("fixtures/: not supported for challenges of kind %s", KindTests)
	}
	var mutants []string
	for name := range c.Mutants {
		if !mutantRE.MatchString(name) {
			return fmt.Errorf("%s/%s: a mutant's name is lower-case letters, digits and underscores, starting with a letter", MutantsDir, name)
		}
		mutants = append(mutants, name)
	}
	sort.Strings(mutants)
	files, err := driverFiles(c.Manifest, c.Lib, mutants)
	if err != nil {
		return err
	}
	for _, p := range []string{DriverHidden, DriverVisible} {
		fmt.Fprintf(h, "generated:%s\x00%d\x00", p, len(files[p]))
		h.Write(files[p])
		c.Tests[p] = files[p]
	}
	return nil
}

// validateTestsKind checks the parts specific to a kind tests challenge.
func (c *Challenge) validateTestsKind() error {
	correct, ok := c.Lib[c.Module]
	if !ok {
		return fmt.Errorf("lib/%s is missing: it is the module under test (module: in %s)", c.Module, ManifestFile)
	}
	if len(c.Mutants) == 0 {
		return fmt.Errorf("%s/ has no mutants: add %s/<name>/%s, a wrong version of the module the candidate's tests must catch", MutantsDir, MutantsDir, c.Module)
	}
	names := slices.Sorted(maps.Keys(c.Mutants))
	for _, name := range names {
		files := c.Mutants[name]
		src, ok := files[c.Module]
		if !ok {
			return fmt.Errorf("%s/%s/%s is missing", MutantsDir, name, c.Module)
		}
		for f := range files {
			if f != c.Module {
				return fmt.Errorf("%s/%s/%s: a mutant holds only the module under test (%s)", MutantsDir, name, f, c.Module)
			}
		}
		if bytes.Equal(src, correct) {
			return fmt.Errorf("%s/%s/%s is the same as lib/%s: a mutant must change the module", MutantsDir, name, c.Module, c.Module)
		}
	}
	return nil
}

// driverTimeouts sizes the inner pytest runs so that the outer test, which
// in the hidden phase runs the suite twice (against the correct module,
// once per run, and against a mutant), ends before its own timeout.
func driverTimeouts(m Manifest) (suite, perTest int) {
	tt := time.Duration(m.Limits.TestTimeout)
	if tt <= 0 {
		tt = defaultTestTimeout
	}
	suite = int((tt - 2*time.Second) / 2 / time.Second)
	suite = max(suite, 2)
	perTest = min(max(suite/3, 1), 5)
	return suite, perTest
}

func driverFiles(m Manifest, lib map[string][]byte, mutants []string) (map[string][]byte, error) {
	provided := slices.Sorted(maps.Keys(lib))
	var suite []string
	for _, f := range m.Files {
		if strings.HasPrefix(f, "test_") {
			suite = append(suite, f)
		}
	}
	suiteTimeout, perTest := driverTimeouts(m)
	py := func(v any) (string, error) {
		b, err := json.Marshal(v) // a JSON list of plain strings is a Python literal
		return string(b), err
	}
	data := map[string]any{
		"Slug": m.Slug, "Module": m.Module, "SuiteTimeout": suiteTimeout, "PerTest": perTest,
	}
	for key, v := range map[string]any{"ModuleLit": m.Module, "Provided": provided, "Candidate": m.Files, "Suite": suite, "Mutants": mutants, "MutantsDir": runner.HiddenDir + MutantsDir} {
		s, err := py(v)
		if err != nil {
			return nil, err
		}
		data[key] = s
	}
	out := map[string][]byte{}
	for p, t := range map[string]*template.Template{DriverVisible: visibleDriver, DriverHidden: hiddenDriver} {
		var b bytes.Buffer
		if err := t.Execute(&b, data); err != nil {
			return nil, fmt.Errorf("generate %s: %w", p, err)
		}
		out[p] = b.Bytes()
	}
	if len(out[DriverHidden]) == 0 || len(out[DriverVisible]) == 0 {
		return nil, errors.New("generate driver: empty")
	}
	return out, nil
}

// driverCommon runs the candidate's suite in a fresh directory that holds
// the candidate's files and the provided modules, the module under test
// replaced by the version being tried. Only pytest's exit status and its
// JUnit report count; the inner pytest gets the harness's safe options.
const driverCommon = `import os
import pathlib
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest

WORK = pathlib.Path(__file__).resolve().parents[2]
MODULE = {{.ModuleLit}}
PROVIDED = {{.Provided}}
CANDIDATE = {{.Candidate}}
SUITE = {{.Suite}}
SUITE_TIMEOUT = {{.SuiteTimeout}}  # seconds for one run of your whole suite
TEST_TIMEOUT = {{.PerTest}}  # seconds for each of your tests
OUTPUT_KEEP = 3000
EXIT_MEANING = {
    2: "interrupted: a test file failed to import or collect",
    3: "an internal error",
    4: "a usage error",
    5: "no tests collected",
}


class Run:
    """How one run of the candidate's suite ended."""

    def __init__(self, code, output, cases, timed_out):
        self.code = code
        self.output = output
        self.timed_out = timed_out
        self.report = cases is not None
        cases = cases or []
        self.failed = sum(1 for c in cases if c == "failed")
        self.skipped = sum(1 for c in cases if c == "skipped")
        self.passed = sum(1 for c in cases if c == "passed")

    def counts(self):
        return "%d passed, %d failed, %d skipped" % (self.passed, self.failed, self.skipped)

    def status(self):
        text = "pytest exited with status %d" % self.code
        if self.code in EXIT_MEANING:
            text += " (%s)" % EXIT_MEANING[self.code]
        if not self.report:
            text += " without writing its report (did a test end the process?)"
        return text

    def tail(self):
        text = self.output.strip()
        if not text:
            return ""
        if len(text) > OUTPUT_KEEP:
            text = "..." + text[-OUTPUT_KEEP:]
        return "\n\npytest's output:\n" + text


def _cases(report):
    try:
        root = ET.parse(report).getroot()
    except (OSError, ET.ParseError):
        return None
    out = []
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            out.append("failed")
        elif "skipped" in tags:
            out.append("skipped")
        else:
            out.append("passed")
    return out


def _killpg(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run_suite(module_source):
    """Runs the candidate's suite against module_source in a fresh directory."""
    with tempfile.TemporaryDirectory(prefix="assay-suite-") as tmp:
        tmp = pathlib.Path(tmp)
        run = tmp / "run"
        run.mkdir()
        for name in PROVIDED:
            if name != MODULE:
                shutil.copyfile(WORK / name, run / name)
        shutil.copyfile(module_source, run / MODULE)
        for name in CANDIDATE:
            shutil.copyfile(WORK / name, run / name)
        ini = tmp / "pytest.ini"
        ini.write_text("[pytest]\n")
        report = tmp / "report.xml"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PYTEST", "ASSAY"))}
        env.update(PYTHONPATH=str(run), PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        cmd = [
            sys.executable, "-m", "pytest", "-c", str(ini), "--rootdir", str(run),
            "-p", "no:cacheprovider", "-p", "pytest_timeout", "--timeout", str(TEST_TIMEOUT),
            "--junitxml", str(report), "-q", "--tb=short", "-rfE", "--color=no",
        ] + SUITE
        timed_out = False
        with open(tmp / "output.txt", "wb") as out:
            proc = subprocess.Popen(
                cmd, cwd=run, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )
            try:
                proc.wait(timeout=SUITE_TIMEOUT)
            except subprocess.TimeoutExpired:
                timed_out = True
            _killpg(proc.pid)
            code = proc.wait()
        with open(tmp / "output.txt", "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4 * OUTPUT_KEEP))
            output = f.read().decode("utf-8", "replace")
        return Run(code, output, _cases(report), timed_out)


def problem_against_correct(r, output=True):
    """Why a run against the correct module is not a pass, or ""."""
    tail = r.tail() if output else ""
    if r.timed_out:
        return "your tests did not finish within %ds against the correct %s%s" % (SUITE_TIMEOUT, MODULE, tail)
    if r.code == 5:
        return "pytest found no tests in %s: write test functions named test_..." % ", ".join(SUITE)
    if r.code == 1 and r.failed:
        return ("your tests fail against the correct %s (%s): a test that fails on correct code "
                "is a wrong test%s" % (MODULE, r.counts(), tail))
    if r.code != 0 or not r.report:
        return "your tests did not run cleanly against the correct %s: %s%s" % (MODULE, r.status(), tail)
    if r.passed == 0:
        return "none of your tests ran and passed against the correct %s (%s): skipped tests do not count" % (MODULE, r.counts())
    return ""
`

var visibleDriver = template.Must(template.New("visible").Parse(`# Generated by Assay for the challenge {{.Slug}}: do not edit.
"""Runs your tests against the correct {{.Module}}.

Your files are copied, with the correct {{.Module}} and the other provided
modules, into a fresh directory, and pytest runs your test files there
(pytest -p no:cacheprovider, plugin autoload off, --timeout {{.PerTest}}, at
most {{.SuiteTimeout}}s in all). They must pass, and at least one test must
run and pass. The hidden tests then run your tests the same way against
mutated versions of {{.Module}}: each is caught when at least one of your
tests fails against it.
"""

` + driverCommon + `

def test_pass_against_correct_module():
    problem = problem_against_correct(run_suite(WORK / MODULE))
    if problem:
        pytest.fail(problem, pytrace=False)
`))

var hiddenDriver = template.Must(template.New("hidden").Parse(`# Generated by Assay for the challenge {{.Slug}}: do not edit.
"""Runs the candidate's tests against each mutant of {{.Module}}.

A mutant is caught when the candidate's suite, which passes against the
correct module, has at least one failing test against it (pytest's exit
status 1 with the failure in its report). A suite that hangs, cannot be
collected or crashes does not catch a mutant.
"""

` + driverCommon + `

MUTANTS = {{.Mutants}}
MUTANTS_DIR = {{.MutantsDir}}
_baseline = []


def baseline_problem():
    """The suite's result against the correct module, once per run."""
    if not _baseline:
        _baseline.append(problem_against_correct(run_suite(WORK / MODULE), output=False))
    return _baseline[0]


@pytest.mark.parametrize("mutant", MUTANTS)
def test_catches(mutant):
    problem = baseline_problem()
    if problem:
        pytest.fail("mutant ` + "`%s`" + ` does not count as caught: your tests must first pass against "
                    "the correct %s (the visible test), but %s" % (mutant, MODULE, problem), pytrace=False)
    r = run_suite(WORK / MUTANTS_DIR / mutant / MODULE)
    if r.timed_out:
        pytest.fail("your tests did not finish within %ds against mutant ` + "`%s`" + `: a suite that hangs "
                    "does not catch a mutant%s" % (SUITE_TIMEOUT, mutant, r.tail()), pytrace=False)
    if r.code == 1 and r.failed:
        return  # caught
    if r.code == 0:
        pytest.fail("your tests passed against mutant ` + "`%s`" + `: they did not catch it (%s)" % (mutant, r.counts()),
                    pytrace=False)
    pytest.fail("your tests did not catch mutant ` + "`%s`" + `: %s; only a test that fails, in pytest's "
                "report, catches a mutant%s" % (mutant, r.status(), r.tail()), pytrace=False)
`))
