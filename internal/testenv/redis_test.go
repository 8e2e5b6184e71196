package testenv

import "testing"

// TestRedisServerIsItsOwn: a server started on a port another server
// already holds is not taken for the test's own (that other server answers
// PING; the new one cannot bind and exits), so a test never shares, or sees
// killed, another test's server.
func TestRedisServerIsItsOwn(t *testing.T) {
	first := RedisServer(t, t.TempDir(), false)
	second := &RedisProcess{t: t, bin: first.bin, dir: t.TempDir(), port: first.port}
	if err := second.start(); err == nil {
		second.Kill()
		t.Fatalf("a redis-server started on %s, which another server holds, was taken for this test's own", first.Addr())
	}
	if pid, ok := ping(first.Addr()); !ok || pid != first.cmd.Process.Pid {
		t.Errorf("ping %s: pid %d, %v; want the first server's %d", first.Addr(), pid, ok, first.cmd.Process.Pid)
	}
}
