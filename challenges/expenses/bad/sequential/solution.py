"""Known-bad: correct figures, but reads the files one after the other, so ten
files take over 3 s and miss the deadline."""

import csv
import io
import os
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl

import share
from records import DEFAULT_THRESHOLD, RATES, REQUIRED_COLUMNS, QuarterResult, Report, RowError

CENT = Decimal("0.01")
RATIO_STEP = Decimal("0.0001")
QUARTER_RE = re.compile(r"\d{4}-Q[1-4]")
AMOUNT_RE = re.compile(r"\d+(\.\d+)?")
FORMATS = (".csv", ".xlsx")
AMOUNT_COLUMNS = ("gross_revenue", "expenses", "taxes")


class Unreadable(Exception):
    pass


def _csv_rows(data):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise Unreadable() from e
    return list(csv.reader(io.StringIO(text, newline="")))


def _xlsx_rows(data):
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    except Exception as e:
        raise Unreadable() from e


def _is_empty(cell):
    return cell is None or (isinstance(cell, str) and cell.strip() == "")


def _amount(cell):
    """The Decimal value of an amount cell, or None if it is not valid."""
    if isinstance(cell, str):
        text = cell.strip()
        return Decimal(text) if AMOUNT_RE.fullmatch(text) else None
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        value = Decimal(repr(cell))
        if value.is_finite() and value >= 0:
            return value
    return None


def _check_row(row, columns):
    """Returns (quarter, currency, amounts) or an error reason string."""
    cells = {}
    for name in REQUIRED_COLUMNS:
        index = columns[name]
        cell = row[index] if index < len(row) else None
        if _is_empty(cell):
            return "missing value"
        cells[name] = cell
    quarter = cells["quarter"]
    if not isinstance(quarter, str) or not QUARTER_RE.fullmatch(quarter.strip()):
        return "bad quarter"
    currency = cells["currency"]
    if not isinstance(currency, str) or currency.strip().upper() not in RATES:
        return "unknown currency"
    amounts = {}
    for name in AMOUNT_COLUMNS:
        value = _amount(cells[name])
        if value is None:
            return "bad amount"
        amounts[name] = value
    return quarter.strip(), currency.strip().upper(), amounts


def summarize_file(filename, data, threshold=DEFAULT_THRESHOLD):
    """Applies the business rules to one company file's content."""
    stem, ext = os.path.splitext(filename)
    ext = ext.lower()
    if ext not in FORMATS:
        raise ValueError("not a company file: %s" % filename)
    try:
        rows = _csv_rows(data) if ext == ".csv" else _xlsx_rows(data)
    except Unreadable:
        return [], [RowError(filename, 0, "unreadable")]

    header = rows[0] if rows else []
    names = [str(c).strip().lower() if c is not None else "" for c in header]
    columns = {}
    for i, name in enumerate(names):
        columns.setdefault(name, i)
    if any(name not in columns for name in REQUIRED_COLUMNS):
        return [], [RowError(filename, 1, "bad header")]

    errors = []
    totals = {}
    for line, row in enumerate(rows[1:], start=2):
        if all(_is_empty(c) for c in row):
            continue
        checked = _check_row(row, columns)
        if isinstance(checked, str):
            errors.append(RowError(filename, line, checked))
            continue
        quarter, currency, amounts = checked
        sums = totals.setdefault(quarter, {name: Decimal(0) for name in AMOUNT_COLUMNS})
        rate = RATES[currency]
        for name in AMOUNT_COLUMNS:
            sums[name] += amounts[name] * rate

    results = []
    for quarter in sorted(totals):
        sums = totals[quarter]
        gross, expenses, taxes = (
            sums[name].quantize(CENT, rounding=ROUND_HALF_UP) for name in AMOUNT_COLUMNS
        )
        ratio = None
        if gross != 0:
            ratio = (expenses / gross).quantize(RATIO_STEP, rounding=ROUND_HALF_UP)
        results.append(QuarterResult(
            company=stem,
            quarter=quarter,
            gross_revenue=gross,
            expenses=expenses,
            taxes=taxes,
            net=gross - expenses - taxes,
            expense_ratio=ratio,
            flagged=expenses > threshold * gross,
        ))
    return results, errors


def _process_one(path, threshold):
    name = os.path.basename(path)
    return summarize_file(name, share.open_company_file(path), threshold)


def process_folder(folder, threshold=DEFAULT_THRESHOLD):
    """Processes every company file directly in folder, in parallel."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise FileNotFoundError(folder)
    company_files, skipped = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_file():
                continue
            if os.path.splitext(entry.name)[1].lower() in FORMATS:
                company_files.append(entry.path)
            else:
                skipped.append(entry.name)

    report = Report(skipped=sorted(skipped))
    outcomes = [_process_one(p, threshold) for p in company_files]
    if company_files:
        for results, errors in outcomes:
            report.results.extend(results)
            report.errors.extend(errors)
    report.results.sort(key=lambda r: (r.company, r.quarter))
    report.errors.sort(key=lambda e: (e.file, e.line))
    return report
