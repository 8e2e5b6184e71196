# verdict: output_limit
# Writes straight into the container's stdout (init's), past the harness.
f = open("/proc/1/fd/1", "w")
while True:
    f.write("y" * 65536)
