"""flush_signals re-raises a deferred signal with signal.raise_signal, which
trips the C handler a second time: the signal number is written to the
wakeup fd twice, and asyncio's loop.add_signal_handler callback (any
set_wakeup_fd reader) runs twice for one signal. 600d9e4: once each."""
from test_assay_audit import run

SOL = r'''
import asyncio, os, signal, threading, time
HERE = os.path.dirname(os.path.abspath(__file__))

async def main(n):
    loop = asyncio.get_running_loop()
    got = []
    loop.add_signal_handler(signal.SIGUSR1, got.append, 1)
    done = threading.Event()
    def sender():
        for _ in range(n):
            os.kill(os.getpid(), signal.SIGUSR1)
            time.sleep(0.004)
        done.set()
    threading.Thread(target=sender).start()
    p = os.path.join(HERE, "helpers.py")
    while not done.is_set():
        with open(p) as f:   # a coroutine doing file I/O between awaits
            f.read(1)
        await asyncio.sleep(0)
    await asyncio.sleep(0.1)
    loop.remove_signal_handler(signal.SIGUSR1)
    return len(got)

def count(n):
    return asyncio.run(main(n))
'''

TESTS = r'''
import solution

def test_count():
    # (at most one callback a signal: two signals sent while the process
    # waits for the CPU may arrive as one, never one as two)
    assert 0 < solution.count(100) <= 100
'''


def test_one_signal_one_callback(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS, proc_timeout=120)
    assert r.junit is not None, r.output[-3000:]
    assert r.outcomes() == {"test_count": ("passed", "")}, r.outcomes()
    assert r.seen == [], r.seen
