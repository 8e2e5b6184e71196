"""Hidden tests for the pricing job: limits, ordering, errors, clean-up."""

import multiprocessing
import os
import threading
import time

import pytest

import pricing
from tests.strict import same
from solution import crunch_all, fetch_all


def urls(n):
    return ["https://partner.example/feeds/%02d.json" % i for i in range(n)]


# ---- fetch_all --------------------------------------------------------------

def test_max_workers_caps_how_many_fetches_wait_at_once(network):
    todo = urls(12)
    start = time.perf_counter()
    same(fetch_all(todo, network.fetch(latency=0.1), max_workers=4), [u + ":ok" for u in todo])
    elapsed = time.perf_counter() - start
    assert network.peak <= 4, "%d fetches ran at once with max_workers=4" % network.peak
    assert network.peak >= 3
    assert elapsed >= 0.28  # three rounds of four
    assert elapsed < 1.2  # not one after the other (1.2 s)


def test_a_larger_max_workers_is_honoured(network):
    todo = urls(40)
    start = time.perf_counter()
    fetch_all(todo, network.fetch(latency=0.3, together=40), max_workers=64)
    elapsed = time.perf_counter() - start - min(max(float(network.gathering), 0.0), 3.0)
    assert network.peak == 40
    assert elapsed < 1.2, "took %.2f s" % elapsed


def test_max_workers_below_one_is_a_value_error(network):
    for bad in (0, -2):
        with pytest.raises(ValueError):
            fetch_all(urls(3), network.fetch(latency=0.01), max_workers=bad)
    assert network.calls == []


def test_results_keep_url_order_when_later_urls_finish_first(network):
    todo = urls(8)
    latencies = {u: 0.4 - 0.05 * i for i, u in enumerate(todo)}
    same(fetch_all(todo, network.fetch(latencies=latencies)), [u + ":ok" for u in todo])


def test_urls_may_be_a_generator_and_repeat(network):
    todo = ["x", "y", "x", "z", "x"]
    same(fetch_all((u for u in todo), network.fetch(latency=0.02)), [u + ":ok" for u in todo])
    same(sorted(network.calls), sorted(todo))


def test_the_first_failing_url_in_order_wins(network):
    todo = urls(6)
    early, late = TimeoutError("feed 01 timed out"), ConnectionRefusedError("feed 04 refused")
    # feed 04 fails first in time; feed 01 comes first in the list.
    fetch = network.fetch(latency=0.05, latencies={todo[1]: 0.3, todo[4]: 0.01},
                          failures={todo[1]: early, todo[4]: late})
    with pytest.raises(TimeoutError) as info:
        fetch_all(todo, fetch)
    assert info.value is early


def test_nothing_is_left_running_after_a_failure(network):
    todo = urls(10)
    before = threading.active_count()
    boom = OSError("no route to host")
    fetch = network.fetch(latency=0.3, latencies={todo[0]: 0.01}, failures={todo[0]: boom})
    with pytest.raises(OSError) as info:
        fetch_all(todo, fetch)
    assert info.value is boom
    assert network.running == 0, "fetch_all raised while fetches were still running"
    deadline = time.monotonic() + 0.5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert threading.active_count() == before, "fetch_all left threads behind"


def test_no_threads_are_left_behind_after_success(network):
    before = threading.active_count()
    same(fetch_all(urls(20), network.fetch(latency=0.05)), [u + ":ok" for u in urls(20)])
    deadline = time.monotonic() + 0.5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.01)
    same(threading.active_count(), before)


# ---- crunch_all -------------------------------------------------------------

def test_crunch_uses_at_most_the_given_number_of_workers(trace):
    numbers = list(range(12))
    result = crunch_all(numbers, workers=3)
    worker_calls = [(pid, n) for pid, n in trace() if pid != os.getpid()]
    same(sorted(n for _, n in worker_calls), numbers)
    assert 2 <= len({pid for pid, _ in worker_calls}) <= 3
    same(result, [pricing.risk_score(n) for n in numbers])


def test_crunch_takes_any_iterable_and_repeats(trace):
    numbers = [9, 2, 9, 9, 1]
    same(crunch_all(iter(numbers)), [pricing.risk_score(n) for n in numbers])
    worker_calls = sorted(n for pid, n in trace() if pid != os.getpid())
    assert worker_calls == sorted(numbers)


def test_crunch_raises_the_workers_value_error(trace):
    with pytest.raises(ValueError):
        crunch_all([3, 4, -1, 5])


def test_crunch_workers_below_one_is_a_value_error(trace):
    with pytest.raises(ValueError):
        crunch_all([1, 2], workers=0)
    assert trace() == []


def test_crunch_leaves_no_process_behind(trace):
    same(crunch_all(range(6)), [pricing.risk_score(n) for n in range(6)])
    same(multiprocessing.active_children(), [])
    with pytest.raises(ValueError):
        crunch_all([1, -5, 2])
    same(multiprocessing.active_children(), [])


def test_crunch_can_run_twice_in_a_row(trace):
    first = crunch_all([1, 2, 3, 4])
    second = crunch_all([4, 3, 2, 1])
    same(second, first[::-1])
    assert os.getpid() not in {pid for pid, _ in trace()}
    same(first, [pricing.risk_score(n) for n in [1, 2, 3, 4]])  # (scored here, after the check)


# ---- results as literals ----------------------------------------------------
# Worked out once from pricing.risk_score: literal results are what the
# run's canaries copy (docs/CHALLENGES.md, "Canaries"); the tests above
# compare against values computed at run time.

def test_crunch_scores_a_small_batch_in_order():
    same(crunch_all([7, 11, 19], workers=2), [1203154983, 2042995755, 1575193651])


def test_crunch_with_one_worker_scores_in_order():
    same(crunch_all([100, 3, 64], workers=1), [1402100100, 363314211, 285984096])


def test_crunch_scores_a_single_instrument():
    same(crunch_all([42])[0], 2109310794)


def test_crunch_scores_instrument_zero_last():
    same(crunch_all([23, 0], workers=2)[-1], 1880917280)


def test_crunch_takes_a_tuple():
    same(crunch_all((8,), workers=1), [1413115176])


def test_crunch_scores_instrument_five():
    same(crunch_all([5], workers=1)[0], 783234597)


def test_crunch_scores_one_of_two_instruments():
    same(crunch_all([77, 1], workers=2)[0], 867982957)


def test_crunch_scores_two_neighbours():
    same(crunch_all([1, 2], workers=2), [2090877473, 153354018])


def test_crunch_scores_two_more_neighbours():
    same(crunch_all([12, 13], workers=1), [105472300, 315432493])
