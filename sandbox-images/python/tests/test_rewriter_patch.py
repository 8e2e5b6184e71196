"""Review 41: a module pytest rewrites that is not locked (a hidden plugin
named by a conftest's pytest_plugins, a helper given to
pytest.register_assert_rewrite) is rewritten by rewrite_unlocked at the
time of its import, with pytest's rewriter: `rewrite_asserts` was taken at
install, but it looks up `AssertionRewriter` (and that class's methods, and
ast's helpers) as the candidate's code left them. When such a module is
imported after the solution (a conftest that imports the solution before its
pytest_plugins are loaded), the candidate's replaced AssertionRewriter.run
gets the module's tree and adds its own statements to it; they are compiled
under the hidden module's own name (/work/tests/plug.py, a trusted file) and
run by pytest's exec_module as the tests' own code: the forged module's
add() reads each hidden test's frame and returns its expected value, and the
hidden constants are read. The same goes for a replaced `ast.compile` (ast.parse
calls `compile` by its module global), which is also handed the hidden bytes.
"""
from test_assay_audit import run
import test_stand_in_closures as sc
import test_rewrite_fspath as rf

SOL = r'''
import ast
import _pytest.assertion.rewrite as rw

_FORGED = %r
_run = rw.AssertionRewriter.run


def run(self, mod):
    _run(self, mod)
    if str(getattr(self, "module_path", "")).endswith("/tests/plug.py"):
        mod.body.extend(ast.parse(_FORGED).body)


rw.AssertionRewriter.run = run


def add(a, b):
    return a + b
''' % rf.FORGED_MODULE.replace("def test_forged_module_runs():\n    pass\n", "FORGED_RAN = True\n")

CONFTEST = '''import solution
import pytest

pytest_plugins = ["tests.plug"]
'''

PLUG = '''import pytest


@pytest.fixture
def plugged():
    return 1
'''


def test_patched_rewriter_runs_the_candidate_as_a_hidden_plugin(tmp_path):
    r = run(tmp_path, solution=SOL,
            files={"tests/conftest.py": CONFTEST, "tests/plug.py": PLUG,
                   "tests/test_zhidden.py": sc.FORGE_HIDDEN},
            lock=["tests/conftest.py", "tests/test_zhidden.py"])
    got = sc.outcomes(r)
    leak = sc.leaked(tmp_path)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen, leak)
    assert "77" not in leak, ("LEAKED", got, r.seen, leak)
