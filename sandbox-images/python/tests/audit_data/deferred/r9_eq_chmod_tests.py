"""No candidate frame at all (the test's comparison calls __eq__ made of
C parts): os.chmod of a hidden test module goes through (the K_FDPATH
branch asks only blame()). Under runc the hidden modules belong to the
candidate's uid and their mode 000 is what keeps them unread: a deferred
chmod makes them readable again, and a deferred open hands the file
object to the candidate, whose read() raises no event."""
import functools, json, os, stat

TARGET = os.path.join(os.getcwd(), "tests", "test_solution.py")


class Planted:
    # chmod(TARGET, 3 | 0o640): the test's 3 is the mode's... (any int)
    __eq__ = functools.partial(os.chmod, TARGET)


_calls = []
_before = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        _before.append(stat.S_IMODE(os.stat(TARGET).st_mode))
        return Planted()
    now = stat.S_IMODE(os.stat(TARGET).st_mode)
    if now != _before[0] and not os.path.exists("leak.json"):
        with open("leak.json", "w") as f:
            json.dump({"chmod": TARGET, "before": oct(_before[0]), "now": oct(now)}, f)
    return a + b
