package api

import (
	"errors"
	"net/http"
	"testing"

	"assay/app"
	"assay/runner"
)

// TestStatusOfEveryKind pins the one mapping of kinds to statuses.
func TestStatusOfEveryKind(t *testing.T) {
	want := map[app.Kind]int{
		app.Internal:      http.StatusInternalServerError,
		app.Invalid:       http.StatusBadRequest,
		app.NotFound:      http.StatusNotFound,
		app.Forbidden:     http.StatusForbidden,
		app.Conflict:      http.StatusConflict,
		app.RateLimited:   http.StatusTooManyRequests,
		app.Unavailable:   http.StatusServiceUnavailable,
		app.TooLarge:      http.StatusRequestEntityTooLarge,
		app.Unprocessable: http.StatusUnprocessableEntity,
		app.Unsupported:   http.StatusNotImplemented,
	}
	for k := app.Internal; k <= app.Unsupported; k++ {
		if got := statusOf(k); got != want[k] {
			t.Errorf("statusOf(%v) = %d, want %d", k, got, want[k])
		}
	}
}

func TestProblemOf(t *testing.T) {
	for _, tc := range []struct {
		err    error
		want   problem
		refuse bool
	}{
		{errorf(http.StatusUnsupportedMediaType, "send JSON"), problem{status: 415, msg: "send JSON", stated: true}, true},
		{app.Errorf(app.RateLimited, "too many").Retry(7e9), problem{status: 429, msg: "too many", stated: true, retryAfter: "7"}, true},
		{app.StoreFailed(errors.New("down")), problem{status: 503, stated: true, retryAfter: "5"}, false},
		{runner.ErrNotFound, problem{status: 404, msg: "not found"}, false},
		{errors.New("bug"), problem{status: 500}, false},
	} {
		if got := problemOf(tc.err); got != tc.want {
			t.Errorf("problemOf(%v) = %+v, want %+v", tc.err, got, tc.want)
		}
		if _, _, ok := refusal(tc.err); ok != tc.refuse {
			t.Errorf("refusal(%v) = %v", tc.err, ok)
		}
	}
}
