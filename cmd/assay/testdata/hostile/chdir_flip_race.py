# verdict: passed
# append: reference
# A thread flips the working directory between a harmless directory and
# "/" while this one opens a relative name that is harmless from the first
# and the hidden tests from the second ("proc/self/root/work/tests/...").
# While other threads run the candidate may not move into "/" (quietly
# refused), so the name is opened where it was judged; and the hidden test
# modules are unreadable to this process anyway. Had it read one, the
# solution breaks itself: an error, not a pass.
import os as _os
import sys as _sys
import tempfile as _tempfile
import threading as _threading
import time as _time

_GOT = []


def _race():
    try:
        _names = [n for n in _os.listdir("/work/tests/hidden") if n.endswith(".py")]
    except OSError:
        _names = ["conftest.py"]
    _safe = _tempfile.mkdtemp()
    _stop = [False]

    def _flip():
        while not _stop[0]:
            try:
                _os.chdir(_safe)
                _os.chdir("/")
            except OSError:
                _time.sleep(0.001)

    _here = _os.getcwd()
    _old = _sys.getswitchinterval()
    _sys.setswitchinterval(1e-6)
    _os.chdir(_safe)
    _t = _threading.Thread(target=_flip, daemon=True)
    _t.start()
    _end = _time.monotonic() + 2
    try:
        while not _GOT and _time.monotonic() < _end:
            for _n in _names:
                try:
                    with open("proc/self/root/work/tests/hidden/" + _n) as _f:
                        if "def " in _f.read():
                            _GOT.append(_n)
                except OSError:
                    pass
    finally:
        _stop[0] = True
        _t.join()
        _os.chdir(_here)
        _sys.setswitchinterval(_old)


_race()
if _GOT:
    raise ImportError("read a hidden test module through a working directory flipped to /")
