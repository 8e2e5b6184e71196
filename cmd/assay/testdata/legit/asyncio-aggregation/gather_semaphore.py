# legit: gather over providers, wait_for per attempt, futures shared by concurrent callers.
# exercises: asyncio (gather with return_exceptions, Semaphore, wait_for, shield,
#   loop.create_future, CancelledError), typing (Protocol, runtime_checkable, TypedDict,
#   Generic, TypeVar, Dict, Tuple), dataclasses (frozen), logging (debug with
#   traceback.format_exc), traceback.
"""Aggregate hotel rates from several providers with asyncio."""

import asyncio
import logging
import traceback
from dataclasses import dataclass
from typing import (Awaitable, Callable, Dict, Generic, Hashable, Protocol, Tuple, TypedDict, TypeVar,
                    runtime_checkable)

from providers import Rates

log = logging.getLogger(__name__)

TRANSIENT = (TimeoutError, ConnectionError)
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Quote(TypedDict, total=False):
    provider: str
    hotel: str
    price_eur: int


@runtime_checkable
class Provider(Protocol):
    name: str

    async def fetch(self, hotel_id: str) -> Quote: ...


@dataclass(frozen=True)
class Policy:
    timeout: float
    retries: int
    backoff: float

    def wait_before(self, retry: int) -> float:
        """The wait before retry number `retry` (1-based)."""
        return self.backoff * 2 ** (retry - 1)


class SharedCalls(Generic[K, V]):
    """Results kept forever; calls in flight shared; failures forgotten."""

    def __init__(self) -> None:
        self._done: Dict[K, V] = {}
        self._running: Dict[K, "asyncio.Future[V]"] = {}

    async def get(self, key: K, call: Callable[[], Awaitable[V]]) -> V:
        if key in self._done:
            return self._done[key]
        running = self._running.get(key)
        if running is not None:
            # shield: our own cancellation must not cancel the others' call
            return await asyncio.shield(running)
        future: "asyncio.Future[V]" = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await call()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters may be none
            raise
        else:
            self._done[key] = value
            future.set_result(value)
            return value
        finally:
            del self._running[key]


class RateAggregator:
    def __init__(self, providers, timeout=1.0, retries=2, backoff=0.1):
        self._providers = list(providers)
        names = [p.name for p in self._providers]
        if len(names) != len(set(names)):
            raise ValueError("duplicate provider names: %s" % names)
        if not all(isinstance(p, Provider) for p in self._providers):
            raise TypeError("a provider needs a name and an async fetch(hotel_id)")
        if timeout <= 0 or retries < 0 or backoff < 0:
            raise ValueError("need timeout > 0, retries >= 0 and backoff >= 0")
        self._policy = Policy(timeout, retries, backoff)
        self._calls: SharedCalls[Tuple[str, str], Quote] = SharedCalls()
        self._limit = asyncio.Semaphore(64)  # never more than 64 fetches at once

    async def _attempts(self, provider: Provider, hotel_id: str) -> Quote:
        policy = self._policy
        for retry in range(policy.retries + 1):
            if retry:
                await asyncio.sleep(policy.wait_before(retry))
            try:
                async with self._limit:
                    return await asyncio.wait_for(provider.fetch(hotel_id), policy.timeout)
            except TRANSIENT:
                log.debug("%s: attempt %d for %s failed:\n%s",
                          provider.name, retry + 1, hotel_id, traceback.format_exc())
                if retry == policy.retries:
                    raise
        raise AssertionError("unreachable")

    async def _quote(self, provider: Provider, hotel_id: str) -> Quote:
        return await self._calls.get((provider.name, hotel_id),
                                     lambda: self._attempts(provider, hotel_id))

    async def get_rates(self, hotel_id: str) -> Rates:
        outcomes = await asyncio.gather(*(self._quote(p, hotel_id) for p in self._providers),
                                        return_exceptions=True)
        rates = Rates(hotel_id)
        for provider, outcome in zip(self._providers, outcomes):
            if isinstance(outcome, Exception):
                rates.errors[provider.name] = outcome
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                rates.quotes[provider.name] = outcome
        return rates
