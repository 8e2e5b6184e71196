import functools
import time


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    if not attempts >= 1 or not delay >= 0 or not backoff >= 1:
        raise ValueError(f"bad retry settings: {attempts=} {delay=} {backoff=}")

    def attempt(func, number, args, kwargs):
        try:
            return func(*args, **kwargs)
        except BaseException as exc:
            if not isinstance(exc, exceptions) or number == attempts:
                raise
            pause = delay * (backoff ** (number - 1))
            on_retry is None or on_retry(number, exc, pause)
            pause > 0 and time.sleep(pause)
        return attempt(func, number + 1, args, kwargs)

    def wrap(func):
        return functools.wraps(func)(lambda *args, **kwargs: attempt(func, 1, args, kwargs))

    return wrap
