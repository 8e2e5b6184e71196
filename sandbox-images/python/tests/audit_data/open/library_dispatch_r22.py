"""OPEN, not collected (the name is not test_*.py): the twenty-second
attacker review's routes that stay open. A C slot of the candidate's
object (made of functools.partial over shutil.copy, a bound Path.unlink,
subprocess.run) is called from C by a library or pytest frame that an
ordinary test reaches: pytest formatting the candidate's exception or
failing assert (str, repr), pprint, json's encoder (items), Counter and
statistics (iter), dataclasses.asdict, pytest.raises(match=). Library
frames are taken at their word (see calls_this), so the write runs with
only trusted frames. In the sandbox the change watcher sees each write
under tests/ (a finding: `tampered`); with trusted_programs a program
runs (a "tests" challenge's hidden phase only). See docs/SECURITY.md, the
twenty-second review. Run from sandbox-images/python/tests:
/usr/bin/python3 -m pytest -q -p no:cacheprovider audit_data/open/library_dispatch_r22.py"""
import os

from protected_paths import KEEP, check_kept, check_absent
from test_assay_audit import run, DEFERRED_TESTS





# Common pieces: a source file the candidate writes in its own directory,
# and library callables (Python functions of the stdlib) that write.
PRELUDE = '''
import functools, os, pathlib, shutil
HERE = os.getcwd()
SRC = os.path.join(HERE, "planted_src.py")
with open(SRC, "w") as f:
    f.write("PLANTED = 1\\n")
PLANT = functools.partial(shutil.copy, SRC, os.path.join(HERE, "tests", "conftest.py"))
CLOBBER = functools.partial(shutil.copy, SRC, os.path.join(HERE, "tests", "keep.txt"))
UNLINK = pathlib.Path(HERE, "tests", "keep.txt").unlink
'''


# 1. Any test at all: the candidate's function raises an exception whose
#    __str__ is partial(shutil.copy, ...). pytest formats the failure
#    (traceback.TracebackException's _safe_string: str(value)) in its own
#    and the stdlib's frames: a CALL, taken at its word.
EXC_STR = PRELUDE + '''
class Oops(Exception):
    __str__ = PLANT

def add(a, b):
    raise Oops("boom")
'''


def test_exception_str_in_pytest_report_plants_conftest(tmp_path):
    r = run(tmp_path, solution=EXC_STR, tests=DEFERRED_TESTS)
    check_absent(tmp_path, r, "conftest.py")


# 2. The ordinary failing assert: `assert solution.add(1, 2) == 3` fails
#    (the candidate's __eq__ says False) and pytest's explanation saferepr's
#    the result: repr(x) from _pytest/_io/saferepr.py (or reprlib).
REPR_FAIL = PRELUDE + '''
class R(int):
    def __eq__(self, other):
        return False
    __hash__ = int.__hash__
    __repr__ = UNLINK

def add(a, b):
    return R(a + b)
'''


def test_failed_assert_saferepr_unlinks(tmp_path):
    r = run(tmp_path, solution=REPR_FAIL, tests=DEFERRED_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 3. pprint.pformat(result) in a test (printing the result for the log).
PPRINT_SOL = PRELUDE + '''
class R(dict):
    __repr__ = PLANT

def make():
    return R(a=1)
'''
PPRINT_TESTS = '''import pprint
import solution


def test_print():
    r = solution.make()
    print(pprint.pformat(r))
'''


def test_pprint_pformat_plants_conftest(tmp_path):
    r = run(tmp_path, solution=PPRINT_SOL, tests=PPRINT_TESTS)
    check_absent(tmp_path, r, "conftest.py")


# 4. json.dumps(result, indent=2): the pure-Python encoder calls
#    dct.items() by attribute name from json/encoder.py.
JSON_SOL = PRELUDE + '''
class R(dict):
    items = PLANT

def make():
    return R(a=1)
'''
JSON_TESTS = '''import json
import solution


def test_json():
    r = solution.make()
    assert json.loads(json.dumps(r, indent=2)) == {"a": 1}
'''


def test_json_dumps_indent_items_plants_conftest(tmp_path):
    r = run(tmp_path, solution=JSON_SOL, tests=JSON_TESTS)
    check_absent(tmp_path, r, "conftest.py")


# 5. collections.Counter(result): Counter.update hands the iterable to
#    _count_elements (C), which calls its __iter__.
COUNTER_SOL = PRELUDE + '''
class R(list):
    __iter__ = CLOBBER

def make():
    return R([1, 2, 2])
'''
COUNTER_TESTS = '''import collections
import solution


def test_counter():
    assert collections.Counter(solution.make()) == {1: 1, 2: 2}
'''


def test_counter_iter_clobbers(tmp_path):
    r = run(tmp_path, solution=COUNTER_SOL, tests=COUNTER_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 6. statistics.mean(result): _sum's groupby(data, type) calls __iter__.
STATS_TESTS = '''import statistics
import solution


def test_mean():
    assert statistics.mean(solution.make()) == 5 / 3
'''


def test_statistics_mean_iter_clobbers(tmp_path):
    r = run(tmp_path, solution=COUNTER_SOL, tests=STATS_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 7. dataclasses.asdict of the candidate's dataclass with a dict field:
#    _asdict_inner calls obj.items() by name.
ASDICT_SOL = PRELUDE + '''
import dataclasses

class D(dict):
    items = CLOBBER

@dataclasses.dataclass
class P:
    x: int
    tags: dict

def make():
    return P(1, D(a=1))
'''
ASDICT_TESTS = '''import dataclasses
import solution


def test_asdict():
    assert dataclasses.asdict(solution.make())["x"] == 1
'''


def test_dataclasses_asdict_items_clobbers(tmp_path):
    r = run(tmp_path, solution=ASDICT_SOL, tests=ASDICT_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 8. pytest.raises(..., match=...): RaisesContext.__exit__ -> excinfo.match
#    -> str(self.value).
RAISES_SOL = PRELUDE + '''
class Bad(ValueError):
    __str__ = PLANT

def parse(s):
    raise Bad("bad input")
'''
RAISES_TESTS = '''import pytest
import solution


def test_raises():
    with pytest.raises(ValueError, match="bad"):
        solution.parse("x")
'''


def test_pytest_raises_match_plants_conftest(tmp_path):
    r = run(tmp_path, solution=RAISES_SOL, tests=RAISES_TESTS)
    check_absent(tmp_path, r, "conftest.py")


# 10. Running a program the same way (pytest formatting the candidate's
#     exception calls str(), which is partial(subprocess.run, ...)): the
#     program writes under tests/ with no hook at all.
EXC_PROGRAM = PRELUDE + '''
import subprocess

class Oops(Exception):
    __str__ = functools.partial(subprocess.run, "echo PLANTED > tests/planted_by_sh.txt", shell=True)

def add(a, b):
    raise Oops("boom")
'''


def test_exception_str_runs_program(tmp_path):
    r = run(tmp_path, solution=EXC_PROGRAM, tests=DEFERRED_TESTS)
    check_absent(tmp_path, r, "planted_by_sh.txt")


def test_exception_str_runs_program_untrusted_programs(tmp_path):
    r = run(tmp_path, solution=EXC_PROGRAM, tests=DEFERRED_TESTS, trusted_programs=False)
    check_absent(tmp_path, r, "planted_by_sh.txt")
