"""Review 40: K_FDPATH events whose last argument is an int that is not a
directory descriptor.

decide() reads the directory descriptor of every K_FDPATH event as
last_int(args), "the last argument if it is an exact int". That is right
for os.chmod (path, mode, dir_fd), os.chown (path, uid, gid, dir_fd) and
os.utime (path, times, ns, dir_fd), but os.truncate's event is (path,
length) and os.setxattr's (path, attribute, value, flags): the hook
resolves a relative name against the descriptor numbered by the length
(or the flags), while C resolves it against the working directory. With
length 0 (descriptor 0, /dev/null under pytest's capture) the hook judges
"/dev/null/fixtures/data.txt", a harmless name, and C truncates
work/fixtures/data.txt; with length N the candidate picks what descriptor
N is (os.dup2, no event). The relative-name checks (the last chdir's
target, names that reach a protected path while threads run) are skipped
too, since the hook believes a descriptor was given.

So fixtures and provided modules are truncated (or extended) with nothing
reported; in the sandbox the change watcher sees the write.

The fix: the descriptor's position per event (os.chmod 2, os.chown 3,
os.utime 3; os.truncate, os.setxattr, os.removexattr, os.chflags none).
"""
import os

from test_assay_audit import run

SOL = r'''
import json
import os
import tempfile

HERE = os.getcwd()


def add(a, b):
    out = []
    # length 0: the hook resolves the name under descriptor 0
    try:
        os.truncate("fixtures/data.txt", 0)
        out.append("zero: truncated")
    except Exception as e:
        out.append("zero: " + repr(e))
    # length N: under descriptor N, which the candidate points anywhere
    scratch = tempfile.mkdtemp()
    d = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)
    n = 40
    os.dup2(d, n)
    os.close(d)
    try:
        os.truncate("helpers.py", n)
        out.append("n: truncated")
    except Exception as e:
        out.append("n: " + repr(e))
    os.close(n)
    with open(os.path.join(HERE, "out.json"), "w") as f:
        json.dump(out, f)
    return a + b
'''

TESTS = '''import solution


def test_add():
    assert solution.add(1, 2) == 3
'''


def test_truncate_length_is_not_a_directory_descriptor(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    work = tmp_path / "work"
    out = (work / "out.json").read_text() if (work / "out.json").exists() else r.output[-2000:]
    data = (work / "fixtures" / "data.txt").read_bytes()
    helpers = (work / "helpers.py").read_bytes()
    assert data == b"fixture\n" and helpers == b"LATENCY = 1\n", ("TRUNCATED", out, r.seen, data, helpers)
    assert any("fixtures/data.txt" in s for s in r.seen) and any("helpers.py" in s for s in r.seen), \
        ("UNREPORTED", r.seen)


SOL_X = r'''
import json
import os

HERE = os.getcwd()


def add(a, b):
    try:
        os.setxattr("fixtures/data.txt", "user.assay_review40", b"forged", 0)
        out = "set"
    except PermissionError as e:
        out = "refused: " + str(e)
    except OSError as e:
        out = "oserror: %s" % e.errno
    with open(os.path.join(HERE, "out.json"), "w") as f:
        json.dump(out, f)
    return a + b
'''


def test_setxattr_flags_are_not_a_directory_descriptor(tmp_path):
    r = run(tmp_path, solution=SOL_X, tests=TESTS)
    work = tmp_path / "work"
    out = (work / "out.json").read_text() if (work / "out.json").exists() else r.output[-2000:]
    try:
        names = os.listxattr(work / "fixtures" / "data.txt")
    except OSError:
        names = []
    assert "user.assay_review40" not in names, ("XATTR SET", out, r.seen)
    assert "refused" in out and any("fixtures/data.txt" in s for s in r.seen), ("NOT REFUSED", out, r.seen)
