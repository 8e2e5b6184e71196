"""Known-bad: awaits the providers one after the other in a for loop, so a request
takes the sum of their latencies instead of the slowest one."""

import asyncio

from providers import Rates

TRANSIENT = (TimeoutError, ConnectionError)


class RateAggregator:
    """Asks every provider concurrently, with timeouts, retries and a cache."""

    def __init__(self, providers, timeout=1.0, retries=2, backoff=0.1):
        providers = list(providers)
        names = [p.name for p in providers]
        if len(set(names)) != len(names):
            raise ValueError("provider names must be unique: %r" % (names,))
        if timeout <= 0:
            raise ValueError("timeout must be positive, got %r" % (timeout,))
        if retries < 0:
            raise ValueError("retries must not be negative, got %r" % (retries,))
        if backoff < 0:
            raise ValueError("backoff must not be negative, got %r" % (backoff,))
        self._providers = providers
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._cache = {}      # (provider name, hotel id) -> quote
        self._in_flight = {}  # (provider name, hotel id) -> task of the running call

    async def _call_with_retries(self, provider, hotel_id):
        for attempt in range(self._retries + 1):
            try:
                return await asyncio.wait_for(provider.fetch(hotel_id), self._timeout)
            except TRANSIENT:
                if attempt == self._retries:
                    raise
            await asyncio.sleep(self._backoff * 2 ** attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _finished(self, key, task):
        self._in_flight.pop(key, None)
        if not task.cancelled() and task.exception() is None:
            self._cache[key] = task.result()

    async def _quote(self, provider, hotel_id):
        key = (provider.name, hotel_id)
        if key in self._cache:
            return self._cache[key]
        task = self._in_flight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._call_with_retries(provider, hotel_id))
            self._in_flight[key] = task
            task.add_done_callback(lambda t: self._finished(key, t))
        return await task

    async def get_rates(self, hotel_id):
        """-> Rates(hotel_id, quotes, errors) with every provider in one of them."""
        outcomes = []
        for p in self._providers:
            try:
                outcomes.append(await self._quote(p, hotel_id))
            except Exception as exc:
                outcomes.append(exc)
        rates = Rates(hotel_id)
        for provider, outcome in zip(self._providers, outcomes):
            if isinstance(outcome, Exception):
                rates.errors[provider.name] = outcome
            elif isinstance(outcome, BaseException):
                raise outcome  # cancellation and the like are not provider failures
            else:
                rates.quotes[provider.name] = outcome
        return rates
