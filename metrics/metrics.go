// Package metrics is Assay's Prometheus instrumentation: one registry per
// process, the worker's Observer, counters for the sandbox and the HTTP
// API, and the /metrics handler.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"assay/runner"
)

// Metrics holds one process's metrics. The zero value is not usable; call New.
type Metrics struct {
	reg *prometheus.Registry

	inFlight        prometheus.Gauge
	runs            *prometheus.HistogramVec
	reclaimed       prometheus.Counter
	deadLettered    prometheus.Counter
	containerFailed prometheus.Counter
	orphans         prometheus.Counter
	requests        *prometheus.CounterVec
	poolIdle        prometheus.Gauge
	poolTakes       *prometheus.CounterVec
}

// Compile-time check: Metrics observes the worker.
var _ runner.Observer = (*Metrics)(nil)

// New registers Assay's metrics, and Go's and the process's, on a fresh
// registry (never the global one, so tests and processes do not share).
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := func(c prometheus.Collector) { reg.MustRegister(c) }
	m := &Metrics{reg: reg}
	m.inFlight = prometheus.NewGauge(prometheus.GaugeOpts{Name: "assay_jobs_in_flight", Help: "Jobs this process's workers are running now."})
	m.runs = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "assay_run_duration_seconds",
		Help:    "Sandbox run time of each recorded result, by challenge and verdict.",
		Buckets: []float64{0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60, 120},
	}, []string{"challenge", "verdict"})
	m.reclaimed = prometheus.NewCounter(prometheus.CounterOpts{Name: "assay_jobs_reclaimed_total", Help: "Jobs taken again after an earlier delivery did not finish."})
	m.deadLettered = prometheus.NewCounter(prometheus.CounterOpts{Name: "assay_jobs_dead_lettered_total", Help: "Jobs given up on after too many attempts."})
	m.containerFailed = prometheus.NewCounter(prometheus.CounterOpts{Name: "assay_container_start_failures_total", Help: "Sandbox containers that could not be created or started."})
	m.orphans = prometheus.NewCounter(prometheus.CounterOpts{Name: "assay_orphan_containers_removed_total", Help: "Leftover sandbox containers removed by the sweep."})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "assay_http_requests_total", Help: "HTTP requests answered, by route and status code."}, []string{"route", "code"})
	m.poolIdle = prometheus.NewGauge(prometheus.GaugeOpts{Name: "assay_pool_idle", Help: "Pre-started sandbox containers waiting for a run."})
	m.poolTakes = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "assay_pool_takes_total", Help: "Runs by whether they got a pre-started container (warm) or started one (cold)."}, []string{"warm"})
	for _, c := range []prometheus.Collector{m.inFlight, m.runs, m.reclaimed, m.deadLettered, m.containerFailed, m.orphans, m.requests, m.poolIdle, m.poolTakes} {
		f(c)
	}
	return m
}

// QueueLength exports the queue's length, read from length at each scrape
// (bounded by a short timeout; -1 when it cannot be read).
func (m *Metrics) QueueLength(length func(ctx context.Context) (int64, error), log *slog.Logger) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "assay_queue_length", Help: "Submissions queued or running (-1: the queue could not be read).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := length(ctx)
		if err != nil {
			log.Warn("metrics: queue length", slog.Any("err", err))
			return -1
		}
		return float64(n)
	}))
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// JobStarted implements runner.Observer.
func (m *Metrics) JobStarted() { m.inFlight.Inc() }

// JobEnded implements runner.Observer.
func (m *Metrics) JobEnded() { m.inFlight.Dec() }

// Recorded implements runner.Observer.
func (m *Metrics) Recorded(challenge string, v runner.Verdict, run time.Duration) {
	m.runs.WithLabelValues(challenge, string(v)).Observe(run.Seconds())
}

// Reclaimed implements runner.Observer.
func (m *Metrics) Reclaimed() { m.reclaimed.Inc() }

// DeadLettered implements runner.Observer.
func (m *Metrics) DeadLettered() { m.deadLettered.Inc() }

// ContainerStartFailed counts a sandbox container that did not start.
func (m *Metrics) ContainerStartFailed() { m.containerFailed.Inc() }

// OrphansRemoved counts leftover containers the sweep removed.
func (m *Metrics) OrphansRemoved(n int) { m.orphans.Add(float64(n)) }

// Request counts one answered HTTP request. route is the route pattern
// (never the raw path, so ids do not explode the label set).
func (m *Metrics) Request(route string, code int) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
}

// PoolTaken counts a run that got a pre-started container (warm) or not.
func (m *Metrics) PoolTaken(warm bool) { m.poolTakes.WithLabelValues(strconv.FormatBool(warm)).Inc() }

// PoolIdle moves the count of waiting pre-started containers.
func (m *Metrics) PoolIdle(delta int) { m.poolIdle.Add(float64(delta)) }
