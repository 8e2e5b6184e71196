import functools
import time


def _as_tuple(excs):
    # accept one class or many
    if isinstance(excs, type):
        return (excs,)
    return tuple(excs)


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    _validate(attempts, delay, backoff)
    handled = _as_tuple(exceptions)

    def deco(target):
        @functools.wraps(target)
        def wrapper(*a, **k):
            tries = 1
            pause = delay
            while True:
                try:
                    return target(*a, **k)
                except handled as problem:
                    if tries >= attempts:
                        raise
                    if on_retry:
                        on_retry(tries, problem, pause)
                    if pause > 0:
                        time.sleep(pause)   # back off
                    pause = pause * backoff
                    tries += 1
        return wrapper
    return deco


def _validate(attempts, delay, backoff):
    if attempts < 1:
        raise ValueError("bad attempts")
    if delay < 0:
        raise ValueError("bad delay")
    if backoff < 1:
        raise ValueError("bad backoff")
