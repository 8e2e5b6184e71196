package docker

// The sandbox protocol: how Sandbox (the worker's side, sandbox.go and
// reference.go) and the harness (sandbox-images/python/harness.py, the
// container's PID 1) talk over the container's attached stdin and stdout.
// Nothing else carries the run's files or its result: no bind mounts, no
// archive copies (the container's environment holds only settings, such
// as the sandbox user's ids and, under gVisor, the memory limit to
// watch: see create).
//
//  1. The harness imports pytest, then writes readyLine on stdout. The
//     worker's deadline, and the harness's wall time, count from there.
//  2. The worker writes three parts on stdin, each "<decimal length>\n" and
//     that many bytes (input): the request (JSON, request), the hidden part
//     (JSON, hiddenPart), read by the harness only after the visible
//     phase, and the nonce (16 random bytes in hex), read only after every
//     phase has ended. Files are {path: base64}.
//  3. The harness writes its reply as one line on stdout,
//     "\n<nonce> <base64 of JSON>\n" (reply; readReply decodes it). The
//     reply's JSON may hold fields this side does not read (the harness
//     also reports e.g. output_bytes, not_passed, duration): they are
//     ignored. A reply that is not base64 or not JSON of reply's types is
//     "unreadable", a missing one "no result", one with system_error an
//     ErrHarness error.
//  4. Only with a reference solution to time (see reference.go), a fourth
//     part (referencePart, same framing), and the harness's second line
//     "\n<nonce>/reference <base64 of JSON>\n" (referenceReply,
//     readReference). Otherwise stdin is closed after the third part.
//
// Limits: the worker keeps at most Config.StreamCap bytes of stdout (32
// MiB; more ends the run as output_limit, see capped) and stderrCap of
// stderr; the harness stops a run whose phases wrote more than outputCap
// bytes of output and keeps OutputBytes of it (output_keep), and reads a
// report of at most 8 MiB (harness.py's REPORT_MAX).
//
// Both ends are tested against the same transcripts, without Docker:
// testdata/protocol (see its README) is read by protocol_test.go here and
// by sandbox-images/python/tests/test_harness_protocol.py.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"assay/runner"
)

// outputCap is the request's output_cap: the bytes of output the
// candidate's phases may write before the harness stops the run.
const outputCap = 8 << 20

// stderrCap is how much of the container's stderr (the harness's own
// diagnostics) the worker keeps.
const stderrCap = 16 << 10

// request is what the harness reads on stdin first; the hidden tests follow
// as a second part that the harness reads only after the visible phase.
type request struct {
	Files       map[string]string `json:"files"`
	Entry       []string          `json:"entry"`
	Wall        float64           `json:"wall"`
	TestTimeout float64           `json:"test_timeout"`
	OutputKeep  int64             `json:"output_keep"`
	OutputCap   int64             `json:"output_cap"`
	// HiddenPrograms: trusted code may start programs in the hidden phase.
	HiddenPrograms bool `json:"hidden_programs"`
	// Scratch: a Run's own test file, run in a phase of its own after the
	// visible one (never with hidden tests).
	Scratch map[string]string `json:"scratch,omitempty"`
}

// hiddenPart comes after the visible phase. The canaries' policy is in it
// because its costs name the hidden tests.
type hiddenPart struct {
	Hidden   map[string]string `json:"hidden"`
	Canaries canaryPolicy      `json:"canaries"`
}

type canaryPolicy struct {
	All    bool               `json:"all,omitempty"`
	CostMS map[string]float64 `json:"cost_ms,omitempty"`
}

// reply is the harness's framed result.
type reply struct {
	Phases []struct {
		Name            string           `json:"name"`
		Exit            int              `json:"exit"`
		Signal          int              `json:"signal"`
		Report          *string          `json:"report"`
		Problem         string           `json:"problem"`
		Output          string           `json:"output"`
		OutputTruncated bool             `json:"output_truncated"`
		Findings        []runner.Finding `json:"findings"`
		Tally           *runner.Tally    `json:"tally"`
		Seconds         float64          `json:"seconds"`
		Durations       map[string]int64 `json:"durations"`
	} `json:"phases"`
	// Problem: the harness failed after the candidate's code ran (its
	// phases so far are the result).
	Problem string `json:"problem"`
	// Renames and Canaries: the hidden phase's run names (see
	// runner.RunResult).
	Renames  map[string]string `json:"renames"`
	Canaries []string          `json:"canaries"`
	Twins    map[string]string `json:"twins"`
	// CanaryGroups: see runner.RunResult (null unless asked for).
	CanaryGroups *float64 `json:"canary_groups"`
	OutputLimit  bool     `json:"output_limit"`
	TimedOut     bool     `json:"timed_out"`
	// OOMKills is the container's memory cgroup count of OOM kills, when
	// the harness could read it.
	OOMKills *int `json:"oom_kills"`
	// MemoryExceeded: the harness's own memory watch killed the run.
	MemoryExceeded bool `json:"memory_exceeded"`
	// MemoryWatched: the harness enforced the memory limit itself, so its
	// reply is the whole memory verdict (the cgroup's limit is higher).
	MemoryWatched bool `json:"memory_watched"`
	// PeakMemory is the container's peak memory use, when readable.
	PeakMemory *int64 `json:"peak_memory_bytes"`
	// SystemError: the harness's own setup failed before any candidate
	// code ran (see ErrHarness).
	SystemError string `json:"system_error"`
}

func encode(files []runner.File) map[string]string {
	out := make(map[string]string, len(files))
	for _, f := range files {
		out[f.Path] = base64.StdEncoding.EncodeToString(f.Data)
	}
	return out
}

// input is the harness's stdin for spec: three parts, each "<length>\n"
// and its bytes: the request, the hidden tests, and the nonce, which the
// harness reads only after every phase has ended.
func input(spec runner.RunSpec, nonce string) ([]byte, error) {
	var scratch map[string]string
	if len(spec.Scratch) > 0 {
		if len(spec.Hidden) > 0 {
			return nil, errors.New("a run with scratch tests has no hidden tests")
		}
		scratch = encode(spec.Scratch)
	}
	req, err := json.Marshal(request{
		Files:          encode(spec.Files),
		Entry:          spec.Entry,
		Wall:           spec.Limits.Wall.Seconds(),
		TestTimeout:    spec.Limits.TestTimeout.Seconds(),
		OutputKeep:     spec.Limits.OutputBytes,
		OutputCap:      outputCap,
		HiddenPrograms: spec.HiddenPrograms,
		Scratch:        scratch,
	})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	hidden, err := json.Marshal(hiddenPart{Hidden: encode(spec.Hidden),
		Canaries: canaryPolicy{All: spec.Canaries.All, CostMS: spec.Canaries.CostMS}})
	if err != nil {
		return nil, fmt.Errorf("encode hidden tests: %w", err)
	}
	out := make([]byte, 0, len(req)+len(hidden)+len(nonce)+64)
	for _, part := range [][]byte{req, hidden, []byte(nonce)} {
		out = strconv.AppendInt(out, int64(len(part)), 10)
		out = append(out, '\n')
		out = append(out, part...)
	}
	return out, nil
}

// referenceFrame follows the nonce on the timing run's line.
const referenceFrame = "/reference "

// referencePart is the fourth part of the harness's stdin.
type referencePart struct {
	Files map[string]string `json:"files"`
	Wall  float64           `json:"wall"`
}

// referenceReply is the harness's timing line.
type referenceReply struct {
	Durations map[string]int64 `json:"durations"`
	NotPassed int              `json:"not_passed"`
	Seconds   float64          `json:"seconds"`
	TimedOut  bool             `json:"timed_out"`
	Problem   string           `json:"problem"`
}

// referenceInput is the fourth part for spec: its length line and bytes.
func referenceInput(spec runner.RunSpec) ([]byte, error) {
	part, err := json.Marshal(referencePart{Files: encode(spec.Reference), Wall: referenceWall(spec.Limits).Seconds()})
	if err != nil {
		return nil, fmt.Errorf("encode reference: %w", err)
	}
	out := strconv.AppendInt(nil, int64(len(part)), 10)
	out = append(out, '\n')
	return append(out, part...), nil
}

// problemNoReply is a run's problem when the harness wrote no reply at all.
const problemNoReply = "the harness sent no result: the run ended before it could report"

// readReply fills res from the harness's framed line, if there is one, and
// reports whether the harness also counted the OOM kills or enforced the
// memory limit itself (so the result does not need the engine's view of
// the container's end). A harness that reports its own setup failed makes
// it return an ErrHarness error.
func readReply(res *runner.RunResult, out []byte, nonce string) (bool, error) {
	i := bytes.LastIndex(out, []byte(nonce+" "))
	if i < 0 {
		if res.Problem == "" {
			res.Problem = problemNoReply
		}
		return false, nil
	}
	line := out[i+len(nonce)+1:]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	raw, err := base64.StdEncoding.DecodeString(string(line))
	var r reply
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		res.Problem = "the harness's result is unreadable"
		return false, nil
	}
	if r.SystemError != "" {
		return false, fmt.Errorf("%w: %s", ErrHarness, r.SystemError)
	}
	for _, p := range r.Phases {
		ph := runner.PhaseResult{Name: p.Name, ExitCode: p.Exit, Signal: p.Signal, Problem: p.Problem,
			OutputTruncated: p.OutputTruncated, Findings: p.Findings, Tally: p.Tally, Durations: p.Durations}
		for i := range ph.Findings {
			ph.Findings[i].Phase = p.Name
		}
		if p.Name == runner.PhaseVisible {
			res.VisibleDuration = time.Duration(p.Seconds * float64(time.Second))
		}
		if p.Report != nil {
			ph.Report = []byte(*p.Report)
		}
		ph.Output, _ = base64.StdEncoding.DecodeString(p.Output)
		res.Phases = append(res.Phases, ph)
	}
	res.Renames, res.Canaries, res.Twins = r.Renames, r.Canaries, r.Twins
	if r.CanaryGroups != nil {
		res.CanaryGroups = *r.CanaryGroups
	}
	if r.Problem != "" {
		res.Problem = r.Problem
	}
	res.OutputLimit = res.OutputLimit || r.OutputLimit
	res.TimedOut = res.TimedOut || r.TimedOut
	if r.PeakMemory != nil {
		res.PeakMemoryBytes = *r.PeakMemory
	}
	res.OOMKilled = res.OOMKilled || r.MemoryExceeded
	if r.OOMKills != nil {
		res.OOMKilled = res.OOMKilled || *r.OOMKills > 0
		return true, nil
	}
	return r.MemoryWatched, nil
}

// readyLine is what the harness writes on stdout once it is ready to read
// the request (harness.py's main). Nothing of the candidate's has run by
// then, so nothing else can have written it.
var readyLine = []byte("assay-harness-ready\n")

// readReference fills out from the harness's timing line, if there is a
// whole one, and reports whether there was.
func readReference(out *runner.ReferenceTiming, stdout []byte, nonce string) bool {
	marker := []byte(nonce + referenceFrame)
	i := bytes.LastIndex(stdout, marker)
	if i < 0 {
		return false
	}
	line := stdout[i+len(marker):]
	j := bytes.IndexByte(line, '\n')
	if j < 0 {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(string(line[:j]))
	var r referenceReply
	if err == nil {
		err = json.Unmarshal(raw, &r)
	}
	if err != nil {
		out.Problem = "the reference's times are unreadable"
		return true
	}
	out.TestsUS = make(map[string]float64, len(r.Durations))
	for id, ns := range r.Durations {
		if ns > 0 {
			out.TestsUS[id] = float64(ns) / 1e3
		}
	}
	out.NotPassed, out.TimedOut, out.Problem = r.NotPassed, r.TimedOut, r.Problem
	if r.Seconds > 0 {
		out.RunMS = int64(r.Seconds * 1000)
	}
	return true
}

// capped keeps up to max bytes and signals once when more arrive. It never
// refuses a write: the attach stream must be drained to the end, or dockerd
// blocks on the container's full pipe and even a kill waits behind it.
type capped struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	max  int64
	over chan struct{}
	shut bool
	// framed is closed once the buffer holds "<nonce> <...>\n": the
	// harness's whole reply (see watch).
	framed   chan struct{}
	nonce    []byte
	isFramed bool
	// refFramed is closed once the reference's timing line,
	// "<nonce>/reference <...>\n", is in (see reference.go).
	refFramed   chan struct{}
	refMarker   []byte
	isRefFramed bool
	// ready is closed once the harness's readyLine is in (nil: not watched).
	ready   chan struct{}
	isReady bool
}

// watch starts looking for the harness's reply line framed with nonce.
func (c *capped) watch(nonce string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nonce = []byte(nonce + " ")
	c.refMarker = []byte(nonce + referenceFrame)
	c.check()
}

// check closes ready when the ready line is in, and framed when the reply
// line is complete; c.mu is held.
func (c *capped) check() {
	b := c.buf.Bytes()
	if c.ready != nil && !c.isReady && bytes.Contains(b, readyLine) {
		c.isReady = true
		close(c.ready)
	}
	if c.nonce == nil {
		return
	}
	if c.framed != nil && !c.isFramed {
		if i := bytes.LastIndex(b, c.nonce); i >= 0 && bytes.IndexByte(b[i:], '\n') >= 0 {
			c.isFramed = true
			close(c.framed)
		}
	}
	c.checkReference(b)
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - int64(c.buf.Len()); int64(len(p)) > room {
		c.buf.Write(p[:max(room, 0)])
		if !c.shut {
			c.shut = true
			close(c.over)
		}
		return len(p), nil
	}
	n, err := c.buf.Write(p)
	if bytes.IndexByte(p, '\n') >= 0 {
		c.check()
	}
	return n, err
}

func (c *capped) Bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf.Bytes())
}

// checkReference closes refFramed once the timing line is whole; c.mu is
// held.
func (c *capped) checkReference(b []byte) {
	if c.refFramed == nil || c.isRefFramed || c.refMarker == nil {
		return
	}
	if i := bytes.LastIndex(b, c.refMarker); i >= 0 && bytes.IndexByte(b[i:], '\n') >= 0 {
		c.isRefFramed = true
		close(c.refFramed)
	}
}
