package docker

import (
	"bytes"
	"encoding/base64"
	stdjson "encoding/json"
	"strconv"
	"testing"
	"time"

	"assay/runner"
)

func referenceLine(nonce, json string) []byte {
	return []byte("\n" + nonce + referenceFrame + base64.StdEncoding.EncodeToString([]byte(json)) + "\n")
}

// The timing line is read apart from the reply: each finds its own line
// whatever the order, and a bad timing line is a problem of the timing,
// never of the run.
func TestReadReferenceLine(t *testing.T) {
	const nonce = "0123456789abcdef"
	reply := framed(nonce, `{"phases":[{"name":"visible","exit":0,"durations":{"tests.visible.t::a":412345}}],"oom_kills":0}`)
	timing := referenceLine(nonce, `{"durations":{"tests.visible.t::a":98765,"tests.hidden.t::b":0,"tests.hidden.t::c":-5},"not_passed":1,"seconds":0.25}`)
	out := append(append([]byte{}, reply...), timing...)

	var res runner.RunResult
	if complete, err := readReply(&res, out, nonce); err != nil || !complete || len(res.Phases) != 1 {
		t.Fatalf("the reply beside a timing line: complete %v, err %v, %+v", complete, err, res)
	}
	if d := res.Phases[0].Durations["tests.visible.t::a"]; d != 412345 {
		t.Errorf("the phase's durations: %v", res.Phases[0].Durations)
	}
	var ref runner.ReferenceTiming
	if !readReference(&ref, out, nonce) {
		t.Fatal("the timing line was not found")
	}
	if len(ref.TestsUS) != 1 || ref.TestsUS["tests.visible.t::a"] != 98.765 || ref.NotPassed != 1 || ref.RunMS != 250 || ref.Problem != "" {
		t.Errorf("timing %+v; want one test at 98.765 µs (no time of 0 or below), 1 not passed, 250 ms", ref)
	}

	for name, stdout := range map[string][]byte{
		"no timing line":       reply,
		"a line not yet whole": append(append([]byte{}, reply...), referenceLine(nonce, `{"durations":{}}`)[:20]...),
		"another run's nonce":  append(append([]byte{}, reply...), referenceLine("fedcba9876543210", `{"durations":{"x::y":5}}`)...),
	} {
		var r runner.ReferenceTiming
		if readReference(&r, stdout, nonce) {
			t.Errorf("%s: read %+v", name, r)
		}
	}
	var bad runner.ReferenceTiming
	if !readReference(&bad, append(append([]byte{}, reply...), []byte("\n"+nonce+referenceFrame+"!!not base64\n")...), nonce) ||
		bad.Problem != "the reference's times are unreadable" || len(bad.TestsUS) != 0 {
		t.Errorf("an unreadable timing line: %+v", bad)
	}
}

// capped sees the reply and the timing line each when it is whole.
func TestCappedFramesTheTimingLine(t *testing.T) {
	const nonce = "0123456789abcdef"
	c := &capped{max: 1 << 20, over: make(chan struct{}), framed: make(chan struct{}), refFramed: make(chan struct{})}
	c.watch(nonce)
	closed := func(ch chan struct{}) bool {
		select {
		case <-ch:
			return true
		default:
			return false
		}
	}
	reply := framed(nonce, `{"phases":[]}`)
	c.Write(reply)
	if !closed(c.framed) || closed(c.refFramed) {
		t.Fatalf("after the reply: framed %v, timing %v", closed(c.framed), closed(c.refFramed))
	}
	line := referenceLine(nonce, `{"durations":{}}`)
	c.Write(line[:len(line)-1])
	if closed(c.refFramed) {
		t.Fatal("the timing line was taken as whole before its newline")
	}
	c.Write([]byte("\n"))
	if !closed(c.refFramed) {
		t.Fatal("the whole timing line was not seen")
	}
}

// The fourth part: the reference's files and a budget of the challenge's
// wall time, at most maxReferenceWall.
func TestReferenceInput(t *testing.T) {
	for wall, want := range map[time.Duration]float64{10 * time.Second: 10, 2 * time.Minute: maxReferenceWall.Seconds()} {
		spec := runner.RunSpec{Limits: runner.Limits{Wall: wall}, Reference: []runner.File{{Path: "solution.py", Data: []byte("def add(a, b): return a + b\n")}}}
		in, err := referenceInput(spec)
		if err != nil {
			t.Fatal(err)
		}
		head, body, ok := bytes.Cut(in, []byte("\n"))
		if n, err := strconv.Atoi(string(head)); !ok || err != nil || n != len(body) {
			t.Fatalf("part %q: not a length line and that many bytes", in)
		}
		var part referencePart
		if err := stdjson.Unmarshal(body, &part); err != nil {
			t.Fatal(err)
		}
		data, _ := base64.StdEncoding.DecodeString(part.Files["solution.py"])
		if part.Wall != want || string(data) != "def add(a, b): return a + b\n" || len(part.Files) != 1 {
			t.Errorf("wall %v: part %+v; want wall %v and the solution", wall, part, want)
		}
	}
}
