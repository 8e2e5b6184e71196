package similarity_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"assay/app"
	"assay/challenges"
	"assay/similarity"
)

// decorators returns the built-in decorators challenge's scaffolding.
func decorators(t testing.TB) similarity.Scaffold {
	t.Helper()
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range list {
		if ch.Slug == "decorators" {
			return app.ScaffoldOf(ch)
		}
	}
	t.Fatal("no decorators challenge")
	return similarity.Scaffold{}
}

func seeded(t testing.TB, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "decorators", name+".py"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"solution.py": string(b)}
}

func analyze(t testing.TB, sc similarity.Scaffold, name string) similarity.Analysis {
	return similarity.Analyze(seeded(t, name), sc, similarity.DefaultParams)
}

func pair(t testing.TB, sc similarity.Scaffold, a, b string) float64 {
	return similarity.Score(similarity.Hashes(analyze(t, sc, a).Fingerprints), similarity.Hashes(analyze(t, sc, b).Fingerprints))
}

// The independent solutions differ in approach (a while loop with helpers,
// a class, recursion, itertools, a dataclass policy): none is flagged
// against another, nor is any close to the reference.
func TestIndependentSolutionsAreNotFlagged(t *testing.T) {
	sc := decorators(t)
	names := []string{"alice", "bob", "carol", "dan", "erin"}
	for i, a := range names {
		if r := analyze(t, sc, a).Reference; r >= similarity.DefaultThreshold {
			t.Errorf("%s: similarity to the reference %.2f, want below %.2f", a, r, similarity.DefaultThreshold)
		}
		for _, b := range names[i+1:] {
			s := pair(t, sc, a, b)
			t.Logf("%s ~ %s: %.2f", a, b, s)
			if s >= similarity.DefaultThreshold {
				t.Errorf("%s ~ %s: %.2f, want below %.2f", a, b, s, similarity.DefaultThreshold)
			}
		}
	}
}

// mallory.py is alice.py with every name changed, the helpers reordered
// (one moved after retry), comments added and the layout changed.
func TestRenamedReorderedCopyIsFound(t *testing.T) {
	sc := decorators(t)
	s := pair(t, sc, "alice", "mallory")
	t.Logf("alice ~ mallory: %.2f", s)
	if s < 0.8 {
		t.Errorf("alice ~ mallory: %.2f, want at least 0.8", s)
	}
	for _, other := range []string{"bob", "carol", "dan", "erin"} {
		if s := pair(t, sc, other, "mallory"); s >= similarity.DefaultThreshold {
			t.Errorf("%s ~ mallory: %.2f, want below the threshold", other, s)
		}
	}
}

// trent.py is the reference with its names and messages changed: its
// similarity to the reference is high, and it is not a match with anyone
// else (the reference's own fingerprints are removed before pairs).
func TestReferenceCopyIsFlagged(t *testing.T) {
	sc := decorators(t)
	a := analyze(t, sc, "trent")
	t.Logf("trent ~ reference: %.2f (%d fingerprints left)", a.Reference, len(a.Fingerprints))
	if a.Reference < 0.8 {
		t.Errorf("trent ~ reference: %.2f, want at least 0.8", a.Reference)
	}
	verbatim := similarity.Analyze(sc.Reference, sc, similarity.DefaultParams)
	if verbatim.Reference != 1 || len(verbatim.Fingerprints) != 0 {
		t.Errorf("the reference itself: %.2f to the reference, %d fingerprints left; want 1 and 0", verbatim.Reference, len(verbatim.Fingerprints))
	}
}

// The starter file submitted as it is, or with a line or two added, has
// (almost) nothing left once the scaffolding is removed: too little to
// be scored, so two such submissions are not a pair.
func TestStarterOnlyIsNotFlagged(t *testing.T) {
	sc := decorators(t)
	starter := sc.Starter
	a := similarity.Analyze(starter, sc, similarity.DefaultParams)
	if len(a.Fingerprints) != 0 {
		t.Errorf("starter: %d fingerprints left, want 0", len(a.Fingerprints))
	}
	if a.Reference >= similarity.DefaultThreshold {
		t.Errorf("starter ~ reference: %.2f", a.Reference)
	}
	edited := map[string]string{"solution.py": starter["solution.py"] + "\n\ndef helper(x):\n    return x + 1\n"}
	b := similarity.Analyze(edited, sc, similarity.DefaultParams)
	if len(b.Fingerprints) >= similarity.DefaultMinFingerprints {
		t.Errorf("starter plus a helper: %d fingerprints, want fewer than %d", len(b.Fingerprints), similarity.DefaultMinFingerprints)
	}
}

func TestTokensDropCommentsLayoutAndNames(t *testing.T) {
	a := "def f(x):\n    # add one\n    return x + 1  # done\n"
	b := "def   g( value ):\n    '''Docstring.'''\n    return value+2\n"
	ta, tb := similarity.Tokens(a), similarity.Tokens(b)
	if len(ta) != len(tb) {
		t.Fatalf("%d tokens vs %d", len(ta), len(tb))
	}
	for i := range ta {
		if ta[i].Text != tb[i].Text {
			t.Errorf("token %d: %q vs %q", i, ta[i].Text, tb[i].Text)
		}
	}
	// Positions point back at the source.
	if got := a[ta[1].Start:ta[1].End]; got != "f" {
		t.Errorf("token 1 is %q in the source, want f", got)
	}
}

func TestMatchesHighlightTheCopiedStretch(t *testing.T) {
	sc := decorators(t)
	a, m := seeded(t, "alice"), seeded(t, "mallory")
	inA, inM := similarity.Matches(a, m, sc, similarity.DefaultParams)
	if len(inA) == 0 || len(inM) == 0 {
		t.Fatalf("no spans: %v %v", inA, inM)
	}
	covered := 0
	for _, s := range inM {
		covered += s.End - s.Start
	}
	if frac := float64(covered) / float64(len(m["solution.py"])); frac < 0.5 {
		t.Errorf("%.2f of mallory.py highlighted, want at least half", frac)
	}
	// The independent bob shares (almost) nothing highlighted with alice.
	inA, _ = similarity.Matches(a, seeded(t, "bob"), sc, similarity.DefaultParams)
	covered = 0
	for _, s := range inA {
		covered += s.End - s.Start
	}
	if frac := float64(covered) / float64(len(a["solution.py"])); frac > 0.2 {
		t.Errorf("%.2f of alice.py highlighted against bob, want little", frac)
	}
}

func TestTokensOfPythonLiterals(t *testing.T) {
	for src, want := range map[string]string{
		`x = rb'a\'b' + f"{y!r:>{w}}" + "c"`:          "N = S + S + S",
		"s = '''a\n'b'\n'''\nt = 1":                   "N = S N = 0",
		"\"\"\"doc\"\"\"\nx = 1e-5 + 0x1F - 1_000.5j": "N = 0 + 0 - 0",
		"def f():\n    'doc'  # c\n    return 'v'":    "def N ( ) : return S",
		"x = (1,\n     'kept')":                       "N = ( 0 , S )",
		"x = 1 + \\\n    2":                           "N = 0 + 0",
		"a **= b // c -> d := e ... f":                "N **= N // N -> N := N ... N",
		"print(len(self.items), ValueError)":          "print ( len ( self . N ) , ValueError )",
		"s = 'unterminated\nx = 2":                    "N = S N = 0",
		"naïve = 1; 变量 = 2":                           "N = 0 ; N = 0",
		"x = $ ?":                                     "N = $ ?",
	} {
		var got []string
		for _, tk := range similarity.Tokens(src) {
			got = append(got, tk.Text)
			if tk.Start < 0 || tk.End > len(src) || tk.Start >= tk.End {
				t.Errorf("%q: token %+v outside the source", src, tk)
			}
		}
		if g := strings.Join(got, " "); g != want {
			t.Errorf("%q:\n got %s\nwant %s", src, g, want)
		}
	}
}
