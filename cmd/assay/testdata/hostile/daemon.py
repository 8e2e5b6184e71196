# verdict: passed
# append: reference
# Leaves a daemon behind that outlives pytest: the run must still end, and the container go.
import os
import time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        while True:
            time.sleep(1)
    os._exit(0)
