"""As r7_map_over_walk_tb, with no candidate callable at all: the consumer
iterates one branch of itertools.tee(walk_tb(real_tb)); tee buffers what
the trusted generator yields (frames read at its own load of tb.tb_frame,
under the consumer), and the candidate reads the other branch later."""
import itertools, traceback, json


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        try:
            raise ValueError
        except ValueError as e:
            tb = e.__traceback__
        mine, theirs = itertools.tee(traceback.walk_tb(tb))
        try:
            traceback.StackSummary.extract(theirs, capture_locals=False)
        except Exception:
            pass
        chain = []
        for fr, _lineno in mine:
            while fr is not None:
                chain.append([fr.f_globals.get("__name__"), sorted(fr.f_locals)[:6]])
                fr = fr.f_back
        if chain:
            with open("leak.json", "w") as f:
                json.dump(chain, f, indent=0)
    return a + b
