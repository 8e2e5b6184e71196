package redis

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"assay/internal/testenv"
	"assay/runner"
)

// A queued job and a saved result survive a restart of Redis with the
// append-only file on, and the broker carries on over its reconnected client.
func TestSurvivesRestart(t *testing.T) {
	srv := testenv.RedisServer(t, t.TempDir(), true)
	ctx := testCtx(t)
	b, err := New(ctx, Config{URL: srv.URL(), Block: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	mustCreate(t, b, "done")
	mustCreate(t, b, "queued")
	job := mustNext(t, b, "A")
	if _, err := b.SaveResult(ctx, result("done", "A", runner.VerdictPassed)); err != nil {
		t.Fatal(err)
	}
	if err := b.Ack(ctx, job); err != nil {
		t.Fatal(err)
	}

	srv.Stop()
	if err := b.Ping(ctx); err == nil {
		t.Fatal("Ping succeeded with Redis stopped")
	}
	srv.Start()

	if st := mustGet(t, b, "done"); st.Status != runner.StatusDone || st.Result == nil {
		t.Errorf("after restart: %+v, want done with its result", st)
	}
	next, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	job, err = b.Next(next, "A")
	if err != nil || job.SubmissionID != "queued" || job.Attempt != 1 {
		t.Errorf("Next after restart = %+v, %v; want the queued job", job, err)
	}
}
