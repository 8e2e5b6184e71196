import functools
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Policy:
    catch: Any
    tries: int
    first_wait: float
    factor: float
    hook: Optional[Callable] = None

    def __post_init__(self):
        if self.tries < 1 or self.first_wait < 0 or self.factor < 1:
            raise ValueError("invalid retry policy")

    def wait_after(self, failed):
        return self.first_wait * self.factor ** (failed - 1)

    def run(self, fn, args, kwargs):
        failed = 0
        while failed < self.tries:
            try:
                return fn(*args, **kwargs)
            except self.catch as e:
                failed += 1
                if failed == self.tries:
                    raise
                w = self.wait_after(failed)
                if self.hook is not None:
                    self.hook(failed, e, w)
                if w > 0:
                    time.sleep(w)


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    policy = Policy(exceptions, attempts, delay, backoff, on_retry)

    def apply(fn):
        def run(*args, **kwargs):
            return policy.run(fn, args, kwargs)

        functools.update_wrapper(run, fn)
        return run

    return apply
