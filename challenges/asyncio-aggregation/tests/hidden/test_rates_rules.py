"""Hidden tests for RateAggregator: the finer rules of timeouts, retries,
caching and shared calls."""

import asyncio
import time

import pytest

from providers import HANG
from tests.strict import same
from solution import RateAggregator


def timed(coro):
    start = time.perf_counter()
    result = asyncio.run(coro)
    return result, time.perf_counter() - start


def test_the_timeout_limits_each_attempt_not_the_whole_provider(provider):
    slow_flaky = provider("staywise", latency=0.25, outcomes=[ConnectionError, ConnectionError, None])
    agg = RateAggregator([slow_flaky], timeout=0.4, retries=2, backoff=0.01)
    rates, elapsed = timed(agg.get_rates("h1"))
    same(rates.quotes, {"staywise": slow_flaky.quote("h1")})
    assert len(slow_flaky.calls) == 3
    assert elapsed >= 0.75


def test_a_hung_attempt_is_cancelled_and_the_retry_succeeds(provider):
    once_stuck = provider("roomrack", outcomes=[HANG, None])
    rates, elapsed = timed(RateAggregator([once_stuck], timeout=0.2, retries=1, backoff=0.01).get_rates("h2"))
    same(rates.quotes, {"roomrack": once_stuck.quote("h2")})
    assert once_stuck.cancelled == 1, "the timed-out call must be cancelled, not left running"
    assert once_stuck.active == 0
    assert elapsed < 1.0


def test_a_timeout_raised_by_the_provider_is_transient(provider):
    p = provider("bookly", outcomes=[TimeoutError("upstream gateway timeout"), None])
    rates = asyncio.run(RateAggregator([p], retries=1, backoff=0.01).get_rates("h3"))
    same(rates.quotes, {"bookly": p.quote("h3")})
    assert len(p.calls) == 2


def test_the_error_is_the_last_attempts_own_exception(provider):
    failures = [ConnectionResetError("reset %d" % i) for i in range(3)]
    p = provider("staywise", outcomes=failures)
    rates = asyncio.run(RateAggregator([p], retries=2, backoff=0.01).get_rates("h4"))
    assert rates.errors["staywise"] is failures[2]
    same(rates.quotes, {})
    assert len(p.calls) == 3


def test_a_non_transient_error_after_a_retry_stops_retrying(provider, sleeps):
    p = provider("bookly", outcomes=[ConnectionAbortedError, PermissionError("api key revoked"), None])
    rates = asyncio.run(RateAggregator([p], retries=5, backoff=0.02).get_rates("h5"))
    assert isinstance(rates.errors["bookly"], PermissionError)
    assert len(p.calls) == 2
    assert sleeps == pytest.approx([0.02])


def test_retries_zero_means_a_single_call_and_no_wait(provider, sleeps):
    p = provider("bookly", outcomes=[ConnectionError])
    stuck = provider("roomrack", outcomes=[HANG])
    agg = RateAggregator([p, stuck], timeout=0.2, retries=0, backoff=1.0)
    rates, elapsed = timed(agg.get_rates("h6"))
    same(set(rates.errors), {"bookly", "roomrack"})
    assert len(p.calls) == 1 and len(stuck.calls) == 1
    assert sleeps == []
    assert elapsed < 0.8


def test_failures_are_not_cached_but_quotes_are(provider):
    a = provider("bookly", outcomes=[ValueError("bad payload"), None])
    b = provider("staywise")
    agg = RateAggregator([a, b])

    async def twice():
        return await agg.get_rates("h7"), await agg.get_rates("h7")

    first, second = asyncio.run(twice())
    same(set(first.errors), {"bookly"})
    same(second.errors, {})
    same(second.quotes, {"bookly": a.quote("h7"), "staywise": b.quote("h7")})
    assert a.calls == ["h7", "h7"]
    assert b.calls == ["h7"]


def test_the_cache_is_per_hotel(provider):
    a = provider("bookly")
    agg = RateAggregator([a])

    async def run():
        for hotel in ["h1", "h2", "h1", "h3", "h2"]:
            rates = await agg.get_rates(hotel)
            same(rates.quotes, {"bookly": a.quote(hotel)})

    asyncio.run(run())
    assert a.calls == ["h1", "h2", "h3"]


def test_concurrent_requests_for_a_hotel_share_one_call(provider):
    a, b = provider("bookly", latency=0.2), provider("staywise", latency=0.2)
    agg = RateAggregator([a, b])

    async def together():
        return await asyncio.gather(agg.get_rates("h8"), agg.get_rates("h8"), agg.get_rates("h9"))

    (r1, r2, r3), elapsed = timed(together())
    for rates in (r1, r2):
        same(rates.quotes, {"bookly": a.quote("h8"), "staywise": b.quote("h8")})
    same(r3.quotes["bookly"], a.quote("h9"))
    same(sorted(a.calls), ["h8", "h9"])
    same(sorted(b.calls), ["h8", "h9"])
    assert elapsed < 0.4


def test_many_providers_with_retries_still_run_concurrently(provider):
    flaky = [provider("p%d" % i, latency=0.2, outcomes=[ConnectionError]) for i in range(5)]
    rates, elapsed = timed(RateAggregator(flaky, retries=1, backoff=0.1).get_rates("h10"))
    same(rates.quotes, {p.name: p.quote("h10") for p in flaky})
    same(rates.errors, {})
    assert all(len(p.calls) == 2 for p in flaky)
    assert elapsed < 1.0, "took %.2f s: one round of retries is about 0.5 s" % elapsed


def test_cancelling_get_rates_propagates(provider):
    stuck = provider("roomrack", outcomes=[HANG])
    agg = RateAggregator([stuck], timeout=5.0)

    async def impatient():
        await asyncio.wait_for(agg.get_rates("h11"), 0.2)

    start = time.perf_counter()
    with pytest.raises(TimeoutError):
        asyncio.run(impatient())
    assert time.perf_counter() - start < 1.5


def test_duplicate_provider_names_are_a_value_error(provider):
    with pytest.raises(ValueError):
        RateAggregator([provider("bookly"), provider("staywise"), provider("bookly")])
    # The boundaries themselves are valid.
    RateAggregator([provider("bookly")], timeout=0.01, retries=0, backoff=0)


# ---- results as literals ----------------------------------------------------
# Worked out once from FakeProvider.quote: literal results are what the
# run's canaries copy (docs/CHALLENGES.md, "Canaries"); the tests above
# compare against values computed at run time.

def test_a_single_provider_s_price_is_passed_through(provider):
    rates = asyncio.run(RateAggregator([provider("bookly")]).get_rates("h21"))
    same(rates.quotes["bookly"]["price_eur"], 99)


def test_a_retried_provider_s_price_is_its_last_attempt_s(provider):
    p = provider("staywise", outcomes=[ConnectionError])
    rates = asyncio.run(RateAggregator([p], retries=1, backoff=0.01).get_rates("h22"))
    same(rates.quotes["staywise"]["price_eur"], 93)


def test_a_hung_attempt_then_a_price(provider):
    p = provider("roomrack", outcomes=[HANG])
    rates = asyncio.run(RateAggregator([p], timeout=0.1, retries=1, backoff=0.01).get_rates("h23"))
    same(rates.quotes["roomrack"]["price_eur"], 187)


def test_every_provider_s_price_for_one_hotel(provider):
    agg = RateAggregator([provider("roomrack"), provider("bookly"), provider("staywise", outcomes=[ConnectionError])],
                         retries=1, backoff=0.01)
    rates = asyncio.run(agg.get_rates("h24"))
    same(sorted(q["price_eur"] for q in rates.quotes.values()), [95, 102, 188])


def test_prices_of_the_providers_that_answered(provider):
    agg = RateAggregator([provider("staywise"), provider("bookly", outcomes=[PermissionError]),
                          provider("roomrack")], retries=2, backoff=0.01)
    rates = asyncio.run(agg.get_rates("h26"))
    same(sorted(q["price_eur"] for q in rates.quotes.values()), [97, 190])


def test_calls_of_a_provider_failing_twice(provider):
    p = provider("bookly", outcomes=[ConnectionError, ConnectionResetError])
    asyncio.run(RateAggregator([p], retries=4, backoff=0.01).get_rates("h25"))
    same(len(p.calls), 3)


def test_calls_of_a_provider_failing_once(provider):
    p = provider("staywise", outcomes=[TimeoutError("gateway")])
    asyncio.run(RateAggregator([p], retries=4, backoff=0.01).get_rates("h27"))
    same(len(p.calls), 2)


def test_calls_of_a_provider_that_hangs_every_time(provider):
    p = provider("roomrack", outcomes=[HANG, HANG, HANG])
    asyncio.run(RateAggregator([p], timeout=0.05, retries=2, backoff=0.01).get_rates("h28"))
    same(len(p.calls), 3)


def test_calls_of_a_provider_refusing_at_once(provider):
    p = provider("bookly", outcomes=[ValueError("bad request"), None])
    asyncio.run(RateAggregator([p], retries=3, backoff=0.01).get_rates("h29"))
    same(len(p.calls), 1)
