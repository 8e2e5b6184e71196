# verdict: passed
# append: reference
import os
for p in ("/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/docker"):
    if os.path.exists(p):
        raise SystemExit("found " + p)
