import functools
import time


class _Retrying:
    """Holds the settings; one instance may decorate many functions."""

    def __init__(self, exceptions, attempts, delay, backoff, on_retry):
        self.exceptions = exceptions
        self.attempts = attempts
        self.delay = delay
        self.backoff = backoff
        self.on_retry = on_retry

    def waits(self):
        return [self.delay * self.backoff ** i for i in range(self.attempts - 1)]

    def __call__(self, func):
        settings = self

        def wrapped(*a, **kw):
            last = None
            for number, pause in enumerate(settings.waits() + [None], start=1):
                try:
                    return func(*a, **kw)
                except settings.exceptions as problem:
                    last = problem
                    if pause is None:
                        break
                    if settings.on_retry is not None:
                        settings.on_retry(number, problem, pause)
                    if pause:
                        time.sleep(pause)
            raise last

        return functools.update_wrapper(wrapped, func)


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    problems = []
    if attempts < 1:
        problems.append("attempts < 1")
    if delay < 0:
        problems.append("delay < 0")
    if backoff < 1:
        problems.append("backoff < 1")
    if problems:
        raise ValueError(", ".join(problems))
    return _Retrying(exceptions, attempts, delay, backoff, on_retry)
