"""traceback.extract_stack (its code names _getframe; not a 'returner') as
a deferred call: it hands the frame it takes to walk_stack, a module global
the candidate rebinds."""
import collections, traceback, weakref, json

KEEP, CAP = [], []
D = collections.defaultdict(traceback.extract_stack)

def capture(f):
    CAP.append(f)
    return iter(())

class Bait:
    pass

def add(a, b):
    if not KEEP:
        x = Bait()
        r = weakref.ref(x, D.__getitem__)
        hash(r)
        KEEP.append(r)
        traceback.walk_stack = capture
        return a + b          # x dies as this frame is cleared: the test's frame on top
    fr = CAP[0] if CAP else None
    chain = []
    while fr is not None:
        chain.append(sorted(fr.f_locals)[:5])
        fr = fr.f_back
    if chain:
        with open("leak.json", "w") as f:
            json.dump(chain, f)
    return a + b
