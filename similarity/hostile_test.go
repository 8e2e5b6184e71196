package similarity_test

import (
	"strings"
	"testing"
	"time"

	"assay/similarity"
)

// Whatever a candidate submits, fingerprinting ends, quickly, and every
// position it reports lies inside the source (the pair page slices the
// source by them).
func TestHostileSourcesAreFingerprinted(t *testing.T) {
	big := 256 << 10 // api's default MaxFileBytes
	cases := map[string]string{
		"empty":                "",
		"unterminated string":  `x = "abc` + "\n" + `y = 'def`,
		"unterminated triple":  "x = '''" + strings.Repeat("a\n", 1000),
		"nul and bad utf-8":    "x = 1\x00\xff\xfe\n\x80def f(): pass\n",
		"deep brackets":        strings.Repeat("(", 5000) + strings.Repeat(")", 5000),
		"quotes":               strings.Repeat(`"'`, big/2),
		"one long name":        strings.Repeat("a", big),
		"backslashes":          strings.Repeat(`"\`, big/2),
		"f-string nesting":     strings.Repeat(`f"{`, 3000) + strings.Repeat(`}"`, 3000),
		"many short lines":     strings.Repeat("x=1\n", big/4),
		"tabs and form feeds":  strings.Repeat("\t\f\v \r\n", big/6),
		"decorators and stars": strings.Repeat("@a\n**b*c\n", big/8),
	}
	// The baseline: plain code of the same size, timed in the same run (the
	// fastest of three), so that the bound holds on a busy machine.
	plain := strings.Repeat("def f(a, b):\n    return a + b\n", big/30)
	baseline := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		files := map[string]string{"solution.py": plain}
		similarity.Matches(files, files, similarity.Scaffold{}, similarity.DefaultParams)
		baseline = min(baseline, time.Since(start))
	}
	t.Logf("plain code, %d bytes: %v", len(plain), baseline)
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			toks := similarity.Tokens(src)
			for _, tk := range toks {
				if tk.Start < 0 || tk.End > len(src) || tk.Start > tk.End {
					t.Fatalf("token %+v outside the source of %d bytes", tk, len(src))
				}
			}
			files := map[string]string{"solution.py": src}
			a, b := similarity.Matches(files, files, similarity.Scaffold{}, similarity.DefaultParams)
			for _, sp := range append(a, b...) {
				if sp.Start < 0 || sp.End > len(src) || sp.Start > sp.End {
					t.Fatalf("span %+v outside the source", sp)
				}
			}
			// Linear: within a constant factor of plain code of the same
			// size; anything quadratic is thousands of times slower at
			// 256 KiB, as chroma's lexer was on the tabs and form feeds
			// (7m49s against tens of milliseconds).
			if d := time.Since(start); d > 100*baseline && d > time.Second {
				t.Errorf("took %v, plain code of the same size %v", d, baseline)
			}
			t.Logf("%d bytes, %d tokens, %v", len(src), len(toks), time.Since(start))
		})
	}
}
