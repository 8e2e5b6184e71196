package docker

import (
	"bytes"
	"encoding/base64"
	stdjson "encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"

	"assay/runner"
)

// framed is the harness's stdout ending in its reply to nonce.
func framed(nonce, json string) []byte {
	return []byte("some output\n" + nonce + " " + base64.StdEncoding.EncodeToString([]byte(json)) + "\n")
}

// TestReadReplySystemError: a harness that says its own setup failed makes
// the run the system's failure (an error), not a result for grading.
func TestReadReplySystemError(t *testing.T) {
	const nonce = "0123456789abcdef"
	var res runner.RunResult
	_, err := readReply(&res, framed(nonce, `{"phases":[],"system_error":"inotify_init1: too many open files"}`), nonce)
	if !errors.Is(err, ErrHarness) {
		t.Fatalf("err %v; want ErrHarness", err)
	}
	if want := "sandbox harness failed: inotify_init1: too many open files"; err.Error() != want {
		t.Errorf("err %q; want %q", err, want)
	}

	res = runner.RunResult{}
	complete, err := readReply(&res, framed(nonce, `{"phases":[{"name":"visible","exit":0}],"oom_kills":0}`), nonce)
	if err != nil || !complete || len(res.Phases) != 1 {
		t.Errorf("an ordinary reply: complete %v, err %v, phases %+v", complete, err, res.Phases)
	}
}

// The request tells the harness whether the hidden tests may start
// programs (only a "tests" challenge's do).
func TestInputCarriesHiddenPrograms(t *testing.T) {
	for _, want := range []bool{false, true} {
		in, err := input(runner.RunSpec{ID: "x", HiddenPrograms: want}, "nonce")
		if err != nil {
			t.Fatal(err)
		}
		n := bytes.IndexByte(in, '\n')
		size, err := strconv.Atoi(string(in[:n]))
		if err != nil {
			t.Fatal(err)
		}
		var req struct {
			HiddenPrograms *bool `json:"hidden_programs"`
		}
		if err := stdjson.Unmarshal(in[n+1:n+1+size], &req); err != nil {
			t.Fatal(err)
		}
		if req.HiddenPrograms == nil || *req.HiddenPrograms != want {
			t.Errorf("HiddenPrograms %v: request says %v", want, req.HiddenPrograms)
		}
	}
}

// The canaries' policy names hidden tests, so it comes with them, in the
// part the harness reads after the visible phase, never in the request.
func TestInputCarriesTheCanaryPolicyWithTheHiddenTests(t *testing.T) {
	spec := runner.RunSpec{ID: "x", Hidden: []runner.File{{Path: "tests/hidden/test_h.py", Data: []byte("...")}},
		Canaries: runner.CanaryPolicy{CostMS: map[string]float64{"tests.hidden.test_h::test_secret": 3.5}, All: true}}
	in, err := input(spec, "nonce")
	if err != nil {
		t.Fatal(err)
	}
	var parts [][]byte
	for len(in) > 0 {
		n := bytes.IndexByte(in, '\n')
		size, err := strconv.Atoi(string(in[:n]))
		if err != nil {
			t.Fatal(err)
		}
		parts, in = append(parts, in[n+1:n+1+size]), in[n+1+size:]
	}
	if len(parts) != 3 || bytes.Contains(parts[0], []byte("test_secret")) {
		t.Fatalf("%d parts; the request names a hidden test: %s", len(parts), parts[0])
	}
	var hidden struct {
		Canaries struct {
			All    bool               `json:"all"`
			CostMS map[string]float64 `json:"cost_ms"`
		} `json:"canaries"`
	}
	if err := stdjson.Unmarshal(parts[1], &hidden); err != nil {
		t.Fatal(err)
	}
	if !hidden.Canaries.All || hidden.Canaries.CostMS["tests.hidden.test_h::test_secret"] != 3.5 {
		t.Errorf("hidden part's canaries: %+v", hidden.Canaries)
	}
}

// A scratch file (a Run's own tests, trusted as tests) never goes with
// hidden tests.
func TestInputRefusesScratchTestsWithHiddenTests(t *testing.T) {
	spec := runner.RunSpec{ID: "x", Hidden: []runner.File{{Path: "tests/hidden/test_h.py"}}, Scratch: []runner.File{{Path: runner.ScratchPath}}}
	if _, err := input(spec, "nonce"); err == nil {
		t.Fatal("scratch tests were sent with hidden tests")
	}
	spec.Hidden = nil
	in, err := input(spec, "nonce")
	if err != nil || !bytes.Contains(in, []byte(`"scratch":{"tests/scratch/test_scratch.py"`)) {
		t.Fatalf("a Run's input: %v\n%s", err, in)
	}
}

// TestSilentPastWall: a harness that says nothing and is gone after the
// run's wall time makes a timeout; before it, or with anything else to go
// on (a reply, the engine's OOM kill, a cap), the run keeps what it had.
func TestSilentPastWall(t *testing.T) {
	const wall = 5 * time.Second
	silent := func(d time.Duration) runner.RunResult {
		var res runner.RunResult
		res.Duration = d
		if _, err := readReply(&res, []byte("no frame\n"), "nonce"); err != nil {
			t.Fatal(err)
		}
		return res
	}
	cases := []struct {
		name    string
		res     runner.RunResult
		verdict runner.Verdict
	}{
		{"silent past the wall", silent(7942 * time.Millisecond), runner.VerdictTimeout},
		{"silent before the wall", silent(2 * time.Second), runner.VerdictError},
		{"silent, OOM-killed", func() runner.RunResult { r := silent(8 * time.Second); r.OOMKilled = true; return r }(), runner.VerdictMemoryLimit},
		{"silent, output capped", func() runner.RunResult { r := silent(8 * time.Second); r.OutputLimit = true; return r }(), runner.VerdictOutputLimit},
		{"a reply past the wall", runner.RunResult{Duration: 8 * time.Second, Phases: []runner.PhaseResult{{Name: runner.PhaseVisible, ExitCode: 0, Problem: "pytest wrote no report"}}}, runner.VerdictError},
		{"a reply without phases past the wall", func() runner.RunResult {
			var res runner.RunResult
			res.Duration = 8 * time.Second
			if _, err := readReply(&res, framed("nonce", `{"phases":[],"problem":"the harness failed after the candidate's code ran: OSError"}`), "nonce"); err != nil {
				t.Fatal(err)
			}
			return res
		}(), runner.VerdictError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res
			silentPastWall(&res, wall)
			if g := runner.Grade([]string{"tests.visible.test_a::test_a"}, res); g.Verdict != tc.verdict {
				t.Errorf("%s (%s); want %s", g.Verdict, g.Reason, tc.verdict)
			}
		})
	}
}

// TestStalledAtMemoryLimit: under runc a run that timed out with the
// cgroup's peak at its memory limit is a memory_limit; under the limit,
// under gVisor, or without a timeout, nothing changes.
func TestStalledAtMemoryLimit(t *testing.T) {
	const limit = 256 << 20
	cases := []struct {
		name    string
		runtime string
		res     runner.RunResult
		verdict runner.Verdict
	}{
		{"timed out at the limit", "", runner.RunResult{TimedOut: true, PeakMemoryBytes: limit}, runner.VerdictMemoryLimit},
		{"timed out at the limit, runc named", "runc", runner.RunResult{TimedOut: true, PeakMemoryBytes: limit}, runner.VerdictMemoryLimit},
		{"timed out below the limit", "", runner.RunResult{TimedOut: true, PeakMemoryBytes: limit - 1}, runner.VerdictTimeout},
		{"timed out, peak unknown", "", runner.RunResult{TimedOut: true}, runner.VerdictTimeout},
		{"under gVisor", "runsc", runner.RunResult{TimedOut: true, PeakMemoryBytes: limit + 1}, runner.VerdictTimeout},
		{"no timeout", "", runner.RunResult{PeakMemoryBytes: limit, Problem: "pytest wrote no report"}, runner.VerdictError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.res
			stalledAtMemoryLimit(&res, limit, tc.runtime)
			if g := runner.Grade([]string{"tests.visible.test_a::test_a"}, res); g.Verdict != tc.verdict {
				t.Errorf("%s (%s); want %s", g.Verdict, g.Reason, tc.verdict)
			}
		})
	}
}

func TestRuncMemoryHeadroom(t *testing.T) {
	for _, tc := range []struct{ limit, want int64 }{
		{256 << 20, 16 << 20},
		{512 << 20, 32 << 20},
		{64 << 20, 8 << 20}, // at least 8 MiB
		{12 << 20, 6 << 20}, // never more than half
		{1 << 30, 64 << 20}, // a sixteenth
	} {
		if got := runcMemoryHeadroom(tc.limit); got != tc.want {
			t.Errorf("runcMemoryHeadroom(%d) = %d; want %d", tc.limit, got, tc.want)
		}
	}
}
