"""A weakref callback (a defaultdict's __getitem__, factory
partial(sys._getframe, 0)) fired by a collection that sys._getframe itself
starts when it allocates the frame object of namedtuple's caller (3.11:
_PyFrame_GetFrameObject runs before the audit event). namedtuple is then at
its own call of `_sys._getframe`: blame() stops at the consumer,
rest_frame() stops at the consumer, doing() says True, called_by_name()
accepts a consumer frame. The gen-0 threshold that makes the collection
land exactly there is found by trying them in turn (the misses are refused:
a deferred call)."""
import collections, functools, gc, sys, weakref, json

D = collections.defaultdict(functools.partial(sys._getframe, 0))
KEEP = []


class Bait:
    pass


def garbage():
    x = Bait()
    x.me = x
    r = weakref.ref(x, D.__getitem__)
    hash(r)  # (a dead weakref hashes only if hashed before)
    KEEP.append(r)


def fresh():
    # a new frame whose frame object does not exist yet: namedtuple's
    # sys._getframe(1) allocates it
    return collections.namedtuple("P", "x y")


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        old = gc.get_threshold()
        for t in range(1, 600):
            if D:
                break
            gc.disable()
            gc.collect()
            garbage()
            gc.set_threshold(t)
            gc.enable()
            try:
                fresh()
            except Exception:
                pass
            gc.disable()
            gc.set_threshold(*old)
            gc.enable()
        fr = next(iter(D.values()), None)
        out = []
        while fr is not None:
            out.append([fr.f_globals.get("__name__"), sorted(fr.f_locals)[:8]])
            fr = fr.f_back
        if out:
            with open("leak.json", "w") as f:
                json.dump({"t": t, "chain": out}, f)
    return a + b
