"""A challenge's tests: trusted code, run by pytest under the audit hook.
Every test passes but those named test_fails_*, which must fail with a
readable report."""

import asyncio
import dataclasses
import decimal
import logging
import os
import sys
import typing
import warnings

import pytest

import solution


@pytest.fixture(scope="module")
def points():
    return [solution.Point(3, 4), solution.Point(1, 1)]


def test_dataclasses(points, account):
    assert sorted(points)[0] == solution.Point(1, 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        points[0].x = 5
    assert account.deposit(5) == decimal.Decimal(5)
    with pytest.raises(ValueError, match="positive"):
        account.deposit(-1)
    assert dataclasses.asdict(solution.Point(1, 2)) == {"x": 1, "y": 2}
    assert dataclasses.replace(solution.Point(1, 2), y=5).y == 5
    assert solution.Config(name="n").retries == 3
    assert solution.Pair(1).b == 2
    assert not hasattr(account, "__dict__")
    assert "Point(x=1" in repr(solution.Point(1, 2))


def test_typing():
    assert isinstance(solution.Square(2), solution.Shape)
    assert not isinstance(3, solution.Shape)
    m: solution.Movie = {"title": "t", "year": 1}
    assert m["year"] == 1 and solution.Movie2(title="a", year=2)["title"] == "a"
    assert solution.Employee("bo").id == 3
    s = solution.Stack[int]()
    s.push(1)
    assert s.pop() == 1
    assert solution.first([]) is None and solution.first([9]) == 9
    hints = typing.get_type_hints(solution.first)
    assert "xs" in hints
    assert solution.UserId(5) == 5


def test_functools():
    assert solution.add(1, 2) == 3 and solution.add.__name__ == "add" and solution.add.__doc__ == "Adds."
    assert solution.fib(30) == 832040 and solution.fact(5) == 120
    assert solution.describe(1) == "int" and solution.describe([]) == "list" and solution.describe("") == "thing"
    assert solution.Version(1, 2) < solution.Version(1, 3) and solution.Version(2) >= solution.Version(1)
    assert round(solution.Circle(1).area, 2) == 3.14
    assert solution.product([1, 2, 3, 4]) == 24 and solution.power_of_two(5) == 32


def test_enums():
    assert solution.Color.RED.value == 1 and solution.Color["GREEN"] is solution.Color.GREEN
    assert solution.Level.HIGH > solution.Level.LOW
    rw = solution.Perm.R | solution.Perm.W
    assert solution.Perm.R in rw and solution.Perm.X not in rw
    assert solution.Status("ok") is solution.Status.OK
    assert solution.Animal.BEE.value == 2
    assert [d.name for d in solution.Weekday] == ["MON", "TUE"]


def test_collections_abc_copy():
    assert solution.Card("A").suit == "spades"
    assert solution.word_counts("a b a c a b")[0] == ("a", 3)
    assert solution.Impl().run() == "ran"
    with pytest.raises(TypeError):
        solution.Base()
    assert solution.deep_copy_check()


def test_threads():
    assert solution.threads_sum(10) == 45
    assert solution.thread_pool([1, 2, 3]) == ([1, 4, 9], [1, 4, 9])


def test_processes():
    assert solution.process_pool([1, 2, 3]) == ([1, 4, 9], True)
    assert solution.mp_pool([2, 3]) == ([4, 9], 42, 0)


def test_asyncio():
    got, timed_out, pc, seven, results, in_thread, three = solution.run_async()
    assert got == [0, 2, 4, 6, 8] and timed_out and pc == [0, 1, 2, 3] and seven == 14
    assert results == [2, None] and in_thread == 36 and three == 6
    assert asyncio.run(solution.collect_agen()) == [0, 1, 2]


def test_logging(caplog):
    caplog.set_level(logging.DEBUG)
    text = solution.log_things()
    assert "ERROR solution.things log_things" in text and "Traceback" in text and "KeyError" in text
    assert "careful" in caplog.text
    assert any(r.funcName == "log_things" for r in caplog.records)
    helper = [r for r in caplog.records if r.getMessage() == "from helper"]
    assert helper and helper[0].funcName == "log_things" and helper[0].filename == "solution.py"
    stacked = [r for r in caplog.records if r.getMessage() == "with stack"]
    assert stacked and "in log_things" in stacked[0].stack_info and "in test_logging" in stacked[0].stack_info
    with caplog.at_level(logging.INFO, logger="solution"):
        solution.add(2, 2)
    assert "calling add" in caplog.text


def test_tracebacks():
    printed, text, lines, names, formatted, printed2 = solution.tracebacks()
    assert "ZeroDivisionError" in printed and "ZeroDivisionError" in text and "ZeroDivisionError" in lines[-1]
    assert names == ["tracebacks"] and "1 / 0" in "".join(formatted) and "solution.py" in printed2


def test_warnings(recwarn):
    assert solution.warn_things() == ["old api", "careful"]
    assert any("seen by pytest" in str(w.message) for w in recwarn)
    with pytest.warns(UserWarning, match="seen by"):
        solution.warn_things()


def test_contexts(capsys):
    items, out, five = solution.contexts()
    assert items[:2] == ["open", "closed"] and "callback" in items and out == "hello\n" and five == 5
    print("to capsys")
    assert capsys.readouterr().out == "to capsys\n"


def test_misc():
    assert solution.iter_things()[1] == [("a", 3), ("b", 2), ("c", 1)]
    data, d, third, f = solution.parse("a=1 b=22")
    assert data == {"a": 1, "b": 22} and d == "0.3" and third == "0.333" and str(f) == "1/2"
    params, isfn, iscoro, iscoro2, doc, isc = solution.introspect(solution.add)
    assert params == ["a", "b"] and isfn and iscoro and iscoro2 and doc == "Adds." and isc


def test_mock():
    assert solution.mocking() == (3, 7, "patched", 1.0, 5, 1, 9, "spec", 1)


@pytest.mark.parametrize("n,expected", [(0, 0), (1, 1), (10, 55)])
def test_parametrize(n, expected, session_value):
    assert session_value["started"]
    assert solution.fib(n) == expected


def test_monkeypatch_tmp_path(monkeypatch, tmp_path):
    monkeypatch.setattr(solution, "square", lambda x: -x)
    assert solution.square(3) == -3
    monkeypatch.setenv("ASSAY_X", "1")
    assert os.environ["ASSAY_X"] == "1"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f.txt").write_text("hi")
    assert open("f.txt").read() == "hi"
    monkeypatch.setitem(sys.modules, "fake_mod_x", object())
    monkeypatch.delattr(solution.Circle, "area")


def test_numpy():
    pytest.importorskip("numpy")
    total, cshape, n, masked, inv, isinf, s, counts, means, dtype = solution.numpy_things()
    assert cshape == (3, 3) and n == 5 and masked == 6 and inv == 0.25 and isinf
    assert s == [1, 2, 3] and counts == [2, 1] and means == [4.0, 5.0, 6.0, 7.0] and dtype == "float64"


def test_pandas(tmp_path):
    pytest.importorskip("pandas")
    by_team, cities, pivot, s, top, means, applied, n, years = solution.pandas_things(str(tmp_path / "d.csv"))
    assert by_team["sum"] == {"A": 30, "B": 5} and cities == ["P", "P", "Q"] and pivot == {"A": 30, "B": 5}
    assert s == [1.0, 2.0, 0.0] and top == "y" and means == {"A": 15.0, "B": 5.0} and applied == [11, 21, 6]
    sums, warned_at = solution.pandas_warns()
    assert sums == {"x": 3, "y": 3} and warned_at and set(warned_at) == {"solution.py"}
    assert solution.pandas_query() == ([2], [5, 7, 9], 12.0)
    assert solution.pandas_chained_assignment() == 10


def test_pandas_in_work_dir():
    pytest.importorskip("pandas")
    assert solution.pandas_things("scratch.csv")[0]["count"] == {"A": 2, "B": 1}


def test_fails_assertion():
    x = solution.add(1, 2)
    assert x == 4, "sum was off"


def test_fails_in_solution():
    solution.raises_deep(3)


def test_unraisable_printed():
    code, printed = solution.unraisable_in_stdlib()
    assert code == 0
    assert "Exception ignored in: functools.partial" in printed and "JSONDecodeError" in printed
    assert "json/decoder.py" in printed
