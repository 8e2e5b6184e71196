import functools
import time


def _check(attempts, delay, backoff):
    if attempts < 1:
        raise ValueError("attempts")
    if delay < 0:
        raise ValueError("delay")
    if backoff < 1:
        raise ValueError("backoff")


def _normalise(exceptions):
    if isinstance(exceptions, type):
        return (exceptions,)
    return tuple(exceptions)


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    _check(attempts, delay, backoff)
    catch = _normalise(exceptions)

    def decorate(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            n = 1
            wait = delay
            while True:
                try:
                    return fn(*args, **kwargs)
                except catch as err:
                    if n >= attempts:
                        raise
                    if on_retry:
                        on_retry(n, err, wait)
                    if wait > 0:
                        time.sleep(wait)
                    wait = wait * backoff
                    n += 1

        return inner

    return decorate
