"""Review 40: the _rewrite_test stand-in (call_rewrite) decides whether a
module is locked by Python's view of its path, `os.fspath(fn)`, which
runs PurePath.__fspath__, a class attribute the candidate's code may
replace (no event). pytest's own _rewrite_test, which the stand-in hands
every module it does not find in `locked`, then reads the file again
through that same __fspath__ (`fn.read_bytes()`: io.open converts the
path with it) but names the code after `str(fn)`, the path's real name.

So once a hidden test module has imported the solution, the solution's
code replaces PurePath.__fspath__ so that the next test module's path
answers with a file of the candidate's: the stand-in does not find that
name in `locked` and calls pytest's rewriter, which reads the candidate's
file and compiles it under the hidden module's own name
(/work/tests/test_zz.py). Every check passes: ast.parse and the rewriter
are compile sites that name compile (and the compile of the AST carries
no file name), pytest's exec_module is an exec site. The candidate's
module then runs as trusted code, the tests' own: its functions take the
hidden tests' frames and read their code (sys._getframe, f_code, __code__
all allowed to trusted code that names them), so it rebinds solution.add
to one that returns each test's expected value. Two hidden passes forged,
hidden constants read, nothing reported.

The fix: the stand-in reads the path from its slots (posix_text, as
pytest_imports does), refuses a path object whose class's __fspath__,
__str__ or read_bytes is not pathlib's own (the module it reads and the
module it names must be one file), and (defence in depth) pytest's
compile of a test module under a trusted name is let through only for
that file's own bytes, as importlib's is (file_equals).
"""
import json

from test_assay_audit import run
import test_stand_in_closures as sc

FORGED_MODULE = r'''
import json
import os
import sys
import types

import solution


def add(a, b):
    f = sys._getframe(1)                  # the hidden test's frame
    for k, v in f.f_locals.items():
        if type(v) is int and v not in (a, b):
            return v
    want = [k for k in f.f_code.co_consts if type(k) is int and k not in (a, b)]
    return want[-1] if want else a + b


solution.add = add

# hidden constants, read as trusted code
_out = {}
for _name, _m in list(sys.modules.items()):
    if "zhidden" in _name:
        for _k, _v in list(vars(_m).items()):
            if isinstance(_v, types.FunctionType) and _k.startswith("test"):
                _out[_k] = [c for c in _v.__code__.co_consts if type(c) is int]
with open(os.path.join(os.path.dirname(solution.__file__), "leak.json"), "w") as _fh:
    json.dump(_out, _fh)


def test_forged_module_runs():
    pass
'''

SOL = r'''
import os
import pathlib

HERE = os.getcwd()
FORGED = os.path.join(HERE, "forged_zz.py")
with open(FORGED, "w") as fh:
    fh.write(%r)

_str = pathlib.PurePath.__str__


def _fspath(self):
    s = _str(self)
    if s.endswith("/tests/test_zz.py"):
        return FORGED
    return s


pathlib.PurePath.__fspath__ = _fspath


def add(a, b):
    return a + b
''' % FORGED_MODULE

HIDDEN_B = '''def test_b_real():
    assert 1 + 1 == 2
'''


def test_fspath_redirect_compiles_the_candidate_as_a_hidden_module(tmp_path):
    r = run(tmp_path, solution=SOL,
            files={"tests/test_zhidden.py": sc.FORGE_HIDDEN, "tests/test_zz.py": HIDDEN_B},
            lock=["tests/test_zhidden.py", "tests/test_zz.py"])
    got = sc.outcomes(r)
    leak = sc.leaked(tmp_path)
    assert not (isinstance(got, dict) and "test_forged_module_runs" in got), \
        ("CANDIDATE MODULE RAN AS tests/test_zz.py", got, r.seen, leak)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen, leak)
    assert "77" not in leak, ("LEAKED", got, r.seen, leak)
