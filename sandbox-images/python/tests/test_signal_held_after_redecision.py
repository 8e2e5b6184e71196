"""A one-shot signal that lands in judge's second decision (made because a
first one deferred a signal of a fast no-op timer) waits for the thread's next
judged event: a solution that then computes without audited calls never runs
its handler (a lost timeout / KeyboardInterrupt). 600d9e4 ran it at once."""
from test_assay_audit import run

SOL = r'''
import os, signal, threading, time
HERE = os.path.dirname(os.path.abspath(__file__))

def trial():
    fired = []
    old = signal.signal(signal.SIGUSR1, lambda s, f: fired.append(1))
    p = os.path.join(HERE, "helpers.py")
    t = threading.Timer(0.0005, os.kill, (os.getpid(), signal.SIGUSR1))
    t.start()
    end = time.monotonic() + 0.003
    while time.monotonic() < end:   # audited calls: the signal lands in them
        with open(p) as f:
            f.read(1)
    t.join()
    end = time.monotonic() + 0.03   # then pure computation
    while time.monotonic() < end and not fired:
        pass
    signal.signal(signal.SIGUSR1, old)
    return bool(fired)
'''

TESTS = r'''
import signal
import solution

def test_handlers_run():
    signal.signal(signal.SIGALRM, lambda s, f: None)   # a fast no-op ticker
    signal.setitimer(signal.ITIMER_REAL, 0.00003, 0.00003)
    try:
        lost = sum(1 for _ in range(300) if not solution.trial())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    assert lost == 0, lost
'''


def test_a_signal_deferred_by_the_second_decision_still_runs(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS, proc_timeout=120)
    assert r.junit is not None, r.output[-3000:]
    assert r.outcomes() == {"test_handlers_run": ("passed", "")}, r.outcomes()
    assert r.seen == [], r.seen
