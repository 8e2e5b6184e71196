"""No candidate frame at all (the test's comparison calls __eq__ made of
C parts): a read of the unreadable tests is refused only to a reader with
a candidate frame below (reader()). A deferred io.open of the hidden test
module stores the file object in the candidate's list; its read() raises
no event. (In production the kernel refuses the open while the module is
mode 000; see r9_eq_chmod_tests for the hook's part of that.)"""
import functools, io, json, os

TARGET = os.path.join(os.getcwd(), "tests", "test_solution.py")
GOT = []


class Planted:
    __eq__ = functools.partial(dict.fromkeys, map(GOT.append, map(io.open, [TARGET])))


_calls = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        return Planted()
    if GOT and not os.path.exists("leak.json"):
        with open("leak.json", "w") as f:
            json.dump({"source": GOT[0].read()}, f)
    return a + b
