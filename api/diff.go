package api

import "strings"

// diffLine is one line of a line diff: Op is ' ' (in both), '-' (only in
// the old text) or '+' (only in the new).
type diffLine struct {
	Op   byte
	Text string
}

// fileDiff is the diff of one file between two attempts.
type fileDiff struct {
	Name    string
	Lines   []diffLine
	Added   int
	Removed int
	// TooBig is set when the files are too large to diff here.
	TooBig bool
}

// maxDiffCells bounds the LCS table (lines of old times lines of new).
const maxDiffCells = 4_000_000

// diffFile is a longest-common-subsequence line diff of old and new.
func diffFile(name, old, new string) fileDiff {
	a, b := splitLines(old), splitLines(new)
	d := fileDiff{Name: name}
	// Common head and tail cost nothing and shrink the table.
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	ma, mb := a[head:len(a)-tail], b[head:len(b)-tail]
	if len(ma)*len(mb) > maxDiffCells {
		d.TooBig = true
		return d
	}
	for _, l := range a[:head] {
		d.Lines = append(d.Lines, diffLine{' ', l})
	}
	// lcs[i][j] is the LCS length of ma[i:] and mb[j:].
	lcs := make([][]int32, len(ma)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(mb)+1)
	}
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i] == mb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(ma) || j < len(mb) {
		switch {
		case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
			d.Lines = append(d.Lines, diffLine{' ', ma[i]})
			i, j = i+1, j+1
		case j < len(mb) && (i == len(ma) || lcs[i][j+1] >= lcs[i+1][j]):
			d.Lines = append(d.Lines, diffLine{'+', mb[j]})
			d.Added++
			j++
		default:
			d.Lines = append(d.Lines, diffLine{'-', ma[i]})
			d.Removed++
			i++
		}
	}
	for _, l := range a[len(a)-tail:] {
		d.Lines = append(d.Lines, diffLine{' ', l})
	}
	return d
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
