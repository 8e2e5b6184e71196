"""The twenty-fourth attacker review: routes from the candidate's code to
what a locked hidden test function holds (its constants, source, code),
with the hidden module rewritten and compiled at install and run by the
hook's rewrite_test. Each test asserts the secret did not leak (every
hidden test still passes). Docstrings leaked on d20fb73 (fixed: stripped
at install); what a test hands to the candidate's code or to a library
the candidate can read (a callback's defaults and closure, re's pattern
cache) is the candidate's by design, xfail (strict) below and in
docs/SECURITY.md."""
import json

import pytest

from test_assay_audit import run

# The hidden module: each test function holds a literal used nowhere else.
HIDDEN = '''import re
import pytest
import solution

SECRET = "the secret 4242"


def test_doc():
    """add(1000, 337) gives 7777, a docstring only here"""
    assert solution.add(40, 2) == 42 and SECRET


def test_raises():
    with pytest.raises(ValueError, match="negative 5150 not allowed"):
        solution.check(-1)


def test_regex():
    assert re.fullmatch(r"slug-9191-[a-z]+", solution.slug("x"))


def test_callback():
    offset = 2468
    assert solution.apply(lambda x, k=8642: x + k + offset, 1) == 11111


@pytest.fixture
def fx():
    fixture_local = "fixture 3131"
    yield 5


def test_fixture(fx):
    assert solution.add(fx, 1000) == 1005
'''

# A module pytest collects after the hidden one: the candidate's last call
# writes what it found to leak.json.
LAST = '''import solution


def test_zzzz_last():
    assert solution.dump() == 1
'''

BASE = r'''
import json, os, sys, re, traceback, inspect, types, operator, pickle, functools
HERE = os.getcwd()
OUT = {}
HOLD = {}


def tryit(name, fn):
    try:
        OUT[name] = repr(fn())[:100000]
    except BaseException as e:
        OUT[name] = "EXC %s: %s" % (type(e).__name__, str(e)[:200])


def hidden():
    return next(m for k, m in list(sys.modules.items()) if "zhidden" in k)


def tests():
    return {k: v for k, v in vars(hidden()).items() if k.startswith("test")}


def add(a, b):
    probe_add()
    return a + b


def check(x):
    e = ValueError("negative 5150 not allowed")
    HOLD["e"] = e
    raise e


def apply(f, x):
    HOLD["f"] = f
    return f(x)


def slug(s):
    return "slug-9191-abc"


def probe_add():
    pass


def dump():
    probe()
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh, indent=1)
    return 1
'''

SECRETS = ("7777", "5150", "9191", "8642", "2468", "3131", "11111", "1005")


def run_route(tmp_path, probe):
    r = run(tmp_path, solution=BASE + probe, files={"tests/test_zhidden.py": HIDDEN, "tests/test_zzzz.py": LAST},
            lock=["tests/test_zhidden.py"])
    leak = tmp_path / "work" / "leak.json"
    text = leak.read_text() if leak.exists() else ""
    outcomes = {k: v[0] for k, v in r.outcomes().items()} if r.junit else r.output[-2000:]
    # (the route is seamless: every hidden test passes)
    assert r.junit and all(v == "passed" for v in outcomes.values()), outcomes
    found = [s for s in SECRETS if s in text]
    assert not found, ("LEAKED", found, "SEEN", r.seen, "LEAK", text[:1500])


# A. Leaks, by design: re's module-level pattern cache (re._cache, a plain dict)
#    keeps every pattern string any code compiled: pytest.raises(match=...)
#    (ExceptionInfo.match -> re.search) and a test's own re.fullmatch put
#    the test function's literals there. Passive, no audited event at all.
@pytest.mark.xfail(strict=True, reason="what a test passes to a library is the candidate's to read (SECURITY.md)")
def test_re_cache_holds_test_literals(tmp_path):
    run_route(tmp_path, '''
def probe():
    tryit("re_cache", lambda: [k[1] for k in re._cache])
''')


# B. Leaked before d20fb73's successor: a test function's docstring is its code's co_consts[0], and
#    fn.__doc__ is a plain attribute (no audit event).
def test_docstring_of_test_function(tmp_path):
    run_route(tmp_path, '''
def probe():
    tryit("docs", lambda: {k: f.__doc__ for k, f in tests().items()})
''')


# C. Leaks, by design: a function the test hands the solution (a callback, a key, a
#    predicate): its __defaults__ / __kwdefaults__ (the test's literals)
#    and its __closure__ cells (the test's locals) are plain attributes;
#    only __code__ is refused.
@pytest.mark.xfail(strict=True, reason="what a test hands the candidate's code is the candidate's (SECURITY.md)")
def test_callback_defaults_and_closure(tmp_path):
    run_route(tmp_path, '''
def probe():
    f = HOLD["f"]
    tryit("defaults", lambda: f.__defaults__)
    tryit("closure", lambda: [c.cell_contents for c in f.__closure__ or ()])
''')


# D. Held: frames, code and source by the usual tools, at import (the
#    solution's first import runs under run_module / rewrite_test, whose
#    locals hold the module's code) and after.
IMPORT_PROBES = '''
tryit("import_getframe", lambda: sys._getframe(2).f_locals)
tryit("import_stack", lambda: [fi.frame.f_locals for fi in inspect.stack()])
tryit("import_extract_stack", lambda: traceback.extract_stack())
try:
    raise KeyError("x")
except KeyError as _e:
    tryit("import_exc_tb_frame", lambda: _e.__traceback__.tb_frame.f_back.f_locals)
tryit("import_rewrite_closure", lambda: [c.cell_contents for c in
       sys.modules["_pytest.assertion.rewrite"]._rewrite_test.__closure__])
'''


def test_frames_code_source_held(tmp_path):
    run_route(tmp_path, IMPORT_PROBES + '''
def probe():
    fns = tests()
    lit = fns["test_fixture"]
    tryit("getsource", lambda: [inspect.getsource(f) for f in fns.values()])
    tryit("tbexc_locals", lambda: "".join(traceback.TracebackException.from_exception(
        HOLD["e"], capture_locals=True).format()))
    tryit("extract_tb", lambda: [(s.lineno, s.line) for s in traceback.extract_tb(HOLD["e"].__traceback__)])
    tryit("tb_frame", lambda: HOLD["e"].__traceback__.tb_frame.f_locals)
    tryit("code_getset", lambda: types.FunctionType.__code__.__get__(lit).co_consts)
    tryit("attrgetter", lambda: operator.attrgetter("__code__")(lit).co_consts)
    tryit("lambda_code", lambda: HOLD["f"].__code__.co_consts)
    tryit("dis", lambda: [i.argval for i in __import__("dis").get_instructions(lit)])
    tryit("pickle", lambda: pickle.dumps(lit))
    tryit("closurevars", lambda: [inspect.getclosurevars(f) for f in fns.values()])
    tryit("genlocals", lambda: HOLD.get("gen"))


def probe_add():
    # (during test_fixture: the yield fixture's generator is alive)
    cfg = next(h.config for h in sys.meta_path if hasattr(h, "config"))
    fm = cfg.pluginmanager.get_plugin("funcmanage")
    for defs in fm._arg2fixturedefs.values():
        for d in defs:
            for fin in getattr(d, "_finalizers", []):
                for a in getattr(fin, "args", ()):
                    if isinstance(a, types.GeneratorType):
                        tryit("gen", lambda: inspect.getgeneratorlocals(a))
                        HOLD["gen"] = OUT["gen"]
''')


# E. The solution's first import runs in the middle of the hidden module's
#    body: it gives the module other builtins (sorted is eval), which every
#    function defined after it keeps, and a test's sorted(...) of the
#    candidate's string would run it in the test's frame (locals()). The
#    module's import is refused: its tests go missing (a finding).
BUILTINS_SOL = """
import builtins, sys
SINK = []
for _k, _m in list(sys.modules.items()):
    if "zhidden" in _k:
        _m.__dict__["__builtins__"] = dict(builtins.__dict__, sorted=eval)


def add(a, b):
    return a + b
"""
BUILTINS_HIDDEN = """import solution


def test_sorted():
    secret = 6060
    assert sorted("__import__('solution').SINK.append(dict(locals())) or [1]") == [1]
    assert solution.add(secret, 0) == 6060
"""


def test_builtins_given_to_the_hidden_module(tmp_path):
    r = run(tmp_path, solution=BUILTINS_SOL + "\n\ndef dump():\n    return 1 if not SINK else 0\n",
            files={"tests/test_zhidden.py": BUILTINS_HIDDEN, "tests/test_zzzz.py": LAST},
            lock=["tests/test_zhidden.py"])
    outcomes = r.outcomes()
    # (a collection error: pytest stops there, the run is a finding)
    assert "test_sorted" not in outcomes, outcomes
    err = outcomes.get("tests.test_zhidden", ("missing", ""))
    assert err[0] == "error" and "other builtins" in err[1], outcomes
