"""No candidate frame (the test's comparison calls __eq__ made of C parts):
functools.partial(os.open, <tests/...>, O_WRONLY|O_CREAT) calls the sealed
stand-in for os.open, whose own frame raises the "open" event at its call of
the real os.open (a builtin named "open"): deferred() sees the frame on top
at a call of "open" and lets the write through. The descriptor number is
predictable; the candidate writes through it with os.write (no event)."""
import functools, json, os

TARGET = os.path.join(os.getcwd(), "tests", "conftest_planted.py")


class Planted:
    # os.open(TARGET, O_WRONLY|O_CREAT, 3): the test's 3 is the mode
    __eq__ = functools.partial(os.open, TARGET, os.O_WRONLY | os.O_CREAT)


_calls = []
_fd = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        r, w = os.pipe()  # the lowest free descriptor number, for the open to come
        os.close(r)
        os.close(w)
        _fd.append(r)
        return Planted()
    if os.path.exists(TARGET) and not os.path.exists("leak.json"):
        try:
            os.write(_fd[0], b"PLANTED = 1\n")
        except OSError:
            pass
        with open("leak.json", "w") as f:
            json.dump({"wrote": TARGET, "size": os.stat(TARGET).st_size}, f)
    return a + b
