"""Review 29: the unmarked windows on frames. sys._getframe(k) raises
"sys._getframe" with args[0] the frame it returns; a frame window (the
hook's `state[tid] = f; f.f_code`, in codeof, blame, instruction_at, ...)
matches any audited event whose args[0] is that frame. The frame is not
one "only the hook holds": anyone on the same stack can ask for it by
depth. A signal handler (the trampoline ticks the counter, but an unmarked
window never looks at it) landing at the nested hook's RESUME during
decide's `codeof(f)` for os.open's stand-in (f is call_os_open's own frame,
a closure of install) asks for that frame and gets it: its f_locals hold
install's functions (refuse), whose closure cells hold the per-thread
`state` dict. The handler puts the frame back into state (the hook's own
read then passes: nothing is reported), and the candidate, holding
`state`, tells the hook any audited read is its own: the hidden tests'
code (A) and a forged pass (B).
"""
import test_stand_in_closures as sc
from test_assay_audit import run

HIDDEN = sc.CONSTS_HIDDEN

SIG = r'''
import json, os, signal, sys, threading, time, types
HERE = os.getcwd()
_SELF = os.path.join(HERE, "solution.py")


def _own():
    pass


_GOT = {}


def _h(signum, frame):
    if "state" in _GOT:
        return
    try:
        _own.__code__  # allowed outside the hook, refused quietly inside
        return
    except PermissionError:
        pass
    for k in range(1, 16):
        try:
            fr = sys._getframe(k)  # "sys._getframe", args[0] the frame
        except (PermissionError, ValueError):
            continue
        loc = fr.f_locals
        ref = loc.get("refuse")
        if isinstance(ref, types.FunctionType):
            tid = threading.get_ident()
            for cell in ref.__closure__ or ():
                try:
                    v = cell.cell_contents
                except ValueError:
                    continue
                if type(v) is dict and tid in v and len(v) < 8:
                    _GOT["state"] = v
                    v[tid] = fr  # the hook's own read of f_code now passes
                    return
        return


def _take_state():
    old = signal.signal(signal.SIGVTALRM, _h)
    signal.setitimer(signal.ITIMER_VIRTUAL, 0.0001, 0.0001)
    end = time.monotonic() + 3
    try:
        while "state" not in _GOT and time.monotonic() < end:
            try:
                os.close(os.open(_SELF, os.O_RDONLY))  # decide: codeof(call_os_open's frame)
            except PermissionError:
                pass
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old)
    return _GOT.get("state")


def peek(obj, attr):
    st = _GOT["state"]
    tid = threading.get_ident()
    st[tid] = obj
    try:
        return getattr(obj, attr)
    finally:
        st.pop(tid, None)


def _hidden_tests():
    m = [m for n, m in list(sys.modules.items()) if "zhidden" in n][0]
    return [(k, v) for k, v in list(vars(m).items()) if isinstance(v, types.FunctionType) and k.startswith("test")]
''' + sc.CONSTS_FN

READ_SOL = SIG + r'''

def add(a, b):
    return a + b


def dump():
    out = {"state": False}
    if _take_state() is not None:
        out["state"] = True
        for k, fn in _hidden_tests():
            out[k] = consts(peek(fn, "__code__"), [])
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def test_frame_window_gives_state_and_hidden_code(tmp_path):
    r = run(tmp_path, solution=READ_SOL, files={"tests/test_zhidden.py": HIDDEN}, lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])


FORGE_HIDDEN = sc.FORGE_CONST_HIDDEN

# B. A forged pass: with state, the candidate's add() takes its own frame
# (its exception's tb_frame, told to the hook as its own read), the test's
# frame below it (f_back: no event) and the test's code (f_code, told
# likewise), and returns the constant the test compares with.
FORGE_SOL = SIG + sc.FORGE_FN + r'''

def add(a, b):
    if "state" not in _GOT:
        _take_state()
    st = _GOT.get("state")
    if st is None:
        return a + b
    return _forge(a, b, st)
'''


def test_frame_window_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zhidden.py": FORGE_HIDDEN}, lock=["tests/test_zhidden.py"])
    got = sc.outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)
