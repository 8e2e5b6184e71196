"""A consumer (StackSummary._extract_from_extended_frame_gen) resumes a
C iterator the candidate chose, map(steal, walk_tb(real_tb)). walk_tb is a
trusted generator reading tb.tb_frame of its own local (a real traceback):
under_consumer and reads_its_own both hold, so the read is allowed, and
map hands the (frame, lineno) it yields to the candidate's steal()."""
import traceback, json

OUT = []


def steal(pair):
    fr, lineno = pair
    OUT.append(fr)
    return fr, (lineno, None, None, None)


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        try:
            raise ValueError
        except ValueError as e:
            tb = e.__traceback__
        try:
            traceback.StackSummary._extract_from_extended_frame_gen(
                map(steal, traceback.walk_tb(tb)), capture_locals=False)
        except Exception as e:
            OUT.append(repr(e))
        fr = OUT[0] if OUT else None
        chain = []
        while fr is not None and not isinstance(fr, str):
            chain.append([fr.f_globals.get("__name__"), sorted(fr.f_locals)[:6]])
            fr = fr.f_back
        if chain:
            with open("leak.json", "w") as f:
                json.dump(chain, f, indent=0)
    return a + b
