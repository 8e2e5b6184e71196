"""Review 32, a sequel to test_open_frame_takers_from_c.py that does not need the
hidden module to be the solution's first importer (the challenge's conftest
or a visible module imports it first).

One frame read is enough, once, at any moment with no candidate frame on
the stack: the solution's own generator G raises and catches an exception
inside itself, so the traceback's tb_frame is G's frame; walk_tb over that
traceback, resumed from C at the first import's end (importlib reading
spec.loader, a property of C parts), hands G's frame object to a list.
From then on G's frame is a permanent view of whatever stack resumes G:
a resumed generator's f_back is its resumer's frame, and f_back, f_locals
raise no audit event, even read by G's own code (a candidate frame). The
module's class gets a `__spec__` property partial(next, G): every later
`import solution` resumes G, with the importer's frame below it. At the
hidden module's import G walks f_back to the hook's call_rewrite (`state`)
and run_module (`co`), and yields the real spec back to the import.
"""
import test_stand_in_closures as sc
from test_assay_audit import run
import pytest

# OPEN (a thirty-second review, found at the end of the fourteenth session,
# not fixed): strict xfails, so that a fix shows here. See docs/SECURITY.md.
pytestmark = pytest.mark.xfail(strict=True, reason="open: a trusted frame taker reached from C or past the names check")

SOL = r'''
import functools, json, operator, os, sys, threading, traceback, types
HERE = os.getcwd()
SINK = []
_STATE = []
_LEAK = {"codes": [], "state": False, "resumed": 0}
_REAL_SPEC = __spec__


def consts(co, out):
    todo = [co]
    while todo:
        c = todo.pop()
        for k in c.co_consts:
            if isinstance(k, types.CodeType):
                todo.append(k)
            elif isinstance(k, (int, str)) and not isinstance(k, bool):
                out.append(k)
    return out


def _viewer():
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        yield e.__traceback__          # (the first next(): our traceback)
    while True:
        _LEAK["resumed"] += 1
        me = SINK[0][0] if SINK else None
        f = me.f_back if me is not None else None   # whoever resumed us, live
        while f is not None:
            for k, v in list(f.f_locals.items()):
                if type(v) is types.CodeType and "zhidden" in v.co_filename:
                    _LEAK["codes"].append(consts(v, []))
                if k == "state" and type(v) is dict and not _STATE:
                    _LEAK["state"] = True
                    _STATE.append(v)
            f = f.f_back
        if _LEAK["codes"] or _STATE:
            with open(os.path.join(HERE, "leak.json"), "w") as fh:
                json.dump(_LEAK, fh)
        yield _REAL_SPEC


_G = _viewer()
_TB = next(_G)


class _Spec(type(__spec__)):
    pass


class _M(types.ModuleType):
    pass


# (1) at this import's end: G's frame, read by walk_tb resumed from C
_Spec.grab = functools.partial(SINK.extend, traceback.walk_tb(_TB))
_Spec.loader = property(operator.methodcaller("grab"))
__spec__.__class__ = _Spec
del _TB
# (2) at every later `import solution`: G resumed, the importer below it
_M.__spec__ = property(functools.partial(next, _G))
sys.modules[__name__].__class__ = _M


def add(a, b):
    if not _STATE:
        return a + b
    st = _STATE[0]
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
    want = [k for k in co.co_consts if isinstance(k, int) and not isinstance(k, bool) and k not in (a, b)]
    return want[-1] if want else a + b
'''

CONFTEST = "import solution  # (the challenge's conftest imports the solution first)\n"

VISIBLE = """import solution


def test_visible():
    assert solution.add(1, 1) == 2
"""

FORGE_HIDDEN = """import solution


def test_forged_a():
    assert solution.add(2, 2) == 5


def test_forged_b():
    assert solution.add(1, 1) == 77
"""


def test_generator_own_frame_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=SOL, tests=VISIBLE, conftest=CONFTEST,
            files={"tests/test_zhidden.py": FORGE_HIDDEN}, lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    text = sc.leaked(tmp_path)
    assert '"state": true' not in text and not (
        isinstance(got, dict) and got.get("test_forged_a") == "passed"
        and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen, text[:800])
