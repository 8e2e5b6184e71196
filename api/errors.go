package api

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"assay/app"
)

// httpError is a refusal that belongs to HTTP itself, with its status and
// a message safe to show to clients: credentials (401), methods (405),
// media types (415), bodies and headers that cannot be read, and the
// handlers not yet moved to package app. A use case's refusal is an
// *app.Error, whose Kind statusOf maps.
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) error {
	return &httpError{status: status, msg: fmt.Sprintf(format, args...)}
}

// statusOf is the one mapping of the use cases' error kinds to HTTP
// statuses.
func statusOf(k app.Kind) int {
	switch k {
	case app.Invalid:
		return http.StatusBadRequest
	case app.NotFound:
		return http.StatusNotFound
	case app.Forbidden:
		return http.StatusForbidden
	case app.Conflict:
		return http.StatusConflict
	case app.RateLimited:
		return http.StatusTooManyRequests
	case app.Unavailable:
		return http.StatusServiceUnavailable
	case app.TooLarge:
		return http.StatusRequestEntityTooLarge
	case app.Unprocessable:
		return http.StatusUnprocessableEntity
	case app.Unsupported:
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

// problem is how an error is answered.
type problem struct {
	status int
	// msg is the message for the client; "" when the server failed
	// (status 500) or a store is down (503 without a message of its own).
	msg string
	// stated: msg was written for the client (an *httpError or an
	// *app.Error), not read from a domain error's chain.
	stated bool
	// retryAfter is the Retry-After header's value, "" for none.
	retryAfter string
}

// problemOf reads an error as its answer: an *httpError's own status, or
// the status of an app error's kind (statusOf); anything else is the
// server's fault, 500.
func problemOf(err error) problem {
	var he *httpError
	if errors.As(err, &he) {
		return problem{status: he.status, msg: he.msg, stated: true}
	}
	e, stated, ok := app.As(err)
	if !ok {
		return problem{status: http.StatusInternalServerError}
	}
	p := problem{status: statusOf(e.Kind), msg: e.Msg, stated: stated}
	if e.RetryAfter > 0 {
		p.retryAfter = strconv.Itoa(int(e.RetryAfter / time.Second))
	}
	return p
}

// refusal is a failure the user can fix, stated for them (a 4xx from an
// *httpError or an *app.Error): its status and message, for a form to
// show on its page. ok is false for anything else (the error page).
func refusal(err error) (status int, msg string, ok bool) {
	p := problemOf(err)
	return p.status, p.msg, p.stated && p.status < 500
}

// writeError answers an error as the API's error body, with its status
// (problemOf). Anything without a known meaning is the server's fault:
// logged, and shown only as "internal error"; a store that is down is
// logged and shown as temporarily unavailable.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	p := problemOf(err)
	if p.retryAfter != "" {
		c.Header("Retry-After", p.retryAfter)
	}
	switch {
	case p.status == http.StatusServiceUnavailable && p.msg == "":
		log.Error("store unavailable", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		p.msg = "the service is temporarily unavailable; try again shortly"
	case p.status == http.StatusInternalServerError && p.msg == "":
		log.Error("request failed", slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path), slog.Any("err", err))
		p.msg = "internal error"
	}
	c.AbortWithStatusJSON(p.status, errorBody{Error: p.msg})
}

// unavailable wraps store errors that are not about the request itself
// (app.StoreFailed).
func unavailable(err error) error { return app.StoreFailed(err) }
