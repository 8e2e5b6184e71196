"""Review 35: a RecursionError in judge_once's finally (the call of unmark
at the recursion limit) leaves the thread marked in `judging` for good.

judge_once calls getframe(...) as the first thing in its try; at exactly
the recursion limit that call fails, and so does the call of unmark in
its finally: judging[tid] never goes back down. From then on every
Python signal handler of that thread is queued by the trampoline and never
raised again (judge is never "outer", a stand-in's end never sees the
thread unmarked): pytest-timeout's Failed and the harness's
KeyboardInterrupt at the wall-time limit are lost for the rest of the run.
(The same holds for unmark in a stand-in's `one`.)

Fix: no call in the finally (inline the decrement:
`n = judging.get(tid, 1)` is a call too; use `if judging[tid] > 1:
judging[tid] -= 1 else: del judging[tid]` - subscript operations only, no
frame), or catch RecursionError around unmark and retry after unwinding.

Fixed: subscript operations only in both finallys (no frame, no boundary).
"""
from test_assay_audit import run

SOL = r'''
import os, signal, sys

HERE = os.path.dirname(os.path.abspath(__file__))
P = os.path.join(HERE, "solution.py")


def at_depth(n):
    if n > 0:
        return at_depth(n - 1)
    f = open(P)
    f.close()


def handler_runs():
    got = []
    old = signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))
    try:
        signal.raise_signal(signal.SIGUSR1)
        for _ in range(1000):
            pass
    finally:
        signal.signal(signal.SIGUSR1, old)
    return bool(got)


def probe():
    assert handler_runs()
    lim = sys.getrecursionlimit()
    for n in range(lim - 1, 0, -1):
        try:
            at_depth(n)
        except RecursionError:
            pass
        else:
            continue
        if not handler_runs():
            return "signals lost after depth %d" % n
    return "ok"
'''

TESTS = '''import solution


def test_probe():
    assert solution.probe() == "ok"
'''


def test_recursion_limit_in_judge_keeps_signals_held(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS, timeout=0, proc_timeout=120)
    outcomes = r.outcomes()
    assert outcomes and all(o[0] == "passed" for o in outcomes.values()), r.output[-3000:]
