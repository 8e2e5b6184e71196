"""Visible tests: the deadline, the main business rules and the report."""

import time
from decimal import Decimal as D

import pytest

from records import QuarterResult, Report, RowError
from tests.strict import same
from solution import process_folder, summarize_file


def test_deadline_ten_company_files_in_under_1_8_seconds(companies_dir):
    start = time.perf_counter()
    report = process_folder(companies_dir)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.8, "took %.2f s: the files must be read in parallel" % elapsed
    assert len({r.company for r in report.results}) == 10


def test_report_lists_company_quarters_in_order(quarter_end_report):
    keys = [(r.company, r.quarter) for r in quarter_end_report.results]
    assert keys == sorted(keys)
    assert keys[:4] == [("aldgate", "2024-Q1"), ("aldgate", "2024-Q2"),
                        ("borealis", "2024-Q1"), ("borealis", "2024-Q2")]
    assert len(keys) == 24


def test_eur_csv_figures_round_half_up(quarter_end_report):
    aldgate = [r for r in quarter_end_report.results if r.company == "aldgate"]
    same(aldgate, [
        QuarterResult("aldgate", "2024-Q1", D("150500.13"), D("57000.50"), D("19100.34"),
                      D("74399.29"), D("0.3787"), False),
        QuarterResult("aldgate", "2024-Q2", D("98000.01"), D("61000.10"), D("9000.00"),
                      D("27999.91"), D("0.6224"), False),
    ])


def test_usd_xlsx_figures_are_converted_to_euros(quarter_end_report):
    borealis = [r for r in quarter_end_report.results if r.company == "borealis"]
    same(borealis[0], QuarterResult(
        "borealis", "2024-Q1", D("57500.69"), D("27603.15"), D("4830.12"),
        D("25067.42"), D("0.4800"), False))


def test_figures_have_two_decimals_and_ratio_four(quarter_end_report):
    galloway_q2 = [r for r in quarter_end_report.results
                   if (r.company, r.quarter) == ("galloway", "2024-Q2")][0]
    same([str(v) for v in (galloway_q2.gross_revenue, galloway_q2.expenses,
                           galloway_q2.taxes, galloway_q2.net)],
         ["10000.00", "8000.00", "200.00", "1800.00"])
    same(str(galloway_q2.expense_ratio), "0.8000")


def test_flag_only_when_expenses_exceed_threshold(quarter_end_report):
    galloway = [(r.quarter, r.expense_ratio, r.flagged)
                for r in quarter_end_report.results if r.company == "galloway"]
    same(galloway, [("2024-Q1", D("0.9000"), True),
                    ("2024-Q2", D("0.8000"), False),
                    ("2024-Q3", D("0.8000"), True)])


def test_malformed_rows_reported_with_file_and_line(quarter_end_report):
    everly = [e for e in quarter_end_report.errors if e.file == "everly.csv"]
    same(everly, [
        RowError("everly.csv", 5, "bad amount"),
        RowError("everly.csv", 6, "unknown currency"),
        RowError("everly.csv", 7, "bad quarter"),
        RowError("everly.csv", 8, "missing value"),
        RowError("everly.csv", 10, "missing value"),
        RowError("everly.csv", 12, "bad amount"),
        RowError("everly.csv", 14, "bad quarter"),
        RowError("everly.csv", 15, "bad amount"),
    ])
    # The malformed rows count for nothing; the valid ones still do.
    q4 = [r for r in quarter_end_report.results if (r.company, r.quarter) == ("everly", "2024-Q4")]
    same(q4[0].gross_revenue, D("7300.10"))


def test_other_files_are_skipped_and_subfolders_ignored(quarter_end_report):
    same(quarter_end_report.skipped, ["README.txt", "kestrel.xls"])
    assert "aldgate-2023" not in {r.company for r in quarter_end_report.results}


def test_empty_folder_gives_empty_report(tmp_path, fast_share):
    same(process_folder(tmp_path), Report([], [], []))


def test_summarize_file_example_from_the_prompt():
    data = (b"quarter,currency,gross_revenue,expenses,taxes\n"
            b"2024-Q1,EUR,120000.00,45000.50,15000.00\n"
            b"2024-Q1,USD,1000.125,12000,0\n"
            b"\n"
            b'2024-Q1,EUR,"1,000.00",0,0\n'
            b"2024-Q2,GBP,100,85,5\n")
    results, errors = summarize_file("acme.csv", data)
    same(results, [
        QuarterResult("acme", "2024-Q1", D("120920.12"), D("56040.50"), D("15000.00"),
                      D("49879.62"), D("0.4635"), False),
        QuarterResult("acme", "2024-Q2", D("117.00"), D("99.45"), D("5.85"),
                      D("11.70"), D("0.8500"), True),
    ])
    same(errors, [RowError("acme.csv", 5, "bad amount")])


def test_summarize_file_rejects_other_extensions():
    with pytest.raises(ValueError):
        summarize_file("notes.txt", b"quarter,currency,gross_revenue,expenses,taxes\n")
