"""Result types and the firm's fixed parameters (provided; do not change)."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import List, Optional

# Euros per unit of each accepted currency. Any other currency is an error.
RATES = {
    "EUR": Decimal("1"),
    "USD": Decimal("0.92"),
    "GBP": Decimal("1.17"),
    "CHF": Decimal("1.05"),
}

# A quarter is flagged when its expenses exceed this share of its gross revenue.
DEFAULT_THRESHOLD = Decimal("0.80")

# The columns every company file must have (header names, see the prompt).
REQUIRED_COLUMNS = ("quarter", "currency", "gross_revenue", "expenses", "taxes")


@dataclass(frozen=True)
class QuarterResult:
    """One company's figures for one quarter, in euros."""

    company: str
    quarter: str
    gross_revenue: Decimal
    expenses: Decimal
    taxes: Decimal
    net: Decimal
    expense_ratio: Optional[Decimal]
    flagged: bool


@dataclass(frozen=True)
class RowError:
    """A row (or a whole file) that could not be used."""

    file: str
    line: int
    reason: str


@dataclass
class Report:
    """Everything process_folder found in a folder."""

    results: List[QuarterResult] = field(default_factory=list)
    errors: List[RowError] = field(default_factory=list)
    skipped: List[str] = field(default_factory=list)
