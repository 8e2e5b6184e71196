"""Review 29: the marked windows and gc.callbacks. mark_window puts its gc
callback first when the window opens, but the list is the candidate's to
change at any time, and another thread runs whenever this one drops the
GIL: at the eval-breaker check after mark_window's own calls (its insert,
count_mark()), i.e. inside the window. Thread B, holding the GIL then
(gc disabled, so that it ticks nothing), puts its own callback first (or
drops the hook's), empties the free list of 2-tuples and leaves the
young generation's count over its threshold. Thread A resumes, stores the
mark, sets state and reads: the audit event's argument tuple is then a
fresh GC allocation, which runs a collection whose first callback is the
candidate's. It reads F.__code__ (a hidden test function) inside the
hook's marked window with the counter unmoved: taken as the hook's own.
Trigger: inspect.getfile(F), the consumer of review 28 (quiet).
"""
import test_stand_in_closures as sc
from test_assay_audit import run

HIDDEN = sc.CONSTS_HIDDEN

SOL = r'''
import gc, inspect, json, os, sys, threading, time, types
HERE = os.getcwd()


def _own():
    pass


_GOT = {}
_T = []


def _cb(phase, info):
    if phase != "start" or "code" in _GOT or not _T:
        return
    try:
        _own.__code__  # allowed outside the hook, refused quietly inside
        return
    except PermissionError:
        pass
    try:
        _GOT["code"] = _T[0].__code__
    except PermissionError:
        pass


def _b(stop):
    keep = []
    while not stop:
        gc.disable()
        try:
            gc.callbacks[:] = [_cb]  # (the hook's own goes; it re-inserts at its next window)
            keep.clear()  # (refills the free list...)
            keep.extend([(i, i) for i in range(2300)])  # (...and empties it: fresh GC allocations)
        finally:
            gc.enable()
        time.sleep(0)


def _window(fn, seconds=4.0):
    _T[:] = [fn]
    stop = []
    old_si = sys.getswitchinterval()
    old_th = gc.get_threshold()
    sys.setswitchinterval(1e-6)
    gc.set_threshold(50)
    t = threading.Thread(target=_b, args=(stop,))
    t.start()
    end = time.monotonic() + seconds
    n = 0
    try:
        while "code" not in _GOT and time.monotonic() < end:
            n += 1
            try:
                inspect.getfile(fn)  # a consumer: the hook reads fn.__code__, quietly
            except PermissionError:
                pass
    finally:
        stop.append(1)
        t.join()
        sys.setswitchinterval(old_si)
        gc.set_threshold(*old_th)
    _GOT["tries"] = n
    return _GOT.get("code")


def _hidden_tests():
    m = [m for n, m in list(sys.modules.items()) if "zhidden" in n][0]
    return [(k, v) for k, v in list(vars(m).items()) if isinstance(v, types.FunctionType) and k.startswith("test")]

''' + sc.CONSTS_FN + r'''


def add(a, b):
    return a + b


def dump():
    out = {}
    for k, fn in _hidden_tests():
        if k == "test_hidden_expected":
            co = _window(fn)
            out["tries"] = _GOT.get("tries")
            if co is not None:
                out[k] = consts(co, [])
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def test_gc_callbacks_reordered_inside_a_marked_window(tmp_path):
    r = run(tmp_path, solution=SOL, files={"tests/test_zhidden.py": HIDDEN}, lock=["tests/test_zhidden.py"])
    text = sc.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", sc.outcomes(r), r.seen, text[:1500])
