"""Review 38: io.FileIO of a pathlib path is judged by the path's slots,
and opened by its __fspath__.

io.FileIO raises its "open" event with the name as given (a path-like
too) after it has converted it with PyUnicode_FSConverter, that is with
type(p).__fspath__, and opens what that returned. The hook reads an exact
PosixPath's string from its slots (posix_text: `_str`, or `_drv`, `_root`,
`_parts`) so that "no method of a class the candidate's code could have
patched runs here", and judges that. But the method C ran is one the
candidate's code may patch: `pathlib.PurePath.__fspath__ = lambda self:
target` is a plain class attribute (no audited event). Then

    io.FileIO(pathlib.PosixPath("mine.txt"))

is judged as the candidate's own mine.txt and opens target: a file under
tests/ that the hook must refuse (in the sandbox: a hidden helper module
or data file, which mode 000 does not cover; nothing is written, so the
change watcher sees nothing), and with mode "a" a write to fixtures/
(the watcher's finding in the sandbox, no refusal, no report).
(Even a pristine class would not do: the slots read after C's conversion
can be changed between the two by a finalizer or a handler running inside
the hook, or by another thread.)

The fix: the slots may still say what is reported, but io.FileIO of a
path-like is refused to the candidate's code either way (quietly: an
honest program can pass str(path), which builtins.open does for it).
"""
from test_assay_audit import run

SOL = r'''
import io
import json
import os
import pathlib

HERE = os.getcwd()


def add(a, b):
    out = {}
    orig = pathlib.PurePath.__fspath__
    try:
        pathlib.PurePath.__fspath__ = lambda self: os.path.join(HERE, "tests", "hidden_data.txt")
        try:
            with io.FileIO(pathlib.PosixPath("mine.txt")) as f:
                out["read"] = f.read().decode()
        except Exception as e:
            out["read"] = repr(e)
        pathlib.PurePath.__fspath__ = lambda self: os.path.join(HERE, "fixtures", "data.txt")
        try:
            with io.FileIO(pathlib.PosixPath("mine2.txt"), "a") as f:
                f.write(b"forged through __fspath__\n")
            out["write"] = "wrote"
        except Exception as e:
            out["write"] = repr(e)
    finally:
        pathlib.PurePath.__fspath__ = orig
    with open(os.path.join(HERE, "out.json"), "w") as fh:
        json.dump(out, fh)
    return a + b
'''

TESTS = '''import solution


def test_add():
    assert solution.add(1, 2) == 3
'''


def test_fileio_opens_what_a_patched_fspath_says(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS, files={"tests/hidden_data.txt": "SECRET-4242\n"})
    work = tmp_path / "work"
    out = (work / "out.json").read_text() if (work / "out.json").exists() else r.output[-2000:]
    data = (work / "fixtures" / "data.txt").read_text()
    assert "SECRET-4242" not in out and data == "fixture\n", ("LEAKED", out, r.seen, data)
