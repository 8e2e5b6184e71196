# legit: the quarter-end report with the standard library and openpyxl only.
# exercises: abc (ABC, abstractmethod: one reader class per format), enum (str Enum
#   of error reasons), typing.NamedTuple, collections (defaultdict, Counter),
#   concurrent.futures (ThreadPoolExecutor, submit, as_completed), contextlib
#   (closing), functools.lru_cache, itertools.zip_longest,
#   decimal (localcontext, quantize ROUND_HALF_UP), re, pathlib, logging.
"""Quarterly client figures, read in parallel from the slow share."""

import abc
import csv
import enum
import functools
import io
import itertools
import logging
import pathlib
import re
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import closing
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import openpyxl

import share
from records import DEFAULT_THRESHOLD, RATES, REQUIRED_COLUMNS, QuarterResult, Report, RowError

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
QUARTER = re.compile(r"\d{4}-Q[1-4]")
AMOUNT = re.compile(r"\d+(?:\.\d+)?")
AMOUNT_COLUMNS = ("gross_revenue", "expenses", "taxes")


class Reason(str, enum.Enum):
    UNREADABLE = "unreadable"
    BAD_HEADER = "bad header"
    MISSING_VALUE = "missing value"
    BAD_QUARTER = "bad quarter"
    UNKNOWN_CURRENCY = "unknown currency"
    BAD_AMOUNT = "bad amount"


class RowProblem(Exception):
    def __init__(self, reason: Reason):
        super().__init__(reason.value)
        self.reason = reason


class Unreadable(Exception):
    pass


class Reader(abc.ABC):
    """Turns a file's bytes into its rows (lists of cells), line 1 first."""

    @abc.abstractmethod
    def rows(self, data: bytes) -> List[list]:
        ...


class CsvReader(Reader):
    def rows(self, data):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Unreadable(str(exc)) from exc
        return list(csv.reader(io.StringIO(text, newline="")))


class XlsxReader(Reader):
    def rows(self, data):
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise Unreadable(str(exc)) from exc
        with closing(book):
            return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


READERS: Dict[str, Reader] = {".csv": CsvReader(), ".xlsx": XlsxReader()}


class Row(NamedTuple):
    quarter: str
    currency: str
    amounts: Tuple[Decimal, Decimal, Decimal]


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@functools.lru_cache(maxsize=None)
def _rate(currency: str) -> Optional[Decimal]:
    return RATES.get(currency.strip().upper())


def _amount(cell) -> Decimal:
    if isinstance(cell, str):
        text = cell.strip()
        if AMOUNT.fullmatch(text):
            return Decimal(text)
    elif isinstance(cell, (int, float)) and not isinstance(cell, bool):
        value = Decimal(repr(cell))
        if value.is_finite() and value >= 0:
            return value
    raise RowProblem(Reason.BAD_AMOUNT)


def _parse(row: list, columns: Dict[str, int]) -> Row:
    cells = {}
    for name in REQUIRED_COLUMNS:
        i = columns[name]
        cells[name] = row[i] if i < len(row) else None
        if _blank(cells[name]):
            raise RowProblem(Reason.MISSING_VALUE)
    quarter = cells["quarter"]
    if not isinstance(quarter, str) or not QUARTER.fullmatch(quarter.strip()):
        raise RowProblem(Reason.BAD_QUARTER)
    currency = cells["currency"]
    if not isinstance(currency, str) or _rate(currency) is None:
        raise RowProblem(Reason.UNKNOWN_CURRENCY)
    amounts = tuple(_amount(cells[name]) for name in AMOUNT_COLUMNS)
    return Row(quarter.strip(), currency.strip().upper(), amounts)


def summarize_file(filename, data, threshold=DEFAULT_THRESHOLD):
    path = pathlib.PurePath(filename)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ValueError("not a CSV or XLSX file: %r" % filename)
    company = path.stem
    try:
        rows = reader.rows(data)
    except Unreadable:
        return [], [RowError(filename, 0, Reason.UNREADABLE.value)]

    header = [str(c).strip().lower() if c is not None else "" for c in (rows[0] if rows else [])]
    columns: Dict[str, int] = {}
    for i, name in enumerate(header):
        columns.setdefault(name, i)
    if not all(name in columns for name in REQUIRED_COLUMNS):
        return [], [RowError(filename, 1, Reason.BAD_HEADER.value)]

    sums: Dict[str, List[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    errors: List[RowError] = []
    for line, row in enumerate(rows[1:], start=2):
        if all(_blank(c) for c in row):
            continue
        try:
            parsed = _parse(row, columns)
        except RowProblem as problem:
            errors.append(RowError(filename, line, problem.reason.value))
            continue
        rate = RATES[parsed.currency]
        sums[parsed.quarter] = [
            total + amount * rate
            for total, amount in itertools.zip_longest(sums[parsed.quarter], parsed.amounts)
        ]

    results = []
    with localcontext() as ctx:
        ctx.prec = 50
        for quarter in sorted(sums):
            gross, expenses, taxes = (s.quantize(CENT, rounding=ROUND_HALF_UP) for s in sums[quarter])
            ratio = (expenses / gross).quantize(RATIO, rounding=ROUND_HALF_UP) if gross else None
            results.append(QuarterResult(company, quarter, gross, expenses, taxes,
                                         gross - expenses - taxes, ratio,
                                         expenses > threshold * gross))
    if errors:
        log.info("%s: %s", filename, dict(Counter(e.reason for e in errors)))
    return results, errors


def _read_and_summarize(path: pathlib.Path, threshold):
    return summarize_file(path.name, share.open_company_file(path), threshold)


def process_folder(folder: Union[str, pathlib.Path], threshold=DEFAULT_THRESHOLD) -> Report:
    folder = pathlib.Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(str(folder))
    company_files, skipped = [], []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        (company_files if entry.suffix.lower() in READERS else skipped).append(entry)

    report = Report(skipped=sorted(p.name for p in skipped))
    if not company_files:
        return report
    with ThreadPoolExecutor(max_workers=len(company_files), thread_name_prefix="share") as pool:
        futures = {pool.submit(_read_and_summarize, p, threshold): p for p in company_files}
        for future in as_completed(futures):
            results, errors = future.result()
            report.results.extend(results)
            report.errors.extend(errors)
    report.results.sort(key=lambda r: (r.company, r.quarter))
    report.errors.sort(key=lambda e: (e.file, e.line))
    return report
