import os, pathlib
import numpy as np
import pandas as pd
import openpyxl
import solution
HERE = pathlib.Path(__file__).parent

def test_pandas_csv_roundtrip():
    df = pd.DataFrame({"a": [1, 2], "b": [3, solution.add(2, 2)]})
    p = HERE / "df.csv"
    df.to_csv(p, index=False)
    back = pd.read_csv(p)
    assert back.equals(df)
    os.remove(p)

def test_pandas_csv_in_assert():
    df = pd.DataFrame({"a": [1, 2]})
    df.to_csv(HERE / "df2.csv", index=False)
    assert pd.read_csv(HERE / "df2.csv").shape == (2, 1)

def test_pandas_read_data_in_assert():
    assert pd.read_json(HERE / "data.json", typ="series")["a"] == 1

def test_pandas_excel():
    df = pd.DataFrame({"a": [1, 2]})
    p = HERE / "df.xlsx"
    df.to_excel(p, index=False)
    back = pd.read_excel(p)
    assert list(back["a"]) == [1, 2]
    with pd.ExcelWriter(HERE / "w.xlsx") as w:
        df.to_excel(w, sheet_name="s1")
        df.to_excel(w, sheet_name="s2")

def test_pandas_other_formats():
    df = pd.DataFrame({"a": [1, 2]})
    df.to_json(HERE / "df.json")
    df.to_pickle(HERE / "df.pkl")
    assert pd.read_pickle(HERE / "df.pkl").equals(df)
    df.to_html(HERE / "df.html")
    with open(HERE / "df_h.csv", "w") as f:
        df.to_csv(f)

def test_openpyxl():
    wb = openpyxl.Workbook()
    wb.active["A1"] = solution.add(1, 1)
    wb.save(HERE / "o.xlsx")
    wb2 = openpyxl.load_workbook(HERE / "o.xlsx")
    assert wb2.active["A1"].value == 2
    assert openpyxl.load_workbook(HERE / "o.xlsx").active["A1"].value == 2

def test_numpy():
    a = np.arange(5)
    np.save(HERE / "a.npy", a)
    assert (np.load(HERE / "a.npy") == a).all()
    np.savetxt(HERE / "a.txt", a)
    b = np.loadtxt(HERE / "a.txt")
    assert b.sum() == 10
    np.savez(HERE / "z.npz", a=a)
    with np.load(HERE / "z.npz") as z:
        assert z["a"].sum() == 10
    a.tofile(HERE / "a.bin")
    assert np.fromfile(HERE / "a.bin", dtype=a.dtype).sum() == 10
    assert np.genfromtxt(HERE / "a.txt").sum() == 10
