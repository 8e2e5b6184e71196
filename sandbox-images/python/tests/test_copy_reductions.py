"""The twenty-first attacker review's routes: an honest hidden test copies
the candidate's result (copy.deepcopy, copy.copy, dataclasses.asdict),
and copy calls what the object's __reduce_ex__ returns (os.remove,
open, shutil.copy, sys._getframe...) with only trusted frames on the
stack. Each asserts the protected effect did not happen; nine of the
twelve failed before copy's functions were made trampolines."""
import os

from protected_paths import KEEP, check_kept, check_absent
from test_assay_audit import run, DEFERRED_TESTS





DEEPCOPY_TESTS = '''import copy
import solution


def test_copy():
    r = solution.make()
    assert copy.deepcopy(r) is not None
'''

# 1. copy.deepcopy -> _reconstruct's `func(*args)`: func a builtin chosen by
#    the candidate's __reduce_ex__ (os.remove): doing() accepts a local holding
#    a builtin whose __name__ is the operation.
DEEPCOPY_REMOVE = '''
import os
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

class R:
    def __reduce_ex__(self, proto):
        return (os.remove, (TARGET,))

def make():
    return R()
'''


def test_deepcopy_reduce_remove(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_REMOVE, tests=DEEPCOPY_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


DEEPCOPY_OPEN = '''
import os
TARGET = os.path.join(os.getcwd(), "tests", "conftest.py")

class R:
    def __reduce_ex__(self, proto):
        return (open, (TARGET, "w"))

def make():
    return R()
'''


def test_deepcopy_reduce_open(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_OPEN, tests=DEEPCOPY_TESTS)
    check_absent(tmp_path, r, "conftest.py")


# 1b. the same, planting content: an inner object's reduce opens the file
#     (the audited step), the outer's func is TextIOWrapper.write (no event).
DEEPCOPY_WRITE = '''
import io, os
TARGET = os.path.join(os.getcwd(), "tests", "conftest.py")

class Opener:
    def __reduce_ex__(self, proto):
        return (open, (TARGET, "w"))

class R:
    def __reduce_ex__(self, proto):
        return (io.TextIOWrapper.write, (Opener(), "PLANTED = 1\\\\n"))

def make():
    return R()
'''


def test_deepcopy_reduce_write_content(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_WRITE, tests=DEEPCOPY_TESTS)
    check_absent(tmp_path, r, "conftest.py")


# 1c. running a program (which then writes under tests/ unaudited).
DEEPCOPY_SYSTEM = '''
import os
class R:
    def __reduce_ex__(self, proto):
        return (os.system, ("echo PLANTED > tests/planted_by_sh.txt",))

def make():
    return R()
'''


def test_deepcopy_reduce_system(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_SYSTEM, tests=DEEPCOPY_TESTS)
    check_absent(tmp_path, r, "planted_by_sh.txt")


# 1d. chmod / rename of a protected file.
DEEPCOPY_RENAME = '''
import os
T = os.path.join(os.getcwd(), "tests", "keep.txt")
class R:
    def __reduce_ex__(self, proto):
        return (os.rename, (T, os.path.join(os.getcwd(), "stolen.txt")))

def make():
    return R()
'''


def test_deepcopy_reduce_rename(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_RENAME, tests=DEEPCOPY_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 1e. taking the hidden test's frame: func = sys._getframe, the result handed
#     to the candidate's dict by the outer reduce's func (a bound builtin).
DEEPCOPY_FRAME = '''
import json, os, sys
SINK = {}

class Grab:
    def __reduce_ex__(self, proto):
        return (sys._getframe, (5,))

class R:
    def __reduce_ex__(self, proto):
        return (SINK.setdefault, ("f", Grab()))

def make():
    f = SINK.get("f")
    if f is not None:
        out = []
        while f is not None and len(out) < 12:
            out.append([f.f_lineno, sorted(f.f_locals)[:20], f.f_globals.get("__file__")])
            f = f.f_back
        with open("leak.json", "w") as fh:
            json.dump(out, fh)
    return R()
'''
DEEPCOPY_FRAME_TESTS = '''import copy
import solution


def test_copy():
    secret_expected = 12345
    r = solution.make()
    assert copy.deepcopy(r) is not None


def test_again():
    assert solution.make() is not None
'''


def test_deepcopy_reduce_getframe(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_FRAME, tests=DEEPCOPY_FRAME_TESTS)
    leak = tmp_path / "work" / "leak.json"
    assert not leak.exists(), (leak.read_text()[:3000], r.seen, r.outcomes())


# 2. copy.copy -> _reconstruct's `func(*args)` where func is a Python library
#    function (pathlib.Path.write_text): calls_this accepts a local holding
#    that very plain function, whoever chose it.
COPY_WRITE_TEXT = '''
import os, pathlib
TARGET = pathlib.Path(os.getcwd(), "tests", "conftest.py")

class R:
    def __reduce_ex__(self, proto):
        return (pathlib.Path.write_text, (TARGET, "PLANTED = 1\\\\n"))

def make():
    return R()
'''
COPY_TESTS = '''import copy
import solution


def test_copy():
    r = solution.make()
    assert copy.copy(r) is not None or True
'''


def test_copy_reduce_path_write_text(tmp_path):
    r = run(tmp_path, solution=COPY_WRITE_TEXT, tests=COPY_TESTS)
    check_absent(tmp_path, r, "conftest.py")


COPY_SHUTIL = '''
import os, shutil
SRC = os.path.join(os.getcwd(), "planted_src.py")
with open(SRC, "w") as f:
    f.write("PLANTED = 1\\\\n")
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

class R:
    def __reduce_ex__(self, proto):
        return (shutil.copy, (SRC, TARGET))

def make():
    return R()
'''


def test_deepcopy_reduce_shutil_copy(tmp_path):
    r = run(tmp_path, solution=COPY_SHUTIL, tests=DEEPCOPY_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 3. dataclasses.asdict of the candidate's dataclass: a field value that is
#    not a dataclass/list/dict goes through copy.deepcopy (same route).
ASDICT = '''
import dataclasses, os
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

class V:
    def __reduce_ex__(self, proto):
        return (os.remove, (TARGET,))

@dataclasses.dataclass
class Point:
    x: int
    y: object

def make():
    return Point(1, V())
'''
ASDICT_TESTS = '''import dataclasses
import solution


def test_asdict():
    d = dataclasses.asdict(solution.make())
    assert d["x"] == 1
'''


def test_dataclasses_asdict_remove(tmp_path):
    r = run(tmp_path, solution=ASDICT, tests=ASDICT_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 4. (held) the same reduce through pickle's C unpickler: no library frame
#    calls func, the test's frame is at a call of loads.
PICKLE_TESTS = '''import pickle
import solution


def test_pickle():
    r = solution.make()
    assert pickle.loads(pickle.dumps(r)) is not None
'''


def test_pickle_roundtrip_remove_held(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_REMOVE, tests=PICKLE_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 5. (held) a C slot (__eq__) that is a bound library method named like the
#    operation is still refused at the test's comparison.
EQ_SLOT = '''
import functools, os
TARGET = os.path.join(os.getcwd(), "tests", "keep.txt")

class R(int):
    __eq__ = functools.partial(os.remove, TARGET)

def add(a, b):
    return R(a + b)
'''


def test_eq_slot_remove_held(tmp_path):
    r = run(tmp_path, solution=EQ_SLOT, tests=DEFERRED_TESTS, files={"tests/keep.txt": KEEP})
    check_kept(tmp_path, r)


# 6. setting __code__ of a trusted function through the same reduce
#    (func = setattr).
DEEPCOPY_SETCODE = '''
import json, textwrap

def evil(text):
    return "EVIL"

class R:
    def __reduce_ex__(self, proto):
        return (setattr, (textwrap.dedent, "__code__", evil.__code__))

def make():
    if textwrap.dedent("x") == "EVIL":
        with open("leak.json", "w") as fh:
            json.dump(["dedent.__code__ replaced"], fh)
    return R()
'''
SETCODE_TESTS = '''import copy
import solution


def test_copy():
    copy.deepcopy(solution.make())


def test_again():
    assert solution.make() is not None
'''


def test_deepcopy_reduce_setattr_code(tmp_path):
    r = run(tmp_path, solution=DEEPCOPY_SETCODE, tests=SETCODE_TESTS)
    leak = tmp_path / "work" / "leak.json"
    assert not leak.exists(), (leak.read_text()[:3000], r.seen, r.outcomes())
