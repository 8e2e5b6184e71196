"""When the hidden phase's process is forked: never after the hidden part
is read, whose run names and canaries would then sit in its inherited
frames (the canaries bound in-process forgery only while the candidate's
process cannot know them). Without Docker: the zygotes, the kills and the
phases are stand-ins that record the order of events."""
import os
import sys

import pytest

MODULE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, MODULE_DIR)

import harness  # noqa: E402


@pytest.fixture
def events(monkeypatch):
    seen = []

    class Zygote:
        def __init__(self, ids, ctypes_known, ahead=False):
            seen.append("fork")
            self.living = True
            self.child = None

        def alive(self):
            return self.living

        def discard(self):
            seen.append("discard")

    def phase(self, name, paths, locked=None):
        seen.append("phase " + name)
        return {"findings": []}

    monkeypatch.setattr(harness, "Zygote", Zygote)
    monkeypatch.setattr(harness, "kill_others", lambda spare=(): None)
    monkeypatch.setattr(harness, "write_files", lambda files: None)
    monkeypatch.setattr(harness.Run, "phase", phase)
    return seen


def run(events, zygotes):
    def read_hidden():
        events.append("read hidden")
        return {"hidden": {}}
    harness.Run({"files": {}}, None, harness.MemoryWatch(0), zygotes, None).run(read_hidden)


@pytest.mark.parametrize("ahead", ["none", "alive", "killed"])
def test_the_hidden_phase_is_forked_before_its_part_is_read(events, ahead):
    zygotes = {}
    if ahead != "none":
        # (made ahead under gVisor; kill_others' last resort, kill(-1),
        # takes it with the visible phase's processes)
        zygotes["hidden"] = harness.Zygote(None, None)
        zygotes["hidden"].living = ahead == "alive"
        events.clear()
    run(events, zygotes)
    assert "read hidden" in events
    before = events[:events.index("read hidden")]
    if ahead == "alive":
        assert "fork" not in before, events
    else:
        assert before[-1] == "fork", events
    assert "fork" not in events[events.index("read hidden"):], events


def test_a_dead_hidden_zygote_is_not_replaced_in_its_phase(monkeypatch):
    # the phase itself refuses to fork one (a fail-safe: Run.run forks it
    # before the hidden part is read)
    r = harness.Run({"files": {}}, None, harness.MemoryWatch(0), {}, None)
    r.present = {}
    forked = []
    monkeypatch.setattr(harness, "Zygote", lambda *a, **k: forked.append(1))
    monkeypatch.setattr(harness, "Watch", lambda: type("W", (), {"add": lambda s, p: None,
                                                             "add_tree": lambda s, p: None,
                                                             "events": lambda s: []})())
    monkeypatch.setattr(harness, "acting_as", lambda ids: __import__("contextlib").nullcontext())
    monkeypatch.setattr(harness.os, "makedirs", lambda *a, **k: None)
    with pytest.raises(RuntimeError, match="did not survive"):
        r.phase("hidden", ["tests/hidden"])
    assert forked == []
