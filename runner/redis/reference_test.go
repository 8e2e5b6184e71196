package redis

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"assay/runner"
)

// AttachReference adds the reference's timing to a recorded result and
// changes nothing else: the stored JSON keeps every byte it had (a
// "reference" deeper inside it, in a test's id, a tag or the output, is not the
// result's own), and neither the waiters nor the webhooks hear of it. It
// never replaces a timing already there, and never creates a result.
func TestAttachReference(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	mustCreate(t, b, "s1")
	job := mustNext(t, b, "A")
	r := result("s1", "A", runner.VerdictPassed)
	r.Output = `{"reference": {"tests_us": {}}} "reference":` + "\n\ttabs, unicode é, \u2028"
	r.Tests = append(r.Tests, runner.TestResult{ID: "tests/visible/test_reference.py::reference", Outcome: runner.OutcomePassed})
	r.Score = &runner.Score{Earned: 1, Possible: 2, Percent: 50, Tags: []runner.PartScore{{Name: "reference", Earned: 1, Possible: 2}}}
	if saved, err := b.SaveResult(ctx, r); err != nil || !saved {
		t.Fatalf("SaveResult = %v, %v", saved, err)
	}
	key := b.keys.result("s1")
	stored, err := b.rdb.Get(ctx, key).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	notified, err := b.rdb.XLen(ctx, b.keys.notify()).Result()
	if err != nil {
		t.Fatal(err)
	}
	events := b.rdb.Subscribe(ctx, b.keys.events("s1"))
	defer events.Close()
	if _, err := events.Receive(ctx); err != nil { // the subscription's confirmation
		t.Fatal(err)
	}

	ref := &runner.ReferenceTiming{TestsUS: map[string]float64{"tests/visible/test_a.py::test_one": 640.25}, NotPassed: 1, RunMS: 231}
	if ok, err := b.AttachReference(ctx, "s1", ref); err != nil || !ok {
		t.Fatalf("AttachReference = %v, %v; want true", ok, err)
	}
	after, err := b.rdb.Get(ctx, key).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	refJSON, _ := json.Marshal(ref)
	want := append(bytes.TrimSuffix(bytes.TrimSpace(stored), []byte("}")), []byte(`,"reference":`+string(refJSON)+"}")...)
	if !bytes.Equal(after, want) {
		t.Fatalf("stored after attaching:\n%s\nwant the same bytes with the reference added:\n%s", after, want)
	}
	st := mustGet(t, b, "s1")
	wantResult := r
	wantResult.Reference = ref
	if st.Status != runner.StatusDone || st.Result == nil || !reflect.DeepEqual(*st.Result, wantResult) {
		t.Fatalf("after AttachReference: %+v\nresult %+v\nwant %+v", st, st.Result, wantResult)
	}

	// Never replaced: a second timing (a run taken over, say) is refused.
	other := &runner.ReferenceTiming{Problem: "late", RunMS: 1}
	if ok, err := b.AttachReference(ctx, "s1", other); err != nil || ok {
		t.Fatalf("second AttachReference = %v, %v; want false, nil", ok, err)
	}
	if again, _ := b.rdb.Get(ctx, key).Bytes(); !bytes.Equal(again, after) {
		t.Errorf("second AttachReference changed the result:\n%s", again)
	}

	// Nothing announced: the next message on the submission's channel is
	// one published after the attachments, and no webhook event was added.
	if err := b.rdb.Publish(ctx, b.keys.events("s1"), "marker").Err(); err != nil {
		t.Fatal(err)
	}
	msg, err := events.ReceiveMessage(ctx)
	if err != nil || msg.Payload != "marker" {
		t.Errorf("after AttachReference the channel said %+v, %v; want nothing before the marker", msg, err)
	}
	if n, err := b.rdb.XLen(ctx, b.keys.notify()).Result(); err != nil || n != notified {
		t.Errorf("notify stream %d entries (%v) after attaching; want %d", n, err, notified)
	}
	if err := b.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}

	// No result (still running, or unknown): nothing is created.
	mustCreate(t, b, "s2")
	if err := b.MarkRunning(ctx, "s2", "A", time.Now()); err != nil {
		t.Fatal(err)
	}
	before := mustGet(t, b, "s2")
	for _, id := range []string{"s2", "nope"} {
		if ok, err := b.AttachReference(ctx, id, ref); err != nil || ok {
			t.Errorf("AttachReference(%s) without a result = %v, %v; want false, nil", id, ok, err)
		}
		if n, err := b.rdb.Exists(ctx, b.keys.result(id)).Result(); err != nil || n != 0 {
			t.Errorf("AttachReference(%s) created a result", id)
		}
	}
	if st := mustGet(t, b, "s2"); !reflect.DeepEqual(st, before) {
		t.Errorf("state of s2 changed:\n got %+v\nwant %+v", st, before)
	}
	// A result recorded after a failed attachment still takes one.
	if saved, err := b.SaveResult(ctx, result("s2", "A", runner.VerdictFailed)); err != nil || !saved {
		t.Fatal(saved, err)
	}
	if ok, err := b.AttachReference(ctx, "s2", ref); err != nil || !ok {
		t.Errorf("AttachReference(s2) once recorded = %v, %v; want true", ok, err)
	}
	if _, err := b.AttachReference(ctx, "", ref); err == nil {
		t.Error("AttachReference with no id: want an error")
	}
}
