"""Review 33: a deferred signal's handler runs between the hook's check of
an event and the call it let through.

Since c1e4582 a handler whose signal arrives while its thread is in the
hook waits, and leave() (judge's finally) raises the signal again: the
candidate's handler now runs at one exact point, after decide() judged
the event and before the C call the event stands for. Single-threaded,
the hook judges a relative name against the working directory of the
check (threads and forks are its only TOCTOU model), so a handler that
os.chdir()s there makes the open / write land elsewhere.

Making the signal arrive inside the judge, and only there: a gc callback
(still run inside the hook) probes "am I in the hook" with an audited read
of its own function's __code__ (refused quietly inside, allowed outside)
and only then calls signal.raise_signal (no audit event): the gate keeps
it pending; judge's finally raises it again; the handler chdir()s from a
decoy directory D (where "work/tests/..." is nothing) to the work
directory's parent. Every refusal on the way is quiet: nothing reported.

Fixed: deferred handlers run before judge decides (and the event is then
decided again), never between a decision and its call.
"""
from test_assay_audit import run

# (shared with test_signal_stand_in_refusal: a gc callback that raises
# SIGUSR1 only from inside the hook's decision, where the audited read of
# its own function's __code__ is refused, quietly; raise_signal raises no
# event)
PROBE = r'''

def _own():
    pass


def _cb(phase, info):
    if phase != "start" or not ARMED[0] or SENT[0]:
        return
    try:
        _own.__code__          # allowed outside the hook
        return
    except PermissionError:    # refused, quietly: we are inside the hook's decision
        pass
    SENT[0] = True
    signal.raise_signal(signal.SIGUSR1)
'''

SOL = r'''
import gc, json, os, signal

HERE = os.getcwd()                      # the work directory
ANC = os.path.dirname(HERE)             # its parent: ANC/<work>/tests/... is the real thing
D = os.path.join(HERE, "d")             # a decoy: D/<work>/tests/... does not exist
REL = os.path.basename(HERE) + "/tests/"
ARMED = [False]
SENT = [False]
MOVED = [False]

''' + PROBE + r'''

def _handler(signum, frame):
    # run by leave() in judge's finally: the event was judged from D
    if ARMED[0]:
        os.chdir(ANC)
        MOVED[0] = True


def _toctou(fn, tries=200):
    os.makedirs(D, exist_ok=True)
    old = signal.signal(signal.SIGUSR1, _handler)
    gc.callbacks.append(_cb)
    th = gc.get_threshold()
    try:
        for _ in range(tries):
            os.chdir(D)
            SENT[0] = MOVED[0] = False
            gc.set_threshold(1)
            ARMED[0] = True
            try:
                out = fn()
            except OSError:
                out = None
            finally:
                ARMED[0] = False
                gc.set_threshold(*th)
                os.chdir(HERE)
            if MOVED[0] and out is not None:
                return out
    finally:
        gc.callbacks.remove(_cb)
        signal.signal(signal.SIGUSR1, old)
    return None


def _read():
    with open(REL + "test_zhidden.py") as f:
        return f.read()


def _write():
    with open(REL + "r33_written.txt", "w") as f:
        f.write("written by the candidate")
    return "ok"


def _chmod():
    # (the harness's candidate is not root: a mode-000 hidden module is
    # made readable the same way first)
    os.chmod(REL + "test_zhidden.py", 0o644)
    return "ok"


def add(a, b):
    return a + b


def dump():
    out = {"chmod": _toctou(_chmod), "read": _toctou(_read), "write": _toctou(_write)}
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''

# (shared with the other hidden-module reproducers of reviews 33 and 34)
HIDDEN = '''import solution


def test_hidden_expected():
    assert solution.add(40, 2) == 42


def test_dump():
    assert solution.dump() == 1
'''


def leak(tmp_path):
    p = tmp_path / "work" / "leak.json"
    return p.read_text() if p.exists() else ""


def run_locked(tmp_path, solution):
    """solution run with HIDDEN as a locked (hidden) module."""
    return run(tmp_path, solution=solution, files={"tests/test_zhidden.py": HIDDEN}, lock=["tests/test_zhidden.py"])


def test_deferred_handler_reads_a_hidden_test_module(tmp_path):
    r = run_locked(tmp_path, SOL)
    text = leak(tmp_path)
    # (on the host the locked module's disk copy is the runner's decoy)
    assert "read from disk" not in text or r.seen, ("LEAKED, unreported", text[:800], r.output[-2000:])


def test_deferred_handler_writes_under_tests(tmp_path):
    r = run_locked(tmp_path, SOL)
    written = tmp_path / "work" / "tests" / "r33_written.txt"
    assert not written.exists() or r.seen, ("WROTE under tests/, unreported", leak(tmp_path)[:800],
                                            r.output[-2000:])


def test_deferred_handler_chmods_a_hidden_test_module(tmp_path):
    r = run_locked(tmp_path, SOL)
    mode = (tmp_path / "work" / "tests" / "test_zhidden.py").stat().st_mode & 0o777
    assert mode == 0 or r.seen, ("CHMOD of a hidden module, unreported", oct(mode), leak(tmp_path)[:800])
