package challenges_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"assay/challenges"
	"assay/internal/testenv"
	"assay/runner"
	"assay/runner/docker"
)

// TestInventoryTestsInTheSandbox grades candidate suites of the built-in
// "write the tests" challenge in the real sandbox, as a worker does.
func TestInventoryTestsInTheSandbox(t *testing.T) {
	image := testenv.Docker(t)
	if testing.Short() {
		t.Skip("sandbox runs")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	sb, err := docker.New(ctx, docker.Config{Image: image, Worker: "challenges-test"})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ch, err := challenges.Load(challenges.Builtin(), "inventory-tests")
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Fresh() {
		t.Fatal("expected.json is stale: run `assay challenges check --write challenges/inventory-tests`")
	}
	defaults := runner.Limits{
		Wall: 30 * time.Second, TestTimeout: 10 * time.Second, CPUs: 1, MemoryBytes: 256 << 20, Pids: 64,
		NoFile: 256, FileSize: 16 << 20, Scratch: 64 << 20, OutputBytes: 64 << 10,
	}
	ceiling := runner.Limits{Wall: 2 * time.Minute, TestTimeout: time.Minute, CPUs: 2, MemoryBytes: 1 << 30, Pids: 256}
	suite := challenges.SuiteOf(ch, defaults, ceiling)
	grade := func(name, src string) runner.Grading {
		t.Helper()
		files, hidden, err := runner.SandboxFiles(suite, map[string]string{"test_inventory.py": src})
		if err != nil {
			t.Fatal(err)
		}
		run, err := sb.Run(ctx, runner.RunSpec{ID: "kind-tests-" + name, Files: files, Hidden: hidden, Entry: suite.Entry, Limits: suite.Limits, HiddenPrograms: suite.HiddenPrograms})
		if err != nil {
			t.Fatal(err)
		}
		g := runner.Grade(suite.Expected, run)
		t.Logf("%s: %s, %s %s", name, g.Verdict, g.Reason, run.Diagnostics)
		for _, tr := range g.Tests {
			if tr.Outcome != runner.OutcomePassed {
				t.Logf("  %s: %.300s", tr.ID, tr.Message)
			}
		}
		return g
	}
	notPassed := func(g runner.Grading) map[string]string {
		out := map[string]string{}
		for _, tr := range g.Tests {
			if tr.Outcome != runner.OutcomePassed {
				out[tr.ID] = tr.Message
			}
		}
		return out
	}
	const catches = "tests.hidden.test_mutants::test_catches["

	t.Run("reference passes", func(t *testing.T) {
		g := grade("reference", string(ch.Reference["test_inventory.py"]))
		if g.Verdict != runner.VerdictPassed || g.Passed != len(ch.Mutants)+1 {
			t.Errorf("%s %d/%d: %v", g.Verdict, g.Passed, g.Total, notPassed(g))
		}
	})

	t.Run("a weak suite fails the mutants it misses", func(t *testing.T) {
		g := grade("misses-boundaries", string(ch.Bad["misses_boundaries"]["test_inventory.py"]))
		np := notPassed(g)
		want := []string{catches + "bulk_discount_off_by_one]", catches + "reserve_boundary]"}
		if g.Verdict != runner.VerdictFailed || len(np) != len(want) {
			t.Fatalf("%s: not passed %v; want exactly %v", g.Verdict, np, want)
		}
		for _, id := range want {
			mutant := strings.TrimSuffix(strings.TrimPrefix(id, catches), "]")
			if msg := np[id]; !strings.Contains(msg, "your tests passed against mutant `"+mutant+"`: they did not catch it") {
				t.Errorf("%s: message %q", id, msg)
			}
		}
	})

	t.Run("a wrong suite catches nothing", func(t *testing.T) {
		// It fails against the correct module, so failing against the
		// mutants proves nothing: every test fails.
		g := grade("starter", string(ch.Starter["test_inventory.py"]))
		np := notPassed(g)
		if g.Verdict != runner.VerdictFailed || g.Passed != 0 {
			t.Fatalf("%s %d/%d", g.Verdict, g.Passed, g.Total)
		}
		vis := np["tests.visible.test_your_tests::test_pass_against_correct_module"]
		if !strings.Contains(vis, "your tests fail against the correct inventory.py (0 passed, 1 failed, 0 skipped)") || !strings.Contains(vis, "write your tests") {
			t.Errorf("visible message: %q", vis)
		}
		if msg := np[catches+"bankers_rounding]"]; !strings.Contains(msg, "does not count as caught: your tests must first pass against the correct inventory.py") {
			t.Errorf("hidden message: %q", msg)
		}
	})

	t.Run("only a failing test catches a mutant", func(t *testing.T) {
		// A suite with no tests, and one that ends the process instead of
		// failing a test, catch nothing.
		g := grade("empty", "# nothing yet\n")
		vis := notPassed(g)["tests.visible.test_your_tests::test_pass_against_correct_module"]
		if g.Verdict != runner.VerdictFailed || g.Passed != 0 || !strings.Contains(vis, "pytest found no tests in test_inventory.py") {
			t.Errorf("empty suite: %s %d/%d %q", g.Verdict, g.Passed, g.Total, vis)
		}
		exits := string(ch.Reference["test_inventory.py"]) + `

def test_zz_exits_on_wrong_rounding():
    import os
    from decimal import Decimal
    if line_total(Decimal("0.125"), 1) != Decimal("0.13"):
        os._exit(1)
`
		g = grade("exits", exits)
		np := notPassed(g)
		var ids []string
		for id := range np {
			ids = append(ids, id)
		}
		if g.Verdict != runner.VerdictFailed || !slices.Equal(ids, []string{catches + "bankers_rounding]"}) ||
			!strings.Contains(np[ids[0]], "your tests did not catch mutant `bankers_rounding`: pytest exited with status 1 without writing its report") {
			t.Errorf("exiting suite: %s, not passed %v", g.Verdict, np)
		}
	})
}
