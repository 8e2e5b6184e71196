import os, pathlib
import numpy as np
import pandas as pd
import openpyxl

def stats(values):
    a = np.asarray(values, dtype=float)
    return float(a.mean()), float(a.std())

def frame(rows):
    df = pd.DataFrame(rows)
    return df.groupby("k")["v"].sum().to_dict()

def roundtrip(tmpdir):
    p = pathlib.Path(tmpdir) / "x.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(p, index=False)
    df = pd.read_csv(p)
    wb = openpyxl.Workbook()
    wb.active["A1"] = 5
    wb.save(pathlib.Path(tmpdir) / "x.xlsx")
    pd.DataFrame({"a": [1]}).to_excel(pathlib.Path(tmpdir) / "y.xlsx")
    np.save(pathlib.Path(tmpdir) / "a.npy", np.arange(3))
    return int(df["a"].sum()) + openpyxl.load_workbook(pathlib.Path(tmpdir) / "x.xlsx").active["A1"].value \
        + int(np.load(pathlib.Path(tmpdir) / "a.npy").sum()) + int(pd.read_excel(pathlib.Path(tmpdir) / "y.xlsx")["a"].sum())

def in_own_dir():
    os.makedirs("out", exist_ok=True)
    pd.DataFrame({"a": [1, 2]}).to_csv("out/z.csv", index=False)
    return int(pd.read_csv("out/z.csv")["a"].sum())

def add(a, b):
    return a + b
