"""Visible tests for RateAggregator: concurrency, timeouts, retries, cache."""

import asyncio
import time

import pytest

from providers import HANG, Rates
from tests.strict import same
from solution import RateAggregator


def timed(coro):
    start = time.perf_counter()
    result = asyncio.run(coro)
    return result, time.perf_counter() - start


def test_returns_every_providers_quote(provider):
    a, b = provider("bookly"), provider("staywise")
    rates = asyncio.run(RateAggregator([a, b]).get_rates("htl-1"))
    assert isinstance(rates, Rates)
    same(rates.hotel_id, "htl-1")
    same(rates.quotes, {"bookly": a.quote("htl-1"), "staywise": b.quote("htl-1")})
    same(rates.errors, {})


def test_providers_are_asked_concurrently(provider):
    many = [provider("p%d" % i, latency=0.4) for i in range(4)]
    rates, elapsed = timed(RateAggregator(many).get_rates("htl-2"))
    same(rates.quotes, {p.name: p.quote("htl-2") for p in many})
    assert all(len(p.calls) == 1 for p in many)
    assert elapsed < 0.8, "took %.2f s: the four providers must be asked at the same time" % elapsed


def test_a_hanging_provider_times_out_and_the_others_still_answer(provider):
    ok = provider("bookly", latency=0.1)
    stuck = provider("roomrack", outcomes=[HANG, HANG])
    agg = RateAggregator([ok, stuck], timeout=0.3, retries=1, backoff=0.05)
    rates, elapsed = timed(agg.get_rates("htl-3"))
    same(rates.quotes, {"bookly": ok.quote("htl-3")})
    same(list(rates.errors), ["roomrack"])
    assert isinstance(rates.errors["roomrack"], TimeoutError)
    assert len(stuck.calls) == 2
    assert 0.6 <= elapsed < 1.3, "took %.2f s (two attempts of 0.3 s and a 0.05 s wait)" % elapsed


def test_transient_errors_are_retried_until_success(provider):
    flaky = provider("staywise", outcomes=[ConnectionResetError, TimeoutError, None])
    rates = asyncio.run(RateAggregator([flaky], retries=2, backoff=0.01).get_rates("htl-4"))
    same(rates.quotes, {"staywise": flaky.quote("htl-4")})
    same(rates.errors, {})
    assert len(flaky.calls) == 3


def test_backoff_doubles_and_there_is_no_wait_after_the_last_attempt(provider, sleeps):
    down = provider("staywise", outcomes=[ConnectionError] * 5)
    rates = asyncio.run(RateAggregator([down], retries=3, backoff=0.05).get_rates("htl-5"))
    assert isinstance(rates.errors["staywise"], ConnectionError)
    assert len(down.calls) == 4
    assert sleeps == pytest.approx([0.05, 0.1, 0.2])


def test_a_non_transient_error_is_final_at_once(provider, sleeps):
    broken = ValueError("malformed rate payload")
    bad = provider("bookly", outcomes=[broken])
    good = provider("staywise")
    rates = asyncio.run(RateAggregator([bad, good]).get_rates("htl-6"))
    same(rates.errors, {"bookly": broken})
    assert rates.errors["bookly"] is broken
    same(rates.quotes, {"staywise": good.quote("htl-6")})
    assert len(bad.calls) == 1
    assert sleeps == []


def test_a_second_request_for_the_same_hotel_comes_from_the_cache(provider):
    a, b = provider("bookly"), provider("staywise")
    agg = RateAggregator([a, b])

    async def twice():
        return await agg.get_rates("htl-7"), await agg.get_rates("htl-7")

    first, second = asyncio.run(twice())
    for rates in (first, second):
        same(rates.quotes, {"bookly": a.quote("htl-7"), "staywise": b.quote("htl-7")})
    assert a.calls == ["htl-7"] and b.calls == ["htl-7"]


def test_every_provider_failing_gives_errors_and_no_quotes(provider):
    a = provider("bookly", outcomes=[KeyError("hotel")])
    b = provider("staywise", outcomes=[ConnectionRefusedError] * 3)
    rates = asyncio.run(RateAggregator([a, b], retries=2, backoff=0.01).get_rates("htl-8"))
    same(rates.quotes, {})
    same(set(rates.errors), {"bookly", "staywise"})
    assert isinstance(rates.errors["staywise"], ConnectionRefusedError)


def test_invalid_settings_are_value_errors(provider):
    with pytest.raises(ValueError):
        RateAggregator([provider("a")], timeout=0)
    with pytest.raises(ValueError):
        RateAggregator([provider("a")], retries=-1)
    with pytest.raises(ValueError):
        RateAggregator([provider("a")], backoff=-0.1)
