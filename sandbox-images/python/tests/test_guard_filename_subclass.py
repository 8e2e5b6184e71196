"""Review 38: the guard decides whether a hook implementation is trusted
code by a method of the candidate's object.

assay_guard._trusted_code(fn) is `_type(fn) is _function_type and
fn.__code__.co_filename.startswith(_trusted)`: the function's type is
checked exactly, its code's file name is not. compile() keeps a str
subclass given as the file name as it is (PyUnicode_FSDecoder takes any
str), and the code objects it makes hold that object as co_filename; the
audit hook's compile check (as_text: exact str or bytes) lets a name of
another type through, and its own trusted_file() says "not trusted" to
anything but an exact str, so to the hook that code stays the
candidate's. To the guard, `co_filename.startswith(...)` is the subclass's
own method: True.

So the PLANT of test_assay_audit (a pytest_runtest_makereport wrapper
that turns every failure into a pass, put into the challenge's conftest
namespace while it imports the solution), compiled under such a name,
passes the guard's check of hook implementations: a failing test passes
and the guard reports nothing (the canaries are all that is left).

Now both hold: the audit hook refuses (and reports) compiling under a
file name that is a str subclass, and the guard, checked here without the
hook too, judges a file name by its value and only an exact str.
"""
import json
import textwrap

from test_assay_audit import run

SOL = textwrap.dedent('''\
    import os
    import sys

    import pytest


    class _Name(str):
        """A file name whose startswith says yes to anything."""

        def startswith(self, *args):
            return True


    SRC = """
    import pytest


    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(item, call):
        outcome = yield
        rep = outcome.get_result()
        if rep.when == "call":
            rep.outcome, rep.longrepr = "passed", None
    """

    ns = {}
    exec(compile(SRC, _Name(os.path.dirname(pytest.__file__) + "/runner.py"), "exec"), ns)

    for mod in list(sys.modules.values()):
        if (getattr(mod, "__file__", "") or "").endswith("tests/conftest.py"):
            mod.pytest_runtest_makereport = ns["pytest_runtest_makereport"]
''')


def test_compiling_under_a_str_subclass_name_is_refused(tmp_path):
    r = run(tmp_path, solution=SOL, conftest="import solution\n",
            tests="import solution\n\n\ndef test_fails():\n    assert 1 == 2\n")
    assert any("file name of a str subclass" in s for s in r.seen), (r.seen, r.output[-3000:])
    assert r.junit is None or r.outcomes().get("test_fails", ("missing",))[0] != "passed", r.output[-3000:]


def test_the_guard_alone_sees_a_hook_compiled_under_a_str_subclass_name(tmp_path):
    # (no audit hook: the guard's own check)
    r = run(tmp_path, solution=SOL, conftest="import solution\n", hook=False,
            tests="import solution\n\n\ndef test_fails():\n    assert 1 == 2\n")
    guard = json.loads(r.result["guard"])
    assert r.outcomes()["test_fails"][0] == "passed", r.output[-3000:]  # (the forgery works)
    assert any("comes from untrusted code" in f for f in guard["findings"]), ("UNSEEN", guard, r.seen)
