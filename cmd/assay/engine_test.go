package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"assay/internal/testenv"
	"assay/runner"
)

// engineProxy stands between a worker and the Docker engine's socket, so a
// test can cut the engine off (and every connection to it) and bring it
// back, as an engine restart does.
type engineProxy struct {
	t     *testing.T
	addr  string
	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newEngineProxy(t *testing.T) *engineProxy {
	p := &engineProxy{t: t, conns: map[net.Conn]bool{}}
	p.up("127.0.0.1:0")
	t.Cleanup(p.down)
	return p
}

func (p *engineProxy) up(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
}

func (p *engineProxy) serve(c net.Conn) {
	e, err := net.Dial("unix", "/var/run/docker.sock")
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[e] = true, true
	p.mu.Unlock()
	// Half-close each way as the other side does: the attach stream sends
	// stdin's end with a CloseWrite and goes on reading the output.
	done := make(chan struct{})
	go func() {
		io.Copy(e, c)
		e.(*net.UnixConn).CloseWrite()
		close(done)
	}()
	io.Copy(c, e)
	c.(*net.TCPConn).CloseWrite()
	<-done
	c.Close()
	e.Close()
}

// down refuses new connections and cuts the open ones.
func (p *engineProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// TestEngineOutage cuts the worker off from the Docker engine, first while
// it is idle, then in the middle of a run. While the engine is away the
// worker is not ready and takes no jobs; a run cut off is retried once the
// engine is back, never recorded as the candidate's failure.
func TestEngineOutage(t *testing.T) {
	image := testenv.Docker(t)
	proxy := newEngineProxy(t)
	t.Setenv("DOCKER_HOST", "tcp://"+proxy.addr)
	dir := tinyChallenge(t)
	var logs syncBuffer
	worker := "outage-" + uuid.NewString()[:8]
	app := runAppLogging(t, "serve", modeServe, map[string]string{
		"REDIS_URL": testenv.Redis(t), "ASSAY_IMAGE": image, "ASSAY_ADDR": "127.0.0.1:0", "ASSAY_WORKERS": "1",
		"ASSAY_LEASE": "2s", "ASSAY_WORKER_ID": worker, "ASSAY_ADMIN_TOKEN": testAdminToken,
		"ASSAY_CHALLENGES_DIR": dir, "ASSAY_DRAIN_TIMEOUT": "2s", "ASSAY_LOG_FORMAT": "json",
	}, &logs)
	t.Cleanup(func() { removeContainers(t, worker) })
	ready := func() int {
		resp, err := http.Get(app.base + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := ready(); code != http.StatusOK {
		t.Fatalf("readyz = %d before the outage", code)
	}

	// Idle outage: not ready, takes nothing.
	proxy.down()
	waitFor(t, 20*time.Second, "the worker to notice the engine is gone", func() bool {
		return strings.Contains(logs.String(), "sandbox unavailable; not taking jobs")
	})
	if code := ready(); code != http.StatusServiceUnavailable {
		t.Errorf("readyz = %d while the engine is away, want 503", code)
	}
	id := app.submit(t, "tiny", map[string]string{"solution.py": "def add(a, b):\n    return a + b\n"})
	time.Sleep(3 * time.Second) // a window in which a worker that took jobs would have taken it
	if st := app.get(t, id); st.Status != runner.StatusQueued {
		t.Fatalf("status %s while the engine is away, want queued", st.Status)
	}
	proxy.up(proxy.addr)
	st := app.result(t, id, time.Minute)
	if st.Result.Verdict != runner.VerdictPassed || st.Result.Attempt != 1 {
		t.Fatalf("after the outage: %s attempt %d (%s)", st.Result.Verdict, st.Result.Attempt, st.Result.Reason)
	}
	if !strings.Contains(logs.String(), "sandbox is back; taking jobs again") {
		t.Error("the worker did not log that the engine is back")
	}

	// Outage in the middle of a run: the run is retried, not failed.
	id = app.submit(t, "tiny", map[string]string{"solution.py": "import time\ntime.sleep(2)\n\ndef add(a, b):\n    return a + b\n"})
	waitFor(t, time.Minute, "the run to start", func() bool { return app.get(t, id).Status == runner.StatusRunning })
	proxy.down()
	waitFor(t, 30*time.Second, "the cut-off run to be handed back", func() bool {
		return strings.Contains(logs.String(), "job failed; it will be retried")
	})
	proxy.up(proxy.addr)
	st = app.result(t, id, 2*time.Minute)
	if st.Result.Verdict != runner.VerdictPassed || st.Result.Attempt < 2 {
		t.Fatalf("cut-off run: %s attempt %d (%s); want passed on a later attempt", st.Result.Verdict, st.Result.Attempt, st.Result.Reason)
	}
}
