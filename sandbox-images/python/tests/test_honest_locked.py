"""Honest hidden test modules and conftest files, locked (as the harness's
lock_tests: test_*.py and conftest.py), must behave as they did before the
hook ran them itself: outcomes, messages, no refusals."""
import fnmatch
import textwrap

import pytest

from test_assay_audit import run

SOL = textwrap.dedent('''\
    def add(a, b):
        return a + b

    def length(x):
        return len(x)
''')


def go(tmp_path, files, solution=SOL, lock=None, **kw):
    work = tmp_path / "work"
    for name in files:
        (work / name).parent.mkdir(parents=True, exist_ok=True)
    files = {k: textwrap.dedent(v) for k, v in files.items()}
    if lock is None:
        lock = [k for k in files if fnmatch.fnmatchcase(k.rpartition("/")[2], "test_*.py")
                or k.rpartition("/")[2] == "conftest.py"]
    return run(tmp_path, solution=solution, files=files, lock=lock, **kw)


def outcomes(r):
    assert r.junit is not None, r.output[-3000:]
    return r.outcomes()


def summary(r):
    return {k: v[0] for k, v in outcomes(r).items()}


# ---- conftest ------------------------------------------------------------------

def test_conftest_fixtures_hooks_plugins(tmp_path):
    r = go(tmp_path, {
        "tests/plug.py": '''
            import pytest

            @pytest.fixture
            def from_plugin():
                return "plugged"
        ''',
        "tests/conftest.py": '''
            import pytest
            pytest_plugins = ["tests.plug"]

            @pytest.fixture
            def base():
                return 40

            @pytest.fixture(scope="session")
            def sess():
                return {"n": 2}

            def pytest_collection_modifyitems(config, items):
                for item in items:
                    if "slow" in item.name:
                        item.add_marker(pytest.mark.skip(reason="slow skipped by conftest"))
                items.sort(key=lambda i: i.name)

            def pytest_configure(config):
                config.addinivalue_line("markers", "mine: a marker")
        ''',
        "tests/test_c.py": '''
            import solution

            def test_fixture(base, sess):
                assert solution.add(base, sess["n"]) == 42

            def test_plugin(from_plugin):
                assert from_plugin == "plugged"

            def test_slow_thing():
                assert False
        ''',
    })
    assert summary(r) == {"test_fixture": "passed", "test_plugin": "passed", "test_slow_thing": "skipped"}, \
        r.output[-3000:]
    assert r.seen == []


def test_conftest_in_subdir_and_autouse(tmp_path):
    r = go(tmp_path, {
        "tests/conftest.py": '''
            import pytest
            CALLS = []

            @pytest.fixture(autouse=True)
            def track():
                CALLS.append(1)
                yield
        ''',
        "tests/sub/conftest.py": '''
            import pytest

            @pytest.fixture
            def deeper():
                return "deep"
        ''',
        "tests/sub/test_d.py": '''
            def test_deeper(deeper):
                assert deeper == "deep"
        ''',
    })
    assert summary(r) == {"test_deeper": "passed"}, r.output[-3000:]
    assert r.seen == []


# ---- module-level skips, marks ------------------------------------------------------------

def test_module_level_importorskip_and_skip(tmp_path):
    r = go(tmp_path, {
        "tests/test_a.py": '''
            import pytest
            nope = pytest.importorskip("no_such_module_xyz")

            def test_never():
                pass
        ''',
        "tests/test_b.py": '''
            import pytest
            pytest.skip("not today", allow_module_level=True)

            def test_never_b():
                pass
        ''',
        "tests/test_c.py": '''
            def test_runs():
                pass
        ''',
    })
    assert summary(r) == {"test_runs": "passed", "tests.test_a": "skipped", "tests.test_b": "skipped"}, \
        r.output[-3000:]
    assert "2 skipped" in r.output, r.output[-2000:]
    assert r.seen == []


def test_pytestmark(tmp_path):
    r = go(tmp_path, {
        "tests/test_m.py": '''
            import pytest
            pytestmark = [pytest.mark.xfail(reason="known", strict=True)]

            def test_x():
                assert 1 == 2
        ''',
        "tests/test_n.py": '''
            import sys
            import pytest
            pytestmark = pytest.mark.skipif(sys.version_info > (2,), reason="py3")

            def test_y():
                pass
        ''',
    })
    assert summary(r) == {"test_x": "skipped", "test_y": "skipped"}, r.output[-3000:]
    assert r.seen == []


def test_dont_rewrite_docstring(tmp_path):
    r = go(tmp_path, {
        "tests/test_plain.py": '''
            """PYTEST_DONT_REWRITE"""
            import solution

            def test_plain():
                assert solution.add(1, 2) == 4
        ''',
    })
    o = outcomes(r)
    assert o["test_plain"][0] == "failure"
    assert "assert 3 == 4" not in o["test_plain"][1], o["test_plain"][1]
    assert r.seen == []


# ---- module attributes -----------------------------------------------------------------

def test_module_dunders(tmp_path):
    r = go(tmp_path, {
        "tests/data.json": '{"k": 7}\n',
        "tests/test_dunder.py": '''
            import json
            import os
            import sys
            import importlib

            HERE = os.path.dirname(os.path.abspath(__file__))
            with open(os.path.join(HERE, "data.json")) as f:
                DATA = json.load(f)
            NAME = __name__
            SELF = sys.modules[__name__]
            SPEC = __spec__
            LOADER = __loader__
            INFO = (__name__, __file__.endswith("tests/test_dunder.py"), type(__loader__).__name__,
                    __spec__.name, __spec__.origin == __file__, __package__, __cached__ if "__cached__" in dir() else "-")

            def test_data():
                assert DATA == {"k": 7}

            def test_self():
                assert SELF is sys.modules[NAME]
                assert SELF.test_self is test_self
                assert SPEC is SELF.__spec__ and LOADER is SELF.__loader__

            def test_info():
                assert False, repr(INFO)
        ''',
    })
    o = outcomes(r)
    assert o["test_data"][0] == "passed" and o["test_self"][0] == "passed", r.output[-3000:]
    assert "('tests.test_dunder', True, 'AssertionRewritingHook', 'tests.test_dunder', True, 'tests'" \
        in o["test_info"][1], o["test_info"][1]
    assert r.seen == []


def test_types_defined_in_hidden_module(tmp_path):
    r = go(tmp_path, {
        "tests/test_types.py": '''
            from __future__ import annotations
            import dataclasses
            import enum
            import pickle
            import typing
            from typing import NamedTuple, TypedDict

            @dataclasses.dataclass(frozen=True)
            class Point:
                x: int
                y: int = 0
                tags: typing.ClassVar[list] = []

            @dataclasses.dataclass
            class KW:
                a: int
                _: dataclasses.KW_ONLY
                b: int = 2

            class Color(enum.Enum):
                RED = 1
                GREEN = 2

            class Pair(NamedTuple):
                a: int
                b: str

            class TD(TypedDict):
                k: int

            def hinted(p: Point, c: Color) -> Pair:
                return Pair(p.x, c.name)

            def test_dataclass():
                assert Point(1) == Point(1, 0)
                assert [f.name for f in dataclasses.fields(Point)] == ["x", "y"]
                assert KW(1, b=3).b == 3

            def test_enum():
                assert Color(2) is Color.GREEN

            def test_hints():
                assert typing.get_type_hints(hinted) == {"p": Point, "c": Color, "return": Pair}
                assert typing.get_type_hints(TD) == {"k": int}
                assert typing.get_type_hints(Point)["x"] is int

            def test_pickle():
                for v in (Point(1, 2), Color.RED, Pair(1, "x")):
                    assert pickle.loads(pickle.dumps(v)) == v
        ''',
    })
    assert summary(r) == {"test_dataclass": "passed", "test_enum": "passed", "test_hints": "passed",
                          "test_pickle": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_parametrize_fixtures_classes_unittest(tmp_path):
    r = go(tmp_path, {
        "tests/test_p.py": '''
            import unittest
            import pytest
            import solution

            CASES = [(1, 2, 3), (2, 2, 4), (0, 0, 1)]

            @pytest.fixture(scope="module")
            def offset():
                return 0

            @pytest.mark.parametrize("a,b,want", CASES, ids=["one", "two", "bad"])
            def test_add(a, b, want, offset):
                assert solution.add(a, b) + offset == want

            class TestThing:
                value = 5

                @pytest.fixture(autouse=True)
                def setup_thing(self):
                    self.x = 10

                def test_method(self):
                    assert self.x + self.value == 15

            class Case(unittest.TestCase):
                @classmethod
                def setUpClass(cls):
                    cls.k = 3

                def test_ok(self):
                    self.assertEqual(solution.add(1, 2), self.k)

                def test_bad(self):
                    self.assertEqual(solution.add(1, 1), self.k)
        ''',
    })
    s = summary(r)
    assert s == {"test_add[one]": "passed", "test_add[two]": "passed", "test_add[bad]": "failure",
                 "test_method": "passed", "test_ok": "passed", "test_bad": "failure"}, r.output[-3000:]
    assert "assert (0 + 0) == 1" in outcomes(r)["test_add[bad]"][1], outcomes(r)["test_add[bad]"][1]
    assert r.seen == []


# ---- failing imports -----------------------------------------------------------------------

def test_syntax_error_in_hidden_module(tmp_path):
    r = go(tmp_path, {
        "tests/test_broken.py": '''
            def test_x(:
                pass
        ''',
        "tests/test_fine.py": '''
            def test_fine():
                pass
        ''',
    })
    assert summary(r) == {"tests.test_broken": "error"}, r.output[-3000:]
    assert "SyntaxError: invalid syntax" in r.output and "ERROR tests/test_broken.py" in r.output, r.output[-3000:]
    assert r.seen == []


def test_import_error_of_solution(tmp_path):
    r = go(tmp_path, {
        "tests/test_ie.py": '''
            from solution import not_there

            def test_x():
                pass
        ''',
        "tests/test_fine.py": '''
            def test_fine():
                pass
        ''',
    })
    assert summary(r) == {"tests.test_ie": "error"}, r.output[-3000:]
    assert "ImportError while importing test module" in r.output, r.output[-3000:]
    assert "cannot import name 'not_there'" in r.output
    assert "assay_audit" not in r.output, r.output[-3000:]
    assert r.seen == []


def test_exception_at_module_level(tmp_path):
    r = go(tmp_path, {
        "tests/test_exc.py": '''
            import solution
            VALUE = solution.add(1, None)

            def test_x():
                pass
        ''',
        "tests/test_fine.py": '''
            def test_fine():
                pass
        ''',
    })
    assert summary(r) == {"tests.test_exc": "error"}, r.output[-3000:]
    assert "TypeError" in r.output and "ERROR tests/test_exc.py" in r.output, r.output[-3000:]
    assert "assay_audit" not in r.output, r.output[-3000:]
    assert r.seen == []


def test_broken_conftest(tmp_path):
    r = go(tmp_path, {
        "tests/sub/conftest.py": '''
            raise RuntimeError("conftest boom")
        ''',
        "tests/sub/test_s.py": '''
            def test_s():
                pass
        ''',
    })
    assert "conftest boom" in r.output, r.output[-3000:]
    assert "assay_audit" not in r.output, r.output[-3000:]
    assert r.seen == []


# ---- assertion messages ------------------------------------------------------------------

def test_assertion_messages(tmp_path):
    r = go(tmp_path, {
        "tests/test_msg.py": '''
            import solution

            EXPECTED = "x" * 15

            def test_len():
                assert solution.length(EXPECTED) == 3

            def test_with_message():
                assert solution.add(1, 1) == 3, "add is off"

            def test_dict():
                assert {"a": 1, "b": 2} == {"a": 1, "b": 3}

            def test_not_in():
                assert "q" in "abc"
        ''',
    })
    o = outcomes(r)
    assert "assert 15 == 3" in o["test_len"][1] and "where 15 = " in o["test_len"][1], o["test_len"][1]
    assert "add is off" in o["test_with_message"][1] and "assert 2 == 3" in o["test_with_message"][1]
    assert "Differing items" in o["test_dict"][1], o["test_dict"][1]
    assert "assert 'q' in 'abc'" in o["test_not_in"][1], o["test_not_in"][1]
    assert r.seen == []


# ---- warnings ---------------------------------------------------------------------------

def test_warnings_at_import(tmp_path):
    r = go(tmp_path, {
        "tests/test_w.py": '''
            import warnings
            import pytest
            warnings.warn("module level warning", UserWarning)

            def test_warns():
                with pytest.warns(DeprecationWarning, match="old"):
                    warnings.warn("old api", DeprecationWarning)

            def test_tuple_assert():
                assert (1 == 1, "always true")
        ''',
    })
    assert summary(r) == {"test_warns": "passed", "test_tuple_assert": "passed"}, r.output[-3000:]
    assert "module level warning" in r.output, r.output[-3000:]
    assert r.seen == []


def test_rewrite_warning_for_tuple_assert_in_summary(tmp_path):
    r = go(tmp_path, {
        "tests/test_w.py": '''
            def test_tuple_assert():
                assert (1 == 1, "always true")
        ''',
    })
    assert summary(r) == {"test_tuple_assert": "passed"}, r.output[-3000:]
    assert "assertion is always true" in r.output, r.output[-3000:]
    assert r.seen == []


# ---- layout -----------------------------------------------------------------------------

def test_same_basename_in_two_dirs(tmp_path):
    r = go(tmp_path, {
        "tests/a/test_same.py": '''
            WHO = "a"
            def test_a():
                assert WHO == "a"
        ''',
        "tests/b/test_same.py": '''
            WHO = "b"
            def test_b():
                assert WHO == "b"
        ''',
    })
    assert summary(r) == {"test_a": "passed", "test_b": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_package_with_relative_import(tmp_path):
    r = go(tmp_path, {
        "tests/pkg/__init__.py": "",
        "tests/pkg/helpers.py": "X = 41\n",
        "tests/pkg/test_rel.py": '''
            from .helpers import X
            from . import helpers

            def test_rel():
                assert X + 1 == 42 and helpers.X == 41
        ''',
    })
    assert summary(r) == {"test_rel": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_hidden_module_imports_another_hidden_test_module(tmp_path):
    r = go(tmp_path, {
        "tests/test_a_uses.py": '''
            from tests.test_b_common import helper

            def test_uses():
                assert helper() == 1
        ''',
        "tests/test_b_common.py": '''
            def helper():
                return 1

            def test_common():
                assert helper() == 1
        ''',
    })
    assert summary(r) == {"test_uses": "passed", "test_common": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_import_from_conftest(tmp_path):
    r = go(tmp_path, {
        "tests/conftest.py": '''
            LIMIT = 3
        ''',
        "tests/test_cf.py": '''
            from tests.conftest import LIMIT

            def test_limit():
                assert LIMIT == 3
        ''',
    })
    assert summary(r) == {"test_limit": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_reload_solution(tmp_path):
    r = go(tmp_path, {
        "tests/test_rl.py": '''
            import importlib
            import solution

            def test_reload():
                mod = importlib.reload(solution)
                assert mod.add(1, 2) == 3
        ''',
    })
    assert summary(r) == {"test_reload": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_module_setup_teardown_and_globals(tmp_path):
    r = go(tmp_path, {
        "tests/test_st.py": '''
            STATE = []

            def setup_module(module):
                module.STATE.append("up")

            def teardown_module(module):
                pass

            def test_state():
                assert STATE == ["up"]

            def test_globals():
                assert "test_state" in globals() and globals()["STATE"] is STATE
        ''',
    })
    assert summary(r) == {"test_state": "passed", "test_globals": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_inspect_and_traceback_of_hidden_function(tmp_path):
    r = go(tmp_path, {
        "tests/test_tb.py": '''
            import inspect
            import sys

            def where():
                return sys._getframe().f_code.co_filename, sys._getframe(1).f_code.co_name

            TOP = sys._getframe().f_code.co_name

            def test_where():
                assert where()[0].endswith("test_tb.py")
                assert where()[1] == "test_where"
                assert inspect.getmodule(where).__name__ == __name__

            def test_top():
                assert TOP == "<module>"
        ''',
    })
    assert summary(r) == {"test_where": "passed", "test_top": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_missing_solution_module(tmp_path):
    r = go(tmp_path, {
        "tests/test_ms.py": '''
            import solution_that_is_not_there

            def test_x():
                pass
        ''',
    })
    assert summary(r) == {"tests.test_ms": "error"}, r.output[-3000:]
    assert "ModuleNotFoundError: No module named 'solution_that_is_not_there'" in r.output, r.output[-3000:]
    assert "assay_audit" not in r.output, r.output[-3000:]
    assert r.seen == []


def test_conftest_import_error_of_solution(tmp_path):
    r = go(tmp_path, {
        "tests/conftest.py": '''
            from solution import not_there
        ''',
        "tests/test_s.py": '''
            def test_s():
                pass
        ''',
    })
    assert "cannot import name 'not_there'" in r.output, r.output[-3000:]
    assert "assay_audit" not in r.output, r.output[-3000:]
    assert r.seen == []


def test_rewrite_warning_in_warnings_summary(tmp_path):
    r = go(tmp_path, {
        "tests/test_w.py": '''
            def test_tuple_assert():
                assert (1 == 1, "always true")
        ''',
    })
    assert summary(r) == {"test_tuple_assert": "passed"}, r.output[-3000:]
    assert "warnings summary" in r.output, r.output[-3000:]
    tail = r.output.split("warnings summary", 1)[1]
    assert "PytestAssertRewriteWarning: assertion is always true" in tail, r.output[-3000:]
    assert r.seen == []


def test_stack_inspection_at_module_level(tmp_path):
    r = go(tmp_path, {
        "tests/test_stk.py": '''
            import inspect
            import sys
            import traceback
            import warnings

            NAMES = [f.function for f in inspect.stack()]
            TB = traceback.format_stack()
            CALLER = sys._getframe(1).f_code.co_name
            warnings.warn("attributed to the caller", UserWarning, stacklevel=2)

            def test_names():
                assert NAMES[0] == "<module>"

            def test_caller():
                assert False, repr((CALLER, NAMES[:4]))
        ''',
    })
    o = outcomes(r)
    assert o["test_names"][0] == "passed", r.output[-3000:]
    assert "assay_audit" not in o["test_caller"][1], o["test_caller"][1]
    # a module-level warning with stacklevel=2 is attributed to the line
    # that ran the module: the hook's run_module now (pytest's exec_module
    # before), neither of them the test's
    assert "UserWarning: attributed to the caller" in r.output.split("warnings summary", 1)[1], r.output[-3000:]
    assert r.seen == []


def test_conftest_options_generate_tests_and_overrides(tmp_path):
    r = go(tmp_path, {
        "tests/conftest.py": '''
            import pytest

            def pytest_addoption(parser):
                parser.addoption("--level", default="3")

            @pytest.fixture
            def level(request):
                return int(request.config.getoption("--level"))

            @pytest.fixture
            def thing():
                return "conftest"

            def pytest_generate_tests(metafunc):
                if "n" in metafunc.fixturenames:
                    metafunc.parametrize("n", [1, 2])
        ''',
        "tests/test_o.py": '''
            import pytest

            @pytest.fixture
            def thing():
                return "module"

            def test_level(level, n):
                assert level == 3 and n in (1, 2)

            def test_override(thing, request):
                assert thing == "module"
                assert request.module.__name__ == __name__
                assert request.node.module is request.module
                assert str(request.path).endswith("test_o.py")
        ''',
    })
    assert summary(r) == {"test_level[1]": "passed", "test_level[2]": "passed", "test_override": "passed"}, \
        r.output[-3000:]
    assert r.seen == []


def test_register_assert_rewrite_helper(tmp_path):
    r = go(tmp_path, {
        "tests/checks.py": '''
            def check_eq(a, b):
                assert a == b
        ''',
        "tests/conftest.py": '''
            import pytest
            pytest.register_assert_rewrite("tests.checks")
        ''',
        "tests/test_h.py": '''
            from tests.checks import check_eq

            def test_h():
                check_eq(1, 2)
        ''',
    })
    o = outcomes(r)
    assert o["test_h"][0] == "failure" and "assert 1 == 2" in o["test_h"][1], o["test_h"][1]
    assert r.seen == []


def test_custom_module_collector(tmp_path):
    r = go(tmp_path, {
        "tests/conftest.py": '''
            import pytest

            class MyModule(pytest.Module):
                pass

            def pytest_pycollect_makemodule(module_path, parent):
                return MyModule.from_parent(parent, path=module_path)
        ''',
        "tests/test_cm.py": '''
            def test_cm():
                pass
        ''',
    })
    assert summary(r) == {"test_cm": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_ignored_unparsable_hidden_file(tmp_path):
    """A locked test_*.py that the challenge's conftest tells pytest to
    ignore (a sample input, not valid Python) is never parsed."""
    r = go(tmp_path, {
        "tests/conftest.py": '''
            collect_ignore = ["samples"]
        ''',
        "tests/samples/test_sample_input.py": '''
            this is { not python
        ''',
        "tests/test_real.py": '''
            def test_real():
                pass
        ''',
    })
    assert summary(r) == {"test_real": "passed"}, r.output[-3000:]
    assert r.seen == []


def test_docstrings_a_decorator_keeps(tmp_path):
    # (test functions' docstrings are stripped at install; a helper's and
    # a nested function's are what a decorator challenge checks)
    r = go(tmp_path, {
        "tests/test_doc.py": '''
            import functools


            def keep(fn):
                @functools.wraps(fn)
                def inner(*a, **k):
                    return fn(*a, **k)
                return inner


            @keep
            def helper():
                """Helper's doc."""


            def test_nested():
                """The test's own doc."""
                @keep
                def inner_fn():
                    """Nested doc."""
                assert inner_fn.__doc__ == "Nested doc."
                assert helper.__doc__ == "Helper's doc."
                assert test_nested.__doc__ is None


            class TestC:
                """Class doc."""
                def test_m(self):
                    """Method doc."""
                    assert TestC.__doc__ is None and self.test_m.__doc__ is None
        ''',
    })
    assert summary(r) == {"test_nested": "passed", "test_m": "passed"}, r.output[-3000:]
    assert r.seen == []
