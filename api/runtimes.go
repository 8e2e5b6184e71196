package api

import (
	"fmt"

	"assay/runner"
)

// The submission page's runtimes: each test's time in units that fit, and
// its ratio to the reference solution's (runner.CompareRuntimes). Staff
// only: the reference's times never reach the candidate's view.

// formatUS shows a duration in microseconds in the unit that fits it:
// "412 µs", "3.2 ms", "48 ms", "1.4 s"; "–" when there is none.
func formatUS(us float64) string {
	switch {
	case us <= 0:
		return "–"
	case us < 9.95:
		return fmt.Sprintf("%.1f µs", us)
	case us < 999.5:
		return fmt.Sprintf("%.0f µs", us)
	case us < 9_950:
		return fmt.Sprintf("%.1f ms", us/1e3)
	case us < 999_500:
		return fmt.Sprintf("%.0f ms", us/1e3)
	}
	return fmt.Sprintf("%.1f s", us/1e6)
}

// formatRatio shows a ratio as "1.8×" ("0.05×" under a tenth, "130×"
// from a hundred); "–" when there is none.
func formatRatio(r float64) string {
	switch {
	case r <= 0:
		return "–"
	case r < 0.095:
		return fmt.Sprintf("%.2f×", r)
	case r < 99.95:
		return fmt.Sprintf("%.1f×", r)
	}
	return fmt.Sprintf("%.0f×", r)
}

// refSourceLabel says where a page's reference times come from.
func refSourceLabel(source string) string {
	switch source {
	case runner.RefSourceRun:
		return "timed in the same container, right after this run"
	case runner.RefSourceExpected:
		return "from the challenge's expected.json (no same-container timing for this run)"
	}
	return "no reference times"
}
