package similarity

import (
	"maps"
	"slices"
	"sort"
)

// Scaffold is what every submission of a challenge version may share
// without copying anyone: the starter files and lib/ modules, and the
// reference solution, each keyed by file name.
type Scaffold struct {
	Starter, Lib, Reference map[string]string
}

// Analysis is one submission's fingerprints with the scaffolding removed,
// and its similarity to the reference solution.
type Analysis struct {
	// Fingerprints are the winnowed fingerprints that occur in no
	// starter file, lib/ module or reference file (any k-gram of them).
	Fingerprints []Located
	// Reference is shared / min over the submission's and the reference's
	// winnowed fingerprints, both without the starter and lib/ ones:
	// computed before the reference's own fingerprints are removed.
	Reference float64
}

// Analyze fingerprints a submission's files against its challenge's
// scaffolding. To analyse many submissions of one version, Prepare the
// scaffolding once.
func Analyze(files map[string]string, sc Scaffold, p Params) Analysis {
	return sc.Prepare(p).Analyze(files)
}

// Prepared is a challenge version's scaffolding reduced to hashes, to
// analyse its submissions without fingerprinting it again each time.
type Prepared struct {
	p         Params
	base      HashSet // every k-gram of the starter and lib/ files
	reference HashSet // the reference's fingerprints not in base
	refAll    HashSet // every k-gram of the reference
}

// Prepare hashes the scaffolding.
func (sc Scaffold) Prepare(p Params) *Prepared {
	base := AllHashes(p, values(sc.Starter, sc.Lib)...)
	return &Prepared{
		p: p, base: base,
		reference: Hashes(Without(Of(sc.Reference, sortedKeys(sc.Reference), p), base)),
		refAll:    AllHashes(p, values(sc.Reference)...),
	}
}

// Analyze fingerprints a submission's files.
func (pr *Prepared) Analyze(files map[string]string) Analysis {
	sub := Without(Of(files, sortedKeys(files), pr.p), pr.base)
	return Analysis{Reference: Score(Hashes(sub), pr.reference), Fingerprints: Without(sub, pr.refAll)}
}

// Span is a byte range of one file.
type Span struct {
	File       string
	Start, End int
}

// Matches returns the spans of a and of b covered by k-grams the two
// share, scaffolding k-grams excluded: every shared k-gram, not only the
// winnowed ones, so the whole copied stretch is highlighted. Overlapping
// spans are merged; each list is sorted by file and offset.
func Matches(a, b map[string]string, sc Scaffold, p Params) (inA, inB []Span) {
	drop := AllHashes(p, values(sc.Starter, sc.Lib, sc.Reference)...)
	grams := func(files map[string]string) []Located {
		var out []Located
		for _, name := range sortedKeys(files) {
			for _, g := range KGrams(Tokens(files[name]), p) {
				if _, ok := drop[g.Hash]; !ok {
					out = append(out, Located{File: name, Fingerprint: g})
				}
			}
		}
		return out
	}
	ga, gb := grams(a), grams(b)
	ha, hb := Hashes(ga), Hashes(gb)
	return merge(ga, hb), merge(gb, ha)
}

// merge keeps the k-grams of gs whose hash is in keep, as merged spans.
func merge(gs []Located, keep HashSet) []Span {
	var out []Span
	for _, g := range gs {
		if _, ok := keep[g.Hash]; !ok {
			continue
		}
		out = append(out, Span{File: g.File, Start: g.Start, End: g.End})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		return out[i].Start < out[j].Start
	})
	var merged []Span
	for _, s := range out {
		if n := len(merged); n > 0 && merged[n-1].File == s.File && s.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

func sortedKeys(m map[string]string) []string {
	keys := slices.Sorted(maps.Keys(m))
	return keys
}

func values(ms ...map[string]string) []string {
	var out []string
	for _, m := range ms {
		for _, k := range sortedKeys(m) {
			out = append(out, m[k])
		}
	}
	return out
}
