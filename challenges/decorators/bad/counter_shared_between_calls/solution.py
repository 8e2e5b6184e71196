"""Known-bad: counts attempts in the decorator's closure and never resets
the count, so later calls get fewer attempts (and the count is shared by
every function the same retry(...) decorates)."""

import functools
import time


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if delay < 0:
        raise ValueError("delay must not be negative")
    if backoff < 1:
        raise ValueError("backoff must be at least 1")
    state = {"attempt": 0}

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            while True:
                state["attempt"] += 1
                try:
                    return func(*args, **kwargs)
                except exceptions as exc:
                    if state["attempt"] >= attempts:
                        raise
                    wait = delay * backoff ** (state["attempt"] - 1)
                    if on_retry is not None:
                        on_retry(state["attempt"], exc, wait)
                    if wait > 0:
                        time.sleep(wait)

        return wrapper

    return decorator
