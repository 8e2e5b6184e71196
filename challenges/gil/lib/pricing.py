"""The pricing team's risk model (provided; do not change).

risk_score(n) is pure-Python arithmetic: it holds the GIL for its whole
run (about 50 ms), so threads cannot run two of them at the same time.
Worker processes can.

When the environment variable PRICING_TRACE names a file, every call
appends one line "<pid> <n>" to it, whichever process it runs in (the
tests use this to see where the work ran).
"""

import os

ROUNDS = 200_000
_MODULUS = 2_147_483_648


def risk_score(n):
    """The risk score of instrument n (an int >= 0)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError("risk_score needs an int >= 0, got %r" % (n,))
    acc = n
    for i in range(ROUNDS):
        acc = (acc * 1103515245 + 12345 + i) % _MODULUS
    trace = os.environ.get("PRICING_TRACE")
    if trace:
        fd = os.open(trace, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, ("%d %d\n" % (os.getpid(), n)).encode())
        finally:
            os.close(fd)
    return acc
