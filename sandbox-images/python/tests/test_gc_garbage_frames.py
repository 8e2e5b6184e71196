"""Review 30: gc.set_debug(gc.DEBUG_SAVEALL) is not audited, and gc.garbage
is a plain list. A candidate function whose frame is in a reference cycle
(an exception it caught, kept in a local: frame -> local -> exception ->
traceback -> frame) dies; in 3.11 the dying frame's frame object takes
ownership of its locals and links f_back to its caller's frame object. A
collection with DEBUG_SAVEALL puts the cycle, the frame included, in
gc.garbage: a frame with no audited event. From it f_back (no event)
walks the live stack and f_locals (no event, free variables included)
reads every frame's locals: at solution's import from a hidden module,
run_module's `co` (the hidden module's code object: co_consts unaudited)
and call_rewrite's cells (`locked`: every hidden module's code; `state`:
the hook's per-thread dict, with which any audited read passes as the
hook's own: a forged pass).
"""
import test_stand_in_closures as sc
from test_assay_audit import run

GRAB = r'''
import gc, json, os, sys, threading, types
HERE = os.getcwd()


def _cycle():
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        err = e  # frame -> err -> traceback -> frame
    return 1


def _frame():
    """A frame (this module's, being imported), without an audited event."""
    old = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        _cycle()
        gc.collect()
        for o in gc.garbage:
            if type(o) is types.FrameType:
                return o.f_back  # (_cycle's frame linked to its caller's when it died)
    finally:
        gc.set_debug(old)
        gc.garbage.clear()

''' + sc.CONSTS_FN + r'''


_LEAK = {"codes": [], "state": False}
_STATE = []
f = _frame()
while f is not None:
    loc = f.f_locals
    for k, v in list(loc.items()):
        if type(v) is types.CodeType and "zhidden" in v.co_filename:
            _LEAK["codes"].append(consts(v, []))
        if k == "state" and type(v) is dict and not _STATE:  # (call_rewrite's cell: the hook's state)
            _LEAK["state"] = True
            _STATE.append(v)
        if k == "locked" and type(v) is dict:
            for name, entry in list(v.items()):
                if type(entry) is tuple and entry and type(entry[0]) is types.CodeType:
                    _LEAK["codes"].append(consts(entry[0], []))
    f = f.f_back
del f
with open(os.path.join(HERE, "leak.json"), "w") as fh:
    json.dump(_LEAK, fh)
'''

READ_SOL = GRAB + r'''

def add(a, b):
    return a + b


def dump():
    return 1
'''


def test_gc_garbage_frame_reads_hidden_code(tmp_path):
    r = run(tmp_path, solution=READ_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


FORGE_HIDDEN = sc.FORGE_CONST_HIDDEN

# B. A forged pass: with the hook's state (taken at import as above), add()
# takes its own frame (tb_frame, told to the hook as its own read), the
# test's frame (f_back) and its code (f_code, likewise), and returns the
# constant the test compares with.
FORGE_SOL = GRAB + r'''
''' + sc.FORGE_ADD_FROM_STATE


def test_gc_garbage_frame_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zhidden.py": FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)


# The same with a fresh copy of the gc module, whose set_debug would be the
# original: refused at the import, as for _imp and _signal.
FRESH_GC_SOL = GRAB.replace("import gc, json, os, sys, threading, types\n", """import json, os, sys, threading, types
del sys.modules["gc"]
try:
    import gc
finally:
    import importlib
""", 1)


def test_a_fresh_gc_module_is_refused(tmp_path):
    assert "del sys.modules" in FRESH_GC_SOL
    r = run(tmp_path, solution=FRESH_GC_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])
    assert any("second gc module" in x or "fresh copy of gc" in x for x in r.seen), (sc.outcomes(r), r.seen)
