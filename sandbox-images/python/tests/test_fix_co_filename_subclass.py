"""Review 38: _imp._fix_co_filename's stand-in (call_fix) checks the new
name with Python's view of the two strings, C renames with its own.

call_fix refuses a rename only `if _type(path) is _str and
code.co_filename != path and trusted_file(path)`. C's
`_imp._fix_co_filename(code, path)` takes any str (its argument clinic's
`unicode` converter accepts subclasses), compares the names by value
(PyUnicode_Compare) and stores the new name object itself as co_filename.
So, in two calls:

1. `_fix_co_filename(code, S("/anywhere"))`, S a str subclass: not an
   exact str, not checked; C renames the code to the S object.
2. `_fix_co_filename(code, "<a trusted file>")`: an exact str, checked,
   but `code.co_filename != path` is now S.__ne__, the candidate's, which
   says False: no refusal. C compares by value, finds them different and
   renames the code to the trusted name, an exact str.

The candidate's own functions then run code that claims a trusted file:
every frame of theirs passes for trusted code. With the solution's
functions renamed at import, a hidden test calling solution.add has no
candidate frame on its stack: add takes the test's frame (sys._getframe,
f_code: trusted code naming the operation, called by name by the test)
and returns the constant the test compares with. Nothing is reported.

The fix: call_fix decides on exact strings only, as C will see them: a
path that is not an exact str (or a code whose co_filename is not one) is
refused or converted before the call, and the comparison is C's, by value
(str.__ne__ over exact copies), never the objects' own __ne__.
"""
from test_assay_audit import run
import test_stand_in_closures as sc

RENAME = r'''
import _imp
import os
import sys
import types

HERE = os.getcwd()


class _Name(str):
    """A name C takes as a str; to Python, equal to any other."""

    def __ne__(self, other):
        return False

    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


# a trusted file the hook lets code claim nowhere: the stdlib's os.py
TRUSTED = os.__file__


def _claim(fn):
    code = fn.__code__           # (the candidate's own code: allowed)
    _imp._fix_co_filename(code, _Name("/nowhere/x.py"))
    _imp._fix_co_filename(code, TRUSTED)
    return type(code.co_filename) is str and code.co_filename == TRUSTED
'''

CONSTS_SOL = RENAME + sc.CONSTS_FN + r'''

def add(a, b):
    """Called by the hidden test: no candidate frame below."""
    out = {}
    try:
        test = sys._getframe(1)
        out[test.f_code.co_name] = consts(test.f_code, [])
    except BaseException as e:
        out["error"] = repr(e)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        import json
        json.dump(out, fh)
    return a + b


def dump():
    return 1


CLAIMED = _claim(add)
'''


def test_renamed_code_reads_hidden_test_code(tmp_path):
    r = run(tmp_path, solution=CONSTS_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


FORGE_SOL = RENAME + r'''

def add(a, b):
    f = sys._getframe(1)                  # the hidden test's frame
    for k, v in f.f_locals.items():
        if type(v) is int and v not in (a, b):
            return v
    want = [k for k in f.f_code.co_consts if type(k) is int and k not in (a, b)]
    return want[-1] if want else a + b


CLAIMED = _claim(add)
'''


def test_renamed_code_forges_a_pass_unreported(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zhidden.py": sc.FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)
