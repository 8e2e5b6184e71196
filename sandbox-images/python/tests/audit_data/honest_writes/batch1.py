import os, sys, json, csv, shutil, tempfile, pathlib, zipfile, tarfile, sqlite3, logging, logging.handlers
import contextlib, functools, atexit, weakref, importlib, concurrent.futures, io, gzip, pickle, configparser
import unittest.mock
import pytest
import solution

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = pathlib.Path(HERE) / "out"


@pytest.fixture
def scratch():
    d = pathlib.Path(HERE) / "scratch"
    d.mkdir(exist_ok=True)
    yield d
    shutil.rmtree(d)


def test_pathlib_ops():
    OUT.mkdir(parents=True, exist_ok=True)
    p = OUT / "a.txt"
    p.write_text("hello")
    p.write_bytes(b"x")
    q = OUT / "b.txt"
    p.rename(q)
    q.replace(p)
    (OUT / "t").touch()
    (OUT / "t").unlink()
    (OUT / "sub" / "deep").mkdir(parents=True)
    (OUT / "sub" / "deep").rmdir()
    with p.open("w") as f:
        f.write(str(solution.add(1, 2)))
    assert p.read_text() == "3"
    shutil.rmtree(OUT)


def test_shutil_family(scratch):
    src = scratch / "src.txt"
    src.write_text("a")
    shutil.copy(src, scratch / "c1.txt")
    shutil.copy2(src, scratch / "c2.txt")
    shutil.copyfile(src, scratch / "c3.txt")
    (scratch / "tree").mkdir()
    (scratch / "tree" / "f").write_text("x")
    shutil.copytree(scratch / "tree", scratch / "tree2")
    shutil.move(str(scratch / "c1.txt"), str(scratch / "moved.txt"))
    shutil.move(str(scratch / "tree2"), str(scratch / "tree3"))
    shutil.rmtree(scratch / "tree3")
    shutil.make_archive(str(scratch / "arch"), "zip", str(scratch / "tree"))
    shutil.unpack_archive(str(scratch / "arch.zip"), str(scratch / "unz"))
    assert solution.add(1, 1) == 2


def test_json_csv_pickle(scratch):
    with open(scratch / "d.json", "w") as f:
        json.dump({"a": solution.add(1, 2)}, f)
    with open(scratch / "d.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([1, 2])
        dw = csv.DictWriter(f, ["a"])
        dw.writeheader()
        dw.writerow({"a": 1})
    with open(scratch / "d.pkl", "wb") as f:
        pickle.dump([1, 2], f)
    with gzip.open(scratch / "d.gz", "wt") as f:
        f.write("x")
    cp = configparser.ConfigParser()
    cp["s"] = {"k": "v"}
    with open(scratch / "c.ini", "w") as f:
        cp.write(f)
    assert json.loads((scratch / "d.json").read_text())["a"] == 3


def test_tempfile_family():
    with tempfile.TemporaryDirectory(dir=HERE) as d:
        pathlib.Path(d, "x").write_text("1")
    fd, name = tempfile.mkstemp(dir=HERE, suffix=".txt")
    os.write(fd, b"x")
    os.close(fd)
    os.remove(name)
    d2 = tempfile.mkdtemp(dir=HERE)
    shutil.rmtree(d2)
    with tempfile.NamedTemporaryFile("w", dir=HERE, delete=False) as f:
        f.write("x")
    os.unlink(f.name)
    with tempfile.SpooledTemporaryFile(max_size=1, dir=HERE) as f:
        f.write(b"xxxxxxxx")
    t = tempfile.TemporaryDirectory(dir=HERE)
    t.cleanup()
    assert solution.add(2, 2) == 4


def test_logging_handlers(scratch):
    lg = logging.getLogger("t1")
    h1 = logging.FileHandler(scratch / "a.log")
    h2 = logging.handlers.RotatingFileHandler(scratch / "r.log", maxBytes=20, backupCount=2)
    h3 = logging.handlers.TimedRotatingFileHandler(scratch / "t.log")
    h4 = logging.FileHandler(scratch / "d.log", delay=True)
    for h in (h1, h2, h3, h4):
        lg.addHandler(h)
    for i in range(10):
        lg.warning("message %d", solution.add(i, 1))
    for h in (h1, h2, h3, h4):
        lg.removeHandler(h)
        h.close()
    assert (scratch / "a.log").exists()


def test_archives(scratch):
    with zipfile.ZipFile(scratch / "z.zip", "w") as z:
        z.writestr("a.txt", "x")
    with zipfile.ZipFile(scratch / "z.zip") as z:
        z.extractall(scratch / "zx")
    with tarfile.open(scratch / "t.tar.gz", "w:gz") as t:
        t.add(scratch / "z.zip", arcname="z.zip")
    with tarfile.open(scratch / "t.tar.gz") as t:
        t.extractall(scratch / "tx")
    assert (scratch / "tx" / "z.zip").exists()


def test_sqlite(scratch):
    con = sqlite3.connect(scratch / "db.sqlite")
    con.execute("create table t(a)")
    con.execute("insert into t values (?)", (solution.add(1, 1),))
    con.commit()
    con.close()
    with contextlib.closing(sqlite3.connect(str(scratch / "db2.sqlite"))) as c:
        with c:
            c.execute("create table t(a)")


def test_os_family(scratch):
    os.makedirs(scratch / "a" / "b", exist_ok=True)
    os.mkdir(scratch / "c")
    open(scratch / "c" / "f", "w").close()
    os.chmod(scratch / "c" / "f", 0o644)
    os.utime(scratch / "c" / "f")
    os.rename(scratch / "c" / "f", scratch / "c" / "g")
    os.replace(scratch / "c" / "g", scratch / "c" / "h")
    os.renames(scratch / "c" / "h", scratch / "e" / "h")
    os.remove(scratch / "e" / "h")
    os.removedirs(scratch / "a" / "b")
    os.truncate(open(scratch / "t", "w").name, 0)
    assert solution.add(0, 0) == 0


def test_exitstack_and_contexts(scratch):
    with contextlib.ExitStack() as st:
        f = st.enter_context(open(scratch / "e.txt", "w"))
        f.write("x")
        td = st.enter_context(tempfile.TemporaryDirectory(dir=HERE))
        st.callback(shutil.rmtree, td, ignore_errors=True)
    p = scratch / "cb.txt"
    p.write_text("x")
    with contextlib.ExitStack() as st:
        st.callback(p.unlink)
    assert not p.exists()


@contextlib.contextmanager
def temp_file(name):
    p = pathlib.Path(HERE) / name
    p.write_text("x")
    try:
        yield p
    finally:
        p.unlink()


def test_contextmanager_cleanup_failing():
    try:
        with temp_file("cm.txt") as p:
            assert solution.add(1, 1) == 3
    except AssertionError:
        pass
    assert not (pathlib.Path(HERE) / "cm.txt").exists()


def writes_result(fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        r = fn(*a, **k)
        pathlib.Path(HERE, "dec.txt").write_text(str(r))
        return r
    return wrapper


@writes_result
def compute():
    return solution.add(2, 3)


def test_decorator():
    assert compute() == 5
    os.remove(os.path.join(HERE, "dec.txt"))


def test_thread_pool(scratch):
    def work(i):
        (scratch / f"w{i}.txt").write_text(str(solution.add(i, i)))
        return i
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        res = list(ex.map(work, range(8)))
    assert res == list(range(8))
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        futs = [ex.submit(work, i) for i in range(4)]
        for fu in concurrent.futures.as_completed(futs):
            fu.result()


def test_mock_patch(scratch):
    with unittest.mock.patch("os.environ", {"X": "1"}):
        (scratch / "m.txt").write_text("x")
    with unittest.mock.patch.object(solution, "add", return_value=7):
        assert solution.add(1, 1) == 7
    m = unittest.mock.mock_open(read_data="x")
    with unittest.mock.patch("builtins.open", m):
        open("whatever").read()


def test_weakref_finalize_and_atexit():
    p = os.path.join(HERE, "wf.txt")
    open(p, "w").close()
    class Holder: pass
    h = Holder()
    fin = weakref.finalize(h, os.remove, p)
    del h
    assert not os.path.exists(p)
    p2 = os.path.join(HERE, "ae.txt")
    open(p2, "w").close()
    atexit.register(os.remove, p2)
    p3 = os.path.join(HERE, "wf3.txt")
    open(p3, "w").close()
    fin3 = weakref.finalize(Holder(), os.remove, p3)
    fin3()


def test_import_helpers():
    p = pathlib.Path(HERE) / "helper_mod_x.py"
    p.write_text("V = 1\n")
    sys.path.insert(0, HERE)
    try:
        m = importlib.import_module("helper_mod_x")
        assert m.V == 1
        p.write_text("V = 2\n")
        importlib.invalidate_caches()
        m = importlib.reload(m)
    finally:
        sys.path.remove(HERE)
        p.unlink()
