"""Review 34: the C call an event stands for runs the candidate's signal
handler itself, after the hook's (final) decision: open() / os.open()
retry on EINTR, calling PyErr_CheckSignals between tries.

The hook judges a relative name against the working directory of the
check. The candidate moves into a decoy directory D where
"<work>/tests/test_zhidden.py" is a FIFO it made (os.mkfifo: no event), and
opens that relative name: judged from D, allowed. open(2) on the FIFO
blocks; an interval timer's SIGALRM interrupts it (EINTR); the C loop runs
the handler (the thread is not in `judging`: nothing defers it), which
os.chdir()s to the work directory's parent (allowed, quietly); the C loop
opens the same relative name again, now the hidden module. Write mode the
same way (a FIFO opened for writing blocks too).

OPEN (a thirty-fourth review, fifteenth session): kept as strict xfails.
The same race as another thread's (the hook's path checks are a first
layer); in the sandbox the hidden modules are mode 000 for the candidate's
uid and a write under tests/ is the watcher's finding. See docs/SECURITY.md.
"""
import pytest

from test_signal_after_decision import leak, run_locked

pytestmark = pytest.mark.xfail(strict=True, reason="open: a handler run by a blocking open's EINTR retry, as another thread")

SOL = r'''
MODES = @MODES@
import json, os, signal

HERE = os.getcwd()
ANC = os.path.dirname(HERE)
D = os.path.join(HERE, "d")
REL = os.path.basename(HERE) + "/tests/"
ARMED = [False]


def _handler(signum, frame):
    if ARMED[0]:
        ARMED[0] = False
        os.chdir(ANC)


def _fifo(name):
    os.makedirs(os.path.join(D, REL), exist_ok=True)
    p = os.path.join(D, REL, name)
    if not os.path.exists(p):
        os.mkfifo(p)


def _toctou(name, fn):
    _fifo(name)
    old = signal.signal(signal.SIGALRM, _handler)
    try:
        os.chdir(D)
        ARMED[0] = True
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            return fn()
        except Exception as e:
            return "error: %r" % e
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        ARMED[0] = False
        os.chdir(HERE)
        signal.signal(signal.SIGALRM, old)


def _read():
    with open(REL + "test_zhidden.py") as f:
        return f.read()


def _os_read():
    fd = os.open(REL + "test_zhidden.py", os.O_RDONLY)
    try:
        return os.read(fd, 100000).decode()
    finally:
        os.close(fd)


def _write():
    with open(REL + "r34_written.txt", "w") as f:
        f.write("written by the candidate")
    return "ok"


def add(a, b):
    return a + b


def dump():
    out = {}
    if "read" in MODES:
        out["read"] = _toctou("test_zhidden.py", _read)
    if "write" in MODES:
        out["write"] = _toctou("r34_written.txt", _write)
    if "os_read" in MODES:
        # (os.open's stand-in checks the descriptor's own path after the
        # open: this one is caught and reported)
        out["os_read"] = _toctou("test_zhidden.py", _os_read)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def test_eintr_retry_reads_a_hidden_test_module(tmp_path):
    r = run_locked(tmp_path, SOL.replace("@MODES@", repr(("read",))))
    text = leak(tmp_path)
    assert text, r.output[-3000:]
    # (on the host the locked module's disk copy is the runner's decoy)
    assert "read from disk" not in text or r.seen, ("LEAKED, unreported", text[:800], r.output[-2000:])


def test_eintr_retry_writes_under_tests(tmp_path):
    r = run_locked(tmp_path, SOL.replace("@MODES@", repr(("write",))))
    written = tmp_path / "work" / "tests" / "r34_written.txt"
    assert not written.exists() or r.seen, ("WROTE under tests/, unreported", leak(tmp_path)[:800],
                                            r.output[-2000:])
