package redis

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"assay/runner"
)

func TestCreateIdempotentReplaysTheFirstSubmission(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	id, err := b.CreateIdempotent(ctx, submission("s1"), "key-1", "print-a")
	if err != nil || id != "s1" {
		t.Fatalf("first CreateIdempotent = %q, %v; want s1", id, err)
	}
	id, err = b.CreateIdempotent(ctx, submission("s2"), "key-1", "print-a")
	if err != nil || id != "s1" {
		t.Fatalf("retry = %q, %v; want the first id s1", id, err)
	}
	if _, err := b.Get(ctx, "s2"); !errors.Is(err, runner.ErrNotFound) {
		t.Errorf("the retry stored a second submission: Get(s2) err = %v", err)
	}
	wantQueueLength(t, b, 1)

	_, err = b.CreateIdempotent(ctx, submission("s3"), "key-1", "print-b")
	if !errors.Is(err, runner.ErrKeyReused) {
		t.Fatalf("same key, other request: err = %v, want ErrKeyReused", err)
	}
	wantQueueLength(t, b, 1)

	id, err = b.CreateIdempotent(ctx, submission("s4"), "key-2", "print-a")
	if err != nil || id != "s4" {
		t.Fatalf("another key = %q, %v; want s4", id, err)
	}
	wantQueueLength(t, b, 2)
	ttl, err := b.rdb.TTL(ctx, b.keys.idempotency("key-1")).Result()
	if err != nil || ttl <= 0 || ttl > IdempotencyTTL {
		t.Errorf("idempotency key TTL = %v, %v; want in (0, %v]", ttl, err, IdempotencyTTL)
	}
}

// Concurrent retries of one request must create exactly one submission.
func TestCreateIdempotentConcurrent(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	const n = 20
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ids[i], errs[i] = b.CreateIdempotent(ctx, submission(fmt.Sprintf("c%d", i)), "same", "print")
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("request %d: %v", i, errs[i])
		}
		if ids[i] != ids[0] {
			t.Fatalf("request %d got %s, request 0 got %s: two submissions for one key", i, ids[i], ids[0])
		}
	}
	wantQueueLength(t, b, 1)
}

func TestCreateIdempotentNeedsKeyAndFingerprint(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	for _, c := range [][2]string{{"", "p"}, {"k", ""}, {"k", "two words"}} {
		if _, err := b.CreateIdempotent(ctx, submission("x"), c[0], c[1]); err == nil {
			t.Errorf("CreateIdempotent(key %q, fingerprint %q) succeeded", c[0], c[1])
		}
	}
	wantQueueLength(t, b, 0)
}

func TestDeadLetterList(t *testing.T) {
	b := newBroker(t, Config{})
	ctx := testCtx(t)
	mustCreate(t, b, "ok")
	mustCreate(t, b, "dead")
	if _, err := b.SaveResult(ctx, result("ok", "w", runner.VerdictPassed)); err != nil {
		t.Fatal(err)
	}
	r := result("dead", "w", runner.VerdictInternalError)
	r.DeadLettered = true
	for range 2 { // the second save changes nothing, the list included
		if _, err := b.SaveResult(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	ids, err := b.DeadLetters(ctx)
	if err != nil || len(ids) != 1 || ids[0] != "dead" {
		t.Fatalf("DeadLetters = %v, %v; want [dead]", ids, err)
	}
}
