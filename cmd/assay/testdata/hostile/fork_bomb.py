# verdict: timeout | memory_limit
# Forks until the pids limit stops it, in every child too, and never returns.
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
