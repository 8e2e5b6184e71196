import os, pathlib
import solution
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = pathlib.Path(HERE) / "out"

def test_write_then_read():
    OUT.mkdir(exist_ok=True)
    p = OUT / "a.txt"
    p.write_text("hello")
    assert p.read_text() == "hello"

def test_open_then_read():
    p = OUT / "b.txt"
    with p.open("w") as f:
        f.write("3")
    assert p.read_text() == "3"

def test_rename_then_read():
    p = OUT / "c.txt"
    p.write_text("x")
    q = OUT / "d.txt"
    p.rename(q)
    assert q.read_text() == "x"
    q.replace(p)
    assert p.read_text() == "x"
