# legit: a TaskGroup fans out to the providers, a Queue fans the outcomes back in.
# exercises: asyncio (TaskGroup, create_task, Queue, timeout() context manager,
#   shield, Task done callbacks, sleep through the module), enum (Enum with auto),
#   typing.NamedTuple, collections.Counter, contextlib.suppress, itertools.count,
#   logging (logger.exception for unexpected provider errors).
"""Aggregate hotel rates from several providers with asyncio."""

import asyncio
import collections
import contextlib
import enum
import itertools
import logging
from typing import Any, Dict, NamedTuple, Tuple

from providers import Rates

log = logging.getLogger(__name__)


class Kind(enum.Enum):
    QUOTE = enum.auto()
    ERROR = enum.auto()


class Outcome(NamedTuple):
    provider: str
    kind: Kind
    value: Any


def _transient(exc: BaseException) -> bool:
    return isinstance(exc, (TimeoutError, ConnectionError))


class RateAggregator:
    def __init__(self, providers, timeout=1.0, retries=2, backoff=0.1):
        providers = list(providers)
        dupes = [n for n, c in collections.Counter(p.name for p in providers).items() if c > 1]
        if dupes:
            raise ValueError("provider names must be unique; repeated: %s" % ", ".join(dupes))
        if timeout <= 0:
            raise ValueError("timeout must be > 0")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        if backoff < 0:
            raise ValueError("backoff must be >= 0")
        self.providers = providers
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._quotes: Dict[Tuple[str, str], Any] = {}
        self._tasks: Dict[Tuple[str, str], "asyncio.Task[Any]"] = {}

    async def _fetch_with_retries(self, provider, hotel_id):
        for attempt in itertools.count(1):
            try:
                async with asyncio.timeout(self.timeout):
                    return await provider.fetch(hotel_id)
            except Exception as exc:
                if not _transient(exc):
                    log.exception("%s failed for %s (not retried)", provider.name, hotel_id)
                    raise
                if attempt > self.retries:
                    raise
            await asyncio.sleep(self.backoff * 2 ** (attempt - 1))

    def _call(self, provider, hotel_id) -> "asyncio.Task[Any]":
        key = (provider.name, hotel_id)
        task = self._tasks.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch_with_retries(provider, hotel_id),
                                       name="%s:%s" % key)

            def finished(t, key=key):
                with contextlib.suppress(KeyError):
                    del self._tasks[key]
                if not t.cancelled() and t.exception() is None:
                    self._quotes[key] = t.result()

            task.add_done_callback(finished)
            self._tasks[key] = task
        return task

    async def _ask(self, provider, hotel_id, outcomes: "asyncio.Queue[Outcome]"):
        key = (provider.name, hotel_id)
        if key in self._quotes:
            await outcomes.put(Outcome(provider.name, Kind.QUOTE, self._quotes[key]))
            return
        try:
            quote = await asyncio.shield(self._call(provider, hotel_id))
        except Exception as exc:
            await outcomes.put(Outcome(provider.name, Kind.ERROR, exc))
        else:
            await outcomes.put(Outcome(provider.name, Kind.QUOTE, quote))

    async def get_rates(self, hotel_id):
        outcomes: "asyncio.Queue[Outcome]" = asyncio.Queue()
        # If our caller cancels us, the group cancels our _ask tasks; the
        # shielded shared calls go on for other callers (asyncio.run ends
        # whatever is left when the loop closes).
        async with asyncio.TaskGroup() as group:
            for provider in self.providers:
                group.create_task(self._ask(provider, hotel_id, outcomes))
        rates = Rates(hotel_id)
        while not outcomes.empty():
            outcome = outcomes.get_nowait()
            target = rates.quotes if outcome.kind is Kind.QUOTE else rates.errors
            target[outcome.provider] = outcome.value
        # Keep the providers' order in both dicts, as callers print them.
        rates.quotes = {p.name: rates.quotes[p.name] for p in self.providers if p.name in rates.quotes}
        rates.errors = {p.name: rates.errors[p.name] for p in self.providers if p.name in rates.errors}
        return rates
