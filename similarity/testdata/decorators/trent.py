"""My retry decorator."""

import functools
import time


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    if attempts < 1:
        raise ValueError("need at least one attempt: %r" % (attempts,))
    if delay < 0:
        raise ValueError("negative delay: %r" % (delay,))
    if backoff < 1:
        raise ValueError("backoff below one: %r" % (backoff,))

    def outer(f):
        @functools.wraps(f)
        def inner(*xs, **kws):
            for i in range(1, attempts + 1):
                try:
                    return f(*xs, **kws)
                except exceptions as e:
                    if i == attempts:
                        raise
                    pause = delay * backoff ** (i - 1)
                    if on_retry is not None:
                        on_retry(i, e, pause)
                    if pause > 0:
                        time.sleep(pause)
            raise AssertionError("unreachable")

        return inner

    return outer
