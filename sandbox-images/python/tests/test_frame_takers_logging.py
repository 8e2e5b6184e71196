"""Review 31: logging.Handler.handleError reads tb.tb_frame and frame.f_code
itself (a stdlib frame at its own load of those names) and hands the frame
to traceback.print_stack, a module attribute the candidate rebinds with no
audit event. If a log record whose formatting fails is emitted with no
candidate frame on the stack, every audited read in handleError passes
(blame finds only trusted frames, the frame on top names the attribute,
nothing below is at a store) and the candidate's print_stack is handed a
live frame: f_back and f_locals (no events) walk the whole stack.

The record is emitted from C: the solution's module class gets a
`__spec__` property whose getter is functools.partial(logger.error, "%d")
(C parts: no candidate frame). The hidden module's `import solution` finds
the module in sys.modules and the interpreter reads its __spec__
(import_ensure_initialized) with the hidden module's frame on top, at
IMPORT_NAME; the formatting fails ("%d" of a module), handleError
runs, and the stack under it is the hidden module's import by the hook's
call_rewrite: its module code object and the hook's `state` dict.
"""
import test_stand_in_closures as sc
from test_assay_audit import run

GRAB = r'''
import functools, io, json, logging, os, sys, threading, traceback, types
HERE = os.getcwd()
_LEAK = {"codes": [], "state": False, "frames": 0}
_STATE = []

''' + sc.CONSTS_FN + r'''


class _M(types.ModuleType):
    pass


_orig_print_stack = traceback.print_stack


def _print_stack(f=None, limit=None, file=None):
    """Handed a live frame by logging.Handler.handleError."""
    if type(f) is not types.FrameType:
        return _orig_print_stack(f, limit, file)
    scan_frames(f, _LEAK, _STATE)  # (call_rewrite's frame: the hook's state)
    # (disarmed: the module's own __spec__ again; handleError goes on to
    # repr the record's arguments, the module among them)
    traceback.print_stack = _orig_print_stack
    try:
        del _M.__spec__
    except AttributeError:
        pass
    if _LEAK["codes"] or _STATE:
        with open(os.path.join(HERE, "leak.json"), "w") as fh:
            json.dump(_LEAK, fh)


_LG = logging.getLogger("r31")
_LG.propagate = False
_LG.handlers[:] = [logging.StreamHandler(io.StringIO())]
_LG.setLevel(logging.ERROR)
traceback.print_stack = _print_stack
_M.__spec__ = property(functools.partial(_LG.error, "%d"))
sys.modules[__name__].__class__ = _M
'''

READ_SOL = GRAB + r'''

def add(a, b):
    return a + b


def dump():
    return 1
'''

VISIBLE = """import solution


def test_visible():
    assert solution.add(1, 1) == 2
"""


def test_handle_error_frame_reads_hidden_code(tmp_path):
    r = run(tmp_path, solution=READ_SOL, tests=VISIBLE, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


FORGE_HIDDEN = sc.FORGE_CONST_HIDDEN

# A forged pass: with the hook's state (taken at the hidden module's import
# as above), add() takes its own frame (tb_frame, told to the hook as its
# own read), the test's frame (f_back) and its code (f_code, likewise), and
# returns the constant the test compares with.
FORGE_SOL = GRAB + r'''
''' + sc.FORGE_ADD_FROM_STATE


def test_handle_error_frame_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, tests=VISIBLE, files={"tests/test_zhidden.py": FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)


# The same with the hidden module as the solution's first importer (no
# visible module, no conftest): the solution's own spec gets a `loader`
# property of C parts, which importlib's _load_unlocked reads after the
# solution's body ran (its _verbose_message call), with importlib's frame
# on top and the hidden module's import below.
FIRST_IMPORT_SOL = READ_SOL.replace('''_M.__spec__ = property(functools.partial(_LG.error, "%d"))
sys.modules[__name__].__class__ = _M
''', '''

class _Spec(type(__spec__)):
    pass


_Spec.loader = property(functools.partial(_LG.error, "%d"))
__spec__.__class__ = _Spec
''').replace('''        del _M.__spec__
''', '''        del _Spec.loader
''')


def test_handle_error_frame_at_the_first_import(tmp_path):
    assert "_Spec.loader = property" in FIRST_IMPORT_SOL and "del _Spec.loader" in FIRST_IMPORT_SOL
    r = run(tmp_path, solution=FIRST_IMPORT_SOL, files={"tests/test_zhidden.py": sc.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text and '"state": true' not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])
