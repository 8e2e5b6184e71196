package docker

import (
	"context"
	"log/slog"
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

// maxReferenceWall bounds the timing run: the container's deadline label
// keeps a minute's margin past the candidate's wall time (deadlineMargin),
// and the timing run must end within it.
const maxReferenceWall = 30 * time.Second

// referenceWall is the timing run's budget for a run with limits l.
func referenceWall(l runner.Limits) time.Duration {
	return min(l.Wall, maxReferenceWall)
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
