"""Review 41: pytest's loader (AssertionRewritingHook.exec_module) hands the
code _rewrite_test returns to `_write_pyc` (when sys.dont_write_bytecode is
false, which the candidate sets) and to `exec`, both looked up in _pytest.assertion.rewrite's globals
at run time. For a locked module the stand-in hands back an empty module's
code (the real one it runs itself), but for a module that is not locked (a
hidden plugin named by a conftest's pytest_plugins) it hands back the real
code, named by the hidden file. The candidate's code, imported by the
conftest before the plugin, sets `rw._write_pyc` (a module global, no event;
or `rw.exec`, shadowing the builtin) and gets the hidden plugin's code object: its constants.
"""
from test_assay_audit import run
import test_stand_in_closures as sc

SOL = r'''
import json
import os
import sys
import types

import _pytest.assertion.rewrite as rw

HERE = os.getcwd()


def grab(state, co, source_stat, pyc):
    if isinstance(co, types.CodeType) and co.co_filename.endswith("/tests/plug.py"):
        with open(os.path.join(HERE, "leak.json"), "w") as f:
            json.dump([c for c in co.co_consts if isinstance(c, (int, str))], f)
    return True


rw._write_pyc = grab
sys.dont_write_bytecode = False


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
    assert solution.add(1, 2) == 3
'''


def test_loader_global_exec_gets_an_unlocked_hidden_modules_code(tmp_path):
    r = run(tmp_path, solution=SOL,
            files={"tests/conftest.py": CONFTEST, "tests/plug.py": PLUG, "tests/test_zhidden.py": HIDDEN},
            lock=["tests/conftest.py", "tests/test_zhidden.py"])
    leak = sc.leaked(tmp_path)
    assert "5151" not in leak, ("LEAKED", sc.outcomes(r), r.seen, leak)
