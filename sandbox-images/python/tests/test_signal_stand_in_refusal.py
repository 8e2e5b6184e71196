"""Review 33: a deferred handler that raises at a stand-in's leave() skips
the stand-in's report. culprit_at / slot_culprit / refuse's where() end in
leave(tid, None), which now runs the candidate's handler; its exception
leaves the stand-in before refuse() emits. The call is still refused, but
unreported: an attacker can retry a racy attempt (a stand-in's refusal is
a finding today) at no cost. In call_os_open the post-open check's
slot_culprit comes before _os_close(fd): the descriptor of what it opened
stays open (reachable by number, os.read raises no event).

Trigger as test_signal_after_decision: a gc callback, inside the hook, raises
the signal (kept pending by the gate); the first leave runs the handler.
Fixed: only judge defers handlers, and runs them before a decision; a
stand-in's helpers (leave) raise nothing.
"""
from test_assay_audit import run
from test_signal_after_decision import PROBE

SOL = r'''
import gc, json, os, signal

HERE = os.getcwd()
ARMED = [False]
SENT = [False]


class Boom(Exception):
    pass

''' + PROBE + r'''

def _handler(signum, frame):
    if ARMED[0]:
        raise Boom()


def attempt(fn, tries=200):
    old = signal.signal(signal.SIGUSR1, _handler)
    gc.callbacks.append(_cb)
    th = gc.get_threshold()
    res = "never"
    try:
        for _ in range(tries):
            SENT[0] = False
            gc.set_threshold(1)
            ARMED[0] = True
            try:
                fn()
                res = "allowed"
            except Boom:
                res = "aborted by the handler"
                break
            except PermissionError:
                res = "refused"
                break
            finally:
                ARMED[0] = False
                gc.set_threshold(*th)
    finally:
        gc.callbacks.remove(_cb)
        signal.signal(signal.SIGUSR1, old)
    return res


def add(a, b):
    return a + b


def dump():
    out = {"set_debug": attempt(lambda: gc.set_debug(gc.DEBUG_SAVEALL))}
    gc.set_debug(0) if out["set_debug"] == "allowed" else None
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''

TESTS = '''import solution


def test_dump():
    assert solution.dump() == 1
'''


def test_a_refused_stand_in_call_is_reported(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    p = tmp_path / "work" / "leak.json"
    text = p.read_text() if p.exists() else ""
    # gc.set_debug(DEBUG_SAVEALL) is a finding whatever becomes of the call
    assert any("DEBUG_SAVEALL" in s for s in r.seen), ("UNREPORTED", text, r.seen, r.output[-2000:])
