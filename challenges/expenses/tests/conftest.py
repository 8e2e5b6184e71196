"""Shared fixtures for the expenses challenge."""

import io
import pathlib

import openpyxl
import pytest

import share
import solution

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
COMPANIES = FIXTURES / "companies"


@pytest.fixture(scope="session")
def companies_dir():
    """The quarter-end folder: ten company files and a few others."""
    return COMPANIES


@pytest.fixture(scope="session")
def quarter_end_report():
    """process_folder on the quarter-end folder, run once for all tests
    that only check figures (the deadline tests time their own runs)."""
    return solution.process_folder(COMPANIES)


@pytest.fixture
def fast_share(monkeypatch):
    """Makes the share quick, for tests about rules rather than time."""
    monkeypatch.setattr(share, "LATENCY", 0.01)


@pytest.fixture
def access_log(monkeypatch, tmp_path):
    """Records the names of the files read through the share; returns a
    function giving them, sorted."""
    log = tmp_path / "share-access.log"
    monkeypatch.setenv("SHARE_ACCESS_LOG", str(log))

    def names():
        if not log.exists():
            return []
        return sorted(line for line in log.read_text(encoding="utf-8").splitlines() if line)

    return names


@pytest.fixture
def xlsx_bytes():
    """xlsx_bytes(rows, *more_sheets): an XLSX file as bytes; a row is a
    list of cell values or None for an empty row."""

    def build(rows, *more_sheets):
        wb = openpyxl.Workbook()
        first = wb.active
        sheets = [rows] + list(more_sheets)
        for i, sheet_rows in enumerate(sheets):
            ws = first if i == 0 else wb.create_sheet("Sheet%d" % (i + 1))
            for r, row in enumerate(sheet_rows, start=1):
                for c, value in enumerate(row or [], start=1):
                    if value is not None:
                        ws.cell(row=r, column=c, value=value)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    return build
