"""pytest-timeout's dump_stacks is a consumer pinned to traceback's module
functions, but traceback.format_stack -> extract_stack calls
StackSummary.extract, a class attribute, with walk_stack(frame): swapped for
the candidate's classmethod, it gets a generator of the main thread's
frames (threading.current_thread, a module attribute dump_stacks uses to
skip the current thread, swapped too). The candidate's test times out
(one test lost); the frames are kept for later."""
import threading, traceback, time, json

GOT = []
real_extract = traceback.StackSummary.__dict__["extract"]
real_current = threading.current_thread


def evil_extract(klass, frame_gen, **kw):
    for f, lineno in frame_gen:
        GOT.append(f)
    return traceback.StackSummary()


class Nobody:
    ident = -1


def add(a, b):
    if not GOT:
        traceback.StackSummary.extract = classmethod(evil_extract)
        threading.current_thread = lambda: Nobody
        try:
            time.sleep(100)        # pytest-timeout's SIGALRM handler dumps "other" threads
        finally:
            traceback.StackSummary.extract = real_extract
            threading.current_thread = real_current
            out = [[f.f_globals.get("__name__"), sorted(f.f_locals)[:5]] for f in GOT[:12]]
            with open("leak.json", "w") as fh:
                json.dump(out, fh)
    return a + b
