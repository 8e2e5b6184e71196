package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"assay/api"
	"assay/challenges"
	"assay/mailer"
	"assay/metrics"
	"assay/runner"
	"assay/runner/docker"
	"assay/runner/redis"
	"assay/session"
	"assay/similarity"
	"assay/webhook"
)

// mode says which halves of Assay a process runs.
type mode struct{ api, worker bool }

var (
	modeServe  = mode{api: true, worker: true}
	modeAPI    = mode{api: true}
	modeWorker = mode{worker: true}
)

// App is one running Assay process, wired from its Config.
type App struct {
	cfg      Config
	mode     mode
	log      *slog.Logger
	broker   *redis.Broker
	sandbox  *docker.Sandbox
	catalog  *challenges.Catalog
	handler  http.Handler
	worker   *runner.Worker
	metrics  *metrics.Metrics
	notifier *webhook.Notifier

	// library serves every version of every challenge (library.go);
	// publishers are this process's sandboxes for checking uploads only:
	// an api-only process's own, and those of ASSAY_CHECK_RUNTIMES.
	library    *challenges.Library
	publishers []*docker.Sandbox

	// similarity is the cohort's similarity index (similarity.go).
	similarity *similarity.Index
	simRedis   *goredis.Client
}

// NewApp connects to Redis (and Docker, for workers) and loads the catalog.
func NewApp(ctx context.Context, cfg Config, m mode, log *slog.Logger) (*App, error) {
	a := &App{cfg: cfg, mode: m, log: log, metrics: metrics.New()}
	catalog, err := loadCatalog(cfg, log)
	if err != nil {
		return nil, err
	}
	a.catalog = catalog

	broker, err := redis.New(ctx, redis.Config{URL: cfg.RedisURL, Lease: cfg.Lease, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("connect to Redis at %s: %w", redactURL(cfg.RedisURL), err)
	}
	a.broker = broker
	a.metrics.QueueLength(broker.QueueLength, log)
	if err := a.openLibrary(ctx, catalog); err != nil {
		a.Close()
		return nil, err
	}
	if err := a.openSimilarity(); err != nil {
		a.Close()
		return nil, err
	}

	if m.worker {
		sb, err := docker.New(ctx, docker.Config{Image: cfg.Image, Images: cfg.images(), Runtime: cfg.Runtime, Worker: cfg.WorkerID, Logger: log,
			OnStartFailure: a.metrics.ContainerStartFailed, PoolSize: int(cfg.PoolSize), PoolObserver: a.metrics})
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("docker: %w", err)
		}
		a.sandbox = sb
		w, err := runner.NewWorker(runner.WorkerConfig{
			ID: cfg.WorkerID, Concurrency: cfg.Workers, MaxAttempts: cfg.MaxAttempts, DrainTimeout: cfg.DrainTimeout,
			ExtendEvery: max(cfg.Lease/4, 250*time.Millisecond),
			Queue:       broker.Queue, Store: broker.Results, Suites: a.library, Sandbox: sb, Logger: log,
			Ready: sb.Ping, Observer: a.metrics, ReferenceTiming: cfg.RefTiming,
		})
		if err != nil {
			a.Close()
			return nil, err
		}
		a.worker = w
		if a.notifier, err = a.newNotifier(); err != nil {
			a.Close()
			return nil, err
		}
		// Start the warm pool for every challenge now, not at its first run.
		defaults, ceiling := cfg.limits()
		for _, ch := range catalog.List() {
			suite := challenges.SuiteOf(ch, defaults, ceiling)
			if err := sb.HasImage(ctx, suite.Image); err != nil {
				log.Error("a challenge's sandbox image is missing: its submissions cannot run here", slog.String("challenge", ch.Slug), slog.Any("err", err))
				continue
			}
			_ = sb.Warm(suite.Image, suite.Limits)
		}
	}
	if m.api {
		// Once per Redis: index submissions made before regrades could find
		// them by challenge.
		if n, err := broker.IndexChallengeSubmissions(ctx); err != nil {
			log.Warn("could not index old submissions by challenge: a challenge-wide regrade may miss them", slog.Any("err", err))
		} else if n > 0 {
			log.Info("indexed old submissions by challenge", slog.Int("submissions", n))
		}
		a.backfillSimilarity(ctx)
		var mail api.Mailer
		if cfg.SMTP.Addr != "" {
			m, err := mailer.New(cfg.SMTP)
			if err != nil {
				a.Close()
				return nil, fmt.Errorf("ASSAY_SMTP_*: %w", err)
			}
			mail = m
		}
		h, err := api.New(api.Config{Catalog: a.library, Versions: a.library, Mailer: mail, PublicURL: cfg.PublicURL, Publisher: a.publishing(ctx), Submissions: broker.Submissions, Ready: a.ready, AdminToken: cfg.AdminToken, QueueLimit: cfg.QueueLimit, Logger: log,
			Accounts: broker, Deliveries: broker.Notifications, Regrades: broker.Regrading, Reviews: broker.Reviews, Recordings: broker.Recordings, RateLimit: cfg.RateLimit,
			RunRateLimit: cfg.RunRateLimit, RunQueueLimit: cfg.RunQueueLimit,
			Metrics: a.metrics.Handler(), OnRequest: a.metrics.Request, Similarity: a.similarity})
		if err != nil {
			a.Close()
			return nil, err
		}
		a.handler = h
	}
	return a, nil
}

func loadCatalog(cfg Config, log *slog.Logger) (*challenges.Catalog, error) {
	list, err := challenges.LoadAll(challenges.Builtin())
	if err != nil {
		return nil, fmt.Errorf("built-in challenges: %w", err)
	}
	if dir := cfg.ChallengesDir; dir != "" {
		extra, err := challenges.LoadAll(os.DirFS(dir))
		if err != nil {
			// One broken folder should not take the others down; say so loudly.
			log.Error("some challenges were not loaded", slog.String("dir", dir), slog.Any("err", err))
		}
		list = append(list, extra...)
	}
	defaults, ceiling := cfg.limits()
	cat, err := challenges.NewCatalog(list, defaults, ceiling)
	if err != nil {
		log.Error("some challenges are not served", slog.Any("err", err))
	}
	if len(cat.List()) == 0 {
		return nil, errors.New("no challenges to serve")
	}
	return cat, nil
}

func (a *App) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := a.broker.Ping(ctx); err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	if a.sandbox != nil {
		if err := a.sandbox.Ping(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Run serves HTTP on ln (when the process has the API) and runs the worker
// (when it has one) until ctx ends, then shuts down.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 4)
	running := 0
	if a.worker != nil {
		running++
		go func() { errc <- a.worker.Run(ctx) }()
		go a.sweep(ctx)
		running++
		go func() { errc <- a.notifier.Run(ctx) }()
		running++
		go func() { errc <- a.newIndexer().Run(ctx) }()
	}
	if a.handler != nil {
		go a.watchRedis(ctx, 2*time.Second)
	}
	if a.handler != nil {
		go a.library.Watch(ctx, refreshEvery)
		// Timed sessions whose time ran out: their last drafts submitted.
		go session.Closer{Store: a.broker, Every: a.cfg.SessionSweep, Logger: a.log, Now: time.Now,
			Versions: session.VersionFunc(func(slug string) (string, error) {
				ch, err := a.library.Get(slug)
				if err != nil {
					return "", err
				}
				return ch.Version, nil
			})}.Run(ctx)
	}
	var srv *http.Server
	if ln != nil {
		running++
		h := a.handler
		if h == nil {
			h = a.probes()
		}
		srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() {
			err := srv.Serve(ln)
			if errors.Is(err, http.ErrServerClosed) {
				err = nil
			}
			errc <- err
		}()
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errc:
		running--
	}
	if srv != nil {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			a.log.Warn("http shutdown", slog.Any("err", err))
		}
	}
	for ; running > 0; running-- {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// watchRedis pings Redis every interval and logs once when it goes away
// and once when it is back (go-redis reconnects by itself; this only says
// so), so an API process's log tells the story of an outage.
func (a *App) watchRedis(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	down := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, every)
		err := a.broker.Ping(pctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return
		case err != nil && !down:
			down = true
			a.log.Error("redis unavailable; the API answers 503 until it is back", slog.Any("err", err))
		case err == nil && down:
			down = false
			a.log.Info("redis is back")
		}
	}
}

// sweep removes leftover sandbox containers at start and then every
// SweepEvery, until ctx ends.
func (a *App) sweep(ctx context.Context) {
	t := time.NewTicker(a.cfg.SweepEvery)
	defer t.Stop()
	for {
		n, err := a.sandbox.Sweep(ctx)
		a.metrics.OrphansRemoved(n)
		if err != nil && ctx.Err() == nil {
			a.log.Warn("sweep leftover containers", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// probes is the HTTP handler of a worker-only process: health, readiness
// and metrics, for its orchestrator and Prometheus.
func (a *App) probes() http.Handler { return api.Probes(a.ready, a.metrics.Handler(), a.log) }

// Close releases the connections.
func (a *App) Close() {
	if a.broker != nil {
		a.broker.Close()
	}
	if a.sandbox != nil {
		a.sandbox.Close()
	}
	for _, sb := range a.publishers {
		sb.Close()
	}
	if a.simRedis != nil {
		a.simRedis.Close()
	}
}

// redactURL drops the password from a Redis URL for messages.
func redactURL(u string) string {
	if i, j := strings.Index(u, "://"), strings.LastIndex(u, "@"); i >= 0 && j > i {
		return u[:i+3] + "***" + u[j:]
	}
	return u
}
