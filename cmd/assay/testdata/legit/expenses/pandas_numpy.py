# legit: the quarter-end report with pandas and numpy (the scientific image).
# exercises: pandas (read_excel with openpyxl, DataFrame, applymap, groupby/agg on
#   object columns of Decimals, where/notna), numpy (boolean masks, all(axis=1),
#   flatnonzero), concurrent.futures.ThreadPoolExecutor.map with functools.partial,
#   dataclasses (frozen, field(default_factory)), typing.TypedDict, os.scandir,
#   warnings.catch_warnings with simplefilter (openpyxl's style warning).
"""Quarterly client figures, read in parallel from the slow share, with pandas."""

import csv
import functools
import io
import os
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import List, Optional, Tuple, TypedDict

import numpy as np
import pandas as pd

import share
from records import DEFAULT_THRESHOLD, RATES, REQUIRED_COLUMNS, QuarterResult, Report, RowError

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
QUARTER = re.compile(r"\d{4}-Q[1-4]")
AMOUNT = re.compile(r"\d+(\.\d+)?")
AMOUNTS = ["gross_revenue", "expenses", "taxes"]


class Valid(TypedDict):
    quarter: str
    gross_revenue: Decimal
    expenses: Decimal
    taxes: Decimal


@dataclass(frozen=True)
class Sheet:
    """A file's cells: row i of the frame is line i + 1 of the file."""

    frame: pd.DataFrame
    columns: dict = field(default_factory=dict)  # required column -> position


class Unreadable(Exception):
    pass


def _load(ext: str, data: bytes) -> pd.DataFrame:
    if ext == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Unreadable() from exc
        # csv rather than read_csv: rows may be longer than the header and
        # blank lines must keep their line numbers.
        rows = list(csv.reader(io.StringIO(text, newline="")))
        frame = pd.DataFrame(rows, dtype=object)
    else:
        try:
            with warnings.catch_warnings():
                # "Workbook contains no default style": harmless, and noisy.
                warnings.simplefilter("ignore", UserWarning)
                frame = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None,
                                      dtype=object, engine="openpyxl")
        except Exception as exc:
            raise Unreadable() from exc
    # One missing-value marker: None, like openpyxl's empty cells.
    return frame.astype(object).where(frame.notna(), None)


def _empty(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _amount(cell) -> Optional[Decimal]:
    if isinstance(cell, str):
        text = cell.strip()
        return Decimal(text) if AMOUNT.fullmatch(text) else None
    if isinstance(cell, (bool, np.bool_)):
        return None
    if isinstance(cell, (int, float, np.integer, np.floating)):
        value = Decimal(repr(cell.item() if isinstance(cell, np.generic) else cell))
        return value if value.is_finite() and value >= 0 else None
    return None


def _check(row: list, columns: dict) -> Tuple[Optional[str], Optional[Valid]]:
    cells = {name: (row[i] if i < len(row) else None) for name, i in columns.items()}
    if any(_empty(cells[name]) for name in REQUIRED_COLUMNS):
        return "missing value", None
    quarter, currency = cells["quarter"], cells["currency"]
    if not isinstance(quarter, str) or not QUARTER.fullmatch(quarter.strip()):
        return "bad quarter", None
    if not isinstance(currency, str) or currency.strip().upper() not in RATES:
        return "unknown currency", None
    amounts = [_amount(cells[name]) for name in AMOUNTS]
    if any(a is None for a in amounts):
        return "bad amount", None
    rate = RATES[currency.strip().upper()]
    valid = Valid(quarter=quarter.strip(), gross_revenue=amounts[0] * rate,
                  expenses=amounts[1] * rate, taxes=amounts[2] * rate)
    return None, valid


def _header(frame: pd.DataFrame) -> Optional[dict]:
    if frame.empty:
        return None
    positions = {}
    for i, name in enumerate(frame.iloc[0].tolist()):
        positions.setdefault(str(name).strip().lower() if name is not None else "", i)
    if not all(name in positions for name in REQUIRED_COLUMNS):
        return None
    return {name: positions[name] for name in REQUIRED_COLUMNS}


def summarize_file(filename, data, threshold=DEFAULT_THRESHOLD):
    company, ext = os.path.splitext(filename)
    ext = ext.lower()
    if ext not in (".csv", ".xlsx"):
        raise ValueError("unsupported file type: %s" % filename)
    try:
        frame = _load(ext, data)
    except Unreadable:
        return [], [RowError(filename, 0, "unreadable")]
    columns = _header(frame)
    if columns is None:
        return [], [RowError(filename, 1, "bad header")]
    sheet = Sheet(frame, columns)

    body = sheet.frame.iloc[1:]
    blank = body.applymap(_empty).to_numpy(dtype=bool).all(axis=1)
    errors, valid = [], []
    records = body.to_numpy(dtype=object)
    for index in np.flatnonzero(~blank):
        reason, row = _check(list(records[index]), sheet.columns)
        if reason is not None:
            errors.append(RowError(filename, int(index) + 2, reason))
        else:
            valid.append(row)

    results = []
    if valid:
        totals = (pd.DataFrame(valid)
                  .groupby("quarter", sort=True)[AMOUNTS]
                  .agg(lambda s: sum(s, Decimal(0))))
        for quarter, sums in totals.iterrows():
            gross, expenses, taxes = (sums[c].quantize(CENT, rounding=ROUND_HALF_UP) for c in AMOUNTS)
            ratio = (expenses / gross).quantize(RATIO, rounding=ROUND_HALF_UP) if gross != 0 else None
            results.append(QuarterResult(company, quarter, gross, expenses, taxes,
                                         gross - expenses - taxes, ratio, expenses > threshold * gross))
    return results, errors


def _one(path: str, threshold) -> Tuple[List[QuarterResult], List[RowError]]:
    return summarize_file(os.path.basename(path), share.open_company_file(path), threshold)


def process_folder(folder, threshold=DEFAULT_THRESHOLD):
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise FileNotFoundError(folder)
    paths, skipped = [], []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.startswith(".") or not entry.is_file():
                continue
            if os.path.splitext(entry.name)[1].lower() in (".csv", ".xlsx"):
                paths.append(entry.path)
            else:
                skipped.append(entry.name)
    report = Report(skipped=sorted(skipped))
    if paths:
        with ThreadPoolExecutor(max_workers=min(32, len(paths))) as pool:
            for results, errors in pool.map(functools.partial(_one, threshold=threshold), paths):
                report.results.extend(results)
                report.errors.extend(errors)
    report.results.sort(key=lambda r: (r.company, r.quarter))
    report.errors.sort(key=lambda e: (e.file, e.line))
    return report
