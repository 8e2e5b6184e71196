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

''' + sc.CONSTS_FN + r'''


def _viewer():
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        yield e.__traceback__          # (the first next(): our traceback)
    while True:
        _LEAK["resumed"] += 1
        me = SINK[0][0] if SINK else None
        f = me.f_back if me is not None else None   # whoever resumed us, live
        scan_frames(f, _LEAK, _STATE)
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

''' + sc.FORGE_ADD_FROM_STATE

CONFTEST = "import solution  # (the challenge's conftest imports the solution first)\n"

VISIBLE = """import solution


def test_visible():
    assert solution.add(1, 1) == 2
"""

FORGE_HIDDEN = sc.FORGE_CONST_HIDDEN


def test_generator_own_frame_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=SOL, tests=VISIBLE, conftest=CONFTEST,
            files={"tests/test_zhidden.py": FORGE_HIDDEN}, lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    text = sc.leaked(tmp_path)
    assert '"state": true' not in text and not (
        isinstance(got, dict) and got.get("test_forged_a") == "passed"
        and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen, text[:800])
