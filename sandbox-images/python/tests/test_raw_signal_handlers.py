"""Review 27: a raw signal handler of the candidate's, installed by
pytest-timeout's own signal.signal call.

pytest-timeout, at every test's setup, calls the stdlib's
`signal.signal(SIGALRM, handler)`, which calls
`_signal.signal(_enum_to_int(signalnum), _enum_to_int(handler))`.
`signal._enum_to_int` is a module global: the candidate replaces it with a
function that returns its own handler for pytest-timeout's. The call of
the `_signal.signal` stand-in then comes from trusted frames only (the
candidate's function has returned), at a call by the name "signal": the
stand-in installs the candidate's handler raw, no trampoline. The handler
then gets the interrupted frame, and with it `f_back` and `f_locals`
(neither raises an audit event).

With signal.setitimer (no audit event) the candidate makes SIGALRM land
while the hook itself runs (it spams cheap audited events); the handler
walks the interrupted frames' `f_back` for frames whose globals are
assay_audit's and takes the hook's per-thread `state` dict out of their
`f_locals` (free variables are listed there). With `state`, review 26's
attacks are back: A reads the hidden tests' code (their constants), B a
forged pass, C writes under tests/.

Each test asserts the attack was stopped; they fail while the route is
open. (The review's forged pass and write under tests/ through the same
state are test_stand_in_closures.py's B and C; here the handler's frame
is what must not be had.)
"""
from protected_paths import check_kept
import test_stand_in_closures as sc
from test_assay_audit import run

GRAB = r'''
import json, os, signal, sys, threading, time, types
HERE = os.getcwd()
GOT = {}


def _raw(signum, frame):
    # Runs inside the hook (state BUSY): nothing audited here, only
    # f_back, f_globals, f_locals and dict lookups.
    f, n = frame, 0
    while f is not None and n < 300:
        g = f.f_globals
        if g.get("__name__") == "assay_audit":
            loc = f.f_locals
            s = loc.get("state")
            if type(s) is dict and "state" not in GOT:
                GOT["state"] = s
        f = f.f_back
        n += 1


_orig_e2i = signal._enum_to_int


def _e2i(v):
    # pytest-timeout's handler (a closure named "handler" of its module)
    # becomes ours; everything else as before
    if callable(v) and getattr(v, "__module__", None) == "pytest_timeout":
        return _raw
    return _orig_e2i(v)


signal._enum_to_int = _e2i


def _find_state():
    if "state" in GOT:
        return GOT["state"]
    signal.setitimer(signal.ITIMER_REAL, 0.0002, 0.0002)
    end = time.monotonic() + 2  # (it took milliseconds while the route was open)
    try:
        while "state" not in GOT and time.monotonic() < end:
            try:
                getattr(_find_state, "__code__")  # (an audited read the hook allows: its own code)
            except Exception:
                pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return GOT.get("state")
''' + sc.PEEK_CONSTS

# A. Constants of every hidden test function (the expected values).
CONSTS_HIDDEN = sc.CONSTS_HIDDEN

CONSTS_SOL = GRAB + r'''

def add(a, b):
    return a + b


def dump():
    out = {"found_state": False}
    try:
        st = _find_state()
        out["found_state"] = st is not None
        for name, m in list(sys.modules.items()):
            if "zhidden" in name:
                for k, v in list(vars(m).items()):
                    if isinstance(v, types.FunctionType) and k.startswith("test"):
                        out[k] = consts(peek(v, "__code__"), [])
    except BaseException as e:
        out["error"] = repr(e)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


leaked, outcomes = sc.leaked, sc.outcomes


def test_raw_handler_reads_hidden_test_code(tmp_path):
    r = run(tmp_path, solution=CONSTS_SOL, files={"tests/test_zhidden.py": CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])




# The handler pytest-timeout installs from the candidate's data gets no
# frame: the signal raised by the solution's own code, during a test.
FRAME_SOL = r'''
import json, os, signal
HERE = os.getcwd()
GOT = []
_orig_e2i = signal._enum_to_int


def _raw(signum, frame):
    GOT.append(frame is not None)


def _e2i(v):
    if callable(v) and getattr(v, "__module__", None) == "pytest_timeout":
        return _raw
    return _orig_e2i(v)


signal._enum_to_int = _e2i


def add(a, b):
    signal.raise_signal(signal.SIGALRM)
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(GOT, fh)
    return a + b
'''


def test_the_handler_trusted_code_installs_gets_no_frame(tmp_path):
    r = run(tmp_path, solution=FRAME_SOL, tests="import solution\n\n\ndef test_add():\n    assert solution.add(1, 2) == 3\n")
    text = leaked(tmp_path)
    # (the handler ran, through the trampoline, with frame None)
    assert text == "[false]", (outcomes(r), r.seen, text)
