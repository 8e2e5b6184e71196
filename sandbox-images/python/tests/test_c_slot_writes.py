"""The twentieth attacker review's routes (against f1aa241): a C slot of
the candidate's object writing, removing or renaming under tests/ through
a library function the test's own call, with statement, for loop or store
entered. Each test asserts that the protected effect did not happen;
eleven of the twelve failed on f1aa241 (see docs/SECURITY.md, the
twentieth review)."""
import os
import textwrap

from protected_paths import KEEP, check_kept, check_absent
from test_assay_audit import run, DEFERRED_TESTS



def _setup(tmp_path):
    (tmp_path / "work" / "tests").mkdir(parents=True, exist_ok=True)




# 1. __del__ of a library object (tempfile._TemporaryFileCloser) dropped at the
#    hidden test's STORE_FAST (pytest's `@py_assert1 = None`): relaxation 1
#    (__del__ at a store is "called") + 2 (no rest_frame for writes).
DEL_CLOSER = '''
import io, os, tempfile
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

class R(int):
    pass

def add(a, b):
    r = R(a + b)
    r.closer = tempfile._TemporaryFileCloser(io.BytesIO(), TARGET)
    return r
'''


def test_r11_del_closer_at_store(tmp_path):
    r = run(tmp_path, solution=DEL_CLOSER, tests=DEFERRED_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 2. The test's CALL of the candidate's attribute: solution.add is a library
#    Python callable (no name check at a "call" link in entered_by_slot).
CALL_MAKEDIRS = '''
import functools, os
add = functools.partial(os.makedirs, os.path.join(os.getcwd(), "tests", "planted_dir"))
'''


def test_r11_call_makedirs(tmp_path):
    r = run(tmp_path, solution=CALL_MAKEDIRS, tests=DEFERRED_TESTS)
    check_absent(tmp_path, r, "planted_dir")


CALL_LOGGER = '''
import logging, os
TARGET = os.path.join(os.getcwd(), "tests", "conftest_planted.py")
_h = logging.FileHandler(TARGET, delay=True)
_h.setFormatter(logging.Formatter("PLANTED = %(message)s"))
_lg = logging.getLogger("r11")
_lg.propagate = False
_lg.setLevel(1)
_lg.addHandler(_h)
add = _lg.log
'''


def test_r11_call_logger_log(tmp_path):
    r = run(tmp_path, solution=CALL_LOGGER, tests=DEFERRED_TESTS)
    check_absent(tmp_path, r, "conftest_planted.py")


CALL_TOUCH = '''
import os, pathlib
add = pathlib.Path(os.getcwd(), "tests", "conftest_planted.py").touch
'''


def test_r11_call_path_touch(tmp_path):
    r = run(tmp_path, solution=CALL_TOUCH, tests=DEFERRED_TESTS)
    check_absent(tmp_path, r, "conftest_planted.py")


# 3. with: ExitStack whose callback is shutil.copy into tests/ (normal exit
#    is a CALL; failing-assert exit is WITH_EXCEPT_START = relaxation 1).
WITH_STACK = '''
import contextlib, os, shutil
SRC = os.path.join(os.getcwd(), "planted_src.py")
with open(SRC, "w") as f:
    f.write("PLANTED = 1\\n")
TARGET = os.path.join(os.getcwd(), "tests", "conftest_planted.py")

def thing():
    st = contextlib.ExitStack()
    st.callback(shutil.copy, SRC, TARGET)
    return st

def add(a, b):
    return a + b + 1
'''
WITH_OK_TESTS = '''import solution

def test_with():
    with solution.thing():
        pass
'''
WITH_FAIL_TESTS = '''import solution

def test_with():
    with solution.thing():
        assert solution.add(1, 2) == 3
'''


def test_r11_with_exitstack_normal(tmp_path):
    r = run(tmp_path, solution=WITH_STACK, tests=WITH_OK_TESTS)
    check_absent(tmp_path, r, "conftest_planted.py")


def test_r11_with_exitstack_unwinding(tmp_path):
    r = run(tmp_path, solution=WITH_STACK, tests=WITH_FAIL_TESTS)
    check_absent(tmp_path, r, "conftest_planted.py")


# candidate's own class, __exit__ a bound method of a TemporaryDirectory named
# a directory under tests/ (rmtree).
WITH_TD = '''
import os, tempfile
td = tempfile.TemporaryDirectory()
td._finalizer.detach()
os.rmdir(td.name)
td.name = os.path.join(os.getcwd(), "tests", "victim")

class Thing:
    __enter__ = td.__enter__
    __exit__ = td.__exit__

def thing():
    return Thing()

def add(a, b):
    return a + b + 1
'''


def test_r11_with_tempdir_exit_unwinding(tmp_path):
    (tmp_path / "work" / "tests" / "victim").mkdir(parents=True)
    r = run(tmp_path, solution=WITH_TD, tests=WITH_FAIL_TESTS, files={"tests/victim/keep.txt": KEEP})
    check_kept(tmp_path, r, "victim/keep.txt")


def test_r11_with_tempdir_exit_normal(tmp_path):
    (tmp_path / "work" / "tests" / "victim").mkdir(parents=True)
    r = run(tmp_path, solution=WITH_TD, tests=WITH_OK_TESTS, files={"tests/victim/keep.txt": KEEP})
    check_kept(tmp_path, r, "victim/keep.txt")


# 4. for: fileinput in place over a file under tests/ (FOR_ITER __next__).
FOR_FILEINPUT = '''
import fileinput, os
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

def items():
    return fileinput.FileInput([TARGET], inplace=True)
'''
FOR_TESTS = '''import solution

def test_for():
    n = 0
    for x in solution.items():
        n += 1
    assert n >= 0
'''


def test_r11_for_fileinput_inplace(tmp_path):
    r = run(tmp_path, solution=FOR_FILEINPUT, tests=FOR_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 5. relaxation 3: a hidden test that removes its own temp file somewhere
#    (names os.remove) and list()s the candidate's result.
MAP_REMOVE = '''
import os
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

def items():
    return map(os.remove, [TARGET])
'''
MAP_TESTS = '''import os
import solution

def test_items(tmp_path):
    p = tmp_path / "scratch.txt"
    p.write_text("x")
    got = list(solution.items())
    os.remove(p)
    assert got == [None]
'''
MAP_TESTS_NO_REMOVE = '''import solution

def test_items():
    assert list(solution.items()) == [None]
'''


def test_r11_own_code_names_remove_list_map(tmp_path):
    r = run(tmp_path, solution=MAP_REMOVE, tests=MAP_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


def test_r11_list_map_no_remove_named(tmp_path):
    r = run(tmp_path, solution=MAP_REMOVE, tests=MAP_TESTS_NO_REMOVE, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 6. list() of a map over a library Python function (shutil.copy): the test
#    at CALL of list, no name check.
MAP_COPY = '''
import functools, os, shutil
SRC = os.path.join(os.getcwd(), "planted_src.py")
with open(SRC, "w") as f:
    f.write("PLANTED = 1\\n")
TARGET = os.path.join(os.getcwd(), "tests", "conftest_planted.py")

def items():
    return map(functools.partial(shutil.copy, SRC), [TARGET])
'''


def test_r11_list_map_shutil_copy(tmp_path):
    r = run(tmp_path, solution=MAP_COPY, tests=MAP_TESTS_NO_REMOVE)
    check_absent(tmp_path, r, "conftest_planted.py")
