"""Fake rate providers and the result type (provided; do not change).

A provider is any object with a `name` (str) and a coroutine method
`fetch(hotel_id)` that returns a quote (a dict) or raises. FakeProvider
plays one back with a controlled latency and scripted failures; the tests
use it, and so can you while you experiment.
"""

import asyncio
from dataclasses import dataclass, field

# The real asyncio.sleep, kept even if a test replaces asyncio.sleep.
_sleep = asyncio.sleep

HANG = object()  # a scripted outcome: the call never answers


@dataclass
class Rates:
    """What RateAggregator.get_rates returns."""

    hotel_id: str
    quotes: dict = field(default_factory=dict)  # provider name -> quote
    errors: dict = field(default_factory=dict)  # provider name -> exception of its last attempt


class FakeProvider:
    """A rate provider answering after `latency` seconds.

    outcomes scripts the calls, one item per call (after the list is used
    up, calls answer normally):
      * None: answer normally;
      * a number: answer normally after that many seconds instead;
      * HANG: never answer (until cancelled);
      * an exception class or instance: raise it after the latency.
    """

    def __init__(self, name, latency=0.05, outcomes=()):
        self.name = name
        self.latency = latency
        self.outcomes = list(outcomes)
        self.calls = []        # hotel ids, in call order
        self.active = 0        # calls running now
        self.peak = 0          # most calls running at once
        self.cancelled = 0     # calls cancelled (e.g. by a timeout)

    def quote(self, hotel_id):
        """The quote this provider gives for hotel_id."""
        price = 80 + (sum(map(ord, self.name + hotel_id)) % 120)
        return {"provider": self.name, "hotel": hotel_id, "price_eur": price}

    async def fetch(self, hotel_id):
        self.calls.append(hotel_id)
        n = len(self.calls)
        outcome = self.outcomes[n - 1] if n <= len(self.outcomes) else None
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            if outcome is HANG:
                await _sleep(3600)
            if isinstance(outcome, (int, float)) and not isinstance(outcome, bool):
                await _sleep(outcome)
            else:
                await _sleep(self.latency)
            if isinstance(outcome, type) and issubclass(outcome, BaseException):
                raise outcome("%s failed on call %d" % (self.name, n))
            if isinstance(outcome, BaseException):
                raise outcome
            return self.quote(hotel_id)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.active -= 1

    def __repr__(self):
        return "FakeProvider(%r)" % self.name
