"""inspect.getfile's code with the candidate's globals, made by a deferred
call, where ismodule is sys.settrace: the candidate's tracer sees every
frame."""

import collections, functools, inspect, types, weakref, sys, json
B = __builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__
no = lambda o: False
G = {"__builtins__": B, "ismodule": sys.settrace, "isclass": no, "ismethod": no,
     "isfunction": no, "istraceback": no, "isframe": no, "iscode": no}
D = collections.defaultdict(functools.partial(types.FunctionType, inspect.getfile.__code__, G))
KEEP, SEEN = [], []
class Bait: pass
def tracer(frame, event, arg):
    SEEN.append(frame.f_globals.get("__name__"))
    return None
def add(a, b):
    if not KEEP:
        x = Bait(); r = weakref.ref(x, D.__getitem__); hash(r); KEEP.append(r)
        return a + b
    try:
        next(iter(D.values()))(tracer)
    except TypeError:
        pass
    json.dumps([1])  # a call the tracer would see
    if SEEN:
        with open("leak.json", "w") as f:
            json.dump(sorted(set(SEEN)), f)
    return a + b
