package testenv

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// redisReady bounds how long a started redis-server may take to answer PING.
// It starts in milliseconds; the bound only keeps a broken start from
// hanging the test run.
const redisReady = 10 * time.Second

// Redis returns the URL of an empty Redis database for this test.
//
// If REDIS_URL is set, that server and the database number in the URL are
// used, and the database is flushed first: tests that call Redis must then
// not run in parallel, since they share the database. Otherwise a private
// redis-server is started on a free 127.0.0.1 port, without persistence, and
// stopped when the test ends, so each test has its own server and tests may
// run in parallel.
//
// Without REDIS_URL and without redis-server on PATH the test is skipped,
// or fails when CI is set.
func Redis(t testing.TB) string {
	t.Helper()
	if url := os.Getenv("REDIS_URL"); url != "" {
		flushDB(t, url)
		return url
	}
	return RedisServer(t, t.TempDir(), false).URL()
}

// flushDB empties the database that url names.
func flushDB(t testing.TB, url string) {
	t.Helper()
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatalf("REDIS_URL %q: %v", url, err)
	}
	rdb := goredis.NewClient(opts)
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), redisReady)
	defer cancel()
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatalf("flush REDIS_URL database: %v", err)
	}
}

// RedisProcess is a redis-server that one test owns. It keeps its port and
// data directory across Stop/Kill and Start, so a test can check what
// survives a restart of the same server.
type RedisProcess struct {
	t          testing.TB
	bin        string
	dir        string
	appendonly bool
	port       int
	cmd        *exec.Cmd
	exited     chan struct{} // closed when cmd has been waited for
}

// RedisServer starts redis-server with its data in dir (RDB snapshots off;
// the append-only file on if appendonly) and stops it when the test ends.
// It skips the test, or fails it in CI, when redis-server is not installed.
func RedisServer(t testing.TB, dir string, appendonly bool) *RedisProcess {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		Missing(t, "redis-server not found: apt-get install redis-server (or set REDIS_URL)")
	}
	p := &RedisProcess{t: t, bin: bin, dir: dir, appendonly: appendonly}
	t.Cleanup(p.Kill)
	// A free port found by listening and closing can be taken by someone
	// else before redis-server binds it; try a few ports before giving up.
	for attempt := 1; ; attempt++ {
		p.port = freePort(t)
		err := p.start()
		if err == nil {
			return p
		}
		if attempt == 3 {
			t.Fatalf("start redis-server: %v", err)
		}
	}
}

// URL is the redis:// URL of the server, database 0.
func (p *RedisProcess) URL() string {
	return fmt.Sprintf("redis://%s/0", p.Addr())
}

// Addr is the server's host:port.
func (p *RedisProcess) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port))
}

// Start starts the server again after Stop or Kill, on the same port and
// data directory. It fails the test if the server does not come up.
func (p *RedisProcess) Start() {
	p.t.Helper()
	if p.cmd != nil {
		p.t.Fatalf("redis-server on %s is already running", p.Addr())
	}
	if err := p.start(); err != nil {
		p.t.Fatalf("restart redis-server: %v", err)
	}
}

// Stop shuts the server down the way an operator would (SIGTERM: it
// flushes the append-only file before exiting).
func (p *RedisProcess) Stop() { p.stop(syscall.SIGTERM) }

// Kill ends the server abruptly (SIGKILL), as a crash would.
func (p *RedisProcess) Kill() { p.stop(syscall.SIGKILL) }

func (p *RedisProcess) stop(sig syscall.Signal) {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
	case <-time.After(redisReady):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
	p.cmd = nil
}

func (p *RedisProcess) start() error {
	logfile := filepath.Join(p.dir, "redis.log")
	appendonly := "no"
	if p.appendonly {
		appendonly = "yes"
	}
	cmd := exec.Command(p.bin,
		"--port", strconv.Itoa(p.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", appendonly,
		// As scripts/redis.sh: an accepted submission survives even a crash.
		"--appendfsync", "always",
		"--dir", p.dir,
		"--logfile", logfile,
		"--daemonize", "no",
	)
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(redisReady)
	for {
		// The server must be this one: the port comes from a listen and
		// close, and a server another test started on it in the meantime
		// answers PING too (then this one exits, and this test would use,
		// and see die, the other test's server).
		if pid, ok := ping(p.Addr()); ok && pid == cmd.Process.Pid {
			p.cmd, p.exited = cmd, exited
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on %s exited early: %s", p.Addr(), tail(logfile))
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on %s did not answer PING within %v: %s", p.Addr(), redisReady, tail(logfile))
		}
	}
}

// ping reports whether a Redis server answers PING at addr, and its
// process id. It speaks the protocol by hand so that readiness does not
// depend on client retries.
func ping(addr string) (int, bool) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := conn.Write([]byte("PING\r\nINFO server\r\n")); err != nil {
		return 0, false
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "+PONG" {
		return 0, false
	}
	// INFO's answer is a bulk string: "$<length>", then that many bytes.
	line, err = r.ReadString('\n')
	n, perr := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "$"))
	if err != nil || perr != nil || n <= 0 || n > 1<<16 {
		return 0, false
	}
	info := make([]byte, n)
	if _, err := io.ReadFull(r, info); err != nil {
		return 0, false
	}
	for _, l := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(l), "process_id:"); ok {
			pid, err := strconv.Atoi(v)
			return pid, err == nil
		}
	}
	return 0, false
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// tail returns the end of the server's log, to say why it did not start.
func tail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	const keep = 2000
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return strings.TrimSpace(string(b))
}

// Parallel marks t to run in parallel with other such tests, unless
// REDIS_URL is set: then every test shares that one database, which Redis
// flushes for each, so they must take turns.
func Parallel(t *testing.T) {
	t.Helper()
	if os.Getenv("REDIS_URL") == "" {
		t.Parallel()
	}
}
