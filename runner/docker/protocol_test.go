package docker

import (
	"bytes"
	"encoding/base64"
	stdjson "encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"assay/runner"
)

// The protocol's transcripts (testdata/protocol, see its README): what
// this side writes on the harness's stdin is compared with the *.in files
// (written again with -update), which the harness's tests read; what the
// harness writes on stdout (the *.out files its tests check, without
// Docker) is decoded here.

var updateProtocol = flag.Bool("update", false, "rewrite testdata/protocol/*.in from input and referenceInput")

// goldenNonce is the nonce of every transcript.
const goldenNonce = "0123456789abcdef0123456789abcdef"

func protocolFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "protocol", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goldenSpec is the run of request.in: visible and hidden tests, a
// provided module, a canary policy, and a reference solution (reference.in).
func goldenSpec() runner.RunSpec {
	return runner.RunSpec{
		ID: "golden",
		Files: []runner.File{
			{Path: "solution.py", Data: []byte("def add(a, b):\n    return a + b\n")},
			{Path: "helpers.py", Data: []byte("ONE = 1\n")},
			{Path: "tests/test_visible.py", Data: []byte("from solution import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n")},
			{Path: "tests/conftest.py", Data: []byte("")},
		},
		Hidden: []runner.File{
			{Path: "tests/hidden/test_hidden.py", Data: []byte("from solution import add\n\n\ndef test_big_numbers():\n    assert add(10**20, 1) == 10**20 + 1\n")},
			{Path: "tests/hidden/data.bin", Data: []byte{0, 1, 2, 0xff}},
		},
		Entry:    []string{"solution.py"},
		Limits:   runner.Limits{Wall: 20 * time.Second, TestTimeout: 5 * time.Second, OutputBytes: 64 << 10},
		Canaries: runner.CanaryPolicy{CostMS: map[string]float64{"tests.hidden.test_hidden::test_big_numbers": 2.5}},
		Reference: []runner.File{
			{Path: "solution.py", Data: []byte("def add(a, b):\n    return b + a\n")},
		},
	}
}

// scratchSpec is the run of request-scratch.in: a Run's own tests, a
// program's tests allowed to start programs, and a long wall time.
func scratchSpec() runner.RunSpec {
	spec := goldenSpec()
	spec.Hidden, spec.Canaries, spec.Reference = nil, runner.CanaryPolicy{}, nil
	spec.HiddenPrograms = true
	spec.Limits.Wall = 2 * time.Minute
	spec.Scratch = []runner.File{{Path: runner.ScratchPath, Data: []byte("from solution import add\n\n\ndef test_mine():\n    assert add(2, 2) == 4\n")}}
	return spec
}

// What this side writes on stdin is what the transcripts hold.
func TestProtocolRequests(t *testing.T) {
	reference := func(spec runner.RunSpec) func() ([]byte, error) {
		return func() ([]byte, error) { return referenceInput(spec) }
	}
	request := func(spec runner.RunSpec) func() ([]byte, error) {
		return func() ([]byte, error) { return input(spec, goldenNonce) }
	}
	for name, build := range map[string]func() ([]byte, error){
		"request.in":         request(goldenSpec()),
		"request-scratch.in": request(scratchSpec()),
		"reference.in":       reference(goldenSpec()),
	} {
		got, err := build()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		path := filepath.Join("testdata", "protocol", name)
		if *updateProtocol {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if want := protocolFile(t, name); !bytes.Equal(got, want) {
			t.Errorf("%s differs from what this side writes (go test -run TestProtocolRequests -update, then run the harness's tests):\ngot  %q\nwant %q", name, got, want)
		}
	}
}

// The harness's reply to request.in (written by its tests from reply.json)
// is read whole, field by field.
func TestProtocolReply(t *testing.T) {
	out := protocolFile(t, "reply.out")
	if !bytes.HasPrefix(out, readyLine) {
		t.Fatalf("reply.out does not begin with the ready line %q: %q", readyLine, out[:min(len(out), 40)])
	}
	var res runner.RunResult
	complete, err := readReply(&res, out, goldenNonce)
	if err != nil || !complete {
		t.Fatalf("complete %v, err %v", complete, err)
	}
	if res.Problem != "" || !res.TimedOut || res.OutputLimit || res.OOMKilled || res.PeakMemoryBytes != 52428800 ||
		res.VisibleDuration != 250*time.Millisecond || res.CanaryGroups != 0 {
		t.Errorf("run: %+v", res)
	}
	if !reflect.DeepEqual(res.Renames, map[string]string{"tests.hidden.test_hidden::test_k3v9q": "tests.hidden.test_hidden::test_big_numbers"}) ||
		!reflect.DeepEqual(res.Canaries, []string{"tests.hidden.test_hidden::test_p7x2m"}) ||
		!reflect.DeepEqual(res.Twins, map[string]string{"tests.hidden.test_hidden::test_p7x2m": "tests.hidden.test_hidden::test_big_numbers"}) {
		t.Errorf("run names: renames %v, canaries %v, twins %v", res.Renames, res.Canaries, res.Twins)
	}
	if len(res.Phases) != 2 {
		t.Fatalf("%d phases", len(res.Phases))
	}
	v, h := res.Phases[0], res.Phases[1]
	if v.Name != runner.PhaseVisible || v.ExitCode != 1 || v.Signal != 0 || v.Problem != "" || v.OutputTruncated ||
		string(v.Output) != ".F\n=== FAILURES ===\n" || !reflect.DeepEqual(v.Tally, &runner.Tally{Passed: 1, Failed: 1}) ||
		!reflect.DeepEqual(v.Durations, map[string]int64{"tests.test_visible::test_add": 412345, "tests.test_visible::test_naïve": 300000}) ||
		!reflect.DeepEqual(v.Findings, []runner.Finding{{Check: runner.CheckAudit, Phase: runner.PhaseVisible, Seen: "open('/work/tests/test_visible.py', 'w')"}}) {
		t.Errorf("visible phase: %+v", v)
	}
	if !bytes.Contains(v.Report, []byte(`name="test_naïve"`)) || !bytes.Contains(v.Report, []byte("café ≠ cafe")) {
		t.Errorf("the visible report's text is not whole: %s", v.Report)
	}
	if h.Name != runner.PhaseHidden || h.ExitCode != -1 || h.Signal != 9 || h.Report != nil || h.Problem != "pytest wrote no report" ||
		!h.OutputTruncated || len(h.Output) != 0 || h.Tally != nil || len(h.Durations) != 0 || len(h.Findings) != 2 ||
		h.Findings[0] != (runner.Finding{Check: runner.CheckWatcher, Phase: runner.PhaseHidden, Seen: "modified tests/hidden/test_hidden.py"}) ||
		h.Findings[1].Check != "harness" || h.Findings[1].Phase != runner.PhaseHidden {
		t.Errorf("hidden phase: %+v", h)
	}

	// The timing line after it (reference.out) is read apart.
	var ref runner.ReferenceTiming
	if !readReference(&ref, append(out, protocolFile(t, "reference.out")...), goldenNonce) {
		t.Fatal("reference.out: no timing line")
	}
	if !reflect.DeepEqual(ref.TestsUS, map[string]float64{"tests.test_visible::test_add": 98.765, "tests.hidden.test_hidden::test_big_numbers": 1.5}) ||
		ref.NotPassed != 1 || ref.RunMS != 500 || ref.TimedOut || ref.Problem != "" {
		t.Errorf("timing: %+v", ref)
	}
}

// ignoredReplyFields are the fields of the harness's reply this side does
// not read (for people, or for the harness's own use).
var ignoredReplyFields = map[string]bool{
	"duration":     true, // the worker measures the run itself
	"output_bytes": true, // a phase's whole output, before head and tail were kept
	"not_passed":   true, // a phase's tests whose call did not pass (the timing run's)
}

// Every field the harness sends is one this side reads or knowingly
// ignores: a field added on one end only shows up here.
func TestProtocolReplyFieldsAreKnown(t *testing.T) {
	known := func(typ reflect.Type) map[string]bool {
		out := map[string]bool{}
		for i := range typ.NumField() {
			name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
			out[name] = true
		}
		return out
	}
	check := func(file, what string, obj map[string]any, fields map[string]bool) {
		for k := range obj {
			if !fields[k] && !ignoredReplyFields[k] {
				t.Errorf("%s: the harness sends %s field %q, which this side neither reads nor ignores knowingly", file, what, k)
			}
		}
	}
	replyType := reflect.TypeOf(reply{})
	phaseType, _ := replyType.FieldByName("Phases")
	for _, name := range []string{"reply.out", "harness-failed.out", "system-error.out"} {
		var obj map[string]any
		decodeLine(t, protocolFile(t, name), goldenNonce+" ", &obj)
		check(name, "a reply", obj, known(replyType))
		phases, _ := obj["phases"].([]any)
		for _, p := range phases {
			check(name, "a phase", p.(map[string]any), known(phaseType.Type.Elem()))
		}
	}
	var obj map[string]any
	decodeLine(t, protocolFile(t, "reference.out"), goldenNonce+referenceFrame, &obj)
	check("reference.out", "a timing", obj, known(reflect.TypeOf(referenceReply{})))
}

// decodeLine decodes the JSON of out's line that begins with marker.
func decodeLine(t *testing.T, out []byte, marker string, v any) {
	t.Helper()
	_, line, ok := bytes.Cut(out, []byte(marker))
	if !ok {
		t.Fatalf("no line framed %q in %q", marker, out)
	}
	line, _, _ = bytes.Cut(line, []byte("\n"))
	raw, err := base64.StdEncoding.DecodeString(string(line))
	if err != nil {
		t.Fatal(err)
	}
	if err := stdjson.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// The harness's replies when it fails: before the candidate's code ran,
// the system's error; after, the phases so far and a problem.
func TestProtocolHarnessFailures(t *testing.T) {
	var res runner.RunResult
	_, err := readReply(&res, protocolFile(t, "system-error.out"), goldenNonce)
	if !errors.Is(err, ErrHarness) || !strings.Contains(err.Error(), "OSError: [Errno 24] inotify_init1") {
		t.Errorf("system-error.out: err %v; want ErrHarness with the traceback's end", err)
	}

	res = runner.RunResult{}
	complete, err := readReply(&res, protocolFile(t, "harness-failed.out"), goldenNonce)
	if err != nil || complete || len(res.Phases) != 1 || res.Phases[0].Name != runner.PhaseVisible ||
		!strings.HasPrefix(res.Problem, "the harness failed after the candidate's code ran: Traceback") {
		t.Errorf("harness-failed.out: complete %v, err %v, %+v", complete, err, res)
	}
}

// capped, which watches the attach stream, sees the ready line, the reply
// and the timing line each once it is whole, however the stream is cut.
func TestProtocolFraming(t *testing.T) {
	out := append(protocolFile(t, "reply.out"), protocolFile(t, "reference.out")...)
	for _, chunk := range []int{1, 7, 4096, len(out)} {
		c := &capped{max: 1 << 20, over: make(chan struct{}), framed: make(chan struct{}), refFramed: make(chan struct{}), ready: make(chan struct{})}
		c.watch(goldenNonce)
		for i := 0; i < len(out); i += chunk {
			part := out[i:min(i+chunk, len(out))]
			end := i + len(part)
			c.Write(part)
			ready, framed, ref := isClosed(c.ready), isClosed(c.framed), isClosed(c.refFramed)
			wantReady := end >= len(readyLine)
			wantFramed := end >= len(out)-len(protocolFile(t, "reference.out"))
			if ready != wantReady || framed != wantFramed || ref != (end == len(out)) {
				t.Fatalf("chunks of %d, %d bytes in: ready %v, reply %v, timing %v", chunk, end, ready, framed, ref)
			}
		}
	}
}

// A reply cut short, by the harness's death or by the stream's cap, is
// never taken as whole, and reads as unreadable.
func TestProtocolCutReplies(t *testing.T) {
	out := protocolFile(t, "reply.out")
	for _, cut := range []int{len(out) - 1, len(out) - 2, len(out) - 3, len(out) / 2} {
		c := &capped{max: 1 << 20, over: make(chan struct{}), framed: make(chan struct{})}
		c.watch(goldenNonce)
		c.Write(out[:cut])
		if isClosed(c.framed) {
			t.Errorf("cut at %d of %d: taken as whole", cut, len(out))
		}
		var res runner.RunResult
		complete, err := readReply(&res, c.Bytes(), goldenNonce)
		if cut == len(out)-1 {
			// Only the newline is missing: once the container has ended
			// (execute reads the stream's end then), the line is read.
			if err != nil || !complete || len(res.Phases) != 2 {
				t.Errorf("without its newline: complete %v, err %v, %+v", complete, err, res)
			}
			continue
		}
		if err != nil || complete || len(res.Phases) != 0 || res.Problem != "the harness's result is unreadable" {
			t.Errorf("cut at %d of %d: complete %v, err %v, %+v", cut, len(out), complete, err, res)
		}
	}
	// Past the cap: the stream's end is dropped, and over says so.
	c := &capped{max: int64(len(out) - 10), over: make(chan struct{}), framed: make(chan struct{})}
	c.watch(goldenNonce)
	c.Write(out)
	if !isClosed(c.over) || isClosed(c.framed) || len(c.Bytes()) != len(out)-10 {
		t.Errorf("past the cap: over %v, framed %v, %d bytes kept", isClosed(c.over), isClosed(c.framed), len(c.Bytes()))
	}
	var res runner.RunResult
	if _, err := readReply(&res, c.Bytes(), goldenNonce); err != nil || res.Problem != "the harness's result is unreadable" {
		t.Errorf("past the cap: err %v, %+v", err, res)
	}
}

// Malformed and hostile replies (testdata/protocol/hostile, see the
// README): what this side makes of each.
func TestProtocolHostileReplies(t *testing.T) {
	const noResult = "the harness sent no result: the run ended before it could report"
	const unreadable = "the harness's result is unreadable"
	for name, want := range map[string]struct {
		problem  string
		phases   int
		complete bool
		check    func(runner.RunResult) bool
	}{
		"no-reply.out":          {problem: noResult},
		"other-nonce.out":       {problem: noResult},
		"not-base64.out":        {problem: unreadable},
		"not-json.out":          {problem: unreadable},
		"wrong-types.out":       {problem: unreadable},
		"phases-not-a-list.out": {problem: unreadable},
		"fractional-exit.out":   {problem: unreadable},
		// Unknown fields are ignored: a verdict or grade from the harness
		// is never read (the grader makes them from the report).
		"extra-fields.out": {phases: 1, complete: true},
		// A phase's output that is not base64 is read as none.
		"output-not-base64.out": {phases: 1, complete: true, check: func(r runner.RunResult) bool { return len(r.Phases[0].Output) == 0 }},
		// The last line framed with the nonce counts.
		"two-replies.out": {phases: 1, complete: true, check: func(r runner.RunResult) bool { return r.Phases[0].ExitCode == 0 }},
		// A bad timing line is the timing's problem, never the run's.
		"reference-unreadable.out": {phases: 1, complete: true},
	} {
		out := protocolFile(t, filepath.Join("hostile", name))
		var res runner.RunResult
		complete, err := readReply(&res, out, goldenNonce)
		if err != nil || complete != want.complete || res.Problem != want.problem || len(res.Phases) != want.phases ||
			(want.check != nil && !want.check(res)) {
			t.Errorf("%s: complete %v, err %v, %+v", name, complete, err, res)
		}
	}
	var ref runner.ReferenceTiming
	if !readReference(&ref, protocolFile(t, "hostile/reference-unreadable.out"), goldenNonce) || ref.Problem != "the reference's times are unreadable" {
		t.Errorf("reference-unreadable.out: timing %+v", ref)
	}
}
