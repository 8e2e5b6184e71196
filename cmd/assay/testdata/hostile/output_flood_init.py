# verdict: error | output_limit | tampered
# Tries to write straight into the container's stdout (PID 1's), past the
# harness. PID 1 is the non-dumpable harness: under runc the open is
# refused (error); gVisor allows it, and the flood hits the stream cap.
f = open("/proc/1/fd/1", "w")
while True:
    f.write("y" * 65536)
