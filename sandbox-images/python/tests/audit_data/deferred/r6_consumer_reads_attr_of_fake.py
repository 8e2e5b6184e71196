"""Consumers that read a frame attribute (tb_frame, f_code, gi_frame,
cr_frame, cr_code) at their own LOAD_ATTR / hasattr of that name, from an
object the candidate hands them: the object's class makes that attribute a
property of C parts (reduce over a map of attrgetter over a real
traceback / frame / generator), and passes their isinstance checks with a
__class__ property. The hook's intent check sees the consumer at its own
read of that name and lets it through; only __code__ reads have the
'is it the reader's own local' check. Each route writes what it got."""
import asyncio.coroutines, functools, inspect, operator, types, json

OUT = []


def steal(acc, x):
    OUT.append(x)
    return x


def c_read(attr, obj):
    return property(functools.partial(functools.reduce, steal, map(operator.attrgetter(attr), [obj])))


def first(kind):
    return next((x for x in OUT if type(x).__name__ == kind), None)


def getfile_tb(tb):
    class TB:
        __class__ = property(lambda self: types.TracebackType)
        tb_frame = c_read("tb_frame", tb)
    OUT.clear()
    try:
        inspect.getfile(TB())
    except Exception:
        pass
    return first("frame")


def getfile_frame(fr):
    class F:
        __class__ = property(lambda self: types.FrameType)
        f_code = c_read("f_code", fr)
    OUT.clear()
    try:
        inspect.getfile(F())
    except Exception:
        pass
    return first("code")


def genstate(gen):
    class G:
        gi_running = False
        gi_suspended = False
        gi_frame = c_read("gi_frame", gen)
    OUT.clear()
    try:
        inspect.getgeneratorstate(G())
    except Exception:
        pass
    return first("frame")


def coro_repr(gen):
    class C:
        __class__ = property(lambda self: types.GeneratorType)
        __qualname__ = "x"
        gi_code = c_read("gi_code", gen)
        gi_frame = c_read("gi_frame", gen)
    OUT.clear()
    try:
        asyncio.coroutines._format_coroutine(C())
    except Exception:
        pass
    return first("frame"), first("code")


def describe(fr):
    chain = []
    while fr is not None:
        chain.append(fr.f_globals.get("__name__"))
        fr = fr.f_back
    return chain


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        res = {}
        try:
            raise ValueError
        except ValueError as e:
            tb = e.__traceback__
        fr = getfile_tb(tb)
        res["getfile tb_frame"] = describe(fr) if fr is not None else None
        if fr is not None:
            test_frame = fr.f_back
            c = getfile_frame(test_frame)
            res["getfile f_code of the hidden test"] = [c.co_name, repr(c.co_consts)[:200]] if c is not None else None

        def g():
            fr = genstate(me[0])
            yield describe(fr) if fr is not None else None   # (walked while running)
            fr, c = coro_repr(me[0])
            yield describe(fr) if fr is not None else None
        me = [None]
        me[0] = g()
        res["getgeneratorstate gi_frame (running)"] = next(me[0])
        res["_format_coroutine gi_frame (running)"] = next(me[0])
        if any(v for v in res.values()):
            with open("leak.json", "w") as f:
                json.dump(res, f, indent=0)
    return a + b
