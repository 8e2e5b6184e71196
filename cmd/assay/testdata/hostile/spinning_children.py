# verdict: passed
# append: reference
# Eight children spin the CPU forever; the tests still run and everything is stopped after.
import os
for _ in range(8):
    if os.fork() == 0:
        os.setsid()
        while True:
            pass
