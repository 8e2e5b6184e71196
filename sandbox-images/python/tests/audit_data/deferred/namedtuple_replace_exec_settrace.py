"""namedtuple names 'replace' (field_names.replace) and 'eval': a deferred
code.replace(co_filename=<stdlib>) of the candidate's own code, then a
deferred exec of it, both fired inside namedtuple's frame (a consumer),
mint and run candidate code that passes for the stdlib's: it installs a
tracer."""
import collections, functools, sys, weakref, json

FAKE = collections.__file__
SRC = "import sys\nsys.settrace(TRACER)\nOUT.append(sys._getframe(0).f_back)\n"
MINE = compile(SRC, "<mine>", "exec")
SEEN, OUT, KEEP = [], [], []

def tracer(frame, event, arg):
    SEEN.append((frame.f_globals.get("__name__"), sorted(frame.f_locals)[:4]))
    return None

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
    collections.namedtuple("P", bait(d))   # field_names rebound: the list dies in namedtuple's frame
    return next(iter(d.values()))

def add(a, b):
    if KEEP:
        return a + b
    minted = fire(functools.partial(MINE.replace, co_filename=FAKE))
    G = {"__builtins__": __builtins__, "TRACER": tracer, "OUT": OUT}
    fire(functools.partial(exec, minted, G))
    sys.settrace(None) if False else None
    json.dumps([1])
    fr = OUT[0] if OUT else None
    chain = []
    while fr is not None:
        chain.append(sorted(fr.f_locals)[:5]); fr = fr.f_back
    with open("leak.json", "w") as f:
        json.dump({"minted_file": minted.co_filename, "traced": SEEN[:8], "frames": chain[:8]}, f)
    return a + b
