"""Review 27: own_builtins (the twenty-sixth review's fix) runs the
candidate's code, and does not open functools.partial.

own_builtins starts with `d.get("__builtins__")` on the hidden module's
dict. The solution, imported by that module's `import solution`, puts in
the dict a key of a str subclass whose hash is hash("__builtins__") (and
re-inserts "__builtins__" after it, so that its key is probed first): its
`__eq__` then runs at every lookup of "__builtins__" in the module's
globals, at each `def` of the module (MAKE_FUNCTION) and at own_builtins'
first line. `warnings.warn(stacklevel=3)` inside it says, with no audit
event, whose frame looked the key up (the module's or assay_audit.py's).
For a `def` it sets the module's `__builtins__` to a dict with
`len = eval`; for own_builtins it puts the real builtins back and
replaces each such function in the module by `functools.partial(fn)`,
which the walk does not open and which pytest collects (get_real_func
unwraps it). The test's len() then runs the candidate's string in the
test's frame, locals() included. Asserts the locals did not leak; fails
while the route is open."""
from test_assay_audit import run

HIDDEN = """import solution


def test_len():
    secret = 5151
    assert len(solution.items(secret)) == 2
"""

SOL = r'''
import builtins, functools, json, os, sys, types, warnings
HERE = os.getcwd()
SINK = []
REAL = builtins.__dict__
EVIL = dict(REAL, len=eval)


class Payload(str):
    pass


def items(x):
    return Payload("__import__('solution').SINK.append(repr(locals())) or 2")


def _who():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        warnings.warn("probe", stacklevel=3)  # 1 _who, 2 __eq__, 3 whoever looked the key up
    return w[0].filename if w else ""


class Key(str):
    def __hash__(self):
        return hash("__builtins__")

    def __eq__(self, other):
        if type(other) is str and str.__eq__(other, "__builtins__") and MOD is not None:
            d = MOD.__dict__
            who = _who()
            if who.endswith("test_zzzz_hidden.py"):
                d["__builtins__"] = EVIL           # (a value: no restart of the lookup)
            elif who.endswith("assay_audit.py"):
                d["__builtins__"] = REAL
                for k, v in list(d.items()):
                    if type(v) is types.FunctionType and v.__builtins__ is EVIL:
                        d[k] = functools.partial(v)
        return False

    __ne__ = lambda self, other: True


MOD = next((m for k, m in list(sys.modules.items()) if k.endswith("test_zzzz_hidden")), None)
if MOD is not None:
    _d = MOD.__dict__
    _d.setdefault("__warningregistry__", {})
    _b = _d.pop("__builtins__")
    _d[Key("zz_key")] = None
    _d["__builtins__"] = _b


def dump():
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(SINK, fh)
    return 1
'''

LAST = '''import solution


def test_zzzz_last():
    assert solution.dump() == 1
'''


def test_builtins_key_eq_and_partial(tmp_path):
    r = run(tmp_path, solution=SOL,  # (the hidden module imports the solution first)
            files={"tests/test_zzzz_hidden.py": HIDDEN, "tests/test_zzzzz.py": LAST},
            lock=["tests/test_zzzz_hidden.py"])
    p = tmp_path / "work" / "leak.json"
    text = p.read_text() if p.exists() else ""
    got = {k: v[0] for k, v in r.outcomes().items()} if r.junit else r.output[-3000:]
    assert "5151" not in text, ("LEAKED", got, r.seen, text[:1500])
