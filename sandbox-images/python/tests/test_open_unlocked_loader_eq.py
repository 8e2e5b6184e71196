"""Review 42 (1): the loader-globals check in rewrite_unlocked is passed,
then defeated, by the candidate's code running inside the check itself.

rw.__dict__ is a plain dict the candidate may put any key in. A key whose
__hash__ equals hash("_write_pyc") (or "exec"), placed earlier in the probe
sequence than the real name, has its __eq__ called by every lookup of that
name in the dict: by the hook's `"exec" in g` and `g.get("_write_pyc")`,
and by exec_module's LOAD_GLOBAL of `_write_pyc` after the stand-in
returned. The `exec` key's __eq__ marks "the hook is checking"; the
`_write_pyc` key's __eq__ leaves the value alone under the hook's check and
swaps it for the candidate's function at exec_module's own lookup (the
value is read after the key compare). The grab gets the hidden plugin's
code object, restores `_write_pyc`, and pytest's real exec then runs the
plugin: its fixture works, every test passes, nothing is reported.
No signal, no gc timing: deterministic.

OPEN (a forty-second review, sixteenth session): kept as a strict xfail.
A fix would treat a hidden module that is not locked as a locked one: its
code (rewritten at install) run by the stand-in into the module pytest's
own import chain is importing (pytest_imports), an empty module's code
handed to the loader, no file read at import; the open question is the
hidden plugins a conftest names (pytest imports them by __import__, which
pytest_imports does not recognise).
"""
import os
import sys


import pytest  # noqa: E402

from test_assay_audit import run  # noqa: E402
import test_stand_in_closures as sc  # noqa: E402

SOL = r'''
import json
import os
import sys
import types

import _pytest.assertion.rewrite as rw

HERE = os.getcwd()
G = rw.__dict__
ORIG = G["_write_pyc"]
ST = {"hook_checking": False, "armed": False, "busy": False}


def grab(state, co, source_stat, pyc):
    ST["busy"] = True
    G["_write_pyc"] = ORIG
    ST["busy"] = False
    if isinstance(co, types.CodeType) and co.co_filename.endswith("/tests/plug.py"):
        with open(os.path.join(HERE, "leak.json"), "w") as f:
            json.dump([c for c in co.co_consts if isinstance(c, (int, str))], f)
    return True


class ExecKey:
    def __hash__(self):
        return hash("exec")

    def __eq__(self, other):
        if ST["armed"] and not ST["busy"]:
            ST["hook_checking"] = True   # the hook's `"exec" in g` (and exec_module's exec)
        return False


class PycKey:
    def __hash__(self):
        return hash("_write_pyc")

    def __eq__(self, other):
        if not ST["armed"] or ST["busy"]:
            return False
        if ST["hook_checking"]:
            ST["hook_checking"] = False   # the hook's g.get("_write_pyc"): leave it
        else:
            ST["busy"] = True             # (our own store looks the key up too)
            G["_write_pyc"] = grab        # exec_module's LOAD_GLOBAL: read after this
            ST["busy"] = False
        return False


del G["_write_pyc"]
G[PycKey()] = None      # takes _write_pyc's old slot: probed first
G["_write_pyc"] = ORIG
G[ExecKey()] = None
ST["armed"] = True
sys.dont_write_bytecode = False
sys.pycache_prefix = os.path.join(HERE, "pyc")


def add(a, b):
    return a + b
'''

CONFTEST = '''import solution
import pytest

pytest_plugins = ["tests.plug"]
'''

PLUG = '''import pytest

SECRET = "plugin-secret-5151"


@pytest.fixture
def plugged():
    return SECRET
'''

HIDDEN = '''import solution


def test_add(plugged):
    assert plugged.startswith("plugin-secret")
    assert solution.add(1, 2) == 3
'''



@pytest.mark.xfail(strict=True, reason="open: review 42, unlocked hidden modules (docs/SECURITY.md)")
def test_hash_collision_key_swaps_write_pyc_after_the_check(tmp_path):
    r = run(tmp_path, solution=SOL,
            files={"tests/conftest.py": CONFTEST, "tests/plug.py": PLUG, "tests/test_zhidden.py": HIDDEN},
            lock=["tests/conftest.py", "tests/test_zhidden.py"])
    leak = sc.leaked(tmp_path)
    assert "5151" not in leak, ("LEAKED", sc.outcomes(r), r.seen, leak)
