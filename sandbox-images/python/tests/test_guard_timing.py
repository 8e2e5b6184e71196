"""Each test's call phase as the guard measures it (perf_counter_ns) and as
the harness takes it from the guard's message. Runs on the host, without
Docker:

    /usr/bin/python3 -m pytest -q -p no:cacheprovider sandbox-images/python/tests
"""

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from test_assay_audit import run

MODULE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODULE_DIR)
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


BUDGET = textwrap.dedent('''\
    import json, os, sys
    sys.path.insert(0, %r)
    token_r, token_w = os.pipe()
    os.write(token_w, b"tok")
    os.close(token_w)
    _, out = os.pipe()
    os.environ.update(ASSAY_GUARD_TOKEN_FD=str(token_r), ASSAY_GUARD_OUT_FD=str(out))
    import assay_guard as g
    state = g._timings.__defaults__[0]  # the guard's record (no audit hook here)
    for i in range(1200):
        nodeid = "tests/test_x.py::test_many[%%s%%d]" %% ("x" * 900, i)
        state["durations"][nodeid] = 1000 + i
        state["not_passed"].append(nodeid)
    durations, not_passed = g._timings()
    print("TIMINGS", json.dumps({"n": len(durations), "failed": len(not_passed),
                                 "bytes": len(json.dumps([durations, not_passed]))}))
''') % MODULE_DIR


def test_timings_never_push_the_guards_report_past_what_the_harness_reads():
    # 1200 tests with ids of 900 bytes: about 1 MiB of ids, more than the
    # harness reads of the guard's pipe (a message cut there would read as
    # no guard report); the timings stop short of it
    p = subprocess.run([sys.executable, "-c", BUDGET], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"))
    line = [x for x in p.stdout.splitlines() if x.startswith("TIMINGS ")]
    assert line, p.stdout + p.stderr
    got = json.loads(line[0][len("TIMINGS "):])
    assert 0 < got["n"] < 1200 and got["bytes"] < 300 << 10, got


# ---- the guard's message as the harness reads it (harness.guard_findings) ----

def message(token="t", findings=(), tally=None):
    return json.dumps({"token": token, "findings": list(findings),
                       "tally": tally or {"passed": 1, "failed": 0, "skipped": 0}}).encode() + b"\n"


def test_one_message_is_read_as_sent():
    assert harness.guard_findings(message(findings=["x"]), "t", 0, "<r/>") == (["x"], {"passed": 1, "failed": 0, "skipped": 0})


@pytest.mark.parametrize("raw", [
    message() + b"#",                           # a byte left to spoil the guard's own line
    message() + b"#" + message(findings=["real"]),
    b"noise\n" + message(),
    message().rstrip(b"\n"),                    # no end of line after a normal exit
])
def test_anything_else_on_the_guards_pipe_is_a_finding(raw):
    found, _ = harness.guard_findings(raw, "t", 0, "<r/>")
    assert "the guard's pipe carried something besides its report" in found


def test_a_killed_pytest_may_leave_a_partial_line():
    # (killed mid-write: no exit status of its own, no finding for it)
    found, tally = harness.guard_findings(message() + b'{"tok', "t", -1, None)
    assert found == [] and tally["passed"] == 1


def test_two_messages_or_none():
    assert harness.guard_findings(message() + message(), "t", 0, "<r/>")[0] == ["the guard's report came more than once"]
    assert harness.guard_findings(b"", "t", 0, "<r/>")[0] == ["pytest ended without its guard's report (was pytest's exit path changed?)"]
