package app_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"assay/access"
	"assay/app"
	"assay/review"
	"assay/runner"
)

func TestErrorIsItsKind(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", app.Errorf(app.Forbidden, "not yours"))
	if !errors.Is(err, app.Forbidden) || errors.Is(err, app.NotFound) {
		t.Fatalf("errors.Is by kind is wrong for %v", err)
	}
	var e *app.Error
	if !errors.As(err, &e) || e.Msg != "not yours" || e.Error() != "not yours" {
		t.Fatalf("errors.As: %#v", e)
	}
	if got := app.KindOf(err); got != app.Forbidden {
		t.Fatalf("KindOf = %v", got)
	}
	if got := app.Errorf(app.RateLimited, "slow down").Retry(3 * time.Second); got.RetryAfter != 3*time.Second {
		t.Fatalf("Retry: %v", got.RetryAfter)
	}
}

func TestSentinelsHaveKinds(t *testing.T) {
	for _, tc := range []struct {
		err  error
		kind app.Kind
		msg  string
	}{
		{fmt.Errorf("challenge %q: %w", "x", runner.ErrNotFound), app.NotFound, `challenge "x": not found`},
		{fmt.Errorf("%w: no such line", review.ErrInvalid), app.Invalid, "invalid: no such line"},
		{runner.ErrConflict, app.Conflict, "already exists"},
		{access.ErrNoAttemptsLeft, app.Forbidden, app.NoAttemptsLeft},
	} {
		e, stated, ok := app.As(tc.err)
		if !ok || stated || e.Kind != tc.kind || e.Msg != tc.msg {
			t.Errorf("As(%v) = %+v, stated %v, ok %v; want kind %v, msg %q", tc.err, e, stated, ok, tc.kind, tc.msg)
		}
	}
	if _, _, ok := app.As(errors.New("disk on fire")); ok {
		t.Error("an error of no kind has one")
	}
	if app.KindOf(errors.New("disk on fire")) != app.Internal {
		t.Error("an error of no kind is not Internal")
	}
}

func TestStoreFailed(t *testing.T) {
	down := errors.New("dial tcp: connection refused")
	err := app.StoreFailed(fmt.Errorf("create submission: %w", down))
	var e *app.Error
	if !errors.As(err, &e) || e.Kind != app.Unavailable || e.Msg != "" || e.RetryAfter != 5*time.Second || !errors.Is(err, down) {
		t.Fatalf("StoreFailed = %#v", err)
	}
	if e.Error() != "store unavailable: create submission: dial tcp: connection refused" {
		t.Fatalf("Error() = %q", e.Error())
	}
	for _, pass := range []error{runner.ErrNotFound, fmt.Errorf("x: %w", runner.ErrConflict), access.ErrNoAttemptsLeft, app.Errorf(app.Invalid, "bad")} {
		if got := app.StoreFailed(pass); got != pass {
			t.Errorf("StoreFailed(%v) = %v; want it unchanged", pass, got)
		}
	}
	if app.StoreFailed(nil) != nil {
		t.Error("StoreFailed(nil) is not nil")
	}
}
