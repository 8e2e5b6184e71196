"""The container's entry point: runs harness.main.

Python caches the bytecode of imported modules only, never of the script
it is started with: run as the script, harness.py's 1,500 lines would be
compiled afresh in every container (10-14 ms of CPU each, on the critical
path of a cold start and on the CPU of every submission). Imported, they
come from the bytecode compiled into the image (see the Dockerfile).
Named like Assay's other modules: /opt/assay comes before the candidate's
files on a phase's path, so a plain name (start) would shadow a module of
a challenge's.
"""
import sys

sys.path.insert(0, "/opt/assay")  # -I leaves the script's folder off sys.path
import harness  # noqa: E402

if __name__ == "__main__":
    harness.main()
