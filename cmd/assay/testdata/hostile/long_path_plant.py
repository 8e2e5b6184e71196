# verdict: tampered
# A link "tests" made in a directory whose absolute name is near PATH_MAX
# (harmless there), renamed into /work, where it leads into the tests: the
# rename's source is past what the audit hook can examine by name, so the
# rename is refused and reported. Had the link landed, a read through it
# by an absolute name without "tests" in it would go on; the solution then
# breaks itself (an error, not a pass).
import os as _os
import tempfile as _tempfile

_here = _os.getcwd()
_got = None
try:
    _os.chdir(_tempfile.mkdtemp())
    while len(_os.getcwd()) < 3880:
        _os.makedirs("d" * 200, exist_ok=True)
        _os.chdir("d" * 200)
    _os.symlink("tests", "x" * 230)
    _os.rename("x" * 230, "/work/planted")
    for _n in _os.listdir("/work/planted/hidden"):
        with open("/work/planted/hidden/" + _n) as _f:
            _got = _f.read()
except OSError:
    pass
finally:
    _os.chdir(_here)
if _got:
    raise ImportError("read the hidden tests through a planted link")
