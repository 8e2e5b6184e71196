package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"assay/metrics"
	"assay/runner"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetricsExposeWhatHappened(t *testing.T) {
	m := metrics.New()
	length := int64(7)
	m.QueueLength(func(context.Context) (int64, error) { return length, nil }, slog.New(slog.DiscardHandler))
	m.JobStarted()
	m.JobStarted()
	m.JobEnded()
	m.Recorded("decorators", runner.VerdictPassed, 1200*time.Millisecond)
	m.Reclaimed()
	m.DeadLettered()
	m.ContainerStartFailed()
	m.OrphansRemoved(2)
	m.Request("/api/v1/submissions", 202)
	m.PoolIdle(2)
	m.PoolIdle(-1)
	m.PoolTaken(true)
	m.PoolTaken(false)
	m.PoolTaken(false)
	out := scrape(t, m)
	for _, want := range []string{
		"assay_queue_length 7",
		"assay_jobs_in_flight 1",
		`assay_run_duration_seconds_bucket{challenge="decorators",verdict="passed",le="1.5"} 1`,
		`assay_run_duration_seconds_bucket{challenge="decorators",verdict="passed",le="1"} 0`,
		"assay_jobs_reclaimed_total 1",
		"assay_jobs_dead_lettered_total 1",
		"assay_container_start_failures_total 1",
		"assay_orphan_containers_removed_total 2",
		`assay_http_requests_total{code="202",route="/api/v1/submissions"} 1`,
		"assay_pool_idle 1",
		`assay_pool_takes_total{warm="false"} 2`,
		`assay_pool_takes_total{warm="true"} 1`,
		"go_goroutines",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestQueueLengthUnreadable(t *testing.T) {
	m := metrics.New()
	m.QueueLength(func(context.Context) (int64, error) { return 0, errors.New("redis down") }, slog.New(slog.DiscardHandler))
	if out := scrape(t, m); !strings.Contains(out, "assay_queue_length -1") {
		t.Errorf("unreadable queue length not shown as -1:\n%s", out)
	}
}
