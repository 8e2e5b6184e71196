"""What the harness changes in pytest before any request (harness.preload):
the reports are the same, the work it saves is saved, and nothing it keeps
is a new place for the candidate's code to look. Runs on the host, without
Docker."""

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


def test_precise_writer_keeps_nothing_in_a_closure():
    # a wrapper's closure cell would hold pytest's writer where candidate
    # code could swap it, unseen by the guard (which watches to_xml)
    p = subprocess.run([sys.executable, "-c", textwrap.dedent('''\
        import sys
        sys.path.insert(0, %r)
        import harness
        harness.precise_junit_times()
        from _pytest import junitxml
        f = junitxml._NodeReporter.to_xml
        print("CLOSURE", f.__closure__, f.__globals__ is junitxml.__dict__)
    ''') % MODULE_DIR], capture_output=True, text=True, timeout=120)
    assert "CLOSURE None True" in p.stdout, p.stdout + p.stderr


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


def test_directories_resolved_once_gives_the_same_paths(tmp_path):
    sys.path.insert(0, MODULE_DIR)
    try:
        import harness
    finally:
        sys.path.remove(MODULE_DIR)
    real = tmp_path / "real"
    (real / "pkg").mkdir(parents=True)
    (real / "pkg" / "mod.py").write_text("")
    (real / "target.py").write_text("")
    (tmp_path / "link").symlink_to(real)  # a linked directory
    (real / "pkg" / "alias.py").symlink_to(real / "target.py")  # a linked file
    paths = [str(tmp_path / "link" / "pkg" / "mod.py"), str(tmp_path / "link" / "pkg" / "alias.py"),
             str(real / "pkg" / "mod.py"), str(tmp_path / "link" / "pkg" / ".." / "target.py"),
             str(tmp_path / "link" / "missing.py"), "relative/x.py", "/", str(tmp_path / "link" / "pkg") + "/"]
    want = [os.path.realpath(p) for p in paths]
    with harness.directories_resolved_once():
        got = [os.path.realpath(p) for p in paths] + [os.path.realpath(p) for p in paths]
    assert got == want + want
    assert os.path.realpath is not None and os.path.realpath(paths[0]) == want[0]


def test_directories_resolved_once_saves_the_lookups(tmp_path, monkeypatch):
    sys.path.insert(0, MODULE_DIR)
    try:
        import harness
    finally:
        sys.path.remove(MODULE_DIR)
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    files = []
    for i in range(20):
        (deep / ("m%d.py" % i)).write_text("")
        files.append(str(deep / ("m%d.py" % i)))
    calls = [0]
    real_lstat = os.lstat

    def counting(*a, **k):
        calls[0] += 1
        return real_lstat(*a, **k)

    monkeypatch.setattr(os, "lstat", counting)
    [os.path.realpath(f) for f in files]
    plain, calls[0] = calls[0], 0
    with harness.directories_resolved_once():
        [os.path.realpath(f) for f in files]
    # one lstat a file, and the directory's parts once
    assert calls[0] < plain / 3 and calls[0] <= len(files) + len(deep.parts) + 1, (calls[0], plain)
