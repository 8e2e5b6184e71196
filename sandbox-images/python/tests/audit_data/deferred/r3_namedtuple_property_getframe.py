"""A deferred sys._getframe(0) fired from C inside namedtuple's own frame at
a CALL (isinstance(field_names, str) reads the candidate list's __class__,
a property whose getter is a defaultdict's __getitem__, whose factory is
partial(sys._getframe, 0)): namedtuple is a consumer and names _getframe,
no frame below is at a store/pop/return, so the frame is handed over.
No gc, no weakref: fully deterministic."""
import collections, functools, sys, json

D = collections.defaultdict(functools.partial(sys._getframe, 0))


class L(list):
    __hash__ = object.__hash__
    __class__ = property(D.__getitem__)


def add(a, b):
    if not D:
        collections.namedtuple("P", L(["x", "y"]))
        fr = next(iter(D.values()))
        out = []
        while fr is not None:
            out.append([fr.f_globals.get("__name__"), sorted(fr.f_locals)[:6]])
            fr = fr.f_back
        with open("leak.json", "w") as f:
            json.dump(out, f)
    return a + b
