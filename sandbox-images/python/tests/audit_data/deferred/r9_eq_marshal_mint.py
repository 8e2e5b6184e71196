"""No candidate frame at all (the test's comparison calls __eq__ made of
C parts): marshal.loads with no candidate frame is allowed (the K_MARSHAL
branch asks only blame()), so the candidate mints a code object that
claims pytest's own file (code the hook would take for pytest's). Running
it is still refused (exec, function(), __code__ check the code's file)."""
import functools, json, marshal, os

import _pytest.runner

# (compiled under a name of the same length, then the bytes patched: compile
# under the trusted name itself is refused)
_FAKE = "/X" + _pytest.runner.__file__[2:]
DATA = marshal.dumps(compile("def f():\n    return 42\n", _FAKE, "exec")).replace(
    _FAKE.encode(), _pytest.runner.__file__.encode())
GOT = []


class Planted:
    __eq__ = functools.partial(dict.fromkeys, map(GOT.append, map(marshal.loads, [DATA])))


_calls = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        return Planted()
    if GOT and not os.path.exists("leak.json"):
        with open("leak.json", "w") as f:
            json.dump({"minted": GOT[0].co_filename}, f)
    return a + b
