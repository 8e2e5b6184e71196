"""The harness's faster failure reports (harness.faster_failure_reports):
pytest's report of failing tests is the same with them as without, and the
parse they save is saved. Runs on the host, without Docker."""

import os
import re
import subprocess
import sys
import textwrap

MODULE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

TESTS = textwrap.dedent('''\
    import pytest


    def helper(x):
        assert x == 1, "helper saw %r" % (x,)


    def test_one():
        assert [1, 2] == [1, 3]


    @pytest.mark.parametrize("n", [2, 3])
    def test_through_helper(n):
        helper(n)


    class TestGroup:
        def test_multiline(self):
            value = {"a": 1}
            assert (
                value
                == {"a": 2}
            )

        def test_raises_in_try(self):
            try:
                raise KeyError("k")
            finally:
                pass


    def test_passes():
        assert True
''')

RUN = textwrap.dedent('''\
    import sys
    sys.path.insert(0, %r)
    import harness
    if sys.argv[1] == "fast":
        harness.faster_failure_reports()
    import _pytest._code.source as source
    parses = [0]
    real_parse = source.ast.parse
    def counting_parse(*a, **k):
        parses[0] += 1
        return real_parse(*a, **k)
    source.ast.parse = counting_parse
    import pytest
    code = pytest.main(["-p", "no:cacheprovider", "-q", "--tb=" + sys.argv[2], "--color=no", "test_cases.py"])
    print("PARSES", parses[0])
    sys.exit(code)
''') % MODULE_DIR


def run(tmp_path, mode, tb):
    (tmp_path / "test_cases.py").write_text(TESTS)
    env = dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONDONTWRITEBYTECODE="1")
    p = subprocess.run([sys.executable, "-c", RUN, mode, tb], cwd=tmp_path, env=env, capture_output=True, text=True,
                       timeout=120)
    out = re.sub(r"0x[0-9a-f]+", "0x", re.sub(r"in [0-9.]+s", "in Xs", p.stdout))
    parses = int(re.search(r"PARSES (\d+)", out).group(1))
    return p.returncode, out.split("PARSES")[0], parses


def test_reports_are_the_same_and_parse_each_file_once(tmp_path):
    for tb in ("short", "long", "auto"):
        code_plain, out_plain, parses_plain = run(tmp_path, "plain", tb)
        code_fast, out_fast, parses_fast = run(tmp_path, "fast", tb)
        assert code_plain == code_fast == 1
        assert "5 failed, 1 passed" in out_plain, out_plain
        assert out_fast == out_plain
        if tb == "short":  # the harness's
            # (one parse is the assertion rewriter's) pytest parses the
            # file again for each failure; once is enough
            assert parses_plain >= 6 and parses_fast == 2, (parses_plain, parses_fast)


CACHED = textwrap.dedent('''\
    import re, sys
    sys.path.insert(0, %r)
    import harness
    harness.preload()
    import _pytest.junitxml as junitxml
    before = len(re._cache)
    junitxml.bin_xml_escape("x\\x00")
    junitxml.mangle_test_address("tests/test_b.py::TestC::test_d")
    print("NEW", len(re._cache) - before)
''') % MODULE_DIR


def test_preload_compiles_the_junit_writers_expressions(tmp_path):
    # compiled once in the harness, so no phase's fork compiles them again
    p = subprocess.run([sys.executable, "-c", CACHED], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"))
    assert "NEW 0" in p.stdout, p.stdout + p.stderr


PRECISE = textwrap.dedent('''\
    import sys
    sys.path.insert(0, %r)
    import harness
    harness.precise_junit_times()
    import pytest
    sys.exit(pytest.main(["-p", "no:cacheprovider", "-q", "--junitxml", "junit.xml", "test_cases.py"]))
''') % MODULE_DIR


def test_junit_times_to_the_microsecond(tmp_path):
    (tmp_path / "test_cases.py").write_text(TESTS)
    p = subprocess.run([sys.executable, "-c", PRECISE], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"))
    assert p.returncode == 1, p.stdout + p.stderr
    import xml.etree.ElementTree as ET
    times = [case.get("time") for case in ET.parse(tmp_path / "junit.xml").iter("testcase")]
    assert len(times) == 6 and all(re.fullmatch(r"\d+\.\d{6}", t) for t in times), times
    # a fast test's time is no longer rounded to nothing
    assert all(float(t) > 0 for t in times), times


REGISTRATION = textwrap.dedent('''\
    import sys
    sys.path.insert(0, %r)
    import harness
    import pluggy._hooks as hooks
    original = hooks.varnames
    harness.faster_plugin_registration()
    import inspect
    calls = [0]
    real_spec = inspect.getfullargspec
    def counting(*a, **k):
        calls[0] += 1
        return real_spec(*a, **k)
    inspect.getfullargspec = counting
    from _pytest.config import get_config
    config = get_config()
    during = calls[0]
    # the same names as pluggy's own reading, for functions and methods
    class P:
        def hook(self, a, b=1):
            pass
    def f(x, y, z=2):
        pass
    for fn in (f, P().hook, P, len):
        assert hooks.varnames(fn) == original(fn), fn
    print("SPECS", during, len(config.pluginmanager.get_plugins()))
''') % MODULE_DIR


def test_plugin_registration_reads_each_signature_once(tmp_path):
    p = subprocess.run([sys.executable, "-c", REGISTRATION], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTEST_DISABLE_PLUGIN_AUTOLOAD="1"))
    m = re.search(r"SPECS (\d+) (\d+)", p.stdout)
    assert m, p.stdout + p.stderr
    # a second configuration registers its ~40 plugins without reading a
    # signature again
    assert int(m.group(2)) > 30 and int(m.group(1)) == 0, m.group(0)
