"""Review 42 (2): pytest_loads is satisfied by an import the candidate
arranged, for a file the candidate chooses.

call_rewrite's gate for an unlocked trusted file is culprit_at(3) (no
candidate frame below) and pytest_loads (frame 4 is pytest's exec_module at
its _rewrite_test call). blame stops its walk at a trusted module body run
by importlib's stock exec_module ("that module's business"). So the
candidate puts a finder first on sys.meta_path answering a name that a
stdlib package's body imports (xml/dom/__init__.py: `from .domreg import
...`) with a spec whose origin is any trusted file (a hidden helper no
test imports, a hidden data file) and whose loader is pytest's own
AssertionRewritingHook (in sys.meta_path), then imports xml.dom. The stack
at the stand-in: the candidate's import -> importlib -> SourceFileLoader
exec_module -> xml.dom's <module> (walk stops: trusted) -> importlib ->
pytest's real exec_module -> _rewrite_test. The file is read as the hook's
own, unjudged: a .py helper runs into a module in sys.modules (its globals,
its functions: a hidden reference implementation the candidate then
calls); a data file that parses as Python (JSON) is compiled by the
unrewritten fallback and its code, with the data as constants, is taken
at exec_module's _write_pyc (the swap of test_r42_loader_eq.py). (A plain
text file's line also comes back, in the SyntaxError's text, but the
parser's own reopen of the file to fetch that line is refused and
reported.) Nothing is reported; the hidden test passes.

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
import importlib.util
import json
import os
import sys

HERE = os.getcwd()
OUT = {}


def load(target, alias="xml.dom.domreg"):
    hook = next(f for f in sys.meta_path if type(f).__name__ == "AssertionRewritingHook")

    class Finder:
        def find_spec(self, name, path=None, target_=None):
            if name == alias:
                return importlib.util.spec_from_file_location(name, target, loader=hook)
            return None

    fnd = Finder()
    for k in ("xml.dom", alias):
        sys.modules.pop(k, None)
    sys.meta_path.insert(0, fnd)
    try:
        import xml.dom  # noqa: F401  (its body imports `alias`)
        return "imported", sys.modules.get(alias)
    except SyntaxError as e:
        return "syntax", e.text
    except BaseException as e:
        return "error %r" % (e,), sys.modules.get(alias)
    finally:
        sys.meta_path.remove(fnd)
        for k in ("xml.dom", alias):
            sys.modules.pop(k, None)


# (a) a hidden helper no test imports (a reference implementation)
how, mod = load(os.path.join(HERE, "tests", "reference.py"))
OUT["ref"] = [how, getattr(mod, "SECRET", None)]
REF_ADD = getattr(mod, "add", None)

# (b) a hidden data file that parses as Python (JSON): compiled unrewritten
# by the fallback and exec'd; its values are the code's constants, which
# exec_module hands to `_write_pyc`, swapped after the hook's check as in
# test_r42_loader_eq.py
import types
import _pytest.assertion.rewrite as rw

G = rw.__dict__
ORIG = G["_write_pyc"]
ST = {"hook_checking": False, "armed": False, "busy": False}


def grab(state, co, source_stat, pyc):
    ST["busy"] = True
    G["_write_pyc"] = ORIG
    ST["busy"] = False
    if isinstance(co, types.CodeType) and co.co_filename.endswith("/tests/expected.json"):
        OUT["json"] = [c for c in co.co_consts if isinstance(c, (int, str, tuple))]
    return True


class ExecKey:
    def __hash__(self):
        return hash("exec")

    def __eq__(self, other):
        if ST["armed"] and not ST["busy"]:
            ST["hook_checking"] = True
        return False


class PycKey:
    def __hash__(self):
        return hash("_write_pyc")

    def __eq__(self, other):
        if not ST["armed"] or ST["busy"]:
            return False
        if ST["hook_checking"]:
            ST["hook_checking"] = False
        else:
            ST["busy"] = True
            G["_write_pyc"] = grab
            ST["busy"] = False
        return False


del G["_write_pyc"]
G[PycKey()] = None
G["_write_pyc"] = ORIG
G[ExecKey()] = None
ST["armed"] = True
sys.dont_write_bytecode = False
sys.pycache_prefix = os.path.join(HERE, "pyc")
how, _ = load(os.path.join(HERE, "tests", "expected.json"))
OUT["json_how"] = how
sys.dont_write_bytecode = True

with open(os.path.join(HERE, "leak.json"), "w") as f:
    json.dump(OUT, f, default=repr)


def add(a, b):
    return REF_ADD(a, b)     # the hidden reference implementation, trusted code
'''

HIDDEN = '''import solution


def test_add():
    assert solution.add(20, 22) == 42
'''



@pytest.mark.xfail(strict=True, reason="open: review 42, unlocked hidden modules (docs/SECURITY.md)")
def test_candidate_finder_drives_pytests_loader_over_a_hidden_file(tmp_path):
    r = run(tmp_path, solution=SOL,
            files={"tests/test_zhidden.py": HIDDEN,
                   "tests/expected.json": '{"cases": [[20, 22, 9191]], "name": "secret-case"}\n',
                   "tests/reference.py": "SECRET = 'ref-4242'\n\n\ndef add(a, b):\n    return a + b\n"},
            lock=["tests/test_zhidden.py"])
    leak = sc.leaked(tmp_path)
    assert "9191" not in leak and "4242" not in leak, ("LEAKED", sc.outcomes(r), r.seen, leak)
