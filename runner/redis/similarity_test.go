package redis

import (
	"testing"

	"assay/runner"
)

// Recording a submission's result queues it for the similarity indexer,
// once, in the same step; a Run's and a regrade copy's are not queued
// (a Run is not an attempt; a copy is the candidate's old code again).
func TestSaveResultQueuesForSimilarity(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	for _, id := range []string{"s1", "run", "copy"} {
		mustCreate(t, b, id)
	}
	save := func(r runner.Result) {
		t.Helper()
		if _, err := b.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	save(result("s1", "W", runner.VerdictPassed))
	save(result("s1", "W", runner.VerdictPassed)) // a second save records nothing
	run := result("run", "W", runner.VerdictPassed)
	run.Mode = runner.ModeRun
	save(run)
	cp := result("copy", "W", runner.VerdictPassed)
	cp.Regrade = &runner.RegradeRef{ID: "rg", Of: "s1", PreviousVerdict: runner.VerdictPassed}
	save(cp)

	msgs, err := b.rdb.XRange(ctx, b.keys.similarityQueue(), "-", "+").Result()
	if err != nil || len(msgs) != 1 || msgs[0].Values["id"] != "s1" {
		t.Errorf("similarity queue: %v, %v; want s1 alone", msgs, err)
	}
}
