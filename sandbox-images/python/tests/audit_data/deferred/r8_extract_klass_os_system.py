"""As r8_extract_klass_open_write, with klass a partial of os.system: the
os.system event's top frame is the consumer, blame() returns None there and
K_PROC allows trusted code's programs (trusted_programs defaults to True):
a program runs without the hook."""
import functools, json, os, traceback


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        err = None
        try:
            gen = traceback.StackSummary._extract_from_extended_frame_gen.__func__
            gen(functools.partial(os.system, "echo ran-without-hook > ran.txt"), iter(()))
        except Exception as e:
            err = repr(e)
        if os.path.exists("ran.txt"):
            with open("leak.json", "w") as f:
                json.dump({"ran": open("ran.txt").read(), "err": err}, f)
    return a + b
