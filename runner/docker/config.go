package docker

import (
	"log/slog"
	"time"
)

// Config configures a Sandbox. Zero values take the documented defaults.
type Config struct {
	// Image is the sandbox image; default assay/python:latest.
	Image string
	// Images maps other package sets a challenge may name (RunSpec.Image)
	// to their images, e.g. "scientific" -> assay/python-scientific:latest.
	Images map[string]string
	// Runtime is the OCI runtime (runc, runsc); empty means the engine's default.
	Runtime string
	// Worker names the owner in container labels.
	Worker string
	// KillGrace is how long past the run's wall time the container may live
	// before it is killed; default 3s. The harness stops pytest at the wall
	// time itself, so this covers only a harness that cannot.
	KillGrace time.Duration
	// StreamCap caps the bytes read from the container's output; default 32 MiB.
	StreamCap int64
	// ReadyTimeout bounds the wait for a started container's harness to
	// say it is ready (its interpreter and pytest loaded); default 60s.
	// The run's wall time counts from then (see execute).
	ReadyTimeout time.Duration
	// OnStartFailure is called when a container cannot be created or
	// started (for metrics); default none.
	OnStartFailure func()
	// PoolSize is how many pre-started containers are kept waiting for
	// each set of limits passed to Warm (see pool.go); 0 means no pool.
	PoolSize int
	// PoolMaxAge is how long a pooled container may wait before it is
	// replaced; default 5m.
	PoolMaxAge time.Duration
	// PoolObserver is told about the pool, for metrics; default none.
	PoolObserver PoolObserver
	Logger       *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Image == "" {
		c.Image = "assay/python:latest"
	}
	if c.KillGrace <= 0 {
		c.KillGrace = 3 * time.Second
	}
	if c.StreamCap <= 0 {
		c.StreamCap = 32 << 20
	}
	if c.ReadyTimeout <= 0 {
		c.ReadyTimeout = 60 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.OnStartFailure == nil {
		c.OnStartFailure = func() {}
	}
	if c.PoolMaxAge <= 0 {
		c.PoolMaxAge = 5 * time.Minute
	}
	if c.PoolObserver == nil {
		c.PoolObserver = nopPoolObserver{}
	}
	return c
}
