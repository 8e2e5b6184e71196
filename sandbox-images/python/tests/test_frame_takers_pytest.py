"""Review 31, the same class as test_frame_takers_logging.py: pytest's
TracebackEntry.frame reads tb_frame itself (pytest's frame, at its own
load of the name, no candidate frame on the stack while pytest reports a
collection error) and hands the frame to `Frame`, a global of
_pytest._code.code that the candidate rebinds with no audit event.

The solution's first import, from one hidden module, raises ImportError;
pytest filters the error's traceback (filter_traceback: entry.frame) and
the candidate's `Frame` is handed each entry's frame, the hidden module's
dead frame among them: its f_back (no event) is the hook's run_module
frame, which owns its locals (`co`: the hidden module's code) and links on
to call_rewrite's (`state`: the hook's per-thread dict). A second hidden
module would import the solution again and be forged with the state, but
a collection error ends pytest's session (no --continue-on-collection-
errors): what this shows is the read (the hidden code's constants, the
hook's state); test_frame_takers_logging.py forges.
"""
import test_stand_in_closures as sc
from test_assay_audit import run

SOL = sc.FORGE_FN + r'''
import json, os, sys, threading, types
import _pytest._code.code as _ccode
HERE = os.getcwd()
R = sys.__dict__.setdefault("_r31", {"n": 0, "state": [], "codes": []})
R["n"] += 1

''' + sc.CONSTS_FN + r'''


if R["n"] == 1:
    _orig = _ccode.Frame

    def _capture(raw, _orig=_orig, R=R):
        f = raw
        while type(f) is types.FrameType:
            for k, v in list(f.f_locals.items()):
                if type(v) is types.CodeType and "zhidden" in v.co_filename:
                    R["codes"].append(consts(v, []))
                if state_of(k, v) is not None and not R["state"]:
                    R["state"].append(state_of(k, v))
            f = f.f_back
        if R["state"] or R["codes"]:
            with open(os.path.join(os.getcwd(), "leak.json"), "w") as fh:
                json.dump({"codes": R["codes"], "state": bool(R["state"])}, fh)
        return _orig(raw)

    _ccode.Frame = _capture
    raise ImportError("the first import fails")


def add(a, b):
    if not R["state"]:
        return a + b
    st = R["state"][0]
    return _forge(a, b, st)
'''

FIRST = """import solution


def test_first():
    assert solution.add(40, 2) == 4242
"""

SECOND = """import solution


def test_forged_a():
    assert solution.add(2, 2) == 5


def test_forged_b():
    assert solution.add(1, 1) == 77
"""


def test_pytest_frame_global_reads_hidden_code(tmp_path):
    r = run(tmp_path, solution=SOL, files={"tests/test_zhidden_a.py": FIRST, "tests/test_zhidden_b.py": SECOND},
            lock=["tests/test_zhidden_a.py", "tests/test_zhidden_b.py"])
    got = sc.outcomes(r)
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", got, r.seen, text[-300:])
