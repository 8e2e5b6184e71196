"""Tests of assay_canary without Docker: the disguised hidden tests run
under pytest against a correct and a wrong solution."""

import ast
import collections
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import assay_canary  # noqa: E402

HIDDEN = textwrap.dedent('''\
    import pytest
    from solution import add, greet, ratio

    def helper():
        return 1

    def test_add():
        assert add(2, 3) == 5

    @pytest.mark.parametrize("a,b", [(1, 2), (3, 4)])
    def test_add_param(a, b):
        total = add(a, b)
        assert total == a + b
        assert add(0, 0) == 0

    def test_greet():
        assert "hello, ada" == greet("ada")

    def test_ratio():
        assert ratio(1, 3) == pytest.approx(0.3333, rel=1e-3)

    def test_pairs():
        assert [add(1, 1), add(2, 2)] == [2, 4]

    def test_nested():
        assert ((add(1, 1), "x"), [add(0, 3)]) == ((2, "x"), [3])

    def test_counts():
        assert {"a": add(1, 1), "b": add(2, 2)} == {"a": 2, "b": 4}

    def same(a, b):
        assert type(a) is type(b) and a == b

    def test_same():
        same(add(2, 2), 4)

    def test_built():
        assert Pair(add(1, 0), "a") == Pair(1, "a")

    class Pair(tuple):
        def __new__(cls, a, b):
            return tuple.__new__(cls, (a, b))

    def test_returns_early():
        if add(1, 1) == 2:
            return
        assert add(1, 1) == 3

    @pytest.mark.skip(reason="no")
    def test_skipped():
        assert add(1, 1) == 2

    def test_bool_only():
        assert add(1, 1) == 2 is not None or True

    class TestClass:
        def test_method(self):
            x = add(10, 5)
            assert x == 15

        async def test_not_run(self):
            pass
''').encode()

RIGHT = "def add(a, b): return a + b\ndef greet(n): return 'hello, ' + n\ndef ratio(a, b): return a / b\n"
WRONG = "def add(a, b): return a + b + 1\ndef greet(n): return 'hi ' + n\ndef ratio(a, b): return b / a\n"


def run(tmp_path, files, solution):
    for rel, data in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (tmp_path / "solution.py").write_text(solution)
    report = tmp_path / "junit.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--import-mode=importlib",
                    "--junitxml", str(report), "tests"], cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(tmp_path)),
                   capture_output=True)
    out = {}
    for case in ET.parse(report).iter("testcase"):
        name = case.get("name").split("[")[0]
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        out.setdefault(name, []).append("failed" if failed else "skipped" if skipped else "passed")
    return out


def test_every_hidden_test_is_renamed_and_mapped_back():
    files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN, "tests/hidden/data.txt": b"x"})
    assert files["tests/hidden/data.txt"] == b"x"
    src = files["tests/hidden/test_x.py"].decode()
    own = {"test_add", "test_add_param", "test_greet", "test_ratio", "test_pairs", "test_nested", "test_counts", "test_same", "test_built",
           "test_returns_early",
           "test_skipped", "test_bool_only", "test_method", "test_not_run"}
    assert set(renames.values()) == own
    for name in own:
        assert "def " + name + "(" not in src
    for run_name in renames:
        assert "def " + run_name + "(" in src
    assert 1 <= len(canaries) <= assay_canary.CANARIES
    assert not set(canaries) & set(renames)
    assert "def helper():" in src


def test_the_right_solution_fails_only_the_canaries(tmp_path):
    for _ in range(5):  # the choices are random: several draws
        files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN})
        d = tmp_path / os.urandom(4).hex()
        d.mkdir()
        got = run(d, files, RIGHT)
        for name in canaries:
            assert got[name] and all(o == "failed" for o in got[name]), (name, got)
        for run_name, own in renames.items():
            if own == "test_not_run":
                continue
            want = "skipped" if own == "test_skipped" else "passed"
            assert all(o == want for o in got[run_name]), (own, got[run_name])


def test_no_solution_passes_a_canary_and_its_twin(tmp_path):
    # A wrong solution may compute a canary's value (its values are the
    # tests' own literals): that fails the twin. What no computation does is
    # pass both, whatever it returns.
    for solution in (RIGHT, WRONG):
        files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, canaries=10)
        d = tmp_path / os.urandom(4).hex()
        d.mkdir()
        got = run(d, files, solution)
        assert canaries and set(twins) == set(canaries)
        for name in canaries:
            twin = [r for r, own in renames.items() if own == twins[name]]
            assert len(twin) == 1
            for c, w in zip(got[name], got[twin[0]]):
                assert not (c == "passed" and w == "passed"), (name, got)


def test_a_canary_s_value_is_another_literal_of_the_tests_as_spelled_there():
    src = (b"from solution import f\n\n"
           b"def test_a():\n    x = f('alpha', 0x1F, 2.50)\n    assert x == 'gamma'\n\n"
           b"def test_b():\n    assert f('beta', 7, 1.25) == \"delta\"\n")
    seen = set()
    for _ in range(60):
        files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": src}, canaries=2)
        out = files["tests/hidden/test_x.py"].decode()
        seen.update(line.strip() for line in out.splitlines() if line.strip().startswith("assert"))
    assert seen == {"assert x == 'gamma'", 'assert x == "delta"',
                    'assert f(\'beta\', 7, 1.25) == "delta"', "assert f('beta', 7, 1.25) == 'gamma'"}, seen


def test_never_a_canary_from_tests_that_may_not_reach_their_assertion():
    files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, canaries=100)
    src = files["tests/hidden/test_x.py"].decode()
    # eligible: test_add, test_greet, test_ratio, test_pairs, test_nested, test_counts, test_method,
    # test_same (test_add_param's and test_built's expected values are also their inputs)
    assert len(canaries) == len(ELIGIBLE) == 8
    assert src.count("if add(1, 1) == 2:") == 1
    assert src.count("@pytest.mark.skip") == 1


# (test_add_param and test_built expect only values they also use as
# inputs: never sources)
ELIGIBLE = ["test_add", "test_greet", "test_ratio", "test_pairs", "test_nested", "test_counts",
            "TestClass::test_method", "test_same"]


def _ids(names, ms):
    out = {}
    for n in names:
        cls, _, fn = n.rpartition("::")
        key = "tests.hidden.test_x" + ("." + cls if cls else "") + "::" + fn
        if fn == "test_add_param":
            out[key + "[1-2]"] = out[key + "[3-4]"] = ms / 2
        else:
            out[key] = ms
    return out


def test_without_costs_a_run_gets_the_fixed_few_canaries():
    for _ in range(10):
        _, _, canaries, _ = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN})
        assert len(canaries) == assay_canary.CANARIES


def test_fast_tests_get_more_canaries_up_to_the_most(monkeypatch):
    # 8 sources of 0 ms: 4 ms each against the floor's 40 ms: all eight
    for _ in range(10):
        _, _, canaries, _ = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, cost_ms=_ids(ELIGIBLE, 0.0))
        assert len(canaries) == 8
    many = {"tests/hidden/test_m.py": b"".join(b"def test_%d():\n    assert %d + 1 == %d\n" % (i, 10 * i, 10 * i + 1) for i in range(40))}
    costs = {"tests.hidden.test_m::test_%d" % i: 0.0 for i in range(40)}
    monkeypatch.setattr(assay_canary, "BUDGET_FLOOR_MS", 1000.0)
    _, _, canaries, _ = assay_canary.disguise(many, cost_ms=costs)
    assert len(canaries) == assay_canary.MOST


def test_slow_tests_add_canaries_only_within_the_budget():
    # 8 sources of 400 ms: budget max(40, 10% of 3,200) = 320 ms, all of
    # it spent by the fixed three: no more
    for _ in range(10):
        _, _, canaries, _ = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, cost_ms=_ids(ELIGIBLE, 400.0))
        assert len(canaries) == assay_canary.CANARIES
    # 36 ms each plus a slow test elsewhere of 2,000 ms: budget 228.8 ms,
    # 120 of it spent by the first three (40 each), then two more fit
    costs = dict(_ids(ELIGIBLE, 36.0), **{"tests.hidden.test_x::test_slow_not_a_source": 2000.0})
    for _ in range(10):
        _, _, canaries, _ = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, cost_ms=costs)
        assert len(canaries) == 5
    # a source the record does not know never adds a canary (a test added
    # since the reference's times were recorded)
    _, _, canaries, _ = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, cost_ms={"tests.hidden.test_x::other": 1.0})
    assert len(canaries) == assay_canary.CANARIES


def test_the_cheapest_tests_are_the_sources_when_costs_are_known():
    # two slow tests among fast ones: never drawn while fast ones are left
    costs = _ids(ELIGIBLE, 1.0)
    costs["tests.hidden.test_x::test_greet"] = costs["tests.hidden.test_x::test_ratio"] = 500.0
    for _ in range(20):
        files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, cost_ms=costs)
        src = files["tests/hidden/test_x.py"].decode()
        assert src.count("greet(") == 1 and src.count("ratio(") == 1, "a slow test got a canary"
        # the budget is a tenth of 1,006 ms: every fast source fits
        assert len(canaries) == len(ELIGIBLE) - 2


def test_everything_gives_every_source_a_canary(tmp_path):
    # what `assay challenges check` runs the reference with: each canary a
    # run may draw is failed by an honest run at least once
    files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": HIDDEN}, everything=True)
    assert len(canaries) == len(ELIGIBLE)
    got = run(tmp_path, files, RIGHT)
    for name in canaries:
        assert got[name] and all(o == "failed" for o in got[name]), (name, got)


def test_a_file_that_does_not_parse_is_left_alone():
    files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_bad.py": b"def test_x(:\n"})
    assert files == {"tests/hidden/test_bad.py": b"def test_x(:\n"} and not renames and not canaries


@pytest.mark.parametrize("value", [0, 3, 7, 12, -3, -40, 1000, 0.0, 2.5, 3.0, -12.5, "abc", "hello, world", "", b"xy"])
def test_perturbed_values_differ_keep_their_type_and_sign_and_say_nothing_by_direction(value):
    up = down = False
    for _ in range(300):
        new = assay_canary._perturbed(value)
        assert type(new) is type(value) and new != value
        if isinstance(value, (int, float)):
            assert abs(new - value) >= (7 if isinstance(value, int) else 1.5)
            assert new not in (0, -value, 2 * value)
            # a negative count, or a positive balance turned negative,
            # would give the canary away
            assert value == 0 or (new > 0) == (value > 0)
            up, down = up or new > value, down or new < value
        else:
            assert new.lower() != value.lower() and new.strip() != value.strip()
            up, down = up or len(new) > len(value), down or len(new) < len(value)
    # a canary is not told from its twin by being larger, or longer (but a
    # small number has no room below it: keeping its sign comes first)
    room = not isinstance(value, (int, float)) or value == 0 or abs(value) >= 8
    assert (up or value < 0) and (down or value in ("", b"") or not room or value > 0 and not room)


@pytest.mark.parametrize("value", [2.5, 3.0, 0.125, 1234.5, 0.0])
def test_a_float_rounded_to_its_literal_s_places_is_still_far(value):
    # "3.0" spelled "2.0" would be an honest off-by-one passing its canary
    for places in (0, 1, 2, 3):
        for _ in range(300):
            new = assay_canary._perturbed(value, places)
            assert round(new, places) == new
            assert abs(new - value) >= max(1.5, 0.25 * abs(value)) and new not in (0.0, -value, 2 * value, value / 2)


@pytest.mark.parametrize("text, value", [
    ("2.5", 7.25), ("0.125", 3.0), ("3.", 12.0), ("1e-3", 0.5), ("0xff", 300), ("0XFF", 300), ("0b101", 9),
    ("1_000", 12345), ("'abc'", "xyz"), ('"abc"', "x'y\"z"), ("b'ab'", b"q'\x00"), ('"""x"""', "y"), ('r"a"', "b"),
])
def test_a_canary_s_literal_is_spelled_as_its_twin_s(text, value):
    # "2.5" against "7.391847261", or 'abc' against "abc", would tell which
    # of a pair is the canary without reading any value
    out = assay_canary._spelled(text, value)
    back = ast.literal_eval(out)
    assert type(back) is type(value) and (back == value or isinstance(value, float) and abs(back - value) < 0.1)
    expect = {"2.5": "7.2", "0.125": "3.000", "3.": "12.", "0xff": "0x12c", "0XFF": "0X12C", "0b101": "0b1001",
              "1_000": "12_345", "'abc'": "'xyz'", '"abc"': '"x\'y\\"z"', "b'ab'": "b'q\\'\\x00'"}
    if text in expect:
        assert out == expect[text]


@pytest.mark.parametrize("value", ["-525.00", "0.00", "0.2500", "8189.79", "1e3", "007", " 12.50 ", "10/20"])
def test_a_string_that_spells_a_number_never_spells_the_same_one(value):
    # a test that reads its literal as a number (D("-525.00")) must fail
    # its canary: dropping a zero would make it pass (CI saw it)
    from decimal import Decimal, InvalidOperation
    from fractions import Fraction
    for _ in range(2000):
        new = assay_canary._perturbed(value)
        for kind in (Decimal, Fraction):
            try:
                a, b = kind(new.strip()), kind(value.strip())
            except (InvalidOperation, ValueError, ZeroDivisionError):
                continue  # not such a number any more: the test fails there
            assert a != b and not (kind is Decimal and a.is_nan() and b.is_nan()), (value, new)


def test_every_built_in_challenge_disguises(tmp_path):
    """The built-in challenges' hidden tests, disguised many times: each
    draw parses, and names map back."""
    import ast
    import glob
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "challenges")
    for challenge in sorted(glob.glob(os.path.join(root, "*", "tests", "hidden"))):
        files = {}
        for p in glob.glob(os.path.join(challenge, "**"), recursive=True):
            if os.path.isfile(p):
                files[os.path.relpath(p, challenge)] = open(p, "rb").read()
        for _ in range(30):
            out, renames, canaries, twins = assay_canary.disguise(files)
            for rel, data in out.items():
                if rel.endswith(".py"):
                    ast.parse(data)
            assert len(set(renames.values())) == len(renames)


def test_which_of_a_pair_comes_first_says_nothing():
    src = b"from solution import add\n\ndef test_a():\n    assert add(1, 2) == 3\n\ndef test_b():\n    x = 1\n"
    first = set()
    for _ in range(40):
        files, renames, canaries, twins = assay_canary.disguise({"tests/hidden/test_x.py": src}, canaries=1)
        out = files["tests/hidden/test_x.py"].decode()
        own = next(k for k, v in renames.items() if v == "test_a")
        first.add(out.index("def " + canaries[0]) < out.index("def " + own))
        compile(out, "t", "exec")
    assert first == {True, False}


def test_a_string_with_a_huge_exponent_is_not_turned_into_a_number():
    # Fraction("3.1e4159265") would compute 10**4159265: disguise hung on
    # long digit strings (an attacker's review found it)
    import time
    began = time.monotonic()
    assert not assay_canary._same_number("3.1e4159265", "1")
    assert not assay_canary._same_number("1", "2E+99999")
    assert time.monotonic() - began < 1


def _pairs_counts(files, **kw):
    """Disguise files once; for each canary, (count of its value, count of
    its twin's value) among the disguised suite's expected values: what a
    reader of the tests sees."""
    out, renames, canaries, twins = assay_canary.disguise(files, **kw)
    funcs, counts = {}, collections.Counter()
    for rel, src in out.items():
        if not rel.endswith(".py"):
            continue
        tree = ast.parse(src)
        for v, _ in assay_canary._expected_literals(tree, src):
            counts[(type(v), v)] += 1
        for _, fn in assay_canary._tests(tree):
            funcs[fn.name] = [(type(n.value), n.value) for n in ast.walk(fn) for s in assay_canary._sides(n)
                              for n in assay_canary._leaves(s) or ()]
    back = {own: run for run, own in renames.items()}
    pairs = []
    for c in canaries:
        mine, theirs = funcs[c], funcs[back[twins[c]]]
        a = [x for x in mine if x not in theirs]
        b = [x for x in theirs if x not in mine]
        assert len(a) == len(b) == 1, (mine, theirs)
        pairs.append((a[0], b[0], counts[a[0]], counts[b[0]]))
    return pairs


# Two unique expected values of a type (swapped), and a value seen twice
# beside values seen once in tests that are not sources (each canary of a
# "north" test stands alone).
BALANCED = textwrap.dedent('''\
    from solution import f

    def test_a():
        assert f(1) == 17

    def test_b():
        assert f(2) == 23

    def test_c():
        assert f(3) == "north"

    def test_d():
        assert f(4) == "north"

    def test_e():
        if f(5) is None:
            return
        assert f(5) == "south"

    def test_f():
        x = "east"
        assert f(x) == "east"
''').encode()


def test_a_canary_s_value_and_its_twin_s_appear_equally_often():
    # A canary's value is another expected value of the suite, so it
    # appears at least twice; a unique real value would tell the canary
    # ("the value that appears elsewhere") for certain. Every pair here
    # can be balanced, whichever three tests are drawn: 17 and 23 swap;
    # "north" (twice) pairs with "south" or "east" (once, and once more in
    # the canary).
    seen = collections.Counter()
    for _ in range(100):
        for mine, theirs, n_mine, n_theirs in _pairs_counts({"tests/hidden/test_x.py": BALANCED}, canaries=3):
            assert n_mine == n_theirs, (mine, theirs, n_mine, n_theirs)
            seen[theirs[1]] += 1
    assert set(seen) == {17, 23, "north"}, seen


def test_swapped_twins_take_each_other_s_value():
    for _ in range(50):
        pairs = _pairs_counts({"tests/hidden/test_x.py": BALANCED}, everything=True)
        ints = {(mine[1], theirs[1]) for mine, theirs, _, _ in pairs if isinstance(mine[1], int)}
        assert ints == {(17, 23), (23, 17)}, pairs


def test_most_built_in_pairs_are_balanced():
    # Not all can be (a suite's only unique int, or its only bytes value,
    # has no partner); the earlier design balanced about one pair in six.
    import glob
    root = os.path.join(os.path.dirname(__file__), "..", "..", "..", "challenges")
    equal = total = 0
    for challenge in sorted(glob.glob(os.path.join(root, "*", "tests", "hidden"))):
        files = {os.path.relpath(p, challenge): open(p, "rb").read()
                 for p in glob.glob(os.path.join(challenge, "**"), recursive=True) if os.path.isfile(p)}
        for _ in range(20):
            for _, _, a, b in _pairs_counts(files):
                equal += a == b
                total += 1
    assert total and equal / total > 0.5, (equal, total)


# Three sources cannot be balanced (the suite's only bytes, float and int
# expected values seen once, while a value of each type is seen twice in
# tests that are not sources: their canaries take those, and the counts
# tell them); the others can: "north" twice (each alone, with "west" or
# "east", seen once in tests that are not sources), "up" and "down" once
# each (swapped).
UNBALANCEABLE = textwrap.dedent('''\
    from solution import f

    def test_bytes():
        assert f(1) == b"xy"

    def test_float():
        assert f(2) == 2.5

    def test_int():
        assert f(3) == 7

    def test_north_a():
        assert f(4) == "north"

    def test_north_b():
        assert f(5) == "north"

    def test_up():
        assert f(6) == "up"

    def test_down():
        assert f(7) == "down"

    def test_not_sources():
        if f(8) is None:
            return
        assert f(8) == "west"
        assert f(15) == "east"
        assert [f(9), f(10)] == [b"zz", b"zz"]
        assert [f(11), f(12)] == [9.5, 9.5]
        assert [f(13), f(14)] == [30, 30]
''').encode()


def test_a_run_gets_three_independent_groups_where_the_suite_has_them():
    # A pair its counts decide, or a swapped couple (one guess for two
    # pairs), is not worth a canary of its own: the run adds sources that
    # balance until it has three independent guesses.
    for _ in range(40):
        pairs = _pairs_counts({"tests/hidden/test_x.py": UNBALANCEABLE})
        balanced = [p for p in pairs if p[2] == p[3]]
        guesses = len({frozenset((p[0], p[1])) for p in balanced})  # a couple's two pairs share their values
        assert guesses >= 3, pairs
        assert len(pairs) <= assay_canary.MOST


def test_groups_per_run_counts_the_independent_guesses_a_run_makes():
    # what `assay challenges check` prints and warns on below three
    assert assay_canary.groups_per_run({"tests/hidden/test_x.py": UNBALANCEABLE}, draws=10) >= 3
    assert assay_canary.groups_per_run({"tests/hidden/test_x.py": b"def test_a():\n    assert 1\n"}, draws=3) == 0
