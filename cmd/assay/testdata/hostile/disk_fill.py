# verdict: error
# Fills both scratch file systems: pytest cannot write its report.
import os
for top in ("/work", "/tmp"):
    for i in range(10**6):
        try:
            with open(os.path.join(top, "fill%d" % i), "wb") as f:
                f.write(b"z" * (1 << 20))
        except OSError:
            break
