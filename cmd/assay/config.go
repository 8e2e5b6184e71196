package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"assay/api"
	"assay/mailer"
	"assay/runner"
)

// Config is the configuration of every subcommand that serves. Each field
// has a flag and an environment variable; a flag given on the command line
// wins over the environment, which wins over the default.
type Config struct {
	Addr          string
	RedisURL      string
	Workers       int
	WorkerID      string
	ChallengesDir string
	Runtime       string
	// CheckRuntimes are the runtimes an uploaded challenge must pass its
	// check under, besides this process's own.
	CheckRuntimes []string
	Image         string
	Lease         time.Duration
	MaxAttempts   int
	DrainTimeout  time.Duration
	QueueLimit    int64
	SweepEvery    time.Duration
	WebhookURL    string
	WebhookSecret string
	WebhookMaxAge time.Duration
	WebhookLocal  bool
	PublicURL     string
	ScienceImage  string
	PoolSize      int64
	// RefTiming: time the reference solution after each live submission
	// (ASSAY_REFERENCE_TIMING).
	RefTiming     bool
	MetricsAddr   string
	MaxTime       time.Duration
	MaxMemoryMB   int64
	MaxCPUs       float64
	MaxPids       int64
	AdminToken    string
	RateLimit     api.RateLimit
	RunRateLimit  api.RateLimit
	RunQueueLimit int64
	SessionSweep  time.Duration
	SMTP          mailer.Config
	LogFormat     string
	LogLevel      string

	// SimilarityThreshold: pairs of submissions at or above it are
	// shown to staff (similarity.go).
	SimilarityThreshold float64
}

type setting struct {
	env, flag, def, help string
	set                  func(c *Config, v string) error
}

func settings() []setting {
	str := func(dst func(*Config) *string) func(*Config, string) error {
		return func(c *Config, v string) error { *dst(c) = v; return nil }
	}
	duration := func(dst func(*Config) *time.Duration) func(*Config, string) error {
		return func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d < time.Second {
				return fmt.Errorf("%q is not a duration of at least 1s", v)
			}
			*dst(c) = d
			return nil
		}
	}
	atLeast := func(least int64, dst func(*Config) *int64) func(*Config, string) error {
		return func(c *Config, v string) error {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < least {
				return fmt.Errorf("%q is not a number of at least %d", v, least)
			}
			*dst(c) = n
			return nil
		}
	}
	return []setting{
		{"ASSAY_ADDR", "addr", "127.0.0.1:8080", "HTTP listen address", str(func(c *Config) *string { return &c.Addr })},
		{"REDIS_URL", "redis", "redis://127.0.0.1:6379/0", "Redis URL (make run starts a local redis-server when unset)", str(func(c *Config) *string { return &c.RedisURL })},
		{"ASSAY_WORKERS", "workers", strconv.Itoa(max(1, runtime.NumCPU())), "concurrent runs per worker process", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 256 {
				return fmt.Errorf("%q is not a number from 1 to 256", v)
			}
			c.Workers = n
			return nil
		}},
		{"ASSAY_WORKER_ID", "worker-id", "", "this worker's name in the queue (default host-pid)", str(func(c *Config) *string { return &c.WorkerID })},
		{"ASSAY_CHALLENGES_DIR", "challenges", "", "a directory of challenge folders served beside (and over) the built-in ones", str(func(c *Config) *string { return &c.ChallengesDir })},
		{"ASSAY_RUNTIME", "runtime", "", "container runtime: runc, runsc (gVisor); empty is the engine's default", func(c *Config, v string) error {
			if v != "" && v != "runc" && v != "runsc" {
				return fmt.Errorf("%q is not runc or runsc", v)
			}
			c.Runtime = v
			return nil
		}},
		{"ASSAY_CHECK_RUNTIMES", "check-runtimes", "", "runtimes (runc, runsc) an uploaded challenge must also pass its check under, comma-separated: those of every worker that grades (this process's own is always checked)", func(c *Config, v string) error {
			c.CheckRuntimes = nil
			for _, rt := range strings.Split(v, ",") {
				rt = strings.TrimSpace(rt)
				switch rt {
				case "":
				case "runc", "runsc":
					c.CheckRuntimes = append(c.CheckRuntimes, rt)
				default:
					return fmt.Errorf("%q is not runc or runsc", rt)
				}
			}
			return nil
		}},
		{"ASSAY_IMAGE", "image", "assay/python:latest", "sandbox image (built by make image)", str(func(c *Config) *string { return &c.Image })},
		{"ASSAY_IMAGE_SCIENTIFIC", "image-scientific", "assay/python-scientific:latest", "sandbox image for challenges with `image: scientific` (numpy, pandas; built by make image)", str(func(c *Config) *string { return &c.ScienceImage })},
		{"ASSAY_LEASE", "lease", "30s", "a running job whose worker stops renewing its claim for this long is run by another worker", duration(func(c *Config) *time.Duration { return &c.Lease })},
		{"ASSAY_DRAIN_TIMEOUT", "drain-timeout", "30s", "on SIGTERM, how long running jobs may finish before they are handed back to the queue", duration(func(c *Config) *time.Duration { return &c.DrainTimeout })},
		{"ASSAY_POOL_SIZE", "pool-size", "2", "pre-started sandbox containers kept ready per challenge limits (each used once); 0 = start each on demand", atLeast(0, func(c *Config) *int64 { return &c.PoolSize })},
		{"ASSAY_REFERENCE_TIMING", "reference-timing", "on", "after each live submission, time the reference solution on the same tests in the same container, for interviewers' runtime ratios (on or off; never Runs or regrades)", func(c *Config, v string) error {
			switch v {
			case "on":
				c.RefTiming = true
			case "off":
				c.RefTiming = false
			default:
				return fmt.Errorf("%q is not on or off", v)
			}
			return nil
		}},
		{"ASSAY_WEBHOOK_URL", "webhook-url", "", "POST a signed event here when any submission finishes (assessments may name their own)", func(c *Config, v string) error {
			if v != "" && !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") {
				return fmt.Errorf("%q is not an http(s) URL", v)
			}
			c.WebhookURL = v
			return nil
		}},
		{"ASSAY_WEBHOOK_SECRET", "webhook-secret", "", "HMAC-SHA256 key that signs webhook events (required for any webhook to be sent)", str(func(c *Config) *string { return &c.WebhookSecret })},
		{"ASSAY_WEBHOOK_MAX_AGE", "webhook-max-age", "1h", "how long a webhook delivery is retried (exponential backoff) before it is given up", duration(func(c *Config) *time.Duration { return &c.WebhookMaxAge })},
		{"ASSAY_WEBHOOK_ALLOW_PRIVATE", "webhook-allow-private", "false", "let webhooks reach loopback and private addresses (off: an interviewer's URL cannot probe the workers' network)", func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%q is not true or false", v)
			}
			c.WebhookLocal = b
			return nil
		}},
		{"ASSAY_PUBLIC_URL", "public-url", "", "the server's public URL, for links in webhook events and invitation emails (e.g. https://assay.example.com)", str(func(c *Config) *string { return &c.PublicURL })},
		{"ASSAY_SMTP_ADDR", "smtp-addr", "", "host:port of the SMTP server that emails candidates their links (unset: no email)", str(func(c *Config) *string { return &c.SMTP.Addr })},
		{"ASSAY_SMTP_FROM", "smtp-from", "", "the sender of invitation emails, e.g. \"Hiring <hiring@example.com>\"", str(func(c *Config) *string { return &c.SMTP.From })},
		{"ASSAY_SMTP_USERNAME", "smtp-username", "", "SMTP user (AUTH PLAIN, over TLS only)", str(func(c *Config) *string { return &c.SMTP.Username })},
		{"ASSAY_SMTP_PASSWORD", "smtp-password", "", "SMTP password", str(func(c *Config) *string { return &c.SMTP.Password })},
		{"ASSAY_SMTP_TLS", "smtp-tls", "starttls", "starttls (required), tls (implicit, port 465) or none (a relay on this host)", str(func(c *Config) *string { return &c.SMTP.TLS })},
		{"ASSAY_SWEEP_EVERY", "sweep-every", "1m", "how often a worker removes leftover sandbox containers (also done at start)", duration(func(c *Config) *time.Duration { return &c.SweepEvery })},
		{"ASSAY_METRICS_ADDR", "metrics-addr", "", "where `assay worker` serves /metrics, /healthz and /readyz; empty = not served (serve and api serve them on ASSAY_ADDR)", str(func(c *Config) *string { return &c.MetricsAddr })},
		{"ASSAY_QUEUE_LIMIT", "queue-limit", "10000", "refuse new submissions (503, Retry-After) while this many are queued or running; 0 = no limit", atLeast(0, func(c *Config) *int64 { return &c.QueueLimit })},
		{"ASSAY_MAX_ATTEMPTS", "max-attempts", "3", "deliveries of one submission before it is recorded as internal_error", func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("%q is not a positive number", v)
			}
			c.MaxAttempts = n
			return nil
		}},
		{"ASSAY_SIMILARITY_THRESHOLD", "similarity-threshold", "0.5", "pairs of submissions sharing at least this share of the smaller one's fingerprints are shown to interviewers (0.05 to 1)", func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || !(f >= 0.05 && f <= 1) { // (NaN is neither)
				return fmt.Errorf("%q is not a number from 0.05 to 1", v)
			}
			c.SimilarityThreshold = f
			return nil
		}},
		{"ASSAY_MAX_TIME", "max-time", "2m", "ceiling on any challenge's wall-clock time limit", duration(func(c *Config) *time.Duration { return &c.MaxTime })},
		{"ASSAY_MAX_MEMORY_MB", "max-memory-mb", "1024", "ceiling on any challenge's memory limit, in MiB", atLeast(32, func(c *Config) *int64 { return &c.MaxMemoryMB })},
		{"ASSAY_MAX_CPUS", "max-cpus", strconv.Itoa(max(1, runtime.NumCPU())), "ceiling on any challenge's CPU quota", func(c *Config, v string) error {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || f < 0.1 || f > 256 {
				return fmt.Errorf("%q is not a number from 0.1 to 256", v)
			}
			c.MaxCPUs = f
			return nil
		}},
		{"ASSAY_MAX_PIDS", "max-pids", "256", "ceiling on any challenge's process and thread count", atLeast(8, func(c *Config) *int64 { return &c.MaxPids })},
		{"ASSAY_ADMIN_TOKEN", "admin-token", "", "bearer token for the full (interviewer) view of results; make run makes one", func(c *Config, v string) error {
			if v != "" && len(v) < 16 {
				return fmt.Errorf("use at least 16 characters")
			}
			c.AdminToken = v
			return nil
		}},
		{"ASSAY_RATE_LIMIT", "rate-limit", "10/1m", "submissions one candidate may make per window, N/DURATION; off = no limit", func(c *Config, v string) error {
			rl, err := api.ParseRateLimit(v)
			c.RateLimit = rl
			return err
		}},
		{"ASSAY_RUN_RATE_LIMIT", "run-rate-limit", "30/1m", "Runs (the visible tests only, not an attempt) one candidate may make per window, N/DURATION, counted apart from submissions; off = no limit", func(c *Config, v string) error {
			rl, err := api.ParseRateLimit(v)
			c.RunRateLimit = rl
			return err
		}},
		{"ASSAY_RUN_QUEUE_LIMIT", "run-queue-limit", "10000", "refuse new Runs (503, Retry-After) while this many Runs are queued or running; 0 = no limit", atLeast(0, func(c *Config) *int64 { return &c.RunQueueLimit })},
		{"ASSAY_SESSION_SWEEP", "session-sweep", "5s", "how often the API looks for timed sessions whose time ran out, to submit their last drafts", duration(func(c *Config) *time.Duration { return &c.SessionSweep })},
		{"ASSAY_LOG_FORMAT", "log-format", "json", "log format: json or text", func(c *Config, v string) error {
			if v != "json" && v != "text" {
				return fmt.Errorf("%q is not json or text", v)
			}
			c.LogFormat = v
			return nil
		}},
		{"ASSAY_LOG_LEVEL", "log-level", "info", "log level: debug, info, warn, error", func(c *Config, v string) error {
			var l slog.Level
			if err := l.UnmarshalText([]byte(v)); err != nil {
				return fmt.Errorf("%q is not debug, info, warn or error", v)
			}
			c.LogLevel = v
			return nil
		}},
	}
}

// parseConfig reads defaults, then the environment, then flags.
func parseConfig(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	var c Config
	fs := flag.NewFlagSet("assay "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, s := range settings() {
		v := s.def
		if e := getenv(s.env); e != "" {
			v = e
		}
		vals[s.flag] = fs.String(s.flag, v, s.help+" ($"+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	for _, s := range settings() {
		if err := s.set(&c, *vals[s.flag]); err != nil {
			return c, nil, fmt.Errorf("-%s / %s: %w", s.flag, s.env, err)
		}
	}
	if c.WorkerID == "" {
		host, _ := os.Hostname()
		c.WorkerID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	return c, fs.Args(), nil
}

func (c Config) logger(w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// helpSettings lists every setting for `assay help`.
func helpSettings(w io.Writer) {
	for _, s := range settings() {
		def := s.def
		if s.env == "ASSAY_WORKERS" || s.env == "ASSAY_MAX_CPUS" {
			def = "number of CPUs"
		}
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(w, "  -%-13s %-21s %s (default %s)\n", s.flag, s.env, s.help, def)
	}
}

// images maps the package sets challenges may name to their images.
func (c Config) images() map[string]string {
	return map[string]string{"scientific": c.ScienceImage}
}

// limits returns what every run gets unless its challenge sets its own,
// and the ceiling no challenge can exceed (the ASSAY_MAX_* settings).
func (c Config) limits() (defaults, ceiling runner.Limits) {
	defaults = runner.Limits{
		Wall: 30 * time.Second, TestTimeout: 10 * time.Second, CPUs: 1,
		MemoryBytes: 256 << 20, Pids: 64, NoFile: 256, FileSize: 16 << 20,
		Scratch: 64 << 20, OutputBytes: 64 << 10,
	}
	ceiling = runner.Limits{
		Wall: c.MaxTime, TestTimeout: time.Minute, CPUs: c.MaxCPUs,
		MemoryBytes: c.MaxMemoryMB << 20, Pids: c.MaxPids, NoFile: 1024, FileSize: 64 << 20,
		Scratch: 256 << 20, OutputBytes: 1 << 20,
	}
	return defaults, ceiling
}
