"""Signals that arrive while the audit hook is deciding an event.

A signal's Python handler runs at the next bytecode boundary, which may be
inside the hook. An honest handler that raises there (pytest-timeout's
Failed, the KeyboardInterrupt of the harness's SIGINT at the wall-time
limit) used to abort the hook's decision, which the hook reported as an
event it could not check: an honest run that timed out was graded
tampered (CI, the hostile corpus's spinning_children under a 5 s limit).
Handlers now wait until the thread has left the hook: the signal is raised
again there, and the handler's exception leaves the audited call as if the
signal had arrived just after it.

Each case lands a few hundred signals in a loop of events the hook judges
(opening a file of the work directory), so nearly all of them arrive while
the hook runs."""
from test_assay_audit import run

SOL = r'''
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def read_one(p):
    with open(p) as f:
        f.read(1)


def open_one(p):
    # (os.open: a stand-in of the hook's, a lock and a generator of its
    # own, which a handler raising inside it must leave working)
    os.close(os.open(p, os.O_RDONLY))


def churn(catch, arm, n, step=read_one):
    """Opens a file of the work directory until n signals have raised catch
    in it; arm starts a one-shot timer, so each raises once, inside the try."""
    caught = 0
    p = os.path.join(HERE, "helpers.py")
    while caught < n:
        try:
            arm()
            while True:
                step(p)
        except catch:
            caught += 1
    return caught
'''

def passed_unreported(r, name):
    """The run's one test, name, passed and the hook reported nothing."""
    assert r.junit is not None, r.output[-3000:]
    assert r.outcomes() == {name: ("passed", "")}, (r.outcomes(), r.output[-3000:])
    assert r.seen == [], r.seen


# (a CPU-time timer: pytest-timeout owns SIGALRM)
ARM = '''
def arm():
    signal.setitimer(signal.ITIMER_PROF, 0.0005)
'''


def test_a_handler_that_raises_inside_the_hook(tmp_path):
    tests = "import signal\nimport solution\n" + ARM + '''

class Tick(Exception):
    pass


def tick(signum, frame):
    raise Tick()


def test_ticks():
    signal.signal(signal.SIGPROF, tick)
    try:
        assert solution.churn(Tick, arm, 300) == 300
    finally:
        signal.signal(signal.SIGPROF, signal.SIG_DFL)
'''
    r = run(tmp_path, solution=SOL, tests=tests)
    passed_unreported(r, "test_ticks")


def test_a_stand_in_outlives_a_handler_raising_inside_it(tmp_path):
    # (a KeyboardInterrupt just after the stand-in took its lock left it
    # held, and the next call hung; one at its generator's resume ended the
    # generator, and every later call failed)
    tests = "import os, signal\nimport solution\n" + ARM + '''

def test_os_open():
    assert solution.churn(KeyboardInterrupt, arm, 300, solution.open_one) == 300
    fd = os.open(solution.__file__, os.O_RDONLY)
    os.close(fd)
'''
    r = run(tmp_path, solution=SOL, tests=tests, pre_signals={"SIGPROF": "default_int_handler"},
            proc_timeout=60)
    passed_unreported(r, "test_os_open")


def test_a_c_handler_installed_before_the_hook(tmp_path):
    # (as the harness's SIGINT: default_int_handler, set before install,
    # raises KeyboardInterrupt when the wall-time limit is reached)
    tests = "import signal\nimport solution\n" + ARM + '''

def test_interrupts():
    assert solution.churn(KeyboardInterrupt, arm, 300) == 300
'''
    r = run(tmp_path, solution=SOL, tests=tests, pre_signals={"SIGPROF": "default_int_handler"})
    passed_unreported(r, "test_interrupts")


def test_pytest_timeout_inside_the_hook(tmp_path):
    tests = '''import pytest
import solution


def never(*a):
    pass


@pytest.mark.parametrize("i", range(3))
def test_slow(i):
    solution.churn(ZeroDivisionError, never, 1)
'''
    r = run(tmp_path, solution=SOL, tests=tests, timeout=1)
    assert r.junit is not None, r.output[-3000:]
    out = r.outcomes()
    assert len(out) == 3 and all(o[0] == "failure" and "Timeout" in o[1] for o in out.values()), \
        (out, r.output[-3000:])
    assert r.seen == [], r.seen
