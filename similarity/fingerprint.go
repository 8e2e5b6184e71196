// Package similarity finds submissions of one challenge that share code:
// Python source is reduced to normalised tokens (tokens.go: identifiers
// and literals abstracted, comments, docstrings and layout dropped), k-grams of tokens
// are hashed, and winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003,
// the method of MOSS, JPlag's and Dolos's token fingerprints) keeps the
// minimum hash of every window of w k-grams. Two sources that share a run
// of at least w+k-1 tokens share at least one fingerprint, whatever is
// around it. Each fingerprint keeps the byte range of its k-gram, so
// matching spans can be shown.
//
// The package computes; index.go keeps the cohort's fingerprints in Redis
// and finds a new submission's matches without comparing all pairs.
// Flags inform a human; they never change a verdict.
package similarity

import (
	"hash/fnv"
)

// Fingerprint is a kept k-gram hash and the byte range of its k-gram.
type Fingerprint struct {
	Hash       uint64
	Start, End int
}

// Params are winnowing's parameters: K tokens per k-gram, W k-grams per
// window. A match of W+K-1 tokens or more is always found; one shorter
// than K tokens never is (noise).
type Params struct {
	K, W int
}

// DefaultParams suit Assay's challenges, whose solutions are a few dozen
// to a few hundred lines: K=12 tokens is about one or two statements, so
// the idioms every solution of a task shares (a loop over a range with a
// try/except) are not enough on their own, and W=8 keeps about one k-gram
// in four (density 2/(W+1)), so a copied block of 19 tokens or more is
// always seen. The seeded tests (similarity_test.go) hold these choices:
// independent solutions of the decorators challenge stay far below the
// threshold, renamed and reordered copies far above.
var DefaultParams = Params{K: 12, W: 8}

// KGrams hashes every run of p.K consecutive tokens (all of them, not
// winnowed: what scaffolding removal compares against).
func KGrams(toks []Token, p Params) []Fingerprint {
	if len(toks) < p.K {
		return nil
	}
	out := make([]Fingerprint, 0, len(toks)-p.K+1)
	for i := 0; i+p.K <= len(toks); i++ {
		h := fnv.New64a()
		for _, t := range toks[i : i+p.K] {
			h.Write([]byte(t.Text))
			h.Write([]byte{0})
		}
		out = append(out, Fingerprint{Hash: h.Sum64(), Start: toks[i].Start, End: toks[i+p.K-1].End})
	}
	return out
}

// Winnow keeps the minimum hash of each window of p.W consecutive k-grams
// (the rightmost one on a tie), each kept position once: robust winnowing.
func Winnow(grams []Fingerprint, p Params) []Fingerprint {
	if len(grams) == 0 {
		return nil
	}
	if len(grams) < p.W {
		// A source shorter than one window still has a minimum.
		m := 0
		for i, g := range grams {
			if g.Hash <= grams[m].Hash {
				m = i
			}
		}
		return []Fingerprint{grams[m]}
	}
	var out []Fingerprint
	last := -1
	for start := 0; start+p.W <= len(grams); start++ {
		m := start
		for i := start; i < start+p.W; i++ {
			if grams[i].Hash <= grams[m].Hash {
				m = i
			}
		}
		if m != last {
			out = append(out, grams[m])
			last = m
		}
	}
	return out
}

// Of returns the winnowed fingerprints of one submission's files, in the
// order of names (several files are fingerprinted one by one: a k-gram
// never spans two files). File names the positions' sources.
func Of(files map[string]string, names []string, p Params) []Located {
	var out []Located
	for _, name := range names {
		for _, f := range Winnow(KGrams(Tokens(files[name]), p), p) {
			out = append(out, Located{File: name, Fingerprint: f})
		}
	}
	return out
}

// Located is a fingerprint in one named file.
type Located struct {
	File string
	Fingerprint
}

// HashSet is a set of k-gram hashes.
type HashSet map[uint64]struct{}

// AllHashes returns every k-gram hash of the sources: scaffolding (starter
// files, lib/ modules, the reference) is removed by all its k-grams, not a
// winnowed sample, so no fingerprint of it survives in a submission.
func AllHashes(p Params, sources ...string) HashSet {
	out := HashSet{}
	for _, s := range sources {
		for _, g := range KGrams(Tokens(s), p) {
			out[g.Hash] = struct{}{}
		}
	}
	return out
}

// Without returns fps without the fingerprints whose hash is in drop.
func Without(fps []Located, drop HashSet) []Located {
	out := fps[:0:0]
	for _, f := range fps {
		if _, ok := drop[f.Hash]; !ok {
			out = append(out, f)
		}
	}
	return out
}

// Hashes returns the distinct hashes of fps.
func Hashes(fps []Located) HashSet {
	out := make(HashSet, len(fps))
	for _, f := range fps {
		out[f.Hash] = struct{}{}
	}
	return out
}

// Score is the similarity of two fingerprint sets: shared / min(|a|, |b|).
//
// Not Jaccard (shared / union): a candidate who copies a solution and adds
// code of their own, or copies half of it, still shares most of the
// smaller side, and that is what an interviewer needs to see. The cost is
// that a tiny set is "contained" in any large one, so sets smaller than
// MinFingerprints are never scored (see Config).
func Score(a, b HashSet) float64 {
	n := min(len(a), len(b))
	if n == 0 {
		return 0
	}
	return float64(Shared(a, b)) / float64(n)
}

// Shared counts the hashes in both sets.
func Shared(a, b HashSet) int {
	if len(a) > len(b) {
		a, b = b, a
	}
	n := 0
	for h := range a {
		if _, ok := b[h]; ok {
			n++
		}
	}
	return n
}

// Defaults of Config: a pair at or above DefaultThreshold is flagged, and
// a submission with fewer than DefaultMinFingerprints fingerprints left
// after the scaffolding is removed is too small to be scored (its few
// k-grams would be "contained" in anyone's).
const (
	DefaultThreshold       = 0.5
	DefaultMinFingerprints = 8
)
