"""The clients' file share (provided; do not change).

Client files live on a network share that answers slowly: every read
waits about LATENCY seconds before the bytes arrive, whatever the size of
the file. All company files must be read through open_company_file.
"""

import os
import time

# Seconds one read takes.
LATENCY = 0.3


def open_company_file(path):
    """Return the whole content of the file at path, as bytes."""
    time.sleep(LATENCY)
    with open(path, "rb") as f:
        data = f.read()
    # The tests set SHARE_ACCESS_LOG to check that every company file is
    # read through the share, once.
    log = os.environ.get("SHARE_ACCESS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(os.path.basename(os.fspath(path)) + "\n")
    return data
