import os, pathlib, json, tarfile, tempfile, contextlib, shutil
import solution
HERE = pathlib.Path(__file__).parent

def test_read_text_outside_assert():
    p = HERE / "o1.txt"
    p.write_text("hello")
    x = p.read_text()
    assert x == "hello"

def test_assert_read_text_existing():
    assert (HERE / "data.json").read_text().startswith("{")

def test_assert_exists_method():
    p = HERE / "o2.txt"
    p.write_text("x")
    assert p.exists()
    assert p.is_file()
    assert p.stat().st_size == 1

def test_assert_open_read():
    assert open(HERE / "data.json").read().startswith("{")

def test_tar_gz_write():
    with tarfile.open(HERE / "t.tar.gz", "w:gz") as t:
        t.add(HERE / "data.json", arcname="d.json")

def test_tar_plain_write():
    with tarfile.open(HERE / "t.tar", "w") as t:
        t.add(HERE / "data.json", arcname="d.json")

def test_tar_gz_read():
    with tarfile.open(HERE / "t.tar.gz") as t:
        assert t.getnames() == ["d.json"]

def test_exitstack_tempdir():
    with contextlib.ExitStack() as st:
        td = st.enter_context(tempfile.TemporaryDirectory(dir=HERE))
        pathlib.Path(td, "x").write_text("1")

def test_exitstack_open_file():
    with contextlib.ExitStack() as st:
        f = st.enter_context(open(HERE / "es.txt", "w"))
        f.write("x")
    (HERE / "es.txt").unlink()
