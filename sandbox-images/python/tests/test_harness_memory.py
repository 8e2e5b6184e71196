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
total_inactive_file 1000
"""

V2_STAT = b"""anon 31457280
file 209715200
shmem 2097152
file_mapped 1000
"""


@pytest.fixture
def stats(tmp_path, monkeypatch):
    """Points the harness at a fake cgroup v1 and v2 memory.stat."""
    v1, v2 = tmp_path / "v1.stat", tmp_path / "v2.stat"
    monkeypatch.setattr(harness, "CGROUP_MEMORY_STAT", (
        (str(v1), (b"total_rss", b"total_shmem")),
        (str(v2), (b"anon", b"shmem")),
    ))
    return v1, v2


def test_cgroup_v1_counts_hierarchical_anonymous_and_shared_memory(stats):
    v1, _ = stats
    v1.write_bytes(V1_STAT)
    # total_rss + total_shmem: page cache (reclaimable) is left out
    assert harness.cgroup_unreclaimable() == 52428800 + 4194304


def test_cgroup_v2_counts_anon_and_shmem(stats):
    _, v2 = stats
    v2.write_bytes(V2_STAT)
    assert harness.cgroup_unreclaimable() == 31457280 + 2097152


@pytest.mark.parametrize("content", [b"", b"total_rss 1\n", b"total_rss x\ntotal_shmem 1\n"])
def test_cgroup_unreadable_or_incomplete_is_none(stats, content):
    v1, _ = stats
    v1.write_bytes(content)
    assert harness.cgroup_unreclaimable() is None


def test_cgroup_watch_stops_over_its_limit_with_no_allowance(stats):
    v1, _ = stats
    v1.write_bytes(b"total_rss %d\ntotal_shmem 0\n" % (100 << 20))
    watch = harness.MemoryWatch(100 << 20, "cgroup")
    assert watch.tick == 0.01
    # a waiting zygote's copy counts: the kernel's limit counts it too
    watch.allowance = 50 << 20
    assert not watch.over()
    v1.write_bytes(b"total_rss %d\ntotal_shmem 4096\n" % (100 << 20))
    assert watch.over()
    assert watch.peak == (100 << 20) + 4096
    # the verdict holds once reached, until the next phase resets it
    v1.write_bytes(b"total_rss 0\ntotal_shmem 0\n")
    assert watch.over()


def test_cgroup_watch_is_off_where_the_cgroup_cannot_be_read(stats):
    # no file at all: the kernel's own limit is all there is
    watch = harness.MemoryWatch(100 << 20, "cgroup")
    assert watch.limit == 0 and watch.tick is None
    assert not watch.over()


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
