"""Review 32: traceback.walk_tb is a trusted generator that reads tb_frame
at its own instruction and yields the frame to whoever resumes it. Resumed
from C (no candidate frame on the stack), nothing asks where the frame
goes: blame finds only trusted frames, walk_tb's frame on top names
tb_frame, nothing below is at a store, walk_tb is not under a consumer (so
the consumer checks are skipped) and traceback's names are as installed.

The solution (first imported by the hidden module) keeps its own
exception's traceback, whose tb_frame is its module frame; its spec gets a
`loader` property of C parts, operator.methodcaller("grab"), and the
class attribute `grab` is functools.partial(SINK.extend,
traceback.walk_tb(tb)) (a partial is no descriptor: methodcaller calls it
with no arguments). importlib's _load_unlocked reads spec.loader after the
solution's body, with the hidden module's import below: list.extend
resumes walk_tb from C and keeps the frame. Later the solution's own code
walks f_back / f_locals (no events) from that frame: importlib, the hidden
module's frame, the hook's run_module (`co`, the hidden module's code) and
call_rewrite (`state`, the hook's per-thread dict).
"""
import pytest

import test_stand_in_closures as sc
from test_assay_audit import run

# OPEN (a thirty-second review, found at the end of the fourteenth session,
# not fixed): strict xfails, so that a fix shows here. See docs/SECURITY.md.
pytestmark = pytest.mark.xfail(strict=True, reason="open: a trusted frame taker reached from C or past the names check")

# What list.extend is handed, resumed or called from C with only trusted
# frames on the stack: (a) traceback's generator itself; (b) a trusted
# function that reads tb_frame and returns frames, called by map (a
# function, not a generator: nothing asks who called it for an attribute
# read); (c) pytest's TracebackEntry.frame property, read by attrgetter.
GRABBERS = {
    "walk_tb": "functools.partial(SINK.extend, traceback.walk_tb(_TB))",
    "getinnerframes": "functools.partial(SINK.extend, map(inspect.getinnerframes, [_TB]))",
    "pytest_entry_frame": "functools.partial(SINK.extend, map(operator.attrgetter('frame'), "
                          "_pytest._code.Traceback(_TB)))",
}

GRAB = r'''
import functools, inspect, json, operator, os, sys, threading, traceback, types
import _pytest._code
HERE = os.getcwd()
SINK = []
_STATE = []
try:
    raise ZeroDivisionError
except ZeroDivisionError as e:
    _TB = e.__traceback__


class _Spec(type(__spec__)):
    pass


_Spec.grab = GRABBER
_Spec.loader = property(operator.methodcaller("grab"))
__spec__.__class__ = _Spec
del _TB

''' + sc.CONSTS_FN + r'''


def _first_frame(x, depth=0):
    if type(x) is types.FrameType:
        return x
    if depth < 4 and isinstance(x, (list, tuple)):
        for y in x:
            r = _first_frame(y, depth + 1)
            if r is not None:
                return r
    r = getattr(x, "raw", None)  # (pytest's Frame)
    return r if type(r) is types.FrameType else None


def _walk():
    if _STATE or not SINK:
        return
    try:
        del _Spec.loader
    except AttributeError:
        pass
    leak = {"codes": [], "state": False, "frames": 0}
    f = _first_frame(SINK)
    scan_frames(f, leak, _STATE)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(leak, fh)
'''

READ_SOL = GRAB + r'''

def add(a, b):
    _walk()
    return a + b


def dump():
    _walk()
    return 1
'''


@pytest.mark.parametrize("how", sorted(GRABBERS))
def test_frame_taker_run_from_c_reads_hidden_code(tmp_path, how):
    r = run(tmp_path, solution=READ_SOL.replace("GRABBER", GRABBERS[how]), files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


FORGE_HIDDEN = sc.FORGE_CONST_HIDDEN

# With the hook's state: add() takes the test's frame and code (told to
# the hook as its own reads) and returns the constant the test compares with.
FORGE_SOL = GRAB + sc.FORGE_FN + r'''

def add(a, b):
    _walk()
    if not _STATE:
        return a + b
    st = _STATE[0]
    return _forge(a, b, st)
'''


def test_walk_tb_resumed_from_c_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL.replace("GRABBER", GRABBERS["walk_tb"]), files={"tests/test_zhidden.py": FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)
