"""The twenty-second attacker review's routes to a locked hidden module's
bytes: the hook's stand-in for pytest's _rewrite_test handed them to any
caller with no candidate frame below, and a gc callback made of C parts
called it during collection (and, seamlessly, installed the stolen code
as pytest's _rewrite_test). Now only pytest's own import of that module
gets them (pytest_imports). Both failed before that check."""
import os

from test_assay_audit import run, DEFERRED_TESTS





# 9. Reading a hidden test module: the hook's stand-in for pytest's
#    _rewrite_test hands a locked module's bytes (compiled) to any caller
#    with no candidate frame below (culprit_at: blame only, no deferred
#    check). A gc callback of C parts, run during collection after the
#    solution's import, calls it: the candidate gets the hidden module's
#    code object (its expected values) before pytest imports it.
STEAL_SOL = '''
import functools, gc, json, os, pathlib, sys
SINK = []
_rt = sys.modules["_pytest.assertion.rewrite"]._rewrite_test
_P = pathlib.Path(os.getcwd(), "tests", "test_zhidden.py")


def add(a, b):
    if SINK:
        out = []
        for st, co in SINK:
            consts = []
            todo = [co]
            while todo:
                c = todo.pop()
                for k in c.co_consts:
                    if hasattr(k, "co_consts"):
                        todo.append(k)
                    elif isinstance(k, (int, str)) and not isinstance(k, bool):
                        consts.append(k)
            out.append(consts)
        with open("leak.json", "w") as fh:
            json.dump(out, fh)
    return a + b


gc.collect()
gc.callbacks.append(functools.partial(set().union, map(SINK.append, map(functools.partial(_rt, _P), [None]))))
'''
HIDDEN = '''import solution

SECRET = "the secret 4242"


def test_hidden():
    assert solution.add(40, 2) == 42 and SECRET
''' + "".join("\n\ndef test_filler_%d():\n    assert %d == %d\n" % (i, i, i) for i in range(50))


def test_gc_callback_steals_locked_hidden_module(tmp_path):
    r = run(tmp_path, solution=STEAL_SOL, tests=DEFERRED_TESTS.replace("import solution", "import solution\nJUNK = [[i] for i in range(20000)]"),
            files={"tests/test_zhidden.py": HIDDEN}, lock=["tests/test_zhidden.py"])
    leak = tmp_path / "work" / "leak.json"
    assert not leak.exists(), (leak.read_text()[:3000], r.seen, r.outcomes(), r.output[-2000:])
    # refused and reported, and pytest's own import still got the module
    assert any(s.startswith("reading ") and "test_zhidden.py" in s for s in r.seen), r.seen
    assert r.outcomes().get("test_hidden", ("missing",))[0] == "passed", r.outcomes().get("test_hidden")


# 9b. The same, seamless: the gc callback's chain of C parts also stores
#     the stolen (stat, code) in a dict and installs that dict's .get as
#     pytest's _rewrite_test (a plain module attribute), so pytest imports
#     the hidden module from the stolen code: every hidden test is
#     collected and runs, nothing is missing, and the candidate holds the
#     module's constants.
STEAL_SEAMLESS_SOL = STEAL_SOL.split("gc.callbacks.append(")[0] + '''
STOLEN = {}
_rw = sys.modules["_pytest.assertion.rewrite"]
gc.callbacks.append(functools.partial(
    set().union,
    map(STOLEN.__setitem__, [_P], map(functools.partial(_rt, _P), [None])),
    map(SINK.append, map(STOLEN.get, [_P])),
    map(setattr, [_rw], ["_rewrite_test"], [STOLEN.get])))
'''


def test_gc_callback_steals_locked_hidden_module_seamlessly(tmp_path):
    r = run(tmp_path, solution=STEAL_SEAMLESS_SOL,
            tests=DEFERRED_TESTS.replace("import solution", "import solution\nJUNK = [[i] for i in range(20000)]"),
            files={"tests/test_zhidden.py": HIDDEN}, lock=["tests/test_zhidden.py"])
    leak = tmp_path / "work" / "leak.json"
    outcomes = r.outcomes()
    assert not leak.exists(), (leak.read_text()[:300], r.seen, len(outcomes), outcomes.get("test_hidden"))
    assert any(s.startswith("reading ") and "test_zhidden.py" in s for s in r.seen), r.seen


