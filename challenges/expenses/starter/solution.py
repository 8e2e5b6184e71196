"""Quarterly client figures, before the deadline.

Read every company file through share.open_company_file (slow: read
them in parallel) and apply the business rules of the prompt with
decimal.Decimal arithmetic.
"""

from decimal import Decimal  # noqa: F401

import share  # noqa: F401  (share.open_company_file)
from records import (  # noqa: F401
    DEFAULT_THRESHOLD,
    RATES,
    REQUIRED_COLUMNS,
    QuarterResult,
    Report,
    RowError,
)


def summarize_file(filename, data, threshold=DEFAULT_THRESHOLD):
    """Apply the business rules to one company file.

    filename: the file's name, e.g. "acme.csv" (its extension gives the
        format, its stem the company); data: the file's content (bytes).
    Returns (results sorted by quarter, errors sorted by line).
    Raises ValueError if the extension is neither .csv nor .xlsx.
    """
    raise NotImplementedError


def process_folder(folder, threshold=DEFAULT_THRESHOLD):
    """Summarize every company file directly in folder, reading them in
    parallel through share.open_company_file.

    Returns a Report: results sorted by (company, quarter), errors by
    (file, line), skipped file names sorted.
    """
    raise NotImplementedError
