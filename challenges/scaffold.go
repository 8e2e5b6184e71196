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
		exp.Tests = append(exp.Tests, ExpectedTest{ID: id, Hidden: strings.HasPrefix(id, "tests.hidden.")})
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
		"tests/visible/test_count.py": `
from solution import count_words


def test_counts_each_word():
    assert count_words("a b a") == {"a": 2, "b": 1}


def test_ignores_case(sample):
    assert count_words(sample)["the"] == 2
`,
		"tests/hidden/test_count.py": `
from solution import count_words


def test_strips_punctuation(sample):
    assert count_words(sample) == {"the": 2, "cat": 1, "saw": 1, "dog": 1}


def test_empty_text():
    assert count_words("") == {}
`,
	}
}
