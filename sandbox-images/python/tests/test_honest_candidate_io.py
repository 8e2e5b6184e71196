"""Review 39: honest solutions whose own code (candidate frames) writes
and reads its own files in the working directory and /tmp through the
stdlib, under the hook as changed by review 38 (os.open's stand-in parses
its arguments and checks every descriptor opened for writing after the
open; io.FileIO of a path-like is refused to the candidate). All must
pass, with nothing reported."""
from test_assay_audit import run

SOL = r'''
import csv
import json
import logging
import os
import pathlib
import shutil
import sqlite3
import tempfile
import zipfile

HERE = os.getcwd()


def add(a, b):
    return a + b


def use_tempfile():
    fd, name = tempfile.mkstemp(suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write("mk")
    fd2, name2 = tempfile.mkstemp(dir=HERE, prefix="own-")
    os.write(fd2, b"x")
    os.close(fd2)
    os.unlink(name2)
    with tempfile.NamedTemporaryFile("w+", suffix=".csv") as f:
        f.write("a,b\n1,2\n")
        f.flush()
        f.seek(0)
        rows = list(csv.reader(f))
    with tempfile.NamedTemporaryFile(delete=False, dir=HERE) as g:
        g.write(b"kept")
    os.unlink(g.name)
    with tempfile.TemporaryFile() as t:          # O_TMPFILE on Linux
        t.write(b"anon")
        t.seek(0)
        anon = t.read()
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "sub" / "x.txt"
        p.parent.mkdir()
        p.write_text("in tmpdir")
        sub = pathlib.Path(d) / "tree"
        (sub / "a" / "b").mkdir(parents=True)
        (sub / "a" / "b" / "c.txt").write_text("c")
        inner = p.read_text()
    with tempfile.TemporaryDirectory(dir=HERE) as d2:
        (pathlib.Path(d2) / "f").write_bytes(b"f")
    with tempfile.SpooledTemporaryFile(max_size=4) as s:
        s.write(b"0123456789")                   # rolls over to a real file
    os.unlink(name)
    return rows, anon, inner


def use_pathlib():
    base = pathlib.Path(HERE) / "own_pl"
    base.mkdir(exist_ok=True)
    (base / "a.txt").write_text("hello")
    (base / "b.bin").write_bytes(b"\x00\x01")
    (base / "t").touch()
    (base / "t").touch(exist_ok=True)
    (base / "m").touch(mode=0o600)
    with (base / "c.txt").open("w") as f:
        f.write("c")
    with (base / "c.txt").open("a") as f:
        f.write("d")
    with pathlib.Path("rel_pl.txt").open("x") as f:   # relative, exclusive
        f.write("rel")
    got = ((base / "a.txt").read_text(), (base / "c.txt").read_text(), pathlib.Path("rel_pl.txt").read_text())
    os.unlink("rel_pl.txt")
    shutil.rmtree(base)
    tmp = pathlib.Path(tempfile.gettempdir()) / ("own_pl_%d" % os.getpid())
    tmp.write_text("tmp")
    tmp.unlink()
    return got


class Idx:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


def use_os_open():
    d = os.path.join(HERE, "own_dir")
    os.makedirs(d, exist_ok=True)
    dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    out = []
    try:
        fd = os.open("a.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=dfd)
        os.write(fd, b"A")
        os.close(fd)
        fd = os.open(path="b.txt", flags=os.O_RDWR | os.O_CREAT | os.O_EXCL, mode=0o600, dir_fd=dfd)
        os.write(fd, b"B")
        os.close(fd)
        fd = os.open(pathlib.Path("c.txt"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, dir_fd=dfd)
        os.write(fd, b"C")
        os.close(fd)
        fd = os.open(b"d.txt", os.O_WRONLY | os.O_CREAT, 0o640, dir_fd=dfd)
        os.write(fd, b"D")
        os.close(fd)
        fd = os.open("e.txt", os.O_WRONLY | os.O_CREAT, dir_fd=Idx(dfd))
        os.close(fd)
        fd = os.open("a.txt", os.O_RDONLY, dir_fd=dfd)
        out.append(os.read(fd, 10))
        os.close(fd)
        os.mkdir("nested", dir_fd=dfd)
        fd = os.open("nested/n.txt", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=dfd)
        os.write(fd, b"N")
        os.close(fd)
        fd = os.open(os.path.join(d, "abs.txt"), os.O_WRONLY | os.O_CREAT, dir_fd=dfd)  # absolute: dir_fd ignored
        os.close(fd)
    finally:
        os.close(dfd)
    fd = os.open(os.path.join(d, "f.txt"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    os.write(fd, b"F")
    os.close(fd)
    fd = os.open("own_dir/g.txt", os.O_CREAT | os.O_WRONLY, mode=0o644)
    os.close(fd)
    fd = os.open(pathlib.PurePosixPath("own_dir") / "h.txt", os.O_CREAT | os.O_WRONLY)
    os.close(fd)
    fd = os.open(os.devnull, os.O_WRONLY)
    os.write(fd, b"null")
    os.close(fd)
    fd = os.open(tempfile.gettempdir(), os.O_TMPFILE | os.O_RDWR, 0o600)
    os.write(fd, b"tmpfile")
    os.close(fd)
    t = tempfile.mkdtemp()
    tfd = os.open(t, os.O_RDONLY | os.O_DIRECTORY)
    fd = os.open("x", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=tfd)
    os.close(fd)
    os.close(tfd)
    shutil.rmtree(t)
    names = sorted(os.listdir(d))
    shutil.rmtree(d)
    return out, names


def use_shutil_logging_sqlite_zip_csv_json():
    base = os.path.join(HERE, "own_misc")
    os.makedirs(base, exist_ok=True)
    src = os.path.join(base, "src.txt")
    with open(src, "w") as f:
        f.write("src")
    shutil.copy(src, os.path.join(base, "c1.txt"))
    shutil.copy2(src, os.path.join(base, "c2.txt"))
    shutil.copyfile(pathlib.Path(src), pathlib.Path(base) / "c3.txt")
    shutil.copytree(base, base + "_tree")
    shutil.move(base + "_tree", base + "_moved")
    shutil.rmtree(base + "_moved")
    log = logging.getLogger("own-r39")
    h = logging.FileHandler(os.path.join(base, "app.log"))
    log.addHandler(h)
    log.setLevel(logging.INFO)
    log.info("hello %s", 1)
    h.close()
    log.removeHandler(h)
    h2 = logging.FileHandler(pathlib.Path(base) / "app2.log", delay=True)
    log.addHandler(h2)
    log.warning("two")
    h2.close()
    log.removeHandler(h2)
    con = sqlite3.connect(os.path.join(base, "db.sqlite"))
    con.execute("create table t (x)")
    con.execute("insert into t values (42)")
    con.commit()
    x = con.execute("select x from t").fetchone()[0]
    con.close()
    with zipfile.ZipFile(os.path.join(base, "a.zip"), "w") as z:
        z.writestr("in.txt", "zipped")
        z.write(src, "src.txt")
    with zipfile.ZipFile(os.path.join(base, "a.zip")) as z:
        z.extractall(os.path.join(base, "unz"))
        zipped = z.read("in.txt").decode()
    with open(os.path.join(base, "d.csv"), "w", newline="") as f:
        csv.writer(f).writerows([[1, 2], [3, 4]])
    with open(os.path.join(base, "d.csv"), newline="") as f:
        rows = list(csv.reader(f))
    with open(os.path.join(base, "d.json"), "w") as f:
        json.dump({"x": x}, f)
    with open(os.path.join(base, "d.json")) as f:
        j = json.load(f)
    with open(os.path.join(base, "app.log")) as f:
        logged = f.read()
    shutil.rmtree(base)
    return x, zipped, rows, j, logged
'''

TESTS = r'''import solution


def test_add():
    assert solution.add(1, 2) == 3


def test_tempfile():
    rows, anon, inner = solution.use_tempfile()
    assert rows == [["a", "b"], ["1", "2"]] and anon == b"anon" and inner == "in tmpdir"


def test_pathlib():
    assert solution.use_pathlib() == ("hello", "cd", "rel")


def test_os_open():
    out, names = solution.use_os_open()
    assert out == [b"A"], out
    assert names == ["a.txt", "abs.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt", "h.txt",
                     "nested"], names


def test_misc():
    x, zipped, rows, j, logged = solution.use_shutil_logging_sqlite_zip_csv_json()
    assert x == 42 and zipped == "zipped" and rows == [["1", "2"], ["3", "4"]] and j == {"x": 42}
    assert "hello 1" in logged
'''


def test_honest_candidate_io(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    got = r.outcomes()
    bad = {n: o[1][-1500:] for n, o in got.items() if o[0] != "passed"}
    assert got and not bad and r.seen == [], (bad, r.seen)


ERR_SOL = r'''
import os


def errors():
    out = []
    for label, call in (
        ("no flags", lambda: os.open("x.txt")),
        ("unknown keyword", lambda: os.open("x.txt", os.O_RDONLY, bogus=1)),
        ("too many", lambda: os.open("x.txt", os.O_RDONLY, 0o644, 3)),
        ("twice", lambda: os.open("x.txt", os.O_RDONLY, flags=os.O_RDONLY)),
        ("bad dir_fd", lambda: os.open("x.txt", os.O_RDONLY, dir_fd="3")),
        ("bad path", lambda: os.open(3.5, os.O_RDONLY)),
    ):
        try:
            call()
            out.append(label + ": no error")
        except TypeError:
            out.append(label + ": TypeError")
        except Exception as e:
            out.append(label + ": " + type(e).__name__)
    return out
'''

ERR_TESTS = r'''import solution


def test_errors():
    got = solution.errors()
    assert all(g.endswith(": TypeError") for g in got), got
'''


def test_os_open_argument_errors_stay_type_errors(tmp_path):
    r = run(tmp_path, solution=ERR_SOL, tests=ERR_TESTS)
    got = r.outcomes()
    bad = {n: o[1][-1500:] for n, o in got.items() if o[0] != "passed"}
    assert got and not bad and r.seen == [], (bad, r.seen)
