"""Hidden tests: every figure of the quarter-end run, the finer rules,
broken files, and the deadline again (with the share's access log)."""

import time
from decimal import Decimal as D

import pytest

from records import QuarterResult, Report, RowError
from tests.strict import same
from solution import process_folder, summarize_file

HEADER = b"quarter,currency,gross_revenue,expenses,taxes\n"


def Q(company, quarter, gross, expenses, taxes, net, ratio, flagged):
    return QuarterResult(company, quarter, D(gross), D(expenses), D(taxes), D(net),
                         None if ratio is None else D(ratio), flagged)


ALL_RESULTS = [
    Q("aldgate", "2024-Q1", "150500.13", "57000.50", "19100.34", "74399.29", "0.3787", False),
    Q("aldgate", "2024-Q2", "98000.01", "61000.10", "9000.00", "27999.91", "0.6224", False),
    Q("borealis", "2024-Q1", "57500.69", "27603.15", "4830.12", "25067.42", "0.4800", False),
    Q("borealis", "2024-Q2", "74736.87", "36802.39", "7476.61", "30457.87", "0.4924", False),
    Q("cobalt", "2024-Q1", "29250.59", "11700.29", "1755.01", "15795.29", "0.4000", False),
    Q("cobalt", "2024-Q2", "35100.35", "14040.23", "2457.12", "18603.00", "0.4000", False),
    Q("dunmore", "2024-Q3", "50000.00", "20000.57", "5000.45", "24998.98", "0.4000", False),
    Q("dunmore", "2024-Q4", "52000.00", "26000.50", "6100.00", "19899.50", "0.5000", False),
    Q("everly", "2024-Q3", "24600.00", "8920.00", "2500.00", "13180.00", "0.3626", False),
    Q("everly", "2024-Q4", "7300.10", "1520.00", "705.00", "5075.10", "0.2082", False),
    Q("fenwick", "2024-Q1", "12340.50", "4585.84", "1117.29", "6637.37", "0.3716", False),
    Q("fenwick", "2024-Q2", "3000.00", "2999.99", "0.01", "0.00", "1.0000", True),
    Q("galloway", "2024-Q1", "10000.00", "9000.00", "100.00", "900.00", "0.9000", True),
    Q("galloway", "2024-Q2", "10000.00", "8000.00", "200.00", "1800.00", "0.8000", False),
    Q("galloway", "2024-Q3", "10000.00", "8000.01", "300.00", "1699.99", "0.8000", True),
    Q("harlow", "2024-Q1", "0.00", "525.00", "0.00", "-525.00", None, True),
    Q("harlow", "2024-Q2", "0.00", "0.00", "0.00", "0.00", None, False),
    Q("harlow", "2024-Q3", "12600.53", "3150.42", "1260.32", "8189.79", "0.2500", False),
    Q("ironside", "2024-Q1", "1510.46", "1037.23", "361.12", "112.11", "0.6867", False),
    Q("ironside", "2024-Q2", "2925.00", "2340.01", "0.00", "584.99", "0.8000", True),
    Q("juniper", "2024-Q1", "23799.71", "16694.42", "3365.99", "3739.30", "0.7015", False),
    Q("juniper", "2024-Q2", "25905.11", "25930.56", "4045.96", "-4071.41", "1.0010", True),
    Q("juniper", "2024-Q3", "29014.50", "26561.51", "4699.66", "-2246.67", "0.9155", True),
    Q("juniper", "2024-Q4", "20244.62", "19197.81", "5054.03", "-4007.22", "0.9483", True),
]

ALL_ERRORS = [
    RowError("everly.csv", 5, "bad amount"),
    RowError("everly.csv", 6, "unknown currency"),
    RowError("everly.csv", 7, "bad quarter"),
    RowError("everly.csv", 8, "missing value"),
    RowError("everly.csv", 10, "missing value"),
    RowError("everly.csv", 12, "bad amount"),
    RowError("everly.csv", 14, "bad quarter"),
    RowError("everly.csv", 15, "bad amount"),
    RowError("fenwick.xlsx", 4, "bad quarter"),
    RowError("fenwick.xlsx", 5, "missing value"),
    RowError("fenwick.xlsx", 6, "bad amount"),
    RowError("fenwick.xlsx", 7, "missing value"),
    RowError("fenwick.xlsx", 8, "bad amount"),
    RowError("fenwick.xlsx", 10, "unknown currency"),
    RowError("ironside.CSV", 2, "bad amount"),
]


def test_deadline_again_with_every_company_file_read_once_through_the_share(
        companies_dir, access_log):
    start = time.perf_counter()
    report = process_folder(companies_dir)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.8, "took %.2f s: the files must be read in parallel" % elapsed
    assert access_log() == [
        "aldgate.csv", "borealis.xlsx", "cobalt.csv", "dunmore.xlsx", "everly.csv",
        "fenwick.xlsx", "galloway.csv", "harlow.xlsx", "ironside.CSV", "juniper.xlsx",
    ]
    same(report.results, ALL_RESULTS)


def test_every_figure_of_the_quarter_end_run(quarter_end_report):
    same(quarter_end_report.results, ALL_RESULTS)


def test_every_error_of_the_quarter_end_run(quarter_end_report):
    same(quarter_end_report.errors, ALL_ERRORS)


def test_half_cents_round_up_not_to_even():
    data = HEADER + (b"2024-Q1,EUR,0.125,0.005,2.675\n"
                     b"2024-Q2,EUR,0.135,0.015,1.0050\n"
                     b"2024-Q3,USD,0.125,0,0\n")
    results, errors = summarize_file("halves.csv", data)
    same(errors, [])
    same([(r.gross_revenue, r.expenses, r.taxes) for r in results], [
        (D("0.13"), D("0.01"), D("2.68")),
        (D("0.14"), D("0.02"), D("1.01")),
        (D("0.12"), D("0.00"), D("0.00")),  # 0.125 * 0.92 = 0.115
    ])
    same([str(r.net) for r in results], ["-2.56", "-0.89", "0.12"])


def test_sums_are_rounded_once_not_per_row():
    # Each row rounds down on its own (0.004 -> 0.00); the sum 0.012 -> 0.01.
    data = HEADER + b"2024-Q1,EUR,100,0.004,0\n2024-Q1,EUR,0,0.004,0\n2024-Q1,EUR,0,0.004,0\n"
    (result,), _ = summarize_file("once.csv", data)
    same(result.expenses, D("0.01"))
    same(result.net, D("99.99"))


def test_ratio_rounds_half_up_to_four_places():
    data = HEADER + b"2024-Q1,EUR,20000,2469,0\n"  # 0.12345 -> 0.1235
    (result,), _ = summarize_file("ratio.csv", data)
    same(str(result.expense_ratio), "0.1235")


def test_csv_with_byte_order_mark_crlf_and_reordered_header(quarter_end_report):
    cobalt = [r for r in quarter_end_report.results if r.company == "cobalt"]
    same(cobalt, ALL_RESULTS[4:6])


def test_xlsx_uses_first_sheet_text_amounts_and_extra_columns(quarter_end_report):
    dunmore = [r for r in quarter_end_report.results if r.company == "dunmore"]
    same(dunmore, ALL_RESULTS[6:8])


def test_zero_revenue_quarters_have_no_ratio(quarter_end_report):
    harlow = [(r.quarter, r.expense_ratio, r.flagged, r.net)
              for r in quarter_end_report.results if r.company == "harlow"]
    same(harlow, [("2024-Q1", None, True, D("-525.00")),
                  ("2024-Q2", None, False, D("0.00")),
                  ("2024-Q3", D("0.2500"), False, D("8189.79"))])


def test_upper_case_extension_gives_company_from_stem(quarter_end_report):
    ironside = [r for r in quarter_end_report.results if r.company == "ironside"]
    same(ironside, ALL_RESULTS[18:20])


def test_first_problem_of_a_row_is_reported():
    data = HEADER + (b"2024-Q9,EUR,,1,1\n"        # missing value before bad quarter
                     b"2024-Q9,JPY,1,1,1\n"       # bad quarter before unknown currency
                     b"2024-Q1,JPY,x,1,1\n"       # unknown currency before bad amount
                     b"2024-Q1,EUR,1,1\n"         # short row: missing value
                     b"2024-Q1,EUR,+5,1,1\n"
                     b"2024-Q1,EUR,.5,1,1\n"
                     b"2024-Q1,EUR,5.,1,1\n")
    results, errors = summarize_file("order.csv", data)
    same(results, [])
    same([(e.line, e.reason) for e in errors], [
        (2, "missing value"), (3, "bad quarter"), (4, "unknown currency"),
        (5, "missing value"), (6, "bad amount"), (7, "bad amount"), (8, "bad amount"),
    ])


def test_blank_lines_are_ignored_but_counted_in_line_numbers():
    data = (HEADER + b"\n   \n,,,,\n , ,\t, , \n2024-Q1,EUR,10,1,1\n\n2024-Q1,XXX,1,1,1\n"
            b"2024-Q1,EUR,10,1,1,extra,cells\n")
    results, errors = summarize_file("blank.csv", data)
    same(errors, [RowError("blank.csv", 8, "unknown currency")])
    same(results, [Q("blank", "2024-Q1", "20.00", "2.00", "2.00", "16.00", "0.1000", False)])


def test_xlsx_numeric_cells_are_read_via_repr(xlsx_bytes):
    data = xlsx_bytes([
        ["Quarter", "Currency", "Gross_Revenue", "Expenses", "Taxes"],
        ["2024-Q4", "EUR", 2.675, 1.005, 0],
        None,
        ["2024-Q4", "EUR", 10, True, 0],
        ["2024-Q4", "EUR", 10, 1, -0.5],
        ["2024-Q4", "EUR", " 7.5 ", "1", "0.1"],
        [None, "  ", None, "", None],
    ])
    results, errors = summarize_file("cells.xlsx", data)
    same(results, [Q("cells", "2024-Q4", "10.18", "2.01", "0.10", "8.07", "0.1974", False)])
    same(errors, [RowError("cells.xlsx", 4, "bad amount"), RowError("cells.xlsx", 5, "bad amount")])


def test_xlsx_later_sheets_are_not_read(xlsx_bytes):
    data = xlsx_bytes(
        [["quarter", "currency", "gross_revenue", "expenses", "taxes"],
         ["2024-Q2", "GBP", 100, 50, 10]],
        [["quarter", "currency", "gross_revenue", "expenses", "taxes"],
         ["2024-Q2", "EUR", 999, 999, 999]],
    )
    results, errors = summarize_file("multi.XLSX", data)
    same(results, [Q("multi", "2024-Q2", "117.00", "58.50", "11.70", "46.80", "0.5000", False)])
    same(errors, [])


def test_results_sorted_by_quarter_whatever_the_row_order():
    data = HEADER + (b"2024-Q3,EUR,3,0,0\n2023-Q4,EUR,4,0,0\n2024-Q1,EUR,1,0,0\n"
                     b"2024-Q3,EUR,3,0,0\n")
    results, _ = summarize_file("order.csv", data)
    same([(r.quarter, r.gross_revenue) for r in results], [
        ("2023-Q4", D("4.00")), ("2024-Q1", D("1.00")), ("2024-Q3", D("6.00"))])


def test_bad_header_and_empty_file_give_one_error_each():
    same(summarize_file("nohdr.csv", b"quarter,currency,gross,expenses,taxes\n2024-Q1,EUR,1,1,1\n"),
         ([], [RowError("nohdr.csv", 1, "bad header")]))
    same(summarize_file("empty.csv", b""), ([], [RowError("empty.csv", 1, "bad header")]))


def test_unreadable_files_are_reported_and_the_rest_processed(tmp_path, fast_share, xlsx_bytes):
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (tmp_path / "latin1.csv").write_bytes(HEADER + "2024-Q1,EUR,1,1,1 \xe9t\xe9\n".encode("latin-1"))
    (tmp_path / "good.csv").write_bytes(HEADER + b"2024-Q1,EUR,100,10,1\n")
    report = process_folder(str(tmp_path))
    same(report.errors, [RowError("broken.xlsx", 0, "unreadable"),
                         RowError("latin1.csv", 0, "unreadable")])
    same(report.results, [Q("good", "2024-Q1", "100.00", "10.00", "1.00", "89.00", "0.1000", False)])


def test_custom_threshold_is_applied(tmp_path, fast_share):
    (tmp_path / "a.csv").write_bytes(HEADER + b"2024-Q1,EUR,100,50,0\n2024-Q2,EUR,100,49.99,0\n")
    report = process_folder(tmp_path, threshold=D("0.4998"))
    same([r.flagged for r in report.results], [True, True])
    report = process_folder(tmp_path, threshold=D("0.5"))
    same([r.flagged for r in report.results], [False, False])
    results, _ = summarize_file("a.csv", HEADER + b"2024-Q1,EUR,100,50,0\n", threshold=D("0.25"))
    assert results[0].flagged is True


def test_hidden_files_and_subfolders_are_ignored_and_others_not_read(
        tmp_path, fast_share, access_log):
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / ".hidden.csv").write_bytes(HEADER + b"2024-Q1,EUR,1,1,1\n")
    (tmp_path / "sub.csv").mkdir()
    (tmp_path / "sub.csv" / "inner.csv").write_bytes(HEADER + b"2024-Q1,EUR,1,1,1\n")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "Zeta.csv").write_bytes(HEADER + b"2024-Q1,EUR,1,1,1\n")
    (tmp_path / "alpha.json").write_bytes(b"{}")
    report = process_folder(tmp_path)
    same(report.skipped, ["alpha.json", "notes.pdf"])
    same([r.company for r in report.results], ["Zeta"])
    same(report.errors, [])
    assert access_log() == ["Zeta.csv"]


def test_only_non_company_files_gives_no_results(tmp_path, fast_share, access_log):
    (tmp_path / "readme.md").write_text("hello")
    same(process_folder(tmp_path), Report([], [], ["readme.md"]))
    assert access_log() == []


def test_missing_folder_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        process_folder(tmp_path / "no-such-folder")
