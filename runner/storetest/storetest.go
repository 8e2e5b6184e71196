// Package storetest is the contract of runner.Store as a test: the same
// checks run against the unit tests' fake and against the Redis store, so a
// fake cannot drift from what the worker really gets.
package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"assay/runner"
)

// Harness gives the suite a fresh, empty store, a way to add a submission
// (runner.Store has none: the API creates them) and the recorded result of
// a submission, if any.
type Harness struct {
	New func(t *testing.T) (store runner.Store, create func(runner.Submission), result func(id string) (runner.Result, bool))
}

func submission(id string) runner.Submission {
	return runner.Submission{ID: id, Challenge: "add", ChallengeVersion: "v1",
		Files:     map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"},
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func result(id string, v runner.Verdict) runner.Result {
	return runner.Result{SubmissionID: id, Verdict: v, Passed: 1, Total: 2, Worker: "w1",
		StartedAt:  time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		FinishedAt: time.Date(2026, 1, 2, 3, 4, 7, 0, time.UTC)}
}

// Run checks h's store against the contract.
func Run(t *testing.T, h Harness) {
	ctx := context.Background()
	t.Run("an unknown submission is ErrNotFound", func(t *testing.T) {
		s, _, _ := h.New(t)
		if _, err := s.Submission(ctx, "nope"); !errors.Is(err, runner.ErrNotFound) {
			t.Errorf("Submission(unknown) = %v, want ErrNotFound", err)
		}
	})
	t.Run("a submission reads back as created", func(t *testing.T) {
		s, create, _ := h.New(t)
		want := submission("s1")
		create(want)
		got, err := s.Submission(ctx, "s1")
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Submission = %+v, %v; want %+v", got, err, want)
		}
		if err := s.MarkRunning(ctx, "s1", "w1", time.Now()); err != nil {
			t.Errorf("MarkRunning: %v", err)
		}
	})
	t.Run("the first result stands", func(t *testing.T) {
		s, create, read := h.New(t)
		create(submission("s1"))
		first := result("s1", runner.VerdictFailed)
		if saved, err := s.SaveResult(ctx, first); err != nil || !saved {
			t.Fatalf("first SaveResult = %v, %v; want true", saved, err)
		}
		if saved, err := s.SaveResult(ctx, result("s1", runner.VerdictPassed)); err != nil || saved {
			t.Fatalf("second SaveResult = %v, %v; want false, nil", saved, err)
		}
		if got, ok := read("s1"); !ok || got.Verdict != runner.VerdictFailed {
			t.Errorf("recorded %+v (%v), want the first result's verdict", got, ok)
		}
	})
	t.Run("a reference timing is attached once, to a recorded result only", func(t *testing.T) {
		s, create, read := h.New(t)
		create(submission("s1"))
		timing := &runner.ReferenceTiming{TestsUS: map[string]float64{"tests.hidden.test_a::test_a": 1500}}
		if ok, err := s.AttachReference(ctx, "s1", timing); err != nil || ok {
			t.Fatalf("AttachReference before any result = %v, %v; want false, nil", ok, err)
		}
		if _, ok := read("s1"); ok {
			t.Fatal("AttachReference made a result")
		}
		want := result("s1", runner.VerdictPassed)
		if _, err := s.SaveResult(ctx, want); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.AttachReference(ctx, "s1", timing); err != nil || !ok {
			t.Fatalf("AttachReference = %v, %v; want true", ok, err)
		}
		if ok, err := s.AttachReference(ctx, "s1", &runner.ReferenceTiming{Problem: "later"}); err != nil || ok {
			t.Fatalf("second AttachReference = %v, %v; want false, nil", ok, err)
		}
		got, ok := read("s1")
		if !ok || got.Reference == nil || !reflect.DeepEqual(got.Reference.TestsUS, timing.TestsUS) {
			t.Fatalf("recorded %+v, want the first timing attached", got.Reference)
		}
		got.Reference = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("the rest of the result changed:\n got %+v\nwant %+v", got, want)
		}
		if ok, err := s.AttachReference(ctx, "unknown", timing); err != nil || ok {
			t.Errorf("AttachReference(unknown) = %v, %v; want false, nil", ok, err)
		}
	})
}
