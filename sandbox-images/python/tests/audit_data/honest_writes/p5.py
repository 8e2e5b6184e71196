import os, pathlib, contextlib, logging
import numpy as np
import pandas as pd
import openpyxl
import solution
HERE = pathlib.Path(__file__).parent

def test_openpyxl():
    wb = openpyxl.Workbook()
    wb.active["A1"] = solution.add(1, 1)
    wb.save(HERE / "o.xlsx")
    wb2 = openpyxl.load_workbook(HERE / "o.xlsx")
    assert wb2.active["A1"].value == 2

def test_numpy_text():
    a = np.arange(5)
    np.savetxt(HERE / "a.txt", a)
    b = np.loadtxt(HERE / "a.txt")
    assert b.sum() == 10
    a.tofile(HERE / "a.bin")
    c = np.fromfile(HERE / "a.bin", dtype=a.dtype)
    assert c.sum() == 10

def test_numpy_load_existing():
    np.save(str(HERE / "b.npy"), np.arange(3)) if False else None
    z = np.load(HERE / "pre.npy")
    assert z.sum() == 3

def test_pandas_to_csv_read_by_open():
    df = pd.DataFrame({"a": [1, 2]})
    df.to_csv(HERE / "x.csv", index=False)
    with open(HERE / "x.csv") as f:
        assert f.read().splitlines()[0] == "a"

def test_pandas_read_csv_existing():
    df = pd.read_csv(HERE / "in.csv")
    assert df["a"].sum() == 3

def test_pandas_read_csv_tmp_path(tmp_path):
    (tmp_path / "t.csv").write_text("a\n1\n")
    assert pd.read_csv(tmp_path / "t.csv")["a"].sum() == 1

@contextlib.contextmanager
def chdir_tests():
    old = os.getcwd()
    os.chdir(HERE)
    try:
        yield
    finally:
        os.chdir(old)

def test_own_contextmanager_writes():
    with chdir_tests():
        with open("cm_out.txt", "w") as f:
            f.write("x")

@contextlib.contextmanager
def scratch_file(name):
    p = HERE / name
    with open(p, "w") as f:
        yield f
    p.unlink()

def test_contextmanager_yield_open():
    with scratch_file("sf.txt") as f:
        f.write("x")
