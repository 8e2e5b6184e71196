package docker_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"assay/internal/testenv"
	"assay/runner/docker"
)

// engineProxy stands between a sandbox and the real engine. It passes
// every request on, but holds the answer to the first one whose path
// matches (the engine has done the work by then) until release is closed,
// then delivers it, or with lose cuts the connection instead (the answer
// is lost on the way). So a test can stop the pool exactly while that call
// is in flight, and whatever the engine made is real.
type engineProxy struct {
	host    string         // DOCKER_HOST for the sandbox
	engine  *client.Client // the engine itself, for the test's own looks
	held    chan struct{}  // closed when the answer is held
	release chan struct{}
}

var errAnswerLost = errors.New("the proxy lost the answer")

func startEngineProxy(t *testing.T, match *regexp.Regexp, lose bool) *engineProxy {
	t.Helper()
	engine, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close() })
	target := &url.URL{Scheme: "http", Host: "docker"} // the transport dials the engine's socket
	if u, err := client.ParseHostURL(engine.DaemonHost()); err == nil && u.Scheme == "tcp" {
		target.Host = u.Host
		if os.Getenv("DOCKER_CERT_PATH") != "" {
			target.Scheme = "https"
		}
	}
	// A short path: a socket's path is limited to about 100 bytes.
	dir, err := os.MkdirTemp("", "assay-proxy")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "engine.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	px := &engineProxy{host: "unix://" + sock, engine: engine, held: make(chan struct{}), release: make(chan struct{})}
	var once sync.Once
	rp := &httputil.ReverseProxy{
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(target) },
		Transport:     engine.HTTPClient().Transport,
		FlushInterval: -1,
		ModifyResponse: func(resp *http.Response) error {
			first := false
			if resp.Request.Method == http.MethodPost && match.MatchString(resp.Request.URL.Path) {
				once.Do(func() { first = true })
			}
			if !first {
				return nil
			}
			close(px.held)
			select {
			case <-px.release:
			case <-t.Context().Done():
			}
			if lose {
				return errAnswerLost
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if errors.Is(err, errAnswerLost) {
				panic(http.ErrAbortHandler) // the connection is cut, with no answer
			}
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	}
	srv := &http.Server{Handler: rp}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return px
}

// A sandbox closed (the server got SIGTERM) while its pool is still
// warming leaves no container behind, whichever call of a container's
// start is in flight as the pool stops: the engine has done that call, and
// its answer comes only after the pool's context is cancelled, or never.
// A create cancelled in flight used to leave its container, Created.
func TestWarmPoolClosedMidCallLeavesNothing(t *testing.T) {
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) { closeMidCall(t, rt) })
	}
}

func closeMidCall(t *testing.T, rt string) {
	for _, c := range []struct {
		name, path string
		lose       bool
	}{
		{"create", `/containers/create$`, false},
		{"create-answer-lost", `/containers/create$`, true},
		{"attach", `/containers/[^/]+/attach$`, false},
		{"start", `/containers/[^/]+/start$`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			image := testenv.Docker(t)
			px := startEngineProxy(t, regexp.MustCompile(c.path), c.lose)
			t.Setenv("DOCKER_HOST", px.host)
			t.Setenv("DOCKER_CERT_PATH", "")
			t.Setenv("DOCKER_TLS_VERIFY", "")
			worker := "test-" + strings.ReplaceAll(t.Name(), "/", "-")
			sb, err := docker.New(context.Background(), docker.Config{Image: image, Runtime: rt, Worker: worker, PoolSize: 2, PoolMaxAge: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sb.Close() })
			go func() {
				<-sb.PoolStopping()
				close(px.release)
			}()
			if err := sb.Warm("", limits()); err != nil {
				t.Fatal(err)
			}
			select {
			case <-px.held:
			case <-time.After(time.Minute):
				t.Fatalf("the pool's first container start never reached %s", c.path)
			}
			sb.Close()
			list, err := px.engine.ContainerList(context.Background(), container.ListOptions{All: true,
				Filters: filters.NewArgs(filters.Arg("label", docker.LabelWorker+"="+worker))})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range list {
				t.Errorf("container %s left behind, %s", l.ID[:12], l.State)
				px.engine.ContainerRemove(context.Background(), l.ID, container.RemoveOptions{Force: true})
			}
		})
	}
}
