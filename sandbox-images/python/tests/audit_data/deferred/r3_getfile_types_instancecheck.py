"""inspect.getfile is a consumer, pinned to inspect's globals, but the
helpers it hands what it reads to (istraceback, isframe, iscode) test
isinstance(obj, types.TracebackType / FrameType / CodeType): attributes of
the types module, not pinned. Rebound to a class whose metaclass has
__instancecheck__, they hand the candidate a hidden test's code object
(read by getfile from test.__code__) and a frame (read from a traceback's
tb_frame). No deferred call: the candidate calls getfile itself."""
import inspect, sys, types, json

GOT = []


class M(type):
    def __instancecheck__(cls, obj):
        GOT.append(obj)
        return False


class Evil(metaclass=M):
    pass


def grab(obj, attr):
    real = getattr(types, attr)
    setattr(types, attr, Evil)
    try:
        inspect.getfile(obj)
    except TypeError:
        pass
    finally:
        setattr(types, attr, real)
    return GOT.pop() if GOT else None


def add(a, b):
    if not GOT and not DONE:
        DONE.append(1)
        test_fn = sys.modules["tests.test_solution"].test_two
        code = grab(test_fn, "TracebackType")      # istraceback(test_fn.__code__)
        try:
            raise ValueError
        except ValueError as e:
            tb = e.__traceback__
        frame = grab(tb, "FrameType")             # isframe(tb.tb_frame)
        chain = []
        fr = frame
        while fr is not None:
            chain.append([fr.f_globals.get("__name__"), sorted(fr.f_locals)[:5]])
            fr = fr.f_back
        with open("leak.json", "w") as f:
            json.dump({"test_code": [type(code).__name__, getattr(code, "co_filename", None),
                                     repr(getattr(code, "co_consts", None))[:300]],
                       "frames": chain[:8]}, f)
    return a + b


DONE = []
