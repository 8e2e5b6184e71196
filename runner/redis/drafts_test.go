package redis

import (
	"strings"
	"testing"
	"time"

	"assay/runner"
)

// A draft's history keeps the newest saves within its count and byte
// bounds: a candidate saving large files as fast as allowed cannot fill
// Redis, and the latest save is always kept.
func TestDraftHistoryIsBounded(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	big := strings.Repeat("x", 1<<20) // 1 MiB a save: 16 fit
	for i := range 40 {
		d := runner.Draft{Invitation: "inv", Challenge: "add", Files: map[string]string{"solution.py": big}, SavedAt: time.Unix(int64(i), 0).UTC(), Source: runner.DraftTyping}
		if err := b.SaveDraft(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	h, err := b.DraftHistory(ctx, "inv", "add")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) == 0 || len(h) > 16 || h[len(h)-1].SavedAt.Unix() != 39 {
		t.Fatalf("%d saves kept, the last from %v; want at most 16 MiB's worth, ending with the newest", len(h), h[len(h)-1].SavedAt)
	}
	n, err := b.rdb.Get(ctx, b.keys.draftHistory("inv", "add")+":bytes").Int64()
	if err != nil || n > runner.MaxDraftHistoryBytes || n < int64(len(h))<<20 {
		t.Errorf("byte count %d, %v for %d saves", n, err, len(h))
	}
	d, err := b.Draft(ctx, "inv", "add")
	if err != nil || d.SavedAt.Unix() != 39 {
		t.Errorf("latest: %v %v", d.SavedAt, err)
	}
	// One save larger than the whole budget stays: the newest is kept.
	huge := strings.Repeat("y", runner.MaxDraftHistoryBytes+10)
	if err := b.SaveDraft(ctx, runner.Draft{Invitation: "inv", Challenge: "add", Files: map[string]string{"solution.py": huge}}); err != nil {
		t.Fatal(err)
	}
	if h, _ := b.DraftHistory(ctx, "inv", "add"); len(h) != 1 {
		t.Errorf("%d saves after one over the budget; want it alone", len(h))
	}
}
