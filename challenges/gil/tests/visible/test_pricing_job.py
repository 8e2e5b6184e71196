"""Visible tests for the pricing job: fetch in threads, crunch in processes."""

import os
import time

import pytest

import pricing
from tests.strict import same
from solution import crunch_all, fetch_all


def urls(n):
    return ["https://partner.example/prices/%02d.csv" % i for i in range(n)]


# ---- fetch_all: I/O-bound, threads ----------------------------------------

def test_fetch_all_returns_results_in_url_order(network):
    same(fetch_all(["b", "a", "c"], network.fetch(latency=0.05)), ["b:ok", "a:ok", "c:ok"])
    same(sorted(network.calls), ["a", "b", "c"])


def test_fetch_all_32_slow_fetches_under_1_2_seconds(network):
    todo = urls(32)
    start = time.perf_counter()
    results = fetch_all(todo, network.fetch(latency=0.3, together=32))
    # (the time it took the machine to start all 32 is left out: at most
    # the grace, whatever the network object says)
    elapsed = time.perf_counter() - start - min(max(float(network.gathering), 0.0), 3.0)
    same(results, [u + ":ok" for u in todo])
    assert network.peak == 32, "%d fetches ran at once: the 32 fetches must wait at the same time" % network.peak
    assert elapsed < 1.2, "took %.2f s: the 32 fetches must wait at the same time" % elapsed


def test_fetch_all_runs_fetch_in_threads_of_this_process(network):
    fetch = network.fetch(latency=0.1)
    results = fetch_all(urls(6), lambda url: fetch(url).upper())
    same(results, [u.upper() + ":OK" for u in urls(6)])
    assert network.pids == {os.getpid()}
    assert len(network.threads) > 1


def test_fetch_all_of_nothing_is_empty(network):
    same(fetch_all([], network.fetch()), [])
    assert network.calls == []


def test_fetch_all_raises_the_fetch_error(network):
    boom = ConnectionResetError("partner 03 hung up")
    todo = urls(5)
    with pytest.raises(ConnectionResetError) as info:
        fetch_all(todo, network.fetch(latency=0.05, failures={todo[3]: boom}))
    assert info.value is boom


# ---- crunch_all: CPU-bound, processes --------------------------------------

def test_crunch_all_returns_the_scores_in_order(trace):
    numbers = [7, 3, 11, 0, 5]
    same(crunch_all(numbers), [pricing.risk_score(n) for n in numbers])


def test_crunch_all_never_scores_in_this_process(trace):
    crunch_all(range(12))
    pids = {pid for pid, _ in trace()}
    assert pids, "pricing.risk_score was never called"
    assert os.getpid() not in pids, "scores were computed in the calling process (threads share the GIL)"


def test_crunch_all_spreads_the_work_over_both_workers(trace):
    crunch_all(range(16), workers=2)
    pids = {pid for pid, _ in trace()}
    assert len(pids) == 2, "the work ran in %d process(es), want the 2 workers" % len(pids)


def test_crunch_all_scores_each_number_once(trace):
    numbers = [4, 8, 15, 16, 23, 42]
    crunch_all(numbers)
    same(sorted(n for _, n in trace()), sorted(numbers))


def test_crunch_all_of_nothing_is_empty(trace):
    same(crunch_all([]), [])
    assert trace() == []
