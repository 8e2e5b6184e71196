#!/usr/bin/env python3
"""Writes the expenses challenge's fixture folder (author tooling: not
shipped to the sandbox).

    /usr/bin/python3 challenges/expenses/tools/make_fixtures.py

It (re)creates ../fixtures/companies/ with the ten company files of one
quarter-end run, plus files that must be skipped or ignored. The output is
byte-for-byte reproducible: the XLSX files get fixed timestamps. After a
change, update the expected figures in the tests (the hidden test module
lists every result) and re-check the reference and the bad solutions.
"""

import datetime
import io
import pathlib
import random
import shutil
import zipfile

import openpyxl

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE.parent / "fixtures" / "companies"
FIXED = datetime.datetime(2024, 7, 1, 9, 0, 0)
HEADER = ["quarter", "currency", "gross_revenue", "expenses", "taxes"]


def write_text(name, text, bom=False, newline="\n"):
    data = text.replace("\n", newline).encode("utf-8")
    if bom:
        data = b"\xef\xbb\xbf" + data
    (OUT / name).write_bytes(data)


def write_xlsx(name, sheets):
    """sheets: list of (title, rows); a row is a list of cell values, or
    None for a row left completely empty."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row or [], start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    wb.active = 0
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "client"
    raw = io.BytesIO()
    wb.save(raw)
    # Rewrite the archive with fixed member timestamps.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    (OUT / name).write_bytes(out.getvalue())


def aldgate():
    # EUR, clean, several rows per quarter; sums that end in a half cent.
    write_text("aldgate.csv", """\
quarter,currency,gross_revenue,expenses,taxes
2024-Q1,EUR,120000.00,45000.50,15000.00
2024-Q1,EUR,30500.125,12000.00,4100.335
2024-Q2,EUR,98000,61000.10,9000
2024-Q2,EUR,0.005,0,0
""")


def borealis():
    # USD, numeric cells (floats and ints).
    write_xlsx("borealis.xlsx", [("Q1-Q2", [
        HEADER,
        ["2024-Q1", "USD", 50000.25, 30000.75, 4000],
        ["2024-Q1", "USD", 12500.5, 2.675, 1250.125],
        ["2024-Q2", "USD", 0.125, 0, 0],
        ["2024-Q2", "USD", 81234.5, 40000.4, 8123.45],
        ["2024-Q2", "USD", 1.1, 2.2, 3.3],
    ])])


def cobalt():
    # GBP; exported by Excel: UTF-8 with a byte-order mark, CRLF line
    # endings, header in another order and case, with stray spaces.
    write_text("cobalt.csv", """\
 Quarter ,TAXES,Gross_Revenue,Expenses,Currency
2024-Q1,1500.00,25000.00,10000.00,GBP
2024-Q1,0.005,0.5,0.25,GBP
2024-Q2,2100.10,30000.30,12000.20,GBP
""", bom=True, newline="\r\n")


def dunmore():
    # EUR, amounts typed as text, an extra notes column, blank rows, and
    # a second worksheet that is not data.
    write_xlsx("dunmore.xlsx", [
        ("Ledger", [
            ["quarter", "notes", "currency", "gross_revenue", "expenses", "taxes"],
            ["2024-Q3", "main office", "EUR", "45000.00", "20000.55", "5000.45"],
            None,
            ["2024-Q3", "branch", "EUR", "4999.995", "0.015", "0"],
            None,
            None,
            ["2024-Q4", "", "EUR", "52000", "26000.50", "6100"],
        ]),
        ("Notes", [
            ["Prepared by", "J. Smith"],
            ["quarter", "currency", "gross_revenue", "expenses", "taxes"],
            ["2024-Q3", "EUR", 999999, 1, 1],
        ]),
    ])


def everly():
    # Every kind of malformed row, blank lines, mixed currencies.
    write_text("everly.csv", """\
quarter,currency,gross_revenue,expenses,taxes
2024-Q3,EUR,20000.00,8000.00,2500.00
2024-Q3,USD,5000.00,1000.00,0

2024-Q3,EUR,"12,50",100.00,10.00
2024-Q3,JPY,1000,10,1
2024-Q5,EUR,1000,10,1
2024-Q4,EUR,1000,,1
,,,,
2024-Q4,EUR,7000.00,1500.00
2024-Q4,eur,7000.00,1500.00,700.00
2024-Q4,EUR,-50.00,0,0
2024-Q4, EUR , 300.10 , 20 , 5
2024-q4,EUR,1,1,1
2024-Q4,USD,1e3,1,1
""")


def fenwick():
    # Malformed cells of XLSX kinds, blank rows inside and at the end.
    write_xlsx("fenwick.xlsx", [("Sheet1", [
        HEADER,
        ["2024-Q1", "EUR", 10000.5, 4000.25, 1000],
        None,
        [2024, "EUR", 100, 10, 1],
        ["2024-Q1", "EUR", None, 10, 1],
        ["2024-Q1", "EUR", 100, -10.5, 1],
        ["2024-Q1", "   ", 100, 10, 1],
        ["2024-Q1", "EUR", "abc", 10, 1],
        ["2024-Q1", "GBP", 2000, 500.5, 100.25],
        ["2024-Q1", "XYZ", 100, 10, 1],
        ["  2024-Q2 ", "EUR", 3000, 2999.99, 0.01],
        None,
        None,
    ])])


def galloway():
    # The flag threshold: above, exactly at it, and just above it.
    write_text("galloway.csv", """\
quarter,currency,gross_revenue,expenses,taxes
2024-Q1,EUR,10000,9000.00,100
2024-Q2,EUR,10000.00,8000.00,200
2024-Q3,EUR,10000,8000.01,300
""")


def harlow():
    # CHF; quarters without revenue.
    write_xlsx("harlow.xlsx", [("Data", [
        HEADER,
        ["2024-Q1", "CHF", 0, 500, 0],
        ["2024-Q2", "CHF", 0, 0, 0],
        ["2024-Q3", "CHF", 12000.4, 3000.3, 1200.2],
        ["2024-Q3", "chf", 0.1, 0.1, 0.1],
    ])])


def ironside():
    # Upper-case extension, quoted fields, extra columns, a loss-making
    # quarter, currencies with odd case and spaces.
    write_text("ironside.CSV", """\
region,quarter,currency,gross_revenue,expenses,taxes,notes
"North","2024-Q1","CHF","1,250.00","10.00","1.00","thousands separator"
"North","2024-Q1"," chf","1000","900","300","loss, sadly"
"South","2024-Q1","Usd","500.50","100.25","50.125","ok"
"South","2024-Q2","GBP","2500","2000.005","0",""
""")


def juniper():
    # Many rows of every currency, amounts with up to three decimals.
    rng = random.Random(20240701)
    rows = [["Quarter", "Currency", "Gross_Revenue", "Expenses", "Taxes", "Department"]]
    currencies = ["EUR", "USD", "GBP", "CHF"]
    for q in (1, 2, 3, 4):
        for i in range(10):
            gross = rng.randrange(100000, 5000000) / 1000
            expenses = rng.randrange(50000, 3500000) / 1000
            taxes = rng.randrange(0, 800000) / 1000
            rows.append(["2024-Q%d" % q, currencies[(q + i) % 4], gross, expenses, taxes,
                         "dept-%d" % i])
    write_xlsx("juniper.xlsx", [("Ledger", rows)])


def others():
    # Not company files: skipped (other extensions) or ignored (folders).
    write_text("README.txt", "Files received for the 2024 quarter-end run.\n")
    (OUT / "kestrel.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1legacy excel")
    (OUT / "archive").mkdir()
    write_text("archive/aldgate-2023.csv", """\
quarter,currency,gross_revenue,expenses,taxes
2023-Q4,EUR,1,1,1
""")


def main():
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for make in (aldgate, borealis, cobalt, dunmore, everly, fenwick, galloway, harlow,
                 ironside, juniper, others):
        make()
    print("wrote", OUT)


if __name__ == "__main__":
    main()
