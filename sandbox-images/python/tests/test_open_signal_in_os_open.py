"""Review 34: a signal's handler that raises inside a stand-in's own code
skips the stand-in's check and report; os.open's stand-in, which opens
first and checks the descriptor's path after, leaks the descriptor.

The trampoline defers handlers only while the thread is in `judging`
(judge_once). A stand-in (sealed call_*) runs its policy outside judge:
a handler run at any eval-breaker point there (a call's start, a C call's
return) aborts it. Here: os.open of a relative name that is a FIFO in a
decoy directory (judged there, allowed); open(2) blocks; SIGALRM (EINTR):
the C retry loop runs the handler, which chdir()s to the work directory's
parent (see test_open_signal_eintr_retry) and leaves SIGUSR2 tripped (block
SIGUSR1+SIGUSR2, raise both, unblock: SIGUSR1's handler raises in
pthread_sigmask's PyErr_CheckSignals, which leaves SIGUSR2 tripped and
the eval breaker set). The retry opens the hidden module; at the return
of orig_os_open into call_os_open SIGUSR2's handler raises: no post-open
check, no close, no report. The candidate reads the descriptor by its
number (os.read: no event).

OPEN (a thirty-fourth review, fifteenth session): kept as a strict xfail.
os.open's stand-in is the one that does not hold handlers back: its open
can block (a FIFO), and a handler held back there is never run (the
retry blocks again: the run hangs). In the sandbox the descriptor it
leaks names what the kernel let the candidate's uid open: the hidden
modules are mode 000, /proc/self/mem is root's (not dumpable).
"""
import pytest

from test_signal_after_decision import leak, run_locked

pytestmark = pytest.mark.xfail(strict=True, reason="open: os.open's stand-in does not hold handlers back (a blocking open would never end)")

SOL = r'''
import json, os, signal

HERE = os.getcwd()
ANC = os.path.dirname(HERE)
D = os.path.join(HERE, "d")
REL = os.path.basename(HERE) + "/tests/"
ARMED = [False]
ARMED2 = [False]


class Boom1(Exception):
    pass


class Boom2(Exception):
    pass


def _h1(signum, frame):
    raise Boom1()


def _h2(signum, frame):
    if ARMED2[0]:
        ARMED2[0] = False
        raise Boom2()


def _alarm(signum, frame):
    if not ARMED[0]:
        return
    ARMED[0] = False
    os.chdir(ANC)
    ARMED2[0] = True
    both = {signal.SIGUSR1, signal.SIGUSR2}
    signal.pthread_sigmask(signal.SIG_BLOCK, both)
    signal.raise_signal(signal.SIGUSR1)
    signal.raise_signal(signal.SIGUSR2)
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, both)
    except Boom1:
        pass


def add(a, b):
    return a + b


def dump():
    out = {}
    os.makedirs(os.path.join(D, REL), exist_ok=True)
    fifo = os.path.join(D, REL, "test_zhidden.py")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    olds = [signal.signal(signal.SIGUSR1, _h1), signal.signal(signal.SIGUSR2, _h2),
            signal.signal(signal.SIGALRM, _alarm)]
    probe = os.open(os.devnull, os.O_RDONLY)
    os.close(probe)
    try:
        os.chdir(D)
        ARMED[0] = True
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            fd = os.open(REL + "test_zhidden.py", os.O_RDONLY)
            out["open"] = "returned %r" % fd
        except Boom2:
            out["open"] = "Boom2"
        except Exception as e:
            out["open"] = repr(e)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        ARMED[0] = ARMED2[0] = False
        os.chdir(HERE)
        for s, o in zip((signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM), olds):
            signal.signal(s, o)
    try:
        out["read"] = os.read(probe, 100000).decode()
    except OSError as e:
        out["read"] = repr(e)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def test_handler_raising_in_os_open_stand_in_leaks_the_descriptor(tmp_path):
    r = run_locked(tmp_path, SOL)
    text = leak(tmp_path)
    assert text, r.output[-3000:]
    # (on the host the locked module's disk copy is the runner's decoy)
    assert "read from disk" not in text or r.seen, ("LEAKED, unreported", text[:800], r.output[-2000:])
