package challenges_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"assay/challenges"
)

func TestScaffoldLoadsFreshWithEveryPart(t *testing.T) {
	files, err := challenges.Scaffold("word-count")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for p, b := range files {
		fsys["word-count/"+p] = &fstest.MapFile{Data: b}
	}
	ch, err := challenges.Load(fsys, "word-count")
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Fresh() || ch.Title != "Word count" || len(ch.Bad) < 2 || len(ch.Visible()) == 0 || len(ch.Expected.Tests) != 4 {
		t.Fatalf("scaffold: fresh %v, %+v", ch.Fresh(), ch.Manifest)
	}
	for _, part := range []string{"tests/conftest.py", "tests/hidden/test_count.py", "starter/solution.py", "reference/solution.py"} {
		if _, ok := files[part]; !ok {
			t.Errorf("scaffold lacks %s", part)
		}
	}
	for _, bad := range []string{"", "Word", "-x", "a_b", "a/b", "../x", string(make([]byte, 70))} {
		if _, err := challenges.Scaffold(bad); !errors.Is(err, challenges.ErrInvalid) {
			t.Errorf("slug %q: %v", bad, err)
		}
	}
}
