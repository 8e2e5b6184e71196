# legit: the dataclass retry decorator, reading its defaults from the first
# settings file it finds, as tools do: the home directory, /etc, root's home
# (a directory the sandbox user may not search: the kernel refuses it, and so
# does the audit hook, quietly), a relative name.
# exercises: os.path.expanduser, reading names under an unsearchable
#   directory and catching OSError, configparser.
"""A retry decorator with exponential backoff, defaults from a settings file."""

from __future__ import annotations

import configparser as _configparser
import os as _os

_DEFAULTS = {"attempts": "3"}
for _place in (_os.path.expanduser("~/.retryrc"), "/etc/retryrc", "/root/.retryrc", ".retryrc"):
    try:
        with open(_place) as _f:
            _parser = _configparser.ConfigParser()
            _parser.read_string("[retry]\n" + _f.read())
            _DEFAULTS.update(_parser["retry"])
            break
    except OSError:
        continue


import functools
import itertools
import logging
import time
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional, ParamSpec, Protocol, TypeVar, Union

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

ExceptionTypes = Union[type[BaseException], tuple[type[BaseException], ...]]


class OnRetry(Protocol):
    def __call__(self, attempt: int, exc: BaseException, wait: float) -> object: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; immutable, so one policy can be
    shared by every function it decorates."""

    exceptions: tuple[type[BaseException], ...] = field(default_factory=lambda: (Exception,))
    attempts: int = 3
    delay: float = 0.0
    backoff: float = 2.0
    on_retry: Optional[OnRetry] = None
    tags: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {self.attempts!r}")
        if self.delay < 0:
            raise ValueError(f"delay must be >= 0, got {self.delay!r}")
        if self.backoff < 1:
            raise ValueError(f"backoff must be >= 1, got {self.backoff!r}")

    def waits(self) -> Iterator[float]:
        """The wait before each retry: delay, delay*backoff, ... (attempts - 1 of them)."""
        return itertools.islice(
            (self.delay * self.backoff ** n for n in itertools.count()), self.attempts - 1
        )


def retry(
    exceptions: ExceptionTypes = (Exception,),
    attempts: int = 3,
    delay: float = 0.0,
    backoff: float = 2.0,
    on_retry: Optional[OnRetry] = None,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    if isinstance(exceptions, type):
        exceptions = (exceptions,)
    policy = RetryPolicy(tuple(exceptions), attempts, delay, backoff, on_retry)
    if attempts == 1 and delay > 0:
        warnings.warn("retry(attempts=1) never waits: delay is ignored", RuntimeWarning, stacklevel=2)

    def decorator(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            waits = policy.waits()
            for attempt in itertools.count(1):
                try:
                    return func(*args, **kwargs)
                except policy.exceptions as exc:
                    wait = next(waits, None)
                    if wait is None:
                        log.exception("%s failed %d times, giving up", func.__qualname__, attempt)
                        log.debug("last failure:\n%s", traceback.format_exc())
                        raise
                    log.debug("%s attempt %d failed (%r); retrying in %.2fs",
                              func.__qualname__, attempt, exc, wait)
                    if policy.on_retry is not None:
                        policy.on_retry(attempt, exc, wait)
                    if wait > 0:
                        time.sleep(wait)
            raise AssertionError("unreachable")

        return wrapper

    return decorator
