"""A retry decorator with exponential backoff.

Call time.sleep through the module (``time.sleep(wait)``), not via
``from time import sleep``: the tests replace ``solution.time.sleep``.
"""

import functools  # noqa: F401  (you will probably want functools.wraps)
import time  # noqa: F401


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    """Return a decorator that retries the decorated function.

    exceptions: an exception class or a tuple of them; only matching
        exceptions are retried, any other propagates at once.
    attempts: maximum number of calls, the first one included (>= 1).
    delay: seconds to wait before the first retry (>= 0).
    backoff: factor the wait grows by after each retry (>= 1).
    on_retry: None or a callable on_retry(attempt, exc, wait), called
        before each retry.

    Raises ValueError at once if attempts < 1, delay < 0 or backoff < 1.
    After the last attempt the last exception itself is re-raised. The
    decorated function keeps the wrapped function's metadata
    (functools.wraps).
    """
    raise NotImplementedError
