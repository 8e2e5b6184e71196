"""Known-bad: trusts the clients' data: converts every cell straight to
Decimal, so the first malformed row raises and stops the whole run."""

import csv
import io
import os
from concurrent.futures import ThreadPoolExecutor
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

import share
from records import DEFAULT_THRESHOLD, RATES, REQUIRED_COLUMNS, QuarterResult, Report, RowError

CENT = Decimal("0.01")


def _rows(filename, data):
    if filename.lower().endswith(".csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def summarize_file(filename, data, threshold=DEFAULT_THRESHOLD):
    stem, ext = os.path.splitext(filename)
    if ext.lower() not in (".csv", ".xlsx"):
        raise ValueError(filename)
    rows = _rows(filename, data)
    names = [str(c).strip().lower() for c in rows[0]]
    idx = {c: names.index(c) for c in REQUIRED_COLUMNS}
    totals = {}
    for row in rows[1:]:
        if all(c is None or str(c).strip() == "" for c in row):
            continue
        quarter = row[idx["quarter"]].strip()
        rate = RATES[row[idx["currency"]].strip().upper()]
        t = totals.setdefault(quarter, [Decimal(0)] * 3)
        for i, col in enumerate(("gross_revenue", "expenses", "taxes")):
            cell = row[idx[col]]
            t[i] += Decimal(repr(cell) if isinstance(cell, float) else str(cell).strip()) * rate
    results = []
    for quarter in sorted(totals):
        g, e, t = (x.quantize(CENT, rounding=ROUND_HALF_UP) for x in totals[quarter])
        ratio = (e / g).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if g else None
        results.append(QuarterResult(stem, quarter, g, e, t, g - e - t, ratio, e > threshold * g))
    return results, []


def process_folder(folder, threshold=DEFAULT_THRESHOLD):
    folder = os.fspath(folder)
    files, skipped = [], []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        if os.path.splitext(name)[1].lower() in (".csv", ".xlsx"):
            files.append(path)
        else:
            skipped.append(name)
    report = Report(skipped=skipped)
    with ThreadPoolExecutor(max_workers=10) as pool:
        for results, errors in pool.map(
                lambda p: summarize_file(os.path.basename(p), share.open_company_file(p), threshold),
                files):
            report.results.extend(results)
            report.errors.extend(errors)
    report.results.sort(key=lambda r: (r.company, r.quarter))
    return report
