package docker

import (
	"assay/runner"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
)

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// The ready line is seen once whole, after whatever the harness's start
// printed before it, in however many writes it comes.
func TestCappedSeesTheReadyLine(t *testing.T) {
	c := &capped{max: 1 << 20, over: make(chan struct{}), framed: make(chan struct{}), refFramed: make(chan struct{}),
		ready: make(chan struct{})}
	c.Write([]byte("a warning at start-up\n"))
	c.Write(readyLine[:5])
	if isClosed(c.ready) {
		t.Fatal("ready before any ready line")
	}
	c.Write(readyLine[5 : len(readyLine)-1])
	if isClosed(c.ready) {
		t.Fatal("ready before the ready line's newline")
	}
	c.Write([]byte("\n"))
	if !isClosed(c.ready) {
		t.Fatal("the whole ready line was not seen")
	}
	c.Write(readyLine) // again: closing twice would panic
}

func notReady() *started {
	return &started{stdout: &capped{max: 1 << 20, over: make(chan struct{}), ready: make(chan struct{})},
		waitC: make(chan container.WaitResponse), waitErrC: make(chan error)}
}

// Until the harness is ready nothing of the candidate's has run: a harness
// that exits or never gets ready is the engine's failure (retried), and
// the exit is still there for whoever waits for it next.
func TestAwaitReady(t *testing.T) {
	s := &Sandbox{cfg: Config{ReadyTimeout: 50 * time.Millisecond}.withDefaults()}
	ctx := context.Background()

	c := notReady()
	c.stdout.Write(readyLine)
	if err := s.awaitReady(ctx, c); err != nil {
		t.Errorf("ready harness: %v", err)
	}

	c = notReady()
	exited := make(chan container.WaitResponse, 1)
	exited <- container.WaitResponse{StatusCode: 1}
	c.waitC = exited
	if err := s.awaitReady(ctx, c); !errors.Is(err, ErrEngine) {
		t.Errorf("harness exited before ready: %v, want ErrEngine", err)
	}
	select {
	case w := <-c.waitC:
		if w.StatusCode != 1 {
			t.Errorf("exit kept as %+v", w)
		}
	default:
		t.Error("the exit was swallowed: nobody else would see it")
	}

	c = notReady()
	if err := s.awaitReady(ctx, c); !errors.Is(err, ErrEngine) {
		t.Errorf("harness never ready: %v, want ErrEngine", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	s.cfg.ReadyTimeout = time.Hour
	if err := s.awaitReady(cctx, notReady()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

// The check's count of independent canary guesses comes through the reply
// when the harness sends one, and is 0 when it does not.
func TestReplyCarriesCanaryGroups(t *testing.T) {
	const nonce = "0123456789abcdef"
	var res runner.RunResult
	if _, err := readReply(&res, framed(nonce, `{"phases":[],"canary_groups":2.5}`), nonce); err != nil {
		t.Fatal(err)
	}
	if res.CanaryGroups != 2.5 {
		t.Errorf("CanaryGroups = %v, want 2.5", res.CanaryGroups)
	}
	res = runner.RunResult{}
	if _, err := readReply(&res, framed(nonce, `{"phases":[],"canary_groups":null}`), nonce); err != nil {
		t.Fatal(err)
	}
	if res.CanaryGroups != 0 {
		t.Errorf("CanaryGroups without a count = %v, want 0", res.CanaryGroups)
	}
}
