# legit: a class-based retry decorator (a callable object with __get__ for methods).
# exercises: functools (partial, update_wrapper, cached_property), the descriptor
#   protocol with types.MethodType, typing.NamedTuple, enum (Enum, auto),
#   collections.deque (a bounded history of failures), contextlib.suppress,
#   inspect.signature through __wrapped__, abc (ABC, abstractmethod).
"""A retry decorator with exponential backoff, written as a class."""

import abc
import collections
import contextlib
import enum
import functools
import inspect
import time
import types
from typing import Any, Callable, NamedTuple, Optional, Tuple, Type


class Outcome(enum.Enum):
    RETURNED = enum.auto()
    RETRIED = enum.auto()
    GAVE_UP = enum.auto()


class Settings(NamedTuple):
    exceptions: Tuple[Type[BaseException], ...]
    attempts: int
    delay: float
    backoff: float
    on_retry: Optional[Callable[[int, BaseException, float], Any]]


class Backoff(abc.ABC):
    @abc.abstractmethod
    def wait(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""


class Exponential(Backoff):
    def __init__(self, delay: float, factor: float) -> None:
        self.delay = delay
        self.factor = factor

    def wait(self, attempt: int) -> float:
        return self.delay * self.factor ** (attempt - 1)


class _Retrying:
    """Wraps one function; behaves like it (metadata, signature, binding)."""

    def __init__(self, settings: Settings, func: Callable) -> None:
        self._settings = settings
        self._backoff = Exponential(settings.delay, settings.backoff)
        self._func = func
        self.history = collections.deque(maxlen=16)  # (attempt, Outcome) of recent calls
        functools.update_wrapper(self, func)

    @functools.cached_property
    def signature(self) -> inspect.Signature:
        return inspect.signature(self._func)

    def __get__(self, instance, owner=None):
        # Plain functions are descriptors: so must we be, or instance
        # methods would not receive `self`.
        if instance is None:
            return self
        return types.MethodType(self, instance)

    def __call__(self, *args, **kwargs):
        s = self._settings
        for attempt in range(1, s.attempts + 1):
            try:
                result = self._func(*args, **kwargs)
            except s.exceptions as exc:
                if attempt == s.attempts:
                    self.history.append((attempt, Outcome.GAVE_UP))
                    raise
                wait = self._backoff.wait(attempt)
                self.history.append((attempt, Outcome.RETRIED))
                if s.on_retry is not None:
                    s.on_retry(attempt, exc, wait)
                if wait > 0:
                    time.sleep(wait)
            else:
                self.history.append((attempt, Outcome.RETURNED))
                return result
        raise AssertionError("unreachable")

    def __repr__(self) -> str:
        name = "?"
        with contextlib.suppress(AttributeError):
            name = self.__qualname__
        return "<retrying %s>" % name


def retry(exceptions=(Exception,), attempts=3, delay=0.0, backoff=2.0, on_retry=None):
    if not isinstance(exceptions, tuple):
        exceptions = (exceptions,)
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    if delay < 0:
        raise ValueError("delay must not be negative")
    if backoff < 1:
        raise ValueError("backoff must be at least 1")
    settings = Settings(exceptions, attempts, delay, backoff, on_retry)
    return functools.partial(_Retrying, settings)
