"""Review 26, route 2 (own_builtins, fresh_module): fresh_module accepts a
module dict that already holds `__builtins__` (any dict), so a module the
candidate's finder makes (the twenty-fifth review's route C, with only
the import attributes now) runs the locked code with the candidate's
builtins in its module frame. Its `__build_class__` then runs at every
class statement: it points the module's `__builtins__` at a dict with
`len = eval` while the class body defines the test methods, builds that
class under another name, and returns a subclass of it with an empty
dict, and puts the real builtins back. own_builtins looks only at the
functions in each class's own `__dict__`, not inherited ones: it passes,
pytest collects the inherited test method, and its len() runs the
candidate's string in the test's frame, locals() included. Asserts the
locals did not leak; fails while the route is open."""
from test_assay_audit import run

HIDDEN = """import solution


class TestThing:
    def test_len(self):
        secret = 5151
        assert len(solution.items(secret)) == 2
"""

SOL = r'''
import builtins, json, os, sys, types, importlib.util
HERE = os.getcwd()
SINK = []
REAL = builtins.__dict__


class Payload(str):
    pass


def items(x):
    return Payload("__import__('solution').SINK.append(repr(locals())) or 2")


EVIL = dict(REAL, len=eval)


def _import(name, g=None, l=None, fromlist=(), level=0):
    if isinstance(g, dict) and g.get("__builtins__") is B0:
        g["__builtins__"] = REAL
    return builtins.__import__(name, g, l, fromlist, level)


def _build_class(func, name, *bases, **kw):
    g = MOD.__dict__
    g["__builtins__"] = EVIL
    try:
        impl = builtins.__build_class__(func, name + "Impl", *bases, **kw)
    finally:
        g["__builtins__"] = REAL
    return type(name, (impl,), {"__module__": g["__name__"], "__qualname__": name})


B0 = dict(REAL, __import__=_import, __build_class__=_build_class)
MOD = None
_hook = next(h for h in sys.meta_path if type(h).__name__ == "AssertionRewritingHook")


class Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        global MOD
        if name.endswith("test_zzzz_hidden"):
            target = os.path.join(HERE, "tests", "test_zzzz_hidden.py")
            m = MOD = types.ModuleType(name)
            m.__dict__["__builtins__"] = B0
            def _cm(spec):
                del _hook.create_module
                return m
            _hook.create_module = _cm
            return importlib.util.spec_from_loader(name, _hook, origin=target)
        return None


sys.meta_path.insert(0, Finder)


def dump():
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(SINK, fh)
    return 1
'''

LAST = '''import solution


def test_zzzz_last():
    assert solution.dump() == 1
'''


def test_builtins_key_and_inherited_methods(tmp_path):
    r = run(tmp_path, solution=SOL, tests="import solution\n\n\ndef test_v():\n    assert solution.dump() == 1\n",
            files={"tests/test_zzzz_hidden.py": HIDDEN, "tests/test_zzzzz.py": LAST},
            lock=["tests/test_zzzz_hidden.py"])
    p = tmp_path / "work" / "leak.json"
    text = p.read_text() if p.exists() else ""
    got = {k: v[0] for k, v in r.outcomes().items()} if r.junit else r.output[-3000:]
    assert "5151" not in text, ("LEAKED", got, r.seen, text[:1500])


# The same class trick with no finder: the solution, imported by the hidden
# module, replaces the real builtins' __build_class__, which the module's
# class statement then calls.
SOL_BUILD_CLASS = r'''
import builtins, json, os, sys
HERE = os.getcwd()
SINK = []
REAL = builtins.__dict__
EVIL = dict(REAL, len=eval)
_orig = builtins.__build_class__


class Payload(str):
    pass


def items(x):
    return Payload("__import__('solution').SINK.append(repr(locals())) or 2")


def _build_class(func, name, *bases, **kw):
    mod = next((m for k, m in list(sys.modules.items()) if k.endswith("test_zzzz_hidden")), None)
    if mod is None:
        return _orig(func, name, *bases, **kw)
    g = mod.__dict__
    g["__builtins__"] = EVIL
    try:
        impl = _orig(func, name + "Impl", *bases, **kw)
    finally:
        g["__builtins__"] = REAL
    return type(name, (impl,), {"__module__": g["__name__"], "__qualname__": name})


builtins.__build_class__ = _build_class


def dump():
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(SINK, fh)
    return 1
'''


def test_build_class_replaced_in_the_real_builtins(tmp_path):
    r = run(tmp_path, solution=SOL_BUILD_CLASS, tests="import solution\n\n\ndef test_v():\n    assert solution.dump() == 1\n",
            files={"tests/test_zzzz_hidden.py": HIDDEN, "tests/test_zzzzz.py": LAST},
            lock=["tests/test_zzzz_hidden.py"])
    p = tmp_path / "work" / "leak.json"
    text = p.read_text() if p.exists() else ""
    got = {k: v[0] for k, v in r.outcomes().items()} if r.junit else r.output[-3000:]
    assert "5151" not in text, ("LEAKED", got, r.seen, text[:1500])
    # (the walk found the inherited methods: the module was refused, a
    # collection error, and its test is not in the report)
    outcomes = r.outcomes()
    errors = [m for k, (o, m) in outcomes.items() if k.endswith("test_zzzz_hidden") and o == "error"]
    assert "test_len" not in outcomes and errors and "ran with other builtins" in errors[0], outcomes
