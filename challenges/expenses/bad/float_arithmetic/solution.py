"""Known-bad: does the arithmetic in floats and rounds with round(), so
half cents and binary fractions come out a cent off."""

import csv
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import openpyxl

import share
from records import DEFAULT_THRESHOLD, RATES, REQUIRED_COLUMNS, QuarterResult, Report, RowError

QUARTER_RE = re.compile(r"\d{4}-Q[1-4]")
AMOUNT_RE = re.compile(r"\d+(\.\d+)?")
AMOUNT_COLUMNS = ("gross_revenue", "expenses", "taxes")


def _rows(filename, data):
    if filename.lower().endswith(".csv"):
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


def _empty(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _amount(cell):
    if isinstance(cell, str):
        return float(cell) if AMOUNT_RE.fullmatch(cell.strip()) else None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool) and cell >= 0:
        return float(cell)
    return None


def summarize_file(filename, data, threshold=DEFAULT_THRESHOLD):
    stem, ext = os.path.splitext(filename)
    if ext.lower() not in (".csv", ".xlsx"):
        raise ValueError(filename)
    try:
        rows = _rows(filename, data)
    except Exception:
        return [], [RowError(filename, 0, "unreadable")]
    names = [str(c).strip().lower() if c is not None else "" for c in (rows[0] if rows else [])]
    if any(c not in names for c in REQUIRED_COLUMNS):
        return [], [RowError(filename, 1, "bad header")]
    idx = {c: names.index(c) for c in REQUIRED_COLUMNS}
    totals, errors = {}, []
    for line, row in enumerate(rows[1:], start=2):
        if all(_empty(c) for c in row):
            continue
        cells = [row[idx[c]] if idx[c] < len(row) else None for c in REQUIRED_COLUMNS]
        if any(_empty(c) for c in cells):
            errors.append(RowError(filename, line, "missing value"))
            continue
        quarter, currency = cells[0], cells[1]
        if not isinstance(quarter, str) or not QUARTER_RE.fullmatch(quarter.strip()):
            errors.append(RowError(filename, line, "bad quarter"))
            continue
        if not isinstance(currency, str) or currency.strip().upper() not in RATES:
            errors.append(RowError(filename, line, "unknown currency"))
            continue
        amounts = [_amount(c) for c in cells[2:]]
        if None in amounts:
            errors.append(RowError(filename, line, "bad amount"))
            continue
        rate = float(RATES[currency.strip().upper()])
        t = totals.setdefault(quarter.strip(), [0.0, 0.0, 0.0])
        for i, a in enumerate(amounts):
            t[i] += a * rate
    results = []
    for quarter in sorted(totals):
        g, e, t = (round(x, 2) for x in totals[quarter])
        ratio = Decimal(str(round(e / g, 4))).quantize(Decimal("0.0001")) if g else None
        gross, expenses, taxes = (Decimal(str(x)).quantize(Decimal("0.01")) for x in (g, e, t))
        results.append(QuarterResult(stem, quarter, gross, expenses, taxes,
                                     gross - expenses - taxes, ratio,
                                     e > float(threshold) * g))
    return results, errors


def process_folder(folder, threshold=DEFAULT_THRESHOLD):
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise FileNotFoundError(folder)
    files, skipped = [], []
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith(".") or not os.path.isfile(path):
            continue
        if os.path.splitext(name)[1].lower() in (".csv", ".xlsx"):
            files.append(path)
        else:
            skipped.append(name)
    report = Report(skipped=sorted(skipped))
    with ThreadPoolExecutor(max_workers=10) as pool:
        for results, errors in pool.map(
                lambda p: summarize_file(os.path.basename(p), share.open_company_file(p), threshold),
                files):
            report.results.extend(results)
            report.errors.extend(errors)
    report.results.sort(key=lambda r: (r.company, r.quarter))
    report.errors.sort(key=lambda e: (e.file, e.line))
    return report
