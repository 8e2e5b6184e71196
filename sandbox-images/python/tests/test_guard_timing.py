"""Each test's call phase as the guard measures it (perf_counter_ns) and as
the harness takes it from the guard's message. Runs on the host, without
Docker:

    /usr/bin/python3 -m pytest -q -p no:cacheprovider sandbox-images/python/tests
"""

import json
import os
import sys
import textwrap
import xml.etree.ElementTree as ET

from test_assay_audit import run

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

SOLUTION = textwrap.dedent('''\
    import time


    def quick(x):
        return x + 1


    def slow(seconds):
        time.sleep(seconds)
        return True
''')

TESTS = textwrap.dedent('''\
    import pytest

    from solution import quick, slow


    @pytest.fixture
    def costly():
        # setup is not the call: its time must not count
        slow(0.05)
        return 1


    def test_quick():
        assert quick(1) == 2


    def test_quick_with_a_costly_fixture(costly):
        assert quick(costly) == 2


    def test_sleeps():
        assert slow(0.02)


    @pytest.mark.parametrize("n", [1, 2])
    def test_param(n):
        assert quick(n) == n + 1


    class TestGroup:
        def test_in_class(self):
            assert quick(0) == 1


    def test_fails():
        assert quick(1) == 3


    @pytest.mark.skip(reason="never called")
    def test_skipped():
        pass
''')


def junit_ids(result):
    return {"%s::%s" % (c.get("classname"), c.get("name")) for c in ET.fromstring(result.junit).iter("testcase")}


def test_the_guard_times_each_call_in_nanoseconds(tmp_path):
    r = run(tmp_path, solution=SOLUTION, tests=TESTS)
    guard = json.loads(r.result["guard"])
    durations = guard["durations"]
    ids = junit_ids(r)
    # keyed as the JUnit report names the tests (what the grader matches)
    called = ids - {"tests.test_solution::test_skipped"}
    assert set(durations) == called, (sorted(durations), sorted(ids))
    assert all(type(ns) is int and ns > 0 for ns in durations.values()), durations
    quick = durations["tests.test_solution::test_quick"]
    # sub-millisecond, not rounded to nothing, and not all the same
    assert 0 < quick < 1_000_000, quick
    assert len(set(durations.values())) > 1, durations
    # the call alone: the fixture's 50 ms of setup are not in it
    assert durations["tests.test_solution::test_quick_with_a_costly_fixture"] < 20_000_000, durations
    assert 20_000_000 <= durations["tests.test_solution::test_sleeps"] < 2_000_000_000, durations
    assert "tests.test_solution::test_param[1]" in durations and "tests.test_solution.TestGroup::test_in_class" in durations
    assert guard["not_passed"] == ["tests.test_solution::test_fails"], guard["not_passed"]


def test_the_harness_takes_only_its_guards_timings():
    good = {"token": "t", "durations": {"a::b": 1500, "a::c": 7}, "not_passed": ["a::c"]}
    raw = (json.dumps(good) + "\n").encode()
    assert harness.guard_timings(raw, "t") == ({"a::b": 1500, "a::c": 7}, ["a::c"])
    # another token's message, or none: nothing
    assert harness.guard_timings(raw, "other") == ({}, [])
    assert harness.guard_timings(b"not json\n", "t") == ({}, [])
    # two messages with the token: neither is believed
    assert harness.guard_timings(raw + raw, "t") == ({}, [])
    # values that are not non-negative integers, ids that are not strings
    # or too long, are left out
    bad = {"token": "t", "durations": {"a::ok": 5, "a::neg": -1, "a::float": 1.5, "a::str": "9",
                                       "a::bool": True, "x" * 2000: 3, "a::huge": 1 << 70},
           "not_passed": ["a::x", 3, None]}
    assert harness.guard_timings((json.dumps(bad) + "\n").encode(), "t") == ({"a::ok": 5}, ["a::x"])
    wrong_shapes = {"token": "t", "durations": [1, 2], "not_passed": "a::x"}
    assert harness.guard_timings((json.dumps(wrong_shapes) + "\n").encode(), "t") == ({}, [])
