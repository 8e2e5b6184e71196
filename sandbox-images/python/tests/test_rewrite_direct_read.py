"""Review 41: the _rewrite_test stand-in, called by the candidate's own code,
reads any file the hook would refuse.

call_rewrite checks who calls it (culprit_at, pytest_imports) only for a
locked module. Any other name goes to rewrite_unlocked, which opens it with
the thread's state set to that very string: the hook lets that open through
unjudged, as the hook's own read. So the candidate calls
`_pytest.assertion.rewrite._rewrite_test(PosixPath(name), None)` itself:

- with a relative name ("tests/hidden_helper.py", the working directory being
  the work directory), which is no trusted file name, so the compile of its
  bytes is not judged either: it gets back the hidden helper module's code,
  constants and all, and can run it;
- a hidden data file that is not Python: the SyntaxError's text is its line.
  (JSON parses as Python: its values are the code's constants.)

Hidden helper modules and data stay readable on disk in the hidden phase
(harness.lock_tests locks test_*.py and conftest.py only): the hook alone
guards them, and this read is not judged. Nothing is reported.
"""
import json

from test_assay_audit import run

SOL = r'''
import json
import os
import pathlib

import _pytest.assertion.rewrite as rw

HERE = os.getcwd()


def grab():
    out = {}
    # 1: the hook refuses the candidate's own open of it
    try:
        with open("tests/hidden_helper.py") as f:
            out["open"] = f.read()
    except PermissionError as e:
        out["open"] = "refused"
    # 2: the stand-in reads it, unjudged
    for name in ("tests/hidden_helper.py", os.path.join("/proc/self/cwd", "tests/hidden_helper.py")):
        try:
            st, co = rw._rewrite_test(pathlib.PosixPath(name), None)
            ns = {}
            exec(co, ns)
            out[name] = [ns.get("SECRET"), [c for c in co.co_consts if isinstance(c, (int, str))]]
        except BaseException as e:
            out[name] = "error: %r" % (e,)
    try:
        st, co = rw._rewrite_test(pathlib.PosixPath("tests/expected.txt"), None)
        out["txt"] = "compiled"
    except SyntaxError as e:
        out["txt"] = e.text
    except BaseException as e:
        out["txt"] = "error: %r" % (e,)
    with open(os.path.join(HERE, "leak.json"), "w") as f:
        json.dump(out, f, default=repr)


def add(a, b):
    grab()
    return a + b
'''

HIDDEN = """import solution


def test_add():
    assert solution.add(1, 2) == 3
"""


def test_candidate_reads_hidden_files_through_the_rewrite_stand_in(tmp_path):
    r = run(tmp_path, solution=SOL,
            files={"tests/test_zhidden.py": HIDDEN,
                   "tests/hidden_helper.py": "SECRET = 'hidden-4242'\n",
                   "tests/expected.txt": "the expected answer is 9191\n"},
            lock=["tests/test_zhidden.py"])
    p = tmp_path / "work" / "leak.json"
    leak = p.read_text() if p.exists() else ""
    assert "4242" not in leak and "9191" not in leak, ("LEAKED", leak, r.seen, r.output[-2000:])
