"""StackSummary._extract_from_extended_frame_gen (a consumer) calls its
klass() first thing. Called through __func__ with klass a functools.partial
of io.open (C parts), the open event is raised with the consumer's frame on
top; blame() stops at the consumer (capture_locals is False), and writes
have no further check: a write into the protected tests directory goes
through."""
import functools, io, json, os, traceback

TARGET = os.path.join(os.getcwd(), "tests", "conftest_planted.py")


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        err = None
        try:
            gen = traceback.StackSummary._extract_from_extended_frame_gen.__func__
            gen(functools.partial(io.open, TARGET, "w"), iter(()))
        except Exception as e:
            err = repr(e)
        if os.path.exists(TARGET):
            with open("leak.json", "w") as f:
                json.dump({"wrote": TARGET, "err": err}, f)
    return a + b
