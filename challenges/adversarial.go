package challenges

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// The adversarial solutions are Python files beside this one, named
// adversarial_<name>.py. They are files, not a folder, so that
// `assay challenges check challenges/*/` never takes them for a challenge.
//
//go:embed adversarial_*.py
var adversarialFS embed.FS

// AdversarialPrefix starts the name of every adversarial solution in a
// check report: "adversarial/always_equal".
const AdversarialPrefix = "adversarial/"

// Adversarial is a generic forged solution: a Python module that knows
// nothing of any challenge and hands out, through PEP 562's module
// __getattr__, lying objects for whatever name a test imports from it
// (always equal, lying subclasses of the builtin types, objects answering
// everything with themselves, values read from the calling test's
// bytecode). No sandbox stops such forgeries: tests must. Check runs each
// against every challenge, written to each of its entry files, and it
// must not pass.
type Adversarial struct {
	Name   string // "adversarial/always_equal"
	Source []byte
}

// AdversarialSolutions returns the built-in adversarial solutions, sorted
// by name.
func AdversarialSolutions() []Adversarial {
	paths, err := fs.Glob(adversarialFS, "adversarial_*.py")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	sort.Strings(paths)
	out := make([]Adversarial, 0, len(paths))
	for _, p := range paths {
		src, err := adversarialFS.ReadFile(p)
		if err != nil {
			panic(err) // embedded: cannot fail
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, "adversarial_"), ".py")
		out = append(out, Adversarial{Name: AdversarialPrefix + name, Source: src})
	}
	return out
}

// Files is the solution for ch: the adversarial source as every one of
// the challenge's entry files.
func (a Adversarial) Files(ch *Challenge) map[string][]byte {
	out := make(map[string][]byte, len(ch.Files))
	for _, f := range ch.Files {
		out[f] = a.Source
	}
	return out
}
