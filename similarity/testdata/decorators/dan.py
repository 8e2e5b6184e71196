import functools
import itertools
import time


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    for value, lowest, name in ((attempts, 1, "attempts"), (delay, 0, "delay"), (backoff, 1, "backoff")):
        if value < lowest:
            raise ValueError("%s must be >= %s" % (name, lowest))

    def schedule():
        # The waits after attempts 1, 2, ...; none after the last.
        return itertools.islice((delay * backoff**k for k in itertools.count()), attempts - 1)

    def decorator(target):
        @functools.wraps(target)
        def call(*positional, **named):
            waits = schedule()
            counter = itertools.count(1)
            while True:
                index = next(counter)
                try:
                    result = target(*positional, **named)
                except exceptions as failure:
                    gap = next(waits, None)
                    if gap is None:
                        raise failure
                    if callable(on_retry):
                        on_retry(index, failure, gap)
                    if gap > 0:
                        time.sleep(gap)
                else:
                    return result

        return call

    return decorator
