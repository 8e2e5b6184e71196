package docker

// PoolStopping is closed once Close has begun to stop the warm pool (the
// context of its container starts is cancelled), so that a test can close
// a sandbox exactly while one of those starts waits for the engine.
func (s *Sandbox) PoolStopping() <-chan struct{} { return s.pool.ctx.Done() }

// RuncMemoryHeadroom is runcMemoryHeadroom, for the sandbox tests.
func RuncMemoryHeadroom(limit int64) int64 { return runcMemoryHeadroom(limit) }
