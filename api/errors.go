package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"assay/access"
	"assay/review"
	"assay/runner"
)

// httpError is an error with the status to answer it with and a message
// safe to show to clients.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// writeError maps an error to its status in one place. Anything without a
// known meaning is the server's fault: logged, and shown only as
// "internal error".
func writeError(c *gin.Context, log *slog.Logger, err error) {
	var he *httpError
	switch {
	case errors.As(err, &he):
		c.AbortWithStatusJSON(he.status, errorBody{Error: he.msg})
	case errors.Is(err, runner.ErrNotFound):
		c.AbortWithStatusJSON(http.StatusNotFound, errorBody{Error: err.Error()})
	case errors.Is(err, review.ErrInvalid):
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody{Error: err.Error()})
	case errors.Is(err, runner.ErrConflict):
		c.AbortWithStatusJSON(http.StatusConflict, errorBody{Error: err.Error()})
	case errors.Is(err, access.ErrNoAttemptsLeft):
		c.AbortWithStatusJSON(http.StatusForbidden, errorBody{Error: "you have used every attempt your invitation allows at this challenge"})
	case errors.Is(err, errUnavailable):
		log.Error("store unavailable", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		c.Header("Retry-After", "5")
		c.AbortWithStatusJSON(http.StatusServiceUnavailable, errorBody{Error: "the service is temporarily unavailable; try again shortly"})
	default:
		log.Error("request failed", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		c.AbortWithStatusJSON(http.StatusInternalServerError, errorBody{Error: "internal error"})
	}
}

// errUnavailable marks a failure of the submission store (Redis down or
// unreachable): the client should retry, nothing was accepted.
var errUnavailable = errors.New("store unavailable")

// unavailable wraps store errors that are not about the request itself.
func unavailable(err error) error {
	if errors.Is(err, runner.ErrNotFound) || errors.Is(err, runner.ErrConflict) || errors.Is(err, access.ErrNoAttemptsLeft) {
		return err
	}
	return fmt.Errorf("%w: %w", errUnavailable, err)
}
