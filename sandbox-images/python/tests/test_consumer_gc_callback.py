"""Review 30: a gc callback made of C parts at a consumer's own read.
inspect.getfile(F) (a consumer) reads F.__code__ at its own LOAD_ATTR of
its local `object`: the event's argument tuple is a fresh GC allocation
when the candidate has emptied the free list of 2-tuples and set the
young generation's threshold to 1, so the collection starts right there,
before the hook sees the consumer's event. The candidate's gc callback
is C parts only, `partial(set.update, SINK, map(attrgetter("__code__"),
[F]))`: no frame of its own, so the hook judges its read of F.__code__
with inspect.getfile's frame on top, at its own instruction naming
`__code__`, of the very object its local holds: taken for the consumer's
read (the thirteenth review's rule), while the code object lands in the
candidate's set. A hidden test's code (A) and, with its constants, a
forged pass (B), with nothing reported. No thread, no signal: the first
threshold tried hits.

Detected, not prevented: such a read comes before the consumer's own, at
the same instruction of the same frame, of the same object, and the hook
allows one read there; the consumer's own is refused and reported (a
finding: the run is tampered, whatever its tests did). Each test asserts
that the attack either got nothing or was reported.
"""

TWICE = "twice at one instruction"
import test_stand_in_closures as sc
from test_assay_audit import run

STEAL = r'''
import functools, gc, inspect, json, operator, os, sys, types
HERE = os.getcwd()


def _hidden_tests():
    m = [m for n, m in list(sys.modules.items()) if "zhidden" in n or "zforged" in n][0]
    return [(k, v) for k, v in list(vars(m).items()) if isinstance(v, types.FunctionType) and k.startswith("test")]

''' + sc.CONSTS_FN + r'''


def steal(F):
    """F.__code__, read by a C-parts gc callback at inspect.getfile's own read."""
    sink = set()
    hold = []
    old = gc.get_threshold()
    for t in range(1, 400):
        hold.clear()
        gc.collect()
        hold.extend([(i, i) for i in range(2100)])  # (the 2-tuple free list: empty)
        gc.callbacks[:] = [functools.partial(set.update, sink, map(operator.attrgetter("__code__"), [F]))]
        gc.set_threshold(t)
        try:
            inspect.getfile(F)
        except PermissionError:
            pass
        finally:
            gc.set_threshold(*old)
            gc.callbacks[:] = []
        for c in sink:
            if type(c) is types.CodeType:
                return c
    return None
'''

READ_SOL = STEAL + r'''

def add(a, b):
    return a + b


def dump():
    out = {}
    for k, F in _hidden_tests():
        if k == "test_hidden_expected":
            co = steal(F)
            if co is not None:
                out[k] = consts(co, [])
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def test_c_parts_gc_callback_at_a_consumers_read(tmp_path):
    r = run(tmp_path, solution=READ_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text or any(TWICE in x for x in r.seen), ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


FORGE_HIDDEN = sc.FORGE_CONST_HIDDEN

FORGE_SOL = STEAL + r'''

_CONSTS = {}


def add(a, b):
    if not _CONSTS:
        for k, F in _hidden_tests():
            co = steal(F)
            _CONSTS[k] = consts(co, []) if co is not None else []
    for k, cs in _CONSTS.items():
        ints = [x for x in cs if type(x) is int]
        if ints.count(a) + ints.count(b) >= (2 if a == b else 1) + (a != b):
            rest = [x for x in ints if x not in (a, b)]
            if rest:
                return rest[-1]
    return a + b
'''


def test_c_parts_gc_callback_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zforged.py": FORGE_HIDDEN.replace("zhidden", "zforged")},
            lock=["tests/test_zforged.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed") or any(TWICE in x for x in r.seen), ("FORGED", got, r.seen)
