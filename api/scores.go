package api

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Scores are staff's; scoring on read is package app's (app.Scores):
// what is left here is how a score is shown.

// formatScore is a score on a page: "84.6", "100", or "–" for none.
func formatScore(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

// tagsCell is the subscores in one CSV cell: "api 100; edge 28.6", by tag.
func tagsCell(tags map[string]float64) string {
	parts := make([]string, 0, len(tags))
	for _, name := range slices.Sorted(maps.Keys(tags)) {
		parts = append(parts, name+" "+strconv.FormatFloat(tags[name], 'f', -1, 64))
	}
	return strings.Join(parts, "; ")
}
