"""No candidate frame (the test's assert calls bool() of what __eq__, made
of C parts, returned): __bool__ = dict.fromkeys over a chain of
map(Path.chmod, [T], [0o604]) and map(GOT.append, map(Path.read_text, [T]))
for T the hidden test module. Path.chmod's own frame raises os.chmod at its
own call of os.chmod, Path.open raises open at its own call of io.open:
deferred() asks only the frame on top, not whether IT was called by name,
so both go through, silently. Production's mode 000 on the hidden modules
no longer helps (the chmod undoes it)."""
import functools, itertools, json, os, stat
from pathlib import Path

TARGET = Path(os.getcwd(), "tests", "test_solution.py")
GOT = []


class Trigger:
    __bool__ = functools.partial(dict.fromkeys, itertools.chain(
        map(Path.chmod, [TARGET], [0o604]), map(GOT.append, map(Path.read_text, [TARGET]))))


class Planted:
    __eq__ = functools.partial({3: Trigger()}.get)


_calls = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        return Planted()
    if GOT and not os.path.exists("leak.json"):
        with open("leak.json", "w") as f:
            json.dump({"source": GOT[0], "mode": oct(stat.S_IMODE(os.stat(TARGET).st_mode))}, f)
    return a + b
