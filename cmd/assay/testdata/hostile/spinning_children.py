# verdict: timeout | memory_limit | passed
# append: reference
# Up to 32 children spin the CPU forever. The CPU quota keeps them inside
# this run's share, so only this run starves: it times out, or, given
# enough time, its tests pass all the same (the children are killed
# between the phases and at the end); the corpus test checks that an
# ordinary submission afterwards still passes.
import os
for _ in range(32):
    try:
        if os.fork() == 0:
            os.setsid()
            while True:
                pass
    except OSError:
        break
