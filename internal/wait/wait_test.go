package wait

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSleepWaitsItsDuration(t *testing.T) {
	began := time.Now()
	if err := Sleep(context.Background(), 20*time.Millisecond); err != nil {
		t.Fatalf("Sleep: %v", err)
	}
	if waited := time.Since(began); waited < 20*time.Millisecond {
		t.Fatalf("returned after %v, before its 20ms", waited)
	}
}

func TestSleepEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan error, 1)
	go func() { done <- Sleep(ctx, time.Hour) }()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Sleep on a cancelled context: %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sleep of an hour did not end with its cancelled context")
	}
}
