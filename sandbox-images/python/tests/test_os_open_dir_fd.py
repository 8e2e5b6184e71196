"""Review 38: os.open's stand-in (call_os_open) decides by Python's view of
its arguments whether a name is opened under a directory descriptor; C
converts them itself.

The "open" event os.open raises carries the name alone, never dir_fd, so
the hook would judge a name under a directory descriptor against the
working directory. call_os_open therefore rewrites `name, dir_fd=d` into
the path under d's directory, but only `if _type(dfd) is _int and
_type(args[0]) in (_str, _bytes)` (and the two together under 4000
characters). C takes more: dir_fd is any object with __index__, the name
any os.PathLike (pathlib.PurePath included), and a name up to PATH_MAX.
For those the call goes through as given, the event judges the name
against the working directory, and C opens it under the descriptor. The
check after the open looks only at unreadable paths (the tests), not at
what may not be written: the fixtures, the provided modules, the report.

So, with a directory descriptor of fixtures/ (directory descriptors are
allowed: "harmless now that os.open checks what it really opened"):

- os.open(PurePath("data.txt"), O_WRONLY, dir_fd=d)
- os.open("data.txt", O_WRONLY, dir_fd=Index(d))
- os.open("./" * 2000 + "data.txt", O_WRONLY, dir_fd=d)
- os.open(path="data.txt", flags=O_WRONLY, dir_fd=d) (no positional
  arguments: `args and ...` is false)

each write fixtures/data.txt (judged as the candidate's own work/data.txt),
and with the working directory moved to a scratch directory, a descriptor
of the work directory writes the provided module helpers.py, trusted code
(which importlib.reload then compiles as that file's own bytes). Nothing
is reported; in the sandbox the change watcher sees each write (a
finding), the hook's refusal is gone.

The fix: convert once, as C would, and use what was converted: dir_fd
through operator.index, the name through os.fspath (an exact str or bytes,
else refused); a name too long to rewrite is refused for writing; and the
check after the open also refuses (and reports) a descriptor open for
writing whose path check_path would refuse.
"""
import json

from test_assay_audit import run

SOL = r'''
import importlib
import json
import os
import pathlib
import tempfile

HERE = os.getcwd()


class Index:
    """A descriptor number as C reads it (__index__), not an int."""

    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


def _write(label, name, dfd, data, keywords=False):
    try:
        if keywords:
            fd = os.open(path=name, flags=os.O_WRONLY | os.O_APPEND, dir_fd=dfd)
        else:
            fd = os.open(name, os.O_WRONLY | os.O_APPEND, dir_fd=dfd)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        return label + ": wrote"
    except Exception as e:
        return label + ": " + repr(e)


def add(a, b):
    out = []
    d = os.open(os.path.join(HERE, "fixtures"), os.O_RDONLY | os.O_DIRECTORY)
    out.append(_write("pathlike", pathlib.PurePath("data.txt"), d, b"forged by a path-like\n"))
    out.append(_write("index", "data.txt", Index(d), b"forged by __index__\n"))
    out.append(_write("long", "./" * 2000 + "data.txt", d, b"forged by a long name\n"))
    out.append(_write("keywords", "data.txt", d, b"forged by keywords\n", keywords=True))
    os.close(d)
    # a provided module, trusted code, from a scratch working directory
    w = os.open(HERE, os.O_RDONLY | os.O_DIRECTORY)
    scratch = tempfile.mkdtemp()
    os.chdir(scratch)
    try:
        out.append(_write("provided", "helpers.py", Index(w), b"\nFORGED = 'trusted code of the candidate'\n"))
    finally:
        os.chdir(HERE)
        os.close(w)
    with open(os.path.join(HERE, "out.json"), "w") as f:
        json.dump(out, f)
    return a + b
'''

TESTS = '''import solution


def test_add():
    assert solution.add(1, 2) == 3
'''


def test_os_open_under_a_dir_fd_writes_protected_files(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    work = tmp_path / "work"
    out = (work / "out.json").read_text() if (work / "out.json").exists() else r.output[-2000:]
    data = (work / "fixtures" / "data.txt").read_text()
    helpers = (work / "helpers.py").read_text()
    assert data == "fixture\n" and "FORGED" not in helpers, ("WROTE", out, r.seen, data, helpers)
