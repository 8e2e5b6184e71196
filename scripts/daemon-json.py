#!/usr/bin/env python3
"""Sets one top-level key of the Docker engine's daemon.json, keeping the
rest: daemon-json.py PATH KEY JSON-VALUE (scripts/gvisor.sh, overlay2.sh)."""
import json
import sys

path, key, value = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
try:
    with open(path) as f:
        text = f.read()
except FileNotFoundError:
    text = ""
conf = json.loads(text) if text.strip() else {}
if isinstance(conf.get(key), dict) and isinstance(value, dict):
    conf[key].update(value)  # "runtimes": add one, keep the others
else:
    conf[key] = value
with open(path, "w") as f:
    json.dump(conf, f, indent=2)
