"""The harness's memory watch (MemoryWatch), without Docker: what it
measures under each runtime, and that it stops a phase only over its limit.

Runs on the host."""

import os
import sys

import pytest

MODULE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODULE_DIR)

import harness  # noqa: E402

V1_STAT = b"""cache 104857600
rss 1048576
shmem 0
total_cache 104857600
total_rss 52428800
total_shmem 4194304
total_active_file 62914560
total_inactive_file 37748736
"""

V2_STAT = b"""anon 31457280
file 209715200
shmem 2097152
active_file 104857600
inactive_file 102760448
"""


@pytest.fixture
def cgroup(tmp_path, monkeypatch):
    """Points the harness at a fake cgroup v1 and v2: (usage, stat) each."""
    files = [tmp_path / n for n in ("v1.usage", "v1.stat", "v2.current", "v2.stat")]
    monkeypatch.setattr(harness, "CGROUP_MEMORY", (
        (str(files[0]), str(files[1]), (b"total_active_file", b"total_inactive_file")),
        (str(files[2]), str(files[3]), (b"active_file", b"inactive_file")),
    ))
    return files


def test_cgroup_v1_counts_usage_less_the_file_lists(cgroup):
    usage, stat, _, _ = cgroup
    stat.write_bytes(V1_STAT)
    # 200 MiB in use, of which 96 MiB page cache on the file lists: the
    # rest is anonymous, shared and kernel memory (slab that mkdir fills)
    usage.write_bytes(b"%d\n" % (200 << 20))
    assert harness.cgroup_unreclaimable() == (200 << 20) - 62914560 - 37748736


def test_cgroup_v2_counts_current_less_the_file_lists(cgroup):
    _, _, current, stat = cgroup
    stat.write_bytes(V2_STAT)
    current.write_bytes(b"%d\n" % (300 << 20))
    assert harness.cgroup_unreclaimable() == (300 << 20) - 104857600 - 102760448


def test_cgroup_never_negative(cgroup):
    usage, stat, _, _ = cgroup
    stat.write_bytes(V1_STAT)
    usage.write_bytes(b"1024\n")  # the counters are read at different moments
    assert harness.cgroup_unreclaimable() == 0


@pytest.mark.parametrize("usage_text,stat_text", [
    (b"", V1_STAT), (b"x", V1_STAT), (b"100", b""), (b"100", b"total_active_file 1\n"),
    (b"100", b"total_active_file x\ntotal_inactive_file 1\n"),
])
def test_cgroup_unreadable_or_incomplete_is_none(cgroup, usage_text, stat_text):
    usage, stat, _, _ = cgroup
    usage.write_bytes(usage_text)
    stat.write_bytes(stat_text)
    assert harness.cgroup_unreclaimable() is None


def set_v1(cgroup, used):
    usage, stat, _, _ = cgroup
    usage.write_bytes(b"%d\n" % used)
    stat.write_bytes(b"total_active_file 0\ntotal_inactive_file 0\n")


def test_cgroup_watch_stops_over_its_limit_with_no_allowance(cgroup, capsys):
    set_v1(cgroup, 100 << 20)
    watch = harness.MemoryWatch(100 << 20, "cgroup")
    assert capsys.readouterr().err == ""
    assert watch.tick == 0.01
    # a waiting zygote's copy counts: the kernel's limit counts it too
    watch.allowance = 50 << 20
    assert not watch.over()
    set_v1(cgroup, (100 << 20) + 4096)
    assert watch.over()
    assert watch.peak == (100 << 20) + 4096
    # the verdict holds once reached, until the next phase resets it
    set_v1(cgroup, 0)
    assert watch.over()


def test_cgroup_watch_is_off_where_the_cgroup_cannot_be_read(cgroup, capsys):
    # no file at all: the kernel's own limit is all there is, and it says so
    watch = harness.MemoryWatch(100 << 20, "cgroup")
    assert watch.limit == 0 and watch.tick is None
    assert not watch.over()
    assert "cannot be read" in capsys.readouterr().err


def test_meminfo_watch_leaves_out_the_allowance(monkeypatch):
    watch = harness.MemoryWatch(100 << 20)
    monkeypatch.setattr(harness, "open", lambda *a, **k: __import__("io").BytesIO(
        b"MemTotal: 1048576 kB\nMemAvailable: 921600 kB\n"), raising=False)
    # 1 GiB - 900 MiB = 124 MiB in use
    watch.allowance = 30 << 20
    assert not watch.over()
    assert watch.peak == (124 - 30) << 20
    watch.allowance = 20 << 20
    assert watch.over()
