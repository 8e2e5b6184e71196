# verdict: timeout | memory_limit
# also-under-runsc: error
# (Under gVisor the whole sandbox, the harness included, can go down before
# the deadline with no report and no OOM recorded: seen in two CI runs of
# 2026-12-07 at 2.9 s of a 5 s limit, stderr empty; runsc's own processes
# sit in the container's cgroup. The candidate fails either way; the
# reason then says the run ended before it could report.)
# Forks until the pids limit stops it, in every child too, and never returns.
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
