# verdict: error
# Tries to write straight into the container's stdout (PID 1's), past the
# harness: PID 1 is the non-dumpable harness, so the open is refused.
f = open("/proc/1/fd/1", "w")
while True:
    f.write("y" * 65536)
