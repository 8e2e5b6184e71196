"""Review 34 (honest-code regression): judge's second decision of an event
after flushing deferred signals repeats decide()'s side effects. first_at()
records a consumer's frame-attribute read (tb_frame, f_code, __code__) at
its instruction; deciding the same read again finds it recorded and
reports "reading ... twice at one instruction" (tampered). An honest
solution with a fast interval timer (a no-op SIGALRM handler, as a
profiler or a watchdog has) makes signals arrive during the decisions of
pytest's own traceback reads when a test fails.

Fix: make decide's bookkeeping idempotent for a re-decision (pass a
`again` flag that skips first_at / counters, or snapshot consumer_last,
cwd_next, cwd_moves and created before judge_once and restore them before
deciding again).
"""
from test_assay_audit import run

SOL = r'''
import signal

TICKS = [0]


def _tick(signum, frame):
    TICKS[0] += 1


def start():
    signal.signal(signal.SIGALRM, _tick)
    signal.setitimer(signal.ITIMER_REAL, 0.00005, 0.00005)


def stop():
    signal.setitimer(signal.ITIMER_REAL, 0)


def deep(n):
    if n == 0:
        raise ValueError("deep")
    return deep(n - 1)
'''

TESTS = '''import pytest
import solution


@pytest.fixture(autouse=True)
def timer():
    solution.start()
    yield
    solution.stop()


@pytest.mark.parametrize("i", range(30))
def test_fails_deep(i):
    solution.deep(20)
'''


def test_fast_timer_and_failing_tests_report_nothing(tmp_path):
    # (timeout=0: pytest-timeout, which wants SIGALRM, stays out of it)
    r = run(tmp_path, solution=SOL, tests=TESTS, timeout=0)
    outcomes = r.outcomes()
    assert len(outcomes) == 30, r.output[-3000:]
    assert all(o[0] == "failure" for o in outcomes.values()), r.output[-3000:]
    assert not r.seen, (r.seen[:5], r.output[-2000:])
