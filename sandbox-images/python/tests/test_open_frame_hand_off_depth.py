"""Review 32: names_as_installed (review 31's fix) checks the names the
frame-reading code itself uses, and the names those name in a module it
names; the frame travels further than that.

(a) Two calls deep: logging's Handler.handleError reads tb_frame and calls
traceback.print_stack(frame), unchanged; print_stack calls
extract_stack(f, limit=limit), a global of traceback that handleError's
code does not name (its co_names hold print_stack, not extract_stack), so
rebinding traceback.extract_stack passes the check and is handed the live
frame. Review 31's reproducer otherwise as it was.

(b) A class attribute: pytest's TracebackEntry.frame calls its module's
`Frame` (unchanged: the same class) and Frame.__init__ stores the raw
frame; `Frame.__init__ = capture` is a setattr on a class (audited as
object.__setattr__, allowed for any name but __class__, __bases__,
__module__, __name__, __qualname__, __code__ and defaults) that no check
covers. Review 31's pytest reproducer otherwise as it was.
"""
import test_frame_takers_logging as r31log
import test_frame_takers_pytest as r31pt
import test_stand_in_closures as sc
from test_assay_audit import run
import pytest

# OPEN (a thirty-second review, found at the end of the fourteenth session,
# not fixed): strict xfails, so that a fix shows here. See docs/SECURITY.md.
pytestmark = pytest.mark.xfail(strict=True, reason="open: a trusted frame taker reached from C or past the names check")

# (a) handleError -> print_stack (as installed) -> extract_stack (rebound)
_A = r31log.GRAB.replace('''_orig_print_stack = traceback.print_stack


def _print_stack(f=None, limit=None, file=None):
    """Handed a live frame by logging.Handler.handleError."""
    if type(f) is not types.FrameType:
        return _orig_print_stack(f, limit, file)
''', '''_orig_extract_stack = traceback.extract_stack


def _print_stack(f=None, limit=None):
    """Handed a live frame by traceback.print_stack, called by
    logging.Handler.handleError."""
    if type(f) is not types.FrameType:
        return _orig_extract_stack(f, limit)
    _f0 = f
''').replace('''    traceback.print_stack = _orig_print_stack
''', '''    traceback.extract_stack = _orig_extract_stack
''').replace('''traceback.print_stack = _print_stack
''', '''traceback.extract_stack = _print_stack
''').replace('''        with open(os.path.join(HERE, "leak.json"), "w") as fh:
            json.dump(_LEAK, fh)
''', '''        with open(os.path.join(HERE, "leak.json"), "w") as fh:
            json.dump(_LEAK, fh)
    return _orig_extract_stack(_f0, limit)
''')
A_READ = r31log.READ_SOL.replace(r31log.GRAB, _A)
A_FORGE = r31log.FORGE_SOL.replace(r31log.GRAB, _A)


def test_extract_stack_under_print_stack_reads_hidden_code(tmp_path):
    assert "traceback.extract_stack = _print_stack" in A_READ and "print_stack = " not in A_READ
    r = run(tmp_path, solution=A_READ, tests=r31log.VISIBLE, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


def test_extract_stack_under_print_stack_forges_a_pass(tmp_path):
    assert "traceback.extract_stack = _print_stack" in A_FORGE
    r = run(tmp_path, solution=A_FORGE, tests=r31log.VISIBLE, files={"tests/test_zhidden.py": r31log.FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)


# (b) TracebackEntry.frame -> Frame (as installed) -> Frame.__init__ (replaced on the class)
B_SOL = r31pt.SOL.replace('''        return _orig(raw)

    _ccode.Frame = _capture
''', '''
    _orig_init = _ccode.Frame.__init__

    def _init(self, raw, _orig_init=_orig_init, _capture=_capture):
        _capture(raw)
        _orig_init(self, raw)

    _ccode.Frame.__init__ = _init
''').replace('''    def _capture(raw, _orig=_orig, R=R):''', '''    def _capture(raw, R=R):''')


def test_pytest_frame_init_reads_hidden_code(tmp_path):
    assert "_ccode.Frame.__init__ = _init" in B_SOL and "_ccode.Frame = " not in B_SOL
    r = run(tmp_path, solution=B_SOL, files={"tests/test_zhidden_a.py": r31pt.FIRST,
                                              "tests/test_zhidden_b.py": r31pt.SECOND},
            lock=["tests/test_zhidden_a.py", "tests/test_zhidden_b.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", sc.outcomes(r), r.seen, text[-300:])
