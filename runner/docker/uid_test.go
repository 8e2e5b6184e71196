package docker_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"assay/internal/testenv"
	"assay/runner"
)

// idsTest reports the candidate's ids in a failure message ("IDS uid gid
// euid egid"), after checking that Python and pytest work for a uid with
// no /etc/passwd entry: getpass, ~, and the tmp_path and tmpdir fixtures
// (pytest names their base after getpass.getuser()).
const idsTest = `import getpass, os, time

def test_tmp_path(tmp_path):
    (tmp_path / "f").write_text("x")
    assert (tmp_path / "f").read_text() == "x"

def test_tmpdir(tmpdir):
    tmpdir.join("f").write("x")
    assert tmpdir.join("f").read() == "x"

def test_names():
    assert getpass.getuser() == "sandbox"
    assert os.path.expanduser("~") == "/tmp"

def test_ids():
    time.sleep(2)  # so that the two runs' containers live at the same time
    raise AssertionError("IDS %d %d %d %d" % (os.getuid(), os.getgid(), os.geteuid(), os.getegid()))
`

var idsRE = regexp.MustCompile(`IDS (\d+) (\d+) (\d+) (\d+)`)

// TestEachContainerHasItsOwnUID: two containers that run at the same time
// run the candidate's code as different uids, each with the same gid, out
// of the image's shared 10001, and Python and pytest's temporary
// directories work without a passwd entry for them.
func TestEachContainerHasItsOwnUID(t *testing.T) {
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			sb := newSandbox(t, rt)
			uids := make([]int, 2)
			var wg sync.WaitGroup
			for i := range uids {
				wg.Go(func() {
					id := fmt.Sprintf("sandbox-test-own-uid-%d", i)
					r, err := sb.Run(context.Background(), runner.RunSpec{
						ID: id,
						Files: []runner.File{
							{Path: "solution.py", Data: []byte(addSolution)},
							{Path: "tests/visible/test_ids.py", Data: []byte(idsTest)},
						},
						Entry:  []string{"solution.py"},
						Limits: limits(),
					})
					if err != nil {
						t.Error(err)
						return
					}
					v := phase(t, r, runner.PhaseVisible)
					report := string(v.Report)
					if strings.Count(report, "<failure") != 1 || strings.Contains(report, "<error") {
						t.Errorf("run %d: only test_ids should fail: %s\n%s", i, report, v.Output)
					}
					m := idsRE.FindStringSubmatch(report)
					if m == nil {
						t.Errorf("run %d: no ids in %s", i, report)
						return
					}
					ids := make([]int, 4)
					for j := range ids {
						ids[j], _ = strconv.Atoi(m[j+1])
					}
					if ids[0] != ids[1] || ids[0] != ids[2] || ids[0] != ids[3] {
						t.Errorf("run %d: uid, gid, euid, egid %v: want one number", i, ids)
					}
					if ids[0] < 1<<20 || ids[0] >= 1<<31-1 {
						t.Errorf("run %d: uid %d, not a per-container one", i, ids[0])
					}
					uids[i] = ids[0]
				})
			}
			wg.Wait()
			if uids[0] == uids[1] {
				t.Errorf("both containers ran as uid %d", uids[0])
			}
			t.Logf("uids %v", uids)
			assertGone(t, sb, "sandbox-test-own-uid-0")
			assertGone(t, sb, "sandbox-test-own-uid-1")
		})
	}
}

// hogTest opens inotify instances in children that hold them (until the
// container ends) until the parent, which holds none, cannot open one: the
// uid's fs.inotify.max_user_instances is used up (gVisor, which has no such
// limit, stops it at 8192). It then holds them for
// hogHold and fails with what it did ("HOG exhausted held errno limit
// from to", times in Unix seconds).
const hogTest = `import subprocess, sys

# The audit hook keeps ctypes from pytest's process, tests included: the
# hog is a separate interpreter (a program the run may start).
HOG = r"""
import ctypes, errno, os, time

LIBC = ctypes.CDLL(None, use_errno=True)
try:
    limit = int(open("/proc/sys/fs/inotify/max_user_instances").read())
except OSError:  # gVisor has no such file
    limit = 0
r, w = os.pipe()
held, exhausted, err = 0, False, 0
for _ in range(40):
    if os.fork() == 0:
        os.close(r)
        null = os.open(os.devnull, os.O_WRONLY)  # (the test reads stdout to its end)
        os.dup2(null, 1)
        os.dup2(null, 2)
        n = 0
        while LIBC.inotify_init1(0) >= 0:
            n += 1
        os.write(w, b"%d %d\n" % (n, ctypes.get_errno()))
        time.sleep(3600)
        os._exit(0)
    n, err = map(int, os.read(r, 64).split())
    held += n
    if held >= 8192:  # gVisor: no per-uid limit, so only a great many
        break
    fd = LIBC.inotify_init1(0)
    if fd < 0:
        err = ctypes.get_errno()
        exhausted = err == errno.EMFILE
        break
    os.close(fd)
start = time.time()
time.sleep(HOLD)
print("HOG %d %d %d %d %f %f" % (exhausted, held, err, limit, start, time.time()))
"""

def test_hog():
    out = subprocess.run([sys.executable, "-c", HOG], capture_output=True, text=True)
    raise AssertionError(out.stdout + out.stderr)
`

// hogHold: long enough that a whole ordinary run fits inside it on a
// loaded 2-core machine under gVisor (runs beside the hog took 6-16 s in
// CI; with 15 s none fit once).
const hogHold = 30 * time.Second

var hogRE = regexp.MustCompile(`HOG (\d) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)`)

// TestInotifyExhaustionIsIsolated: a submission that uses up its uid's
// inotify instances (under runc a host-wide per-uid limit, 128 by default)
// does not reach an ordinary run of another challenge at the same time,
// whose harness needs inotify: every such run passes, and at least one ran
// from start to end while the instances were used up.
func TestInotifyExhaustionIsIsolated(t *testing.T) {
	for _, rt := range testenv.Runtimes(t) {
		t.Run(testenv.RuntimeName(rt), func(t *testing.T) {
			sb := newSandbox(t, rt)
			hl := limits()
			hl.Wall, hl.TestTimeout, hl.NoFile, hl.MemoryBytes = hogHold+25*time.Second, hogHold+20*time.Second, 1024, 512<<20

			type hogResult struct {
				r   runner.RunResult
				err error
			}
			hogDone := make(chan hogResult, 1)
			go func() {
				r, err := sb.Run(context.Background(), runner.RunSpec{
					ID: "sandbox-test-inotify-hog",
					Files: []runner.File{
						{Path: "solution.py", Data: []byte(addSolution)},
						{Path: "tests/visible/test_hog.py", Data: []byte(strings.ReplaceAll(hogTest, "HOLD", strconv.Itoa(int(hogHold.Seconds()))))},
					},
					Entry:  []string{"solution.py"},
					Limits: hl,
				})
				hogDone <- hogResult{r, err}
			}()

			type span struct{ from, to time.Time }
			var others []span
			var hog hogResult
		loop:
			for i := 0; ; i++ {
				select {
				case hog = <-hogDone:
					break loop
				default:
				}
				id := fmt.Sprintf("sandbox-test-inotify-other-%d", i)
				from := time.Now()
				r, err := sb.Run(context.Background(), spec(id, addSolution, limits()))
				to := time.Now()
				if err != nil {
					t.Fatalf("run %d beside the hog: %v", i, err)
				}
				if len(r.Phases) == 0 {
					t.Fatalf("run %d beside the hog reported nothing: %s\n%s", i, r.Problem, r.Diagnostics)
				}
				bothPhasesPass(t, r)
				others = append(others, span{from, to})
			}
			if hog.err != nil {
				t.Fatal(hog.err)
			}
			v := phase(t, hog.r, runner.PhaseVisible)
			m := hogRE.FindStringSubmatch(string(v.Report))
			if m == nil {
				t.Fatalf("the hog did not report: %s\n%s", v.Report, v.Output)
			}
			exhausted := m[1] == "1"
			held, _ := strconv.Atoi(m[2])
			start, _ := strconv.ParseFloat(m[5], 64)
			end, _ := strconv.ParseFloat(m[6], 64)
			from, to := time.UnixMilli(int64(start*1000)), time.UnixMilli(int64(end*1000))
			t.Logf("hog: used up %v, held %d inotify instances (errno %s, max_user_instances %s) for %v; %d runs beside it",
				exhausted, held, m[3], m[4], to.Sub(from).Round(time.Millisecond), len(others))
			if !exhausted && rt != "runsc" {
				// Under runc the limit is the host's, per uid: the test proves
				// nothing unless the hog reached it.
				t.Fatalf("the hog did not use up its uid's inotify instances")
			}
			inside := 0
			for _, s := range others {
				if !s.from.Before(from) && !s.to.After(to) {
					inside++
				}
			}
			if inside == 0 {
				t.Errorf("no run went from start to end while the hog held its instances (%v..%v): %v", from, to, others)
			}
			assertGone(t, sb, "sandbox-test-inotify-hog")
		})
	}
}
