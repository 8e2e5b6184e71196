"""Review 28, the same window as test_hook_window_state.py without the
hook's generators, and without signals: what the window gives is any
audited event whose first argument is the object the hook is reading for
its caller.

1, 2: the trigger is `inspect.getfile(F)` for a hidden test function F
(a consumer: the hook reads `F.__code__` itself in decide's code_attrs
branch, then allows the call quietly; it returns a file name). A signal
handler landing at the nested hook's RESUME (see the other file) reads
`F.__code__` (the hidden constants), or sets it (`F.__code__ =
passing.__code__`, "object.__setattr__" with args[0] F): the hidden tests
then run the candidate's code and pass. Nothing is reported (the handler
ends with a BaseException, which judge() does not catch).

(A collection as the carrier instead of a signal did not hit on the host:
the one allocation in the window, the audit event's argument tuple, comes
from the tuple free list, which runs no collection. Each test fails while
the route is open.)
"""
import test_stand_in_closures as sc
from test_assay_audit import run

HIDDEN = sc.CONSTS_HIDDEN

SIG = r'''
import json, os, signal, sys, time, types, inspect
HERE = os.getcwd()


class _Escape(BaseException):
    pass


def _own():
    pass


def _passes():
    pass


_PASS_CODE = _passes.__code__  # (read now: inside the hook only the one event goes through)


_GOT = {}
_F = []


def _h(signum, frame):
    try:
        _own.__code__  # allowed outside the hook, refused quietly inside
        return
    except PermissionError:
        pass
    try:
        ACTION(_F[0])  # one audited event with args[0] the hook's state
    except PermissionError:
        return
    _GOT["hit"] = True
    raise _Escape


def _window(fn):
    _F[:] = [fn]
    _GOT.pop("hit", None)
    old = signal.signal(signal.SIGVTALRM, _h)
    signal.setitimer(signal.ITIMER_VIRTUAL, 0.0001, 0.0001)
    end = time.monotonic() + 1  # (a hit took about 1 ms while the route was open)
    try:
        while "hit" not in _GOT and time.monotonic() < end:
            try:
                inspect.getfile(fn)  # a consumer: the hook reads fn.__code__, quietly
            except _Escape:
                pass
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)
    return "hit" in _GOT


def _hidden_tests():
    m = [m for n, m in list(sys.modules.items()) if "zhidden" in n][0]
    return [(k, v) for k, v in list(vars(m).items()) if isinstance(v, types.FunctionType) and k.startswith("test")]
''' + sc.CONSTS_FN

READ_SOL = SIG + r'''

def ACTION(fn):
    _GOT["code"] = fn.__code__


def add(a, b):
    return a + b


def dump():
    out = {}
    for k, fn in _hidden_tests():
        if _window(fn):
            out[k] = consts(_GOT["code"], [])
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def test_getfile_window_reads_hidden_code(tmp_path):
    r = run(tmp_path, solution=READ_SOL, files={"tests/test_zhidden.py": HIDDEN}, lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


SWAP_HIDDEN = '''import solution


def test_0_first():
    assert solution.add(1, 2) == 3


def test_forged_a():
    assert solution.add(2, 2) == 5


def test_forged_b():
    assert solution.add(1, 1) == 77
'''

SWAP_SOL = SIG + r'''

def ACTION(fn):
    fn.__code__ = _PASS_CODE


_DONE = []


def add(a, b):
    if not _DONE:
        _DONE.append(1)
        for k, fn in _hidden_tests():
            if k.startswith("test_forged"):
                _window(fn)
    return a + b
'''


def test_getfile_window_swaps_hidden_test_code(tmp_path):
    r = run(tmp_path, solution=SWAP_SOL, files={"tests/test_zhidden.py": SWAP_HIDDEN}, lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)
