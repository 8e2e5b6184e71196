package docker

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"assay/runner"
)

// The reference's timing run (runner.RunSpec.Reference) is a second
// exchange with the harness, after its reply: the worker sends the
// reference solution as a fourth part on stdin only once that reply is in,
// when every candidate process is dead, and the harness answers with a
// second line framed "<nonce>/reference <base64 of JSON>". Nothing of it
// can change the first reply, which is already read: Run returns the run's
// result at once and the timing run goes on after it (RunResult.Reference),
// so the worker records the result before the timing ends; a timing run
// that fails or is late only leaves the result without reference times.

// referenceFrame follows the nonce on the timing run's line.
const referenceFrame = "/reference "

// maxReferenceWall bounds the timing run: the container's deadline label
// keeps a minute's margin past the candidate's wall time (deadlineMargin),
// and the timing run must end within it.
const maxReferenceWall = 30 * time.Second

// referencePart is the fourth part of the harness's stdin.
type referencePart struct {
	Files map[string]string `json:"files"`
	Wall  float64           `json:"wall"`
}

// referenceReply is the harness's timing line.
type referenceReply struct {
	Durations map[string]int64 `json:"durations"`
	NotPassed int              `json:"not_passed"`
	Seconds   float64          `json:"seconds"`
	TimedOut  bool             `json:"timed_out"`
	Problem   string           `json:"problem"`
}

// referenceWall is the timing run's budget for a run with limits l.
func referenceWall(l runner.Limits) time.Duration {
	return min(l.Wall, maxReferenceWall)
}

// referenceInput is the fourth part for spec: its length line and bytes.
func referenceInput(spec runner.RunSpec) ([]byte, error) {
	part, err := json.Marshal(referencePart{Files: encode(spec.Reference), Wall: referenceWall(spec.Limits).Seconds()})
	if err != nil {
		return nil, fmt.Errorf("encode reference: %w", err)
	}
	out := strconv.AppendInt(nil, int64(len(part)), 10)
	out = append(out, '\n')
	return append(out, part...), nil
}

// timeReference sends the reference solution to the harness that has just
// replied and waits, within the timing run's budget, for its times. It
// never fails the run: whatever goes wrong is the timing's Problem.
// written is closed once the first three parts are written.
func (s *Sandbox) timeReference(ctx context.Context, c *started, spec runner.RunSpec, nonce string, written <-chan struct{}) *runner.ReferenceTiming {
	start := time.Now()
	out := &runner.ReferenceTiming{}
	part, err := referenceInput(spec)
	if err != nil {
		out.Problem = err.Error()
		return out
	}
	budget := time.NewTimer(referenceWall(spec.Limits) + s.cfg.KillGrace)
	defer budget.Stop()
	sent := make(chan error, 1)
	go func() {
		// The harness has read the first three parts (it replied after
		// the nonce): this write does not wait behind them.
		<-written
		_, err := c.att.Conn.Write(part)
		_ = c.att.CloseWrite()
		sent <- err
	}()
	// The container's end can be seen before its last output arrives (the
	// attach stream lags the engine's wait): then wait for the stream's
	// end, briefly, before reading the line.
	exited := func() {
		select {
		case <-c.stdout.refFramed:
		case <-c.copied:
		case <-time.After(2 * time.Second):
		}
	}
	select {
	case <-c.stdout.refFramed:
	case err := <-sent:
		if err != nil {
			out.Problem = "the reference could not be sent: " + err.Error()
			return out
		}
		select {
		case <-c.stdout.refFramed:
		case <-c.waitC:
			exited()
		case <-budget.C:
		case <-ctx.Done():
		}
	case <-c.waitC:
		exited()
	case <-budget.C:
	case <-ctx.Done():
	}
	out.RunMS = time.Since(start).Milliseconds()
	if !readReference(out, c.stdout.Bytes(), nonce) {
		switch {
		case ctx.Err() != nil:
			out.Problem = "the run was stopped before the reference's times came"
		case out.Problem == "":
			out.Problem = "the reference's times did not come within " + referenceWall(spec.Limits).String()
		}
		s.cfg.Logger.Warn("reference timing", slog.String("submission", spec.ID), slog.String("problem", out.Problem))
	}
	return out
}

// readReference fills out from the harness's timing line, if there is a
// whole one, and reports whether there was.
func readReference(out *runner.ReferenceTiming, stdout []byte, nonce string) bool {
	marker := []byte(nonce + referenceFrame)
	i := bytes.LastIndex(stdout, marker)
	if i < 0 {
		return false
	}
	line := stdout[i+len(marker):]
	j := bytes.IndexByte(line, '\n')
	if j < 0 {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(string(line[:j]))
	var r referenceReply
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		out.Problem = "the reference's times are unreadable"
		return true
	}
	out.TestsUS = make(map[string]float64, len(r.Durations))
	for id, ns := range r.Durations {
		if ns > 0 {
			out.TestsUS[id] = float64(ns) / 1e3
		}
	}
	out.NotPassed, out.TimedOut, out.Problem = r.NotPassed, r.TimedOut, r.Problem
	if r.Seconds > 0 {
		out.RunMS = int64(r.Seconds * 1000)
	}
	return true
}

// checkReference closes refFramed once the timing line is whole; c.mu is
// held.
func (c *capped) checkReference(b []byte) {
	if c.refFramed == nil || c.isRefFramed || c.refMarker == nil {
		return
	}
	if i := bytes.LastIndex(b, c.refMarker); i >= 0 && bytes.IndexByte(b[i:], '\n') >= 0 {
		c.isRefFramed = true
		close(c.refFramed)
	}
}
