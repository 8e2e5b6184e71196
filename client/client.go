// Package client is the Go client of Assay's HTTP API: a typed method for
// each route the command line calls (submit and follow a submission,
// publish a challenge, create and follow regrades), with the JSON bodies
// of package api/wire, which the server encodes. `assay submit`, `assay
// challenges push` and `assay regrade` use it, and so do end-to-end tests.
//
// Every call takes a context. An answer other than the one a call expects
// is an *Error (its status, the API's error message, Retry-After), so
// callers branch with errors.As; a server that cannot be reached is
// ErrUnreachable. The client prints nothing: long calls report progress
// to the callbacks they are given.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"assay/api/wire"
)

// UserAgent is the User-Agent of every request.
const UserAgent = "assay-cli"

// maxAnswer bounds an answer the client reads (a result holds pytest's
// output, itself bounded by the server); an event stream may be four
// times as long.
const maxAnswer = 32 << 20

// maxTransient bounds consecutive transient failures while following a
// submission or a regrade (the server busy, a stream cut short).
const maxTransient = 5

// ErrUnreachable means no answer came: the server is down, or not where
// the client looks.
var ErrUnreachable = errors.New("cannot reach the Assay server")

// Client calls one Assay server's API with one bearer token. It is safe
// for concurrent use.
type Client struct {
	base  string // without a trailing slash
	token string
	http  *http.Client
}

// New makes a client of the server at server (an http:// or https:// URL;
// a trailing slash is ignored) that sends token as its bearer token ("":
// none).
func New(server, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(server, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server %q: give an http:// or https:// URL", server)
	}
	return &Client{base: u.String(), token: token, http: &http.Client{}}, nil
}

// Server is the server's URL, without a trailing slash.
func (c *Client) Server() string { return c.base }

// Error is an answer other than the one a call expects: its status, the
// message of the API's error body ({"error": "..."}; a short plain body
// otherwise), the body itself, and how long the server asks the client to
// wait (Retry-After), if it does.
type Error struct {
	Status     int
	Message    string
	Body       []byte
	RetryAfter time.Duration // 0: no Retry-After
}

func (e *Error) Error() string {
	s := fmt.Sprintf("the server answered %d %s", e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (the server asks to retry after %s)", e.RetryAfter)
	}
	return s
}

// Busy says whether the server refused for now (429 or 503) and asked to
// come back later (Retry-After).
func (e *Error) Busy() bool {
	return (e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable) && e.RetryAfter > 0
}

// answerError is the *Error of an unexpected answer.
func answerError(resp *http.Response, body []byte) *Error {
	e := &Error{Status: resp.StatusCode, Body: body, RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	var eb wire.ErrorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		e.Message = eb.Error
	} else if text := strings.TrimSpace(string(body)); text != "" && len(text) < 300 {
		e.Message = text
	}
	return e
}

// retryAfter reads a Retry-After header: seconds or an HTTP date; at least
// a second when given.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return max(time.Duration(n)*time.Second, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t).Round(time.Second), time.Second)
	}
	return 0
}

// send makes a request of path (which starts with /, and may have a
// query) with the token and the headers given. An error means no answer
// came: ctx ended, or the server is unreachable.
func (c *Client) send(ctx context.Context, method, path string, body []byte, header map[string]string) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("User-Agent", UserAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("%s %s: %w", method, req.URL.Path, ctxErr)
		}
		return nil, fmt.Errorf("%w at %s: %w", ErrUnreachable, c.base, err)
	}
	return resp, nil
}

// call makes a request and reads its whole answer; an answer of a status
// other than want is an *Error.
func (c *Client) call(ctx context.Context, method, path string, body []byte, header map[string]string, want int) (*http.Response, []byte, error) {
	resp, err := c.send(ctx, method, path, body, header)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: read the answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return resp, answer, answerError(resp, answer)
	}
	return resp, answer, nil
}

// getJSON GETs path and decodes a 200 answer's JSON into out, returning
// the body as sent; any other status is an *Error.
func (c *Client) getJSON(ctx context.Context, path string, out any) ([]byte, error) {
	_, body, err := c.call(ctx, http.MethodGet, path, nil, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return nil, fmt.Errorf("GET %s: the answer is not the JSON expected: %w", path, err)
	}
	return body, nil
}

// pauseAfter is how long to wait after err before trying again: the
// server's Retry-After when it asks for longer than pause (at most 10 s),
// pause otherwise.
func pauseAfter(err error, pause time.Duration) time.Duration {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > pause {
		return min(e.RetryAfter, 10*time.Second)
	}
	return pause
}
