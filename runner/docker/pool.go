package docker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/containerd/errdefs"

	"assay/runner"
)

// PoolObserver is told about the warm pool, for metrics.
type PoolObserver interface {
	// PoolTaken is called for every run: warm says whether it got a
	// pre-started container.
	PoolTaken(warm bool)
	// PoolIdle is called with the change in waiting containers.
	PoolIdle(delta int)
}

type nopPoolObserver struct{}

func (nopPoolObserver) PoolTaken(bool) {}
func (nopPoolObserver) PoolIdle(int)   {}

// pool keeps pre-started sandbox containers, per set of limits (memory,
// CPUs and pids are fixed when a container is created; a set of limits is
// pooled from its first run, or from Warm), whose harness has
// already imported pytest and waits for its request. Each container still
// serves exactly one run and is removed after it: the pool only moves the
// container's start and Python's imports off the critical path. Taking a
// container starts a refill in the background.
type pool struct {
	s      *Sandbox
	ctx    context.Context // ends on close: stops refills
	cancel context.CancelFunc

	mu     sync.Mutex
	byKey  map[string]*warmSet
	closed bool
	fills  sync.WaitGroup
}

type warmSet struct {
	image   string
	limits  runner.Limits
	idle    []*started
	filling bool
}

func newPool(s *Sandbox) *pool {
	ctx, cancel := context.WithCancel(context.Background())
	return &pool{s: s, ctx: ctx, cancel: cancel, byKey: map[string]*warmSet{}}
}

func limitsKey(image string, l runner.Limits) string { return fmt.Sprintf("%s %+v", image, l) }

// Warm keeps PoolSize containers ready for runs of the package set's image
// ("" is the default) with limits l, from now until Close. It returns at
// once; the containers start in the background.
func (s *Sandbox) Warm(set string, l runner.Limits) error {
	if s.cfg.PoolSize <= 0 {
		return nil
	}
	image, err := s.imageFor(set)
	if err != nil {
		return err
	}
	p := s.pool
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	k := limitsKey(image, l)
	if p.byKey[k] == nil {
		p.byKey[k] = &warmSet{image: image, limits: l}
	}
	p.refillLocked(k)
	return nil
}

// take returns a pooled container for the image and limits, or nil when
// there is none (then the caller starts one itself). A container that has
// died or waited longer than PoolMaxAge is removed rather than returned.
func (p *pool) take(ctx context.Context, image string, l runner.Limits) *started {
	if p.s.cfg.PoolSize <= 0 {
		return nil
	}
	k := limitsKey(image, l)
	for {
		c := p.pop(k, image, l)
		if c == nil {
			p.s.cfg.PoolObserver.PoolTaken(false)
			return nil
		}
		alive, err := p.alive(ctx, c)
		if err != nil {
			// The run is going away, or the engine did not answer: that
			// says nothing of the container, so it goes back untouched.
			p.putBack(k, c)
			p.s.cfg.PoolObserver.PoolTaken(false)
			return nil
		}
		if alive {
			p.s.cfg.PoolObserver.PoolTaken(true)
			return c
		}
		p.s.cfg.Logger.Info("pooled container dead or stale; replacing it", slog.String("container", c.id[:12]))
		p.s.removeLater(c, "")
	}
}

// pop takes the oldest waiting container of key k, and starts a refill.
func (p *pool) pop(k, image string, l runner.Limits) *started {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	set := p.byKey[k]
	if set == nil {
		// Limits not warmed yet: this run starts cold, later ones not.
		set = &warmSet{image: image, limits: l}
		p.byKey[k] = set
	}
	if len(set.idle) <= 1 {
		// The set is empty now: the next run would start cold, so the
		// refill cannot wait for this run to end (see release).
		defer p.refillLocked(k)
	}
	if len(set.idle) == 0 {
		return nil
	}
	c := set.idle[0]
	set.idle = set.idle[1:]
	p.s.cfg.PoolObserver.PoolIdle(-1)
	return c
}

// release is told that a run of image with limits l has ended, and starts
// the refill that pop left for later: a container starting (the engine's
// work and the harness's imports) competes for the CPUs with the run it
// would replace, so while the set has containers waiting, the refill
// waits for the run.
func (p *pool) release(image string, l runner.Limits) {
	if p.s.cfg.PoolSize <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if k := limitsKey(image, l); p.byKey[k] != nil {
		p.refillLocked(k)
	}
}

// alive reports whether a pooled container can take a run: not too old,
// and running by the engine's own account (its exit event may lag). An
// error means it could not tell.
func (p *pool) alive(ctx context.Context, c *started) (bool, error) {
	if c.exited() || time.Since(c.at) > p.s.cfg.PoolMaxAge {
		return false, nil
	}
	info, err := p.s.cli.ContainerInspect(ctx, c.id)
	if errdefs.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return info.State != nil && info.State.Running && !info.State.Restarting, nil
}

// putBack returns a container to the front of its set.
func (p *pool) putBack(k string, c *started) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if set := p.byKey[k]; set != nil && !p.closed {
		set.idle = append([]*started{c}, set.idle...)
		p.s.cfg.PoolObserver.PoolIdle(1)
		return
	}
	p.s.removeLater(c, "")
}

// refillLocked starts a background refill of key's set unless one runs.
func (p *pool) refillLocked(k string) {
	set := p.byKey[k]
	if set.filling || p.closed || len(set.idle) >= p.s.cfg.PoolSize {
		return
	}
	set.filling = true
	p.fills.Add(1)
	go func() {
		defer p.fills.Done()
		p.fill(k, set)
	}()
}

func (p *pool) fill(k string, set *warmSet) {
	defer func() {
		p.mu.Lock()
		set.filling = false
		p.mu.Unlock()
	}()
	for {
		p.mu.Lock()
		n, closed := len(set.idle), p.closed
		p.mu.Unlock()
		if closed || n >= p.s.cfg.PoolSize {
			return
		}
		c, err := p.s.start(p.ctx, set.image, set.limits, "", p.s.cfg.PoolMaxAge)
		if err != nil {
			// The next take tries again; a broken engine is not hammered.
			if p.ctx.Err() == nil {
				p.s.cfg.Logger.Warn("warm pool: start container", slog.Any("err", err))
			}
			return
		}
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			p.s.removeLater(c, "")
			return
		}
		set.idle = append(set.idle, c)
		p.mu.Unlock()
		p.s.cfg.PoolObserver.PoolIdle(1)
	}
}

// close stops refills and removes every waiting container.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	p.cancel()
	var idle []*started
	for _, set := range p.byKey {
		idle = append(idle, set.idle...)
		set.idle = nil
	}
	p.mu.Unlock()
	p.fills.Wait()
	for _, c := range idle {
		p.s.cfg.PoolObserver.PoolIdle(-1)
		p.s.removeLater(c, "")
	}
}

// Idle reports how many pooled containers wait for runs of the package
// set's image with limits l.
func (s *Sandbox) Idle(set string, l runner.Limits) int {
	image, err := s.imageFor(set)
	if err != nil {
		return 0
	}
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	if set := s.pool.byKey[limitsKey(image, l)]; set != nil {
		return len(set.idle)
	}
	return 0
}
