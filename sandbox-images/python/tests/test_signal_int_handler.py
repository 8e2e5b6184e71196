"""Review 37: a signal handler that is an int subclass with __call__ is
installed raw, no trampoline, and gets the interrupted frame.

`call_signal` (the `_signal.signal` stand-in) wraps a handler in the
trampoline only `if not _issubclass(_type(handler), _int) and handler is
not None`: the test meant SIG_DFL / SIG_IGN (and signal.Handlers' IntEnum
members). But CPython's signal.signal accepts as a handler anything
callable that is not *the* SIG_DFL / SIG_IGN object (`handler ==
modstate->ignore_handler`, by identity), so `class H(int): def
__call__(self, signum, frame)` passes through the stand-in untouched, and
the C machinery calls it with the frame it interrupted. (Only the stdlib's
`signal.signal` turns it into a plain int, through `_enum_to_int`: the
candidate calls `_signal.signal`, or `signal._signal.signal`, directly.)

From that frame, `f_back`, `f_locals` and `f_globals` raise no audit event.

A. With an interval timer (ITIMER_PROF: SIGPROF, nothing of pytest's) the
   handler lands inside the hook while the candidate spams an audited read
   the hook allows; it takes the hook's `state` dict out of the hook's
   frames' f_locals, and with it (as the twenty-sixth review did) tells
   the hook that its reads of tb_frame and f_code are the hook's own: the
   calling hidden test's code, its expected value among the constants.
B. No hook state, no audited event at all: add() raises a signal, the
   handler gets add's own frame, and f_back.f_locals is the hidden test's:
   add returns the test's expected value. Both hidden tests pass, nothing
   is reported (a canary of such a test would pass too: the canaries'
   bound is all that is left).

The stand-in now wraps every handler that is not exactly an int, and
refuses what C would refuse (neither an exact int nor callable) with C's
TypeError, so that a type made callable after the check is still wrapped.
"""
from test_assay_audit import run
import test_stand_in_closures as sc

RAW = r'''
import json, os, signal, sys, threading, time, types
import _signal
HERE = os.getcwd()
GOT = {}


class _Raw(int):
    """An int, so the stand-in leaves it raw; callable, so C accepts it."""

    def __call__(self, signum, frame):
        # inside the hook (state BUSY) as often as not: nothing audited
        # here, only f_back, f_globals, f_locals and dict lookups
        GOT["frames"] = GOT.get("frames", 0) + 1
        if frame is not None and "first" not in GOT:
            GOT["first"] = frame
        f, n = frame, 0
        while f is not None and n < 300:
            if f.f_globals.get("__name__") == "assay_audit" and "state" not in GOT:
                s = f.f_locals.get("state")
                if type(s) is dict:
                    GOT["state"] = s
            f = f.f_back
            n += 1


RAW_HANDLER = _Raw(0)


def _find_state():
    if "state" in GOT:
        return GOT["state"]
    old = _signal.signal(signal.SIGPROF, RAW_HANDLER)
    signal.setitimer(signal.ITIMER_PROF, 0.0002, 0.0002)
    end = time.monotonic() + 5
    try:
        while "state" not in GOT and time.monotonic() < end:
            try:
                getattr(_find_state, "__code__")  # (an audited read the hook allows)
            except Exception:
                pass
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        _signal.signal(signal.SIGPROF, old)
    return GOT.get("state")
''' + sc.PEEK_CONSTS

CONSTS_SOL = RAW + r'''

def add(a, b):
    """Reads the calling hidden test's code through the hook's state (its
    frame's f_code, told it is the hook's own read) and writes its
    constants out."""
    out = {"found_state": False}
    try:
        st = _find_state()
        out["found_state"] = st is not None
        tid = threading.get_ident()
        try:
            raise ZeroDivisionError
        except ZeroDivisionError as e:
            tb = e.__traceback__
        st[tid] = tb
        try:
            me = tb.tb_frame
        finally:
            st.pop(tid, None)
        test = me.f_back
        st[tid] = test
        try:
            co = test.f_code
        finally:
            st.pop(tid, None)
        out[co.co_name] = consts(co, [])
    except BaseException as e:
        out["error"] = repr(e)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return a + b


def dump():
    return 1
'''


def test_int_handler_reads_hidden_test_code(tmp_path):
    r = run(tmp_path, solution=CONSTS_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


# B. A forged pass with no audited event: the frame the handler is given.
FORGE_HIDDEN = '''import solution


def test_forged_a():
    expected = 5
    assert solution.add(2, 2) == expected


def test_forged_b():
    want = 77
    assert solution.add(1, 1) == want
'''

FORGE_SOL = r'''
import signal
import _signal

GOT = []


class _Raw(int):
    def __call__(self, signum, frame):
        GOT.append(frame)


_signal.signal(signal.SIGUSR1, _Raw(0))


def add(a, b):
    del GOT[:]
    signal.raise_signal(signal.SIGUSR1)   # (no audit event)
    f = GOT.pop() if GOT else None        # add's own frame, or a callee's
    while f is not None and f.f_globals.get("__name__") == __name__:
        f = f.f_back
    if f is not None:                     # the hidden test's frame
        for k, v in f.f_locals.items():
            if type(v) is int and v not in (a, b):
                return v
    return a + b
'''


def test_int_handler_forges_a_pass_unreported(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zhidden.py": FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)


# What C accepts and refuses is unchanged for honest code: exact ints (SIG_DFL,
# SIG_IGN) set as they are, callables are called (through the trampoline),
# anything else is C's TypeError, and getsignal hands back what was set.
HONEST_SOL = r'''
import signal
import _signal

SEEN = []


class Counting(int):
    def __call__(self, signum, frame):
        SEEN.append(signum)


def add(a, b):
    out = []
    h = Counting(7)
    old = _signal.signal(signal.SIGUSR1, h)
    signal.raise_signal(signal.SIGUSR1)
    out.append(_signal.getsignal(signal.SIGUSR1) is h)
    out.append(SEEN == [signal.SIGUSR1])
    for bad in (None, object(), "SIG_IGN", signal.Handlers.SIG_IGN):
        try:
            _signal.signal(signal.SIGUSR2, bad)
            out.append("accepted %r" % (bad,))
        except TypeError as e:
            out.append("callable object" in str(e))
    _signal.signal(signal.SIGUSR1, int(signal.SIG_IGN))
    out.append(_signal.getsignal(signal.SIGUSR1) == signal.SIG_IGN)
    _signal.signal(signal.SIGUSR1, old)
    return a + b if out == [True] * 7 else repr(out)
'''

HONEST_TESTS = '''import solution


def test_handlers_as_c_takes_them():
    assert solution.add(2, 3) == 5
'''


def test_handlers_keep_c_semantics(tmp_path):
    r = run(tmp_path, solution=HONEST_SOL, tests=HONEST_TESTS)
    assert sc.outcomes(r) == {"test_handlers_as_c_takes_them": "passed"}, (r.seen, r.output[-2000:])
