"""Review 33, honest code: every handler run now goes through signal_gate,
a sealed stand-in (lock, generator, run_by's frame checks: tens of
microseconds). With an honest cheap handler on a 100 us interval timer
the next signal lands inside the gate's own call: handlers nest without
bound (each gate's leave() re-raises the ones deferred in it, a nested one
at the maker's resume waits on the gate's own lock), a RecursionError is
raised inside the gate's maker, which dies; from then on every trampoline
raises StopIteration (pytest INTERNALERROR, or the run killed by SIGALRM
at exit). Before c1e4582 the same run passed.
Fixed: the trampoline asks builtins (a dict's __contains__, a list's
append), no stand-in: a handler costs a few microseconds again.
"""
from test_assay_audit import run

SOL = r'''
import signal, time

N = [0]


def _tick(signum, frame):
    N[0] += 1


def spin(seconds):
    old = signal.signal(signal.SIGALRM, _tick)
    signal.setitimer(signal.ITIMER_REAL, 0.0001, 0.0001)
    try:
        end = time.monotonic() + seconds
        x = 0
        while time.monotonic() < end:
            x += 1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return N[0]
'''

TESTS = '''import solution


def test_spin():
    n = solution.spin(3.0)
    print("TICKS", n)
    assert n > 0
'''


def test_fast_timer_handler_does_not_hang(tmp_path):
    try:
        r = run(tmp_path, solution=SOL, tests=TESTS, proc_timeout=40)
    except Exception as e:  # (subprocess.TimeoutExpired: the run hung)
        raise AssertionError("HUNG: %r" % e)
    assert r.junit is not None, (r.proc.returncode, r.output[-3000:])
    assert r.outcomes()["test_spin"][0] == "passed", r.output[-3000:]
    assert r.seen == [], r.seen
