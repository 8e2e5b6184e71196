package main

import (
	"bytes"
	"encoding/binary"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The small-suite corpus (bench/small/suites) is well formed: every suite
// loads, has a reference and a starter that differ, visible and hidden
// tests, and an expected.json recorded for its version, so `make bench`
// can serve it. No Docker: the sandbox's verdicts are recorded by
// bench/small/record.sh.
func TestSmallCorpusWellFormed(t *testing.T) {
	list, err := loadCorpus("../../bench/small/suites")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) < 50 {
		t.Errorf("the corpus has %d suites, want at least 50", len(list))
	}
	for _, ch := range list {
		if !strings.HasPrefix(ch.Slug, "small-") {
			t.Errorf("%s: corpus slugs start with small-, so they cannot replace a built-in challenge", ch.Slug)
		}
		if len(ch.Reference) == 0 || len(ch.Starter) == 0 {
			t.Errorf("%s: no reference or no starter", ch.Slug)
		}
		if maps.EqualFunc(ch.Reference, ch.Starter, bytes.Equal) {
			t.Errorf("%s: the starter is the reference", ch.Slug)
		}
		hidden := 0
		for _, e := range ch.Expected.Tests {
			if e.Hidden {
				hidden++
			}
		}
		if n := len(ch.Expected.Tests); n < 5 || n > 40 || hidden == 0 || hidden == n {
			t.Errorf("%s: %d tests, %d hidden: want 5 to 40, visible and hidden", ch.Slug, n, hidden)
		}
	}
	if runs := corpusRuns(list); len(runs) != 2*len(list) {
		t.Errorf("%d runs for %d suites", len(runs), len(list))
	}
}

// readAcct decodes acct(2)'s version 3 records: pids, comm, and CPU in
// comp_t (13-bit mantissa, base-8 exponent, 1/100 s ticks).
func TestReadAcct(t *testing.T) {
	rec := make([]byte, 64)
	rec[1] = 3
	binary.LittleEndian.PutUint32(rec[16:], 4242)
	binary.LittleEndian.PutUint32(rec[20:], 7)
	binary.LittleEndian.PutUint16(rec[32:], 0x2001) // 1 << 3 = 8 ticks
	binary.LittleEndian.PutUint16(rec[34:], 12)     // 12 ticks
	copy(rec[48:], "runc")
	path := filepath.Join(t.TempDir(), "acct")
	if err := os.WriteFile(path, append(rec, rec...), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := readAcct(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0] != (acctRecord{pid: 4242, ppid: 7, cpu: 0.2, comm: "runc"}) {
		t.Errorf("records = %+v", recs)
	}
	rec[1] = 2
	if err := os.WriteFile(path, rec, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readAcct(path); err == nil {
		t.Error("a version 2 record was read")
	}
}
