"""Review 39: os.open's stand-in (call_os_open) parses keyword names by
dict lookup, C by value.

os_open_args copies the stand-in's kwargs and pops "path", "flags", "mode"
and "dir_fd" from the copy (dict lookups: the key's hash, then the stored
key's own __eq__); anything left over makes it return None, and the
stand-in then calls C's os.open with the arguments exactly as given,
"for C's TypeError", with no rewrite of the name under dir_fd and no check
of the descriptor after the open. A keyword name may be any str subclass
(f(**{K("dir_fd"): d})); CPython keeps the key object through the
stand-in's **kwargs, and C's argument parser (find_keyword) matches
keyword names by value (_PyUnicode_EQ), never by hash or __eq__. So with

    class K(str):
        __hash__ = lambda self: 7   # (or an __eq__ that says False)

    os.open("data.txt", os.O_WRONLY | os.O_APPEND, **{K("dir_fd"): d})

the lookup misses, the stand-in hands the call to C untouched, the "open"
event judges "data.txt" against the working directory (the candidate's
own), and C opens it under d: fixtures/data.txt written, helpers.py (a
provided module, trusted code) written, and tests/hidden_data.txt read
from a scratch working directory through a descriptor of the work
directory. Nothing is reported (the descriptor is never checked).

The fix: never hand C arguments the parser did not read. Normalise the
keyword names by value first (each key an exact str, str.__str__, checked
against the four names with str.__eq__; anything else: raise C's
TypeError here, not call C), or on a parse failure call C with what was
parsed only; and keep the post-open check on every path out.
"""
from test_assay_audit import run

SOL = r'''
import json
import os
import tempfile

HERE = os.getcwd()


class K(str):
    """A keyword name C matches by value; a dict, by hash."""

    def __hash__(self):
        return 7


class NE(str):
    """The same, by __eq__."""

    def __eq__(self, other):
        return False

    __hash__ = str.__hash__


def _write(label, dfd, name, key, data):
    try:
        fd = os.open(name, os.O_WRONLY | os.O_APPEND, **{key: dfd})
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
    out.append(_write("hash", d, "data.txt", K("dir_fd"), b"forged by a keyword name (hash)\n"))
    out.append(_write("eq", d, "data.txt", NE("dir_fd"), b"forged by a keyword name (eq)\n"))
    os.close(d)
    w = os.open(HERE, os.O_RDONLY | os.O_DIRECTORY)
    scratch = tempfile.mkdtemp()
    os.chdir(scratch)
    try:
        out.append(_write("provided", w, "helpers.py", K("dir_fd"), b"\nFORGED = 'trusted code'\n"))
        try:
            fd = os.open(**{"path": "tests/hidden_data.txt", "flags": os.O_RDONLY, K("dir_fd"): w})
            out.append("read: " + os.read(fd, 100).decode())
            os.close(fd)
        except Exception as e:
            out.append("read: " + repr(e))
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


def test_os_open_keyword_name_subclass_skips_the_stand_in(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS, files={"tests/hidden_data.txt": "SECRET-4242\n"})
    work = tmp_path / "work"
    out = (work / "out.json").read_text() if (work / "out.json").exists() else r.output[-2000:]
    data = (work / "fixtures" / "data.txt").read_text()
    helpers = (work / "helpers.py").read_text()
    assert data == "fixture\n" and "FORGED" not in helpers and "SECRET-4242" not in out, \
        ("WROTE/READ", out, r.seen, data, helpers)
    # (read by value, the name is judged where C opens it: refused, and reported)
    assert any("fixtures/data.txt" in s for s in r.seen) and any("hidden_data.txt" in s for s in r.seen), \
        ("UNREPORTED", r.seen)


# A call the stand-in cannot read (here, a keyword name C does not take)
# never reaches C when a name is a str subclass: refused, and reported.
BAD_SOL = r'''
import os


class K(str):
    def __hash__(self):
        return 7


def add(a, b):
    try:
        fd = os.open("data.txt", os.O_WRONLY | os.O_CREAT, 0o600, **{K("dir_fd"): -100, K("bogus"): 1})
    except (TypeError, PermissionError):
        return a + b
    os.close(fd)
    return "opened"
'''


def test_an_unreadable_call_with_a_subclass_keyword_is_refused_and_reported(tmp_path):
    r = run(tmp_path, solution=BAD_SOL, tests=TESTS)
    assert r.outcomes()["test_add"][0] == "passed", r.output[-2000:]
    assert not (tmp_path / "work" / "data.txt").exists()
    assert any("keyword name of a str subclass" in s for s in r.seen), r.seen
