"""harness.empty_dir, the wipe before the reference's timing run: it
removes whatever a candidate left, however deep (past PATH_MAX), with any
modes, without following links out of the directory. Runs on the host."""

import os
import sys

MODULE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODULE_DIR)

import harness  # noqa: E402


def test_empty_dir_deep_and_locked(tmp_path):
    top = tmp_path / "top"
    top.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    # deeper than PATH_MAX (4096) by relative steps
    os.chdir(top)
    for _ in range(60):
        name = "d" * 100
        os.mkdir(name)
        os.chdir(name)
        with open("f", "w") as f:
            f.write("x")
    os.chdir(tmp_path)
    locked = top / "locked"
    locked.mkdir()
    (locked / "inner").write_text("y")
    os.chmod(locked, 0)
    os.symlink(outside, top / "link")
    here = os.getcwd()
    harness.empty_dir(str(top))
    assert os.listdir(top) == []
    assert (outside / "keep.txt").read_text() == "keep"
    assert os.getcwd() == here
