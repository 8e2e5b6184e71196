package client

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"assay/api/wire"
	"assay/internal/wait"
	"assay/runner"
)

// State is a submission's state as a client reads it, in either view the
// server gives: staff's (wire.FullState) or a candidate's
// (wire.CandidateState). It has the full view's fields, and its Result the
// candidate view's counts of hidden tests beside them; what the view read
// leaves out stays zero (View says which it was). Raw is the state's JSON
// as the server sent it.
type State struct {
	wire.FullState
	// Result is either view's result (it hides FullState's own).
	Result *Result         `json:"result,omitempty"`
	Raw    json.RawMessage `json:"-"`
}

// Result is a result in either view: the full view's runner.Result (a
// candidate's result has a subset of its fields; its run_ms is the visible
// phase's) and the candidate view's hidden counts.
type Result struct {
	runner.Result
	Hidden *wire.HiddenCounts `json:"hidden,omitempty"`
}

// Runner is the state as runner.State (the full view's own type) with its
// result; a candidate view's hidden counts are not in it.
func (s State) Runner() runner.State {
	rs := s.FullState.State
	if s.Result != nil {
		r := s.Result.Result
		rs.Result = &r
	}
	return rs
}

// decodeState reads a state from its JSON, keeping the JSON.
func decodeState(data []byte) (State, error) {
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return State{}, err
	}
	st.Raw = bytes.Clone(data)
	return st, nil
}

// Submitted is the server's 202 answer to a submission, and whether it was
// a replay: the server had the same Idempotency-Key and files already.
type Submitted struct {
	wire.SubmissionAccepted
	Replayed bool
}

// Retry says how a call retries a busy server (429 or 503 with
// Retry-After): at most Times more attempts, each after the wait the
// server asks for, unless it asks for longer than MaxWait (0: any wait).
// Before, if not nil, is told of each retry (1, 2...) and why, before
// the wait.
type Retry struct {
	Times   int
	MaxWait time.Duration
	Before  func(err *Error, retry int)
}

// Submit sends a submission (POST /api/v1/submissions) under the
// Idempotency-Key key ("": none) and returns the server's 202 answer. A
// busy server is retried as retry says, with the same key: a retry never
// makes a second submission.
func (c *Client) Submit(ctx context.Context, req wire.SubmissionRequest, key string, retry Retry) (Submitted, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return Submitted{}, fmt.Errorf("encode the submission: %w", err)
	}
	header := map[string]string{"Content-Type": "application/json"}
	if key != "" {
		header["Idempotency-Key"] = key
	}
	for attempt := 0; ; attempt++ {
		resp, answer, err := c.call(ctx, http.MethodPost, "/api/v1/submissions", body, header, http.StatusAccepted)
		var e *Error
		switch {
		case err == nil:
			var acc Submitted
			if err := json.Unmarshal(answer, &acc.SubmissionAccepted); err != nil || acc.ID == "" {
				return Submitted{}, fmt.Errorf("submit: the server's 202 answer has no submission id (%v)", err)
			}
			acc.Replayed = resp.Header.Get("Idempotent-Replayed") == "true"
			return acc, nil
		case !errors.As(err, &e):
			return Submitted{}, err
		case !e.Busy() || attempt >= retry.Times || (retry.MaxWait > 0 && e.RetryAfter > retry.MaxWait):
			return Submitted{}, fmt.Errorf("submit to %s: %w", req.Challenge, e)
		}
		if retry.Before != nil {
			retry.Before(e, attempt+1)
		}
		if err := wait.Sleep(ctx, e.RetryAfter); err != nil {
			return Submitted{}, fmt.Errorf("submit to %s: %w", req.Challenge, err)
		}
	}
}

// State reads submission id's state (GET /api/v1/submissions/{id}),
// asking the server to hold the request up to wait for the submission to
// be done (0: answer at once). A status other than 200 is an *Error.
func (c *Client) State(ctx context.Context, id string, wait time.Duration) (State, error) {
	path := "/api/v1/submissions/" + url.PathEscape(id)
	if wait > 0 {
		path += "?wait=" + wait.String()
	}
	var st State
	raw, err := c.getJSON(ctx, path, &st)
	if err != nil {
		return State{}, err
	}
	st.Raw = raw
	return st, nil
}

// ErrNoEvents means the server has no event stream for submissions (an
// older server): long-poll State instead.
var ErrNoEvents = errors.New("the server has no event stream")

// Events reads submission id's Server-Sent Events (GET
// /api/v1/submissions/{id}/events) until the done event or the end of the
// stream (its time is up: connect again), telling onState (if not nil) of
// each state. It returns the last state seen, and ErrNoEvents when the
// server has no event stream.
func (c *Client) Events(ctx context.Context, id string, onState func(State)) (State, error) {
	var st State
	path := "/api/v1/submissions/" + url.PathEscape(id) + "/events"
	resp, err := c.send(ctx, http.MethodGet, path, nil, map[string]string{"Accept": "text/event-stream"})
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed {
		return st, ErrNoEvents // an older server; a missing submission shows up in the long poll
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return st, answerError(resp, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		return st, ErrNoEvents
	}
	r := bufio.NewReader(io.LimitReader(resp.Body, maxAnswer*4))
	var event string
	var data bytes.Buffer
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if errors.Is(err, io.EOF) && ctx.Err() == nil {
				return st, nil // the stream's time is up; the caller reconnects
			}
			if ctx.Err() != nil {
				return st, fmt.Errorf("GET %s: %w", path, ctx.Err())
			}
			return st, fmt.Errorf("GET %s: the stream broke: %w", path, err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "":
			if data.Len() > 0 || event != "" {
				if event == "error" {
					return st, fmt.Errorf("GET %s: the event stream reported: %s", path, errorMessage(data.Bytes()))
				}
				next, err := decodeState(data.Bytes())
				if err != nil {
					return st, fmt.Errorf("GET %s: event %q is not a submission's state: %w", path, event, err)
				}
				st = next
				if onState != nil {
					onState(st)
				}
				if st.Status == runner.StatusDone {
					return st, nil
				}
			}
			event = ""
			data.Reset()
		case strings.HasPrefix(line, ":"): // a comment: the server's heartbeat
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
}

// errorMessage is the error of an {"error": "..."} body, or the body.
func errorMessage(body []byte) string {
	var eb wire.ErrorBody
	if json.Unmarshal(body, &eb) == nil && eb.Error != "" {
		return eb.Error
	}
	return strings.TrimSpace(string(body))
}

// PollWait is how long one long poll of Follow asks the server to hold
// the request.
const PollWait = 30 * time.Second

// Follow waits for submission id to be done and returns its final state
// (with its result). It follows the server's event stream (Events), or
// long-polls (State, PollWait) a server that has none, telling onState
// (if not nil) of each state read. A busy server or a stream that broke is
// tried again, up to 5 failures in a row, after telling onRetry (if not
// nil) why and how long it waits; a refusal (401, 403, 404...) is
// returned at once.
func (c *Client) Follow(ctx context.Context, id string, onState func(State), onRetry func(err error, pause time.Duration)) (State, error) {
	events, failures := true, 0
	for {
		var st State
		var err error
		began := time.Now()
		if events {
			st, err = c.Events(ctx, id, onState)
			if errors.Is(err, ErrNoEvents) {
				events = false
				continue
			}
		} else {
			st, err = c.State(ctx, id, PollWait)
			if err == nil && onState != nil {
				onState(st)
			}
		}
		var e *Error
		switch {
		case err == nil && st.Status == runner.StatusDone:
			if st.Result == nil {
				return st, fmt.Errorf("submission %s is done but has no result", id)
			}
			return st, nil
		case err == nil:
			failures = 0
			if time.Since(began) < time.Second { // a stream that ends at once must not spin
				if err := wait.Sleep(ctx, time.Second); err != nil {
					return st, fmt.Errorf("submission %s: %w", id, err)
				}
			}
			continue
		case ctx.Err() != nil:
			return st, fmt.Errorf("submission %s: %w", id, err)
		case errors.As(err, &e) && !e.Busy():
			return st, fmt.Errorf("submission %s: %w", id, err) // a refusal does not get better
		}
		if failures++; failures > maxTransient {
			return st, fmt.Errorf("submission %s: giving up after %d failures in a row: %w", id, failures, err)
		}
		pause := pauseAfter(err, time.Second)
		if onRetry != nil {
			onRetry(err, pause)
		}
		if err := wait.Sleep(ctx, pause); err != nil {
			return st, fmt.Errorf("submission %s: %w", id, err)
		}
	}
}
