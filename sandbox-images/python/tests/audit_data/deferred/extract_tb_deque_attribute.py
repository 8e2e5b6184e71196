"""traceback's extraction from a traceback (a consumer, its module globals
pinned) hands the frame generator to collections.deque when limit < 0: an
attribute of a pinned module, which the pin does not cover. The
candidate's deque subclass keeps the (frame, positions) pairs."""
import collections, traceback, json

GOT = []
_deque = collections.deque

class Keep(_deque):
    def __new__(cls, *a, **k):
        self = _deque.__new__(cls)
        GOT.append(self)
        return self

def add(a, b):
    try:
        raise ValueError
    except ValueError as e:
        tb = e.__traceback__
    collections.deque = Keep
    try:
        traceback.extract_tb(tb, limit=-100)
    finally:
        collections.deque = _deque
    fr = GOT[0][0][0] if GOT and GOT[0] else None
    chain = []
    while fr is not None:
        chain.append(sorted(fr.f_locals)[:5])
        fr = fr.f_back
    with open("leak.json", "w") as f:
        json.dump(chain[:8], f)
    return a + b
