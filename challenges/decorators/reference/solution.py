"""A retry decorator with exponential backoff (reference solution)."""

import functools
import time


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    """Return a decorator that retries the decorated function."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1, got %r" % (attempts,))
    if delay < 0:
        raise ValueError("delay must not be negative, got %r" % (delay,))
    if backoff < 1:
        raise ValueError("backoff must be at least 1, got %r" % (backoff,))

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except exceptions as exc:
                    if attempt == attempts:
                        raise
                    wait = delay * backoff ** (attempt - 1)
                    if on_retry is not None:
                        on_retry(attempt, exc, wait)
                    if wait > 0:
                        time.sleep(wait)
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorator
