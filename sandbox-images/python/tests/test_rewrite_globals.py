"""The twenty-third attacker review's routes to a locked hidden module's
source or code through what pytest's rewriting looks up at run time
(module globals of _pytest.assertion.rewrite the solution rebinds at
import: AssertionRewriter, _write_pyc, exec), and writes under tests/
through a class whose __init__ is a partialmethod of a library's. Each
test asserts the protected effect did not happen; all failed on the
commit before the fix (the hidden modules are rewritten and compiled at
install and run by the hook itself now; made_by reads the class's own
__init__). A hidden module's own globals stay readable through
sys.modules once pytest imported it (docs/SECURITY.md, "Calling the
tests")."""
import json

from protected_paths import KEEP, check_kept, check_absent
from test_assay_audit import run, DEFERRED_TESTS

HIDDEN = '''import solution

SECRET = "the secret 4242"


def test_hidden():
    assert solution.add(40, 2) == 42 and SECRET


def test_literal():
    assert solution.add(1000, 337) == 1337
'''

# What the candidate does with what it got: at its next call (from a test,
# after collection), writes everything it found to leak.json.
DUMP = '''
import json, sys, os
SINK = []


def _consts(co, out):
    todo = [co]
    while todo:
        c = todo.pop()
        for k in c.co_consts:
            if hasattr(k, "co_consts"):
                todo.append(k)
            elif isinstance(k, (int, str, bytes)) and not isinstance(k, bool):
                out.append(k if not isinstance(k, bytes) else k.decode("latin-1"))
    return out


def add(a, b):
    if SINK:
        out = []
        for x in SINK:
            if hasattr(x, "co_consts"):
                out.append(_consts(x, []))
            elif isinstance(x, bytes):
                out.append(x.decode("latin-1"))
            else:
                out.append(repr(x))
        with open(os.path.join(HERE, "leak.json"), "w") as fh:
            json.dump(out, fh)
    return a + b

HERE = os.getcwd()
'''


def check_no_leak(tmp_path, r):
    leak = tmp_path / "work" / "leak.json"
    text = leak.read_text() if leak.exists() else ""
    o = r.outcomes() if r.junit else {}
    guard = json.loads(r.result["guard"]).get("findings") if r.result and r.result.get("guard") else None
    # (what the candidate may get: pytest's empty stand-in module's code)
    assert "4242" not in text and "1337" not in text and "SECRET" not in text, ("SEEN", r.seen, "OUTCOMES", {k: v[0] for k, v in o.items()}, "GUARD", guard, "LEAK", text[:400])


def run_locked(tmp_path, sol, tests=DEFERRED_TESTS, **kw):
    return run(tmp_path, solution=sol, tests=tests, files={"tests/test_zhidden.py": HIDDEN},
               lock=["tests/test_zhidden.py"], **kw)


# A. rewrite_asserts (captured at install) looks up AssertionRewriter in
#    pytest's module at run time and hands it the module's bytes: a
#    module global of _pytest.assertion.rewrite, rebound by the solution
#    at import. Seamless: the subclass does the real rewrite.
REWRITER_SOL = DUMP + '''
_rw = sys.modules["_pytest.assertion.rewrite"]
_Real = _rw.AssertionRewriter


class Spy(_Real):
    def __init__(self, module_path, config, source):
        if module_path and ("zhidden" in str(module_path) or "hidden/test_b" in str(module_path)):
            SINK.append(source)
        super().__init__(module_path, config, source)


_rw.AssertionRewriter = Spy
'''


def test_assertion_rewriter_global_gets_source(tmp_path):
    r = run_locked(tmp_path, REWRITER_SOL)
    check_no_leak(tmp_path, r)


# B. exec_module hands the compiled code to _write_pyc (a module global)
#    when sys.dont_write_bytecode is false (a plain attribute), after
#    try_makedirs (a module global) says yes. Seamless: exec_module then
#    execs the code as always.
WRITE_PYC_SOL = DUMP + '''
_rw = sys.modules["_pytest.assertion.rewrite"]


def _mk(d):
    return True


def _wp(state, co, st, pyc):
    if "zhidden" in co.co_filename:
        SINK.append(co)
    return True


sys.dont_write_bytecode = False
_rw.try_makedirs = _mk
_rw._write_pyc = _wp
'''


def test_write_pyc_global_gets_code(tmp_path):
    r = run_locked(tmp_path, WRITE_PYC_SOL)
    check_no_leak(tmp_path, r)


# C. exec_module calls exec(co, module.__dict__) by a global name: a
#    module global `exec` in _pytest.assertion.rewrite shadows the builtin.
EXEC_SOL = DUMP + '''
import builtins
_rw = sys.modules["_pytest.assertion.rewrite"]


def _exec(co, d):
    if "zhidden" in co.co_filename:
        SINK.append(co)
        return None   # (not executed: the tests go missing, still a read)
    return builtins.exec(co, d)


_rw.exec = _exec
'''


def test_exec_global_gets_code(tmp_path):
    r = run_locked(tmp_path, EXEC_SOL)
    check_no_leak(tmp_path, r)


# ---- goal 2: writes under tests/ through the new relaxations ----------------





# E. made_by: the test constructs the candidate's class by module attribute
#    (`solution.Cache(2)`); the class subclasses zipfile.ZipFile and its
#    __init__ is a functools.partialmethod binding a path under tests/ and
#    mode "w". type.__call__ -> partialmethod.__get__ (returned) -> partial
#    (C) -> ZipFile.__init__ -> io.open(path, "w+b"): calls_this takes the
#    ZipFile.__init__ frame as the test's doing, since its self is an
#    instance of the class solution.Cache names (made_by).
ZIP_SOL = '''
import functools, os, zipfile
HERE = os.getcwd()


class Cache(zipfile.ZipFile):
    __init__ = functools.partialmethod(zipfile.ZipFile.__init__, os.path.join(HERE, "tests", "%s"), "w", 0)

    def get(self, k):
        return -1
'''
CLASS_TESTS = '''import solution


def test_cache():
    c = solution.Cache(2)
    assert c.get(1) == -1
'''


def test_made_by_zipfile_partialmethod_plants_conftest(tmp_path):
    r = run(tmp_path, solution=ZIP_SOL % "conftest.py", tests=CLASS_TESTS)
    check_absent(tmp_path, r, "conftest.py")


def test_made_by_zipfile_partialmethod_clobbers(tmp_path):
    r = run(tmp_path, solution=ZIP_SOL % "keep.txt", tests=CLASS_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# E2. The same inside a rewritten assert (the class loaded into a
#     @py_assert temporary): `assert solution.Cache(2).get(1) == -1`.
CLASS_ASSERT_TESTS = '''import solution


def test_cache():
    assert solution.Cache(2).get(1) == -1
'''


def test_made_by_in_assert_clobbers(tmp_path):
    r = run(tmp_path, solution=ZIP_SOL % "keep.txt", tests=CLASS_ASSERT_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# A2. As the hidden phase lays it out (pytest runs tests/hidden only, every
#     module locked): the solution's first import comes from the first
#     hidden module's body, after its rewrite; every later module's bytes
#     go to the candidate's AssertionRewriter, and all tests still pass.
HIDDEN_A = '''import solution


def test_a():
    assert solution.add(1, 1) == 2
'''


def test_hidden_phase_layout_later_modules_leak(tmp_path):
    (tmp_path / "work" / "tests" / "hidden").mkdir(parents=True)
    r = run(tmp_path, solution=REWRITER_SOL, files={"tests/hidden/test_a.py": HIDDEN_A, "tests/hidden/test_b.py": HIDDEN},
            lock=["tests/hidden/test_a.py", "tests/hidden/test_b.py"], args=["tests/hidden"])
    check_no_leak(tmp_path, r)
