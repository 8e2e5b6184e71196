package redis

import (
	"errors"
	"testing"

	"assay/runner"
	"assay/runner/storetest"
)

// The Broker is held to the contract the worker's unit tests' fake is
// held to (runner's TestMemStoreKeepsTheStoreContract).
func TestBrokerKeepsTheStoreContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{New: func(t *testing.T) (runner.Store, func(runner.Submission), func(string) (runner.Result, bool)) {
		b := newBroker(t, Config{})
		create := func(sub runner.Submission) {
			if err := b.Create(testCtx(t), sub); err != nil {
				t.Fatalf("Create: %v", err)
			}
		}
		result := func(id string) (runner.Result, bool) {
			st, err := b.Get(testCtx(t), id)
			if errors.Is(err, runner.ErrNotFound) || (err == nil && st.Result == nil) {
				return runner.Result{}, false
			}
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			return *st.Result, true
		}
		return b, create, result
	}})
}
