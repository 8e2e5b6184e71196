package app

import (
	"errors"
	"fmt"
	"time"

	"assay/access"
	"assay/review"
	"assay/runner"
)

// Kind is what went wrong, in terms a caller can act on. The zero Kind,
// Internal, is the server's own failure.
type Kind uint8

const (
	// Internal: the server failed; nothing the caller can fix.
	Internal Kind = iota
	// Invalid: the request is malformed or breaks a rule.
	Invalid
	// NotFound: what the request names does not exist.
	NotFound
	// Forbidden: the caller may not do this (now).
	Forbidden
	// Conflict: the request contradicts what is stored.
	Conflict
	// RateLimited: too many requests; Error.RetryAfter says when to retry.
	RateLimited
	// Unavailable: the service cannot take the request now (a store is
	// down, the queue is full); retry later.
	Unavailable
	// TooLarge: something in the request is larger than allowed.
	TooLarge
	// Unprocessable: well-formed, but it cannot be done as asked (an
	// idempotency key reused for another request).
	Unprocessable
	// Unsupported: this server is not configured to do this (no store
	// of accounts, of regrades).
	Unsupported
)

var kindNames = [...]string{
	Internal: "internal", Invalid: "invalid", NotFound: "not found", Forbidden: "forbidden",
	Conflict: "conflict", RateLimited: "rate limited", Unavailable: "unavailable",
	TooLarge: "too large", Unprocessable: "unprocessable", Unsupported: "unsupported",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error makes a Kind an error target: errors.Is(err, app.Forbidden)
// reports whether err is an *Error of that kind.
func (k Kind) Error() string { return k.String() }

// Error is a use case's refusal or failure.
type Error struct {
	Kind Kind
	// Msg is safe to show the caller. It is empty for a store failure
	// (StoreFailed), whose cause is for the log only.
	Msg string
	// RetryAfter, when above zero, is how long the caller should wait
	// before trying again (RateLimited, Unavailable).
	RetryAfter time.Duration
	// Err is the cause, if any: for the log, never shown.
	Err error
}

func (e *Error) Error() string {
	switch {
	case e.Msg != "":
		return e.Msg
	case e.Kind == Unavailable && e.Err != nil:
		return "store unavailable: " + e.Err.Error()
	case e.Err != nil:
		return e.Kind.String() + ": " + e.Err.Error()
	}
	return e.Kind.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is matches a Kind: errors.Is(err, app.NotFound).
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// Errorf is an error of kind k with a message for the caller.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Retry sets how long the caller should wait before trying again.
func (e *Error) Retry(after time.Duration) *Error {
	e.RetryAfter = after
	return e
}

// storeRetry is how long a caller waits after a store failure.
const storeRetry = 5 * time.Second

// StoreFailed wraps a failure of a store that is not about the request
// (Redis down or unreachable): Unavailable, retry in a few seconds,
// nothing was done. The domain's own answers (not found, conflict, no
// attempts left) and errors that already have a kind pass unchanged.
func StoreFailed(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, runner.ErrNotFound) || errors.Is(err, runner.ErrConflict) || errors.Is(err, access.ErrNoAttemptsLeft) {
		return err
	}
	if e := (*Error)(nil); errors.As(err, &e) {
		return err
	}
	return &Error{Kind: Unavailable, RetryAfter: storeRetry, Err: err}
}

// NoAttemptsLeft is what a candidate reads when the store refuses a
// submission past the invitation's attempt limit.
const NoAttemptsLeft = "you have used every attempt your invitation allows at this challenge"

// As returns err's *Error: the one in its chain, or for the domain's
// sentinel errors (runner.ErrNotFound, review.ErrInvalid,
// runner.ErrConflict, access.ErrNoAttemptsLeft, in that order) one of
// their kind whose message is err's text (NoAttemptsLeft for the last).
// ok is false for anything else: the server's own failure. stated is true
// when the message was written by a use case rather than read from a
// sentinel's chain.
func As(err error) (e *Error, stated, ok bool) {
	if errors.As(err, &e) {
		return e, true, true
	}
	switch {
	case errors.Is(err, runner.ErrNotFound):
		return &Error{Kind: NotFound, Msg: err.Error(), Err: err}, false, true
	case errors.Is(err, review.ErrInvalid):
		return &Error{Kind: Invalid, Msg: err.Error(), Err: err}, false, true
	case errors.Is(err, runner.ErrConflict):
		return &Error{Kind: Conflict, Msg: err.Error(), Err: err}, false, true
	case errors.Is(err, access.ErrNoAttemptsLeft):
		return &Error{Kind: Forbidden, Msg: NoAttemptsLeft, Err: err}, false, true
	}
	return nil, false, false
}

// KindOf is err's Kind (Internal for an error without one).
func KindOf(err error) Kind {
	if e, _, ok := As(err); ok {
		return e.Kind
	}
	return Internal
}
