"""Review 27: a sealed stand-in's generator driven by the candidate's own
frame, which then stands where the stand-in's frame should be.

A stand-in's entry closed over `send`, the bound send of its suspended
maker generator (`entry.__closure__[i].cell_contents`: no audit event;
now `stand_in.__self__[-1]`, as readable).
Called directly, `send((args, kwargs))` returns the single-use generator,
and its `.send(None)` runs the policy (`call_*`) and the original builtin.
Every `call_*` counts frames: 0 itself, 1 the generator, 2 "the stand-in",
3 "its caller", and blames from frame 3 outwards (culprit_at(3),
slot_culprit(3, names)). Driven from the candidate's function, frame 2 is
that function, which nobody looks at, and frame 3 is whoever called it.

Here the candidate puts such a function on `_signal.signal` (a module
attribute). pytest-timeout's `signal.signal(SIGALRM, handler)` at each
test's setup calls it by the name "signal" with only trusted frames below;
it swaps in its own handler and drives the real stand-in's generator: the
handler is installed raw (no trampoline) and gets the interrupted frames.
It takes the hook's `state` from a hook frame's f_locals (as
test_raw_signal_handlers.py) and reads the hidden tests' constants with it.
(Unlike test_raw_signal_handlers.py, no stdlib global is touched: the same
would follow if signal._enum_to_int were captured.) Fails while open.
"""
import test_raw_signal_handlers as base
from test_assay_audit import run

SOL = base.CONSTS_SOL.replace(
    "signal._enum_to_int = _e2i\n",
    r'''
import _signal
_entry = _signal.signal
# (the review's spelling took it from the entry's closure; stand-ins are
# bound methods of a (lock, send) pair now, and the send is still readable)
_send = _entry.__self__[-1]


def _my_signal(signum, handler):
    if callable(handler) and getattr(handler, "__module__", None) == "pytest_timeout":
        handler = _raw
    gen = _send(((signum, handler), {}))
    ok, value = gen.send(None)
    if ok:
        return value
    raise value


_signal.signal = _my_signal
''')


def test_driven_stand_in_installs_a_raw_handler(tmp_path):
    assert "_my_signal" in SOL and "signal._enum_to_int = _e2i" not in SOL
    r = run(tmp_path, solution=SOL, files={"tests/test_zhidden.py": base.CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = base.leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", base.outcomes(r), r.seen, text[:1500])
    # (the generator run by the candidate's frame is refused, and reported)
    assert any("a stand-in's policy run around it" in s for s in r.seen), (base.outcomes(r), r.seen)
