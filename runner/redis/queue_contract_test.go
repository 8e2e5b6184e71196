package redis

import (
	"testing"
	"time"

	"assay/runner"
	"assay/runner/queuetest"
)

// The Broker's queue is held to the contract the worker's unit tests'
// fake is held to (runner's TestMemQueueKeepsTheQueueContract).
func TestBrokerKeepsTheQueueContract(t *testing.T) {
	queuetest.Run(t, queuetest.Harness{New: func(t *testing.T, lease time.Duration) (runner.Queue, func(string, string)) {
		b := newBroker(t, Config{Lease: lease})
		add := func(id, lane string) {
			s := submission(id)
			if lane == runner.LaneRun {
				s.Mode = runner.ModeRun
			}
			if err := b.Create(testCtx(t), s); err != nil {
				t.Fatalf("Create: %v", err)
			}
		}
		return b.Queue, add
	}})
}
