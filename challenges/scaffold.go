package challenges

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Scaffold returns the files of a new challenge folder named slug: a tiny
// working example (count the words of a text) with every part of the
// format, and an expected.json recorded for it, so that `assay challenges
// check` passes on it as it is. Authors then replace its content.
func Scaffold(slug string) (map[string][]byte, error) {
	if !slugRE.MatchString(slug) {
		return nil, fmt.Errorf("%w: slug %q: use lower-case letters, digits and dashes, starting with a letter or digit (at most 63)", ErrInvalid, slug)
	}
	title := strings.ToUpper(slug[:1]) + strings.ReplaceAll(slug[1:], "-", " ")
	files := map[string][]byte{}
	for p, text := range scaffoldFiles() {
		text = strings.ReplaceAll(text, "{{slug}}", slug)
		text = strings.ReplaceAll(text, "{{title}}", title)
		files[p] = []byte(strings.TrimLeft(text, "\n"))
	}
	ch, err := Load(folderFS(slug, files), slug)
	if err != nil {
		return nil, fmt.Errorf("scaffold %s: %w", slug, err)
	}
	exp := Expected{Version: ch.Version}
	for _, id := range scaffoldTests() {
		exp.Tests = append(exp.Tests, ExpectedTest{ID: id, Hidden: strings.HasPrefix(id, "tests.hidden."), Weight: 1})
	}
	b, err := json.MarshalIndent(exp, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("scaffold %s: %w", slug, err)
	}
	files[ExpectedFile] = append(b, '\n')
	return files, nil
}

// scaffoldTests are the test ids the scaffold's reference reports, sorted
// as Check records them. TestScaffoldPassesTheRealCheck keeps them true.
func scaffoldTests() []string {
	return []string{
		"tests.hidden.test_count::test_empty_text",
		"tests.hidden.test_count::test_strips_punctuation",
		"tests.visible.test_count::test_counts_each_word",
		"tests.visible.test_count::test_ignores_case",
	}
}

// scaffoldFiles are the scaffold's files; {{slug}} and {{title}} are
// replaced.
func scaffoldFiles() map[string]string {
	return map[string]string{
		ManifestFile: `
# The manifest: docs/CHALLENGES.md describes every field.
slug: {{slug}}                   # required: equals the folder name
title: {{title}}                 # required
summary: Count the words of a text.  # optional: one line for the list
files: [solution.py]             # required: the files a candidate submits
# kind: solution                 # solution (the default), or tests: the candidate writes
#                                # tests, graded against module and its mutants/
# module: inventory.py           # kind tests only: the module under test, in lib/
# limits:                        # optional; each falls back to the server's default
#   time_limit: 30s              # wall clock for the whole run (ceiling ASSAY_MAX_TIME, 2m)
#   test_timeout: 10s            # per test, via pytest-timeout (ceiling 1m)
#   memory_mb: 256               # memory, swap included (ceiling ASSAY_MAX_MEMORY_MB, 1024)
#   cpus: 1                      # CPU quota (ceiling ASSAY_MAX_CPUS)
#   pids: 64                     # processes and threads (ceiling ASSAY_MAX_PIDS, 256)
# scoring:                       # optional: how a submission scores (default: each test 1 point)
#   tests:                       # weights and tags of the tests a pattern names
#     - match: tests/hidden      # a folder, file, class, function or case (* within a name)
#       weight: 2                # 0.01 to 100; the last rule naming a test wins
#       tags: [edge-cases]       # a subscore per tag
#   groups:                      # all or nothing: its tests earn only when all of them pass
#     - name: punctuation
#       tests: [tests/hidden/test_count.py::test_strips_punctuation]
`,
		PromptFile: `
# {{title}}

Write ` + "`count_words(text: str) -> dict[str, int]`" + ` in ` + "`solution.py`" + `: how many
times each word occurs in ` + "`text`" + `.

- A word is a run of letters, digits and apostrophes; everything else
  (spaces, punctuation) separates words.
- Words are counted without regard to case, and reported in lower case.
- An empty text has no words.

` + "```python" + `
>>> count_words("The cat saw the dog.")
{'the': 2, 'cat': 1, 'saw': 1, 'dog': 1}
` + "```" + `
`,
		"starter/solution.py": `
def count_words(text: str) -> dict[str, int]:
    """Count each word of text, case-insensitively."""
    raise NotImplementedError
`,
		"reference/solution.py": `
import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    """Count each word of text, case-insensitively."""
    return dict(Counter(re.findall(r"[a-z0-9']+", text.lower())))
`,
		// Known-bad solutions: plausible mistakes, each caught by a test.
		"bad/case_sensitive/solution.py": `
import re
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    return dict(Counter(re.findall(r"[A-Za-z0-9']+", text)))
`,
		"bad/splits_on_spaces/solution.py": `
from collections import Counter


def count_words(text: str) -> dict[str, int]:
    return dict(Counter(text.lower().split()))
`,
		// Fixtures shared by the visible and the hidden tests.
		"tests/conftest.py": `
import pytest


@pytest.fixture
def sample() -> str:
    return "The cat saw the dog."
`,
		// same() compares exact types before values, so that a forged
		// value (equal to anything) fails: see tests/strict.py. A test
		// that compares results with each other resists even a forgery
		// that reads the expected literal from the test's source.
		"tests/visible/test_count.py": `
from tests.strict import same
from solution import count_words


def test_counts_each_word():
    same(count_words("a b a"), {"a": 2, "b": 1})


def test_ignores_case(sample):
    counts = count_words(sample)
    same(counts["the"], 2)
    same(count_words(sample.upper()), counts)
`,
		"tests/hidden/test_count.py": `
from tests.strict import same
from solution import count_words


def test_strips_punctuation(sample):
    same(count_words(sample), {"the": 2, "cat": 1, "saw": 1, "dog": 1})


def test_empty_text():
    same(count_words(""), {})
`,
		// A helper the tests import: comparisons a forged value cannot pass.
		"tests/strict.py": `
"""Comparisons a forged value cannot pass.

A solution can return objects that lie: equal to anything, subclasses of
int, str, list or dict whose __eq__ always says yes, objects whose
__class__ claims a type they are not. same(actual, expected) checks the
exact type of actual, and of everything inside it, before it compares
values: once the types are Python's own, == cannot lie. "assay challenges
check" runs forged solutions against every challenge (docs/CHALLENGES.md,
"Tests that resist forged values").

Import it before the solution ("from tests.strict import same"), so that
the test holds the function itself, whatever the solution's code does later.
"""

import dataclasses
from collections import Counter, OrderedDict, defaultdict

# The standard library's dicts: a correct solution may return any of them
# where a dict is expected. They are named, not tested with issubclass, so
# that no other subclass passes.
_DICTS = (dict, OrderedDict, defaultdict, Counter)


def same(actual, expected):
    """Asserts that actual == expected, with the same exact types
    throughout: dataclass fields, list, tuple and dict items, set members."""
    _same(actual, expected, "the value")


def _kind(t):
    return "%s.%s" % (t.__module__, t.__qualname__)


def _same(actual, expected, where):
    t, e = type(actual), type(expected)
    assert t is e or (e in _DICTS and t in _DICTS), "%s is a %s, not a %s" % (where, _kind(t), _kind(e))
    if e in (list, tuple):
        assert len(actual) == len(expected), "%s has %d items, not %d: %r" % (where, len(actual), len(expected), actual)
        for i, (a, x) in enumerate(zip(actual, expected)):
            _same(a, x, "%s[%d]" % (where, i))
    elif e in _DICTS:
        assert len(actual) == len(expected), "%s has %d keys, not %d: %r" % (where, len(actual), len(expected), actual)
        for key, value in expected.items():
            found = [k for k in actual if type(k) is type(key) and k == key]
            assert found, "%s has no key %r: %r" % (where, key, actual)
            _same(actual[found[0]], value, "%s[%r]" % (where, key))
    elif e in (set, frozenset):
        kinds = {type(x) for x in expected}
        for item in actual:
            assert type(item) in kinds, "%s holds a %s" % (where, _kind(type(item)))
        assert actual == expected, "%s: %r != %r" % (where, actual, expected)
    elif dataclasses.is_dataclass(expected):
        for f in dataclasses.fields(expected):
            if not f.compare:
                continue
            _same(getattr(actual, f.name), getattr(expected, f.name), "%s.%s" % (where, f.name))
    else:
        assert actual == expected, "%s: %r != %r" % (where, actual, expected)
`,
	}
}
