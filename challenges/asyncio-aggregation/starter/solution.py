"""Aggregate hotel rates from several providers with asyncio.

Sleep with ``await asyncio.sleep(...)`` through the module: the tests
watch asyncio.sleep.
"""

import asyncio  # noqa: F401

from providers import Rates  # noqa: F401


class RateAggregator:
    """Asks every provider concurrently, with timeouts, retries and a cache."""

    def __init__(self, providers, timeout=1.0, retries=2, backoff=0.1):
        raise NotImplementedError

    async def get_rates(self, hotel_id):
        """-> Rates(hotel_id, quotes, errors) with every provider in one of them."""
        raise NotImplementedError
