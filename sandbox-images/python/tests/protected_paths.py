"""What the reproducers of writes under tests/ check: a file the hidden
tests hold there (keep.txt) kept as it was, a name the candidate would
plant there absent. Each failure shows the hook's refusals and the run."""

KEEP = "KEEP\n"


def check_kept(tmp_path, r, name="keep.txt"):
    p = tmp_path / "work" / "tests" / name
    assert p.exists() and p.read_text() == KEEP, ("tampered", p.exists() and p.read_text(), r.seen, r.outcomes(),
                                                  r.output[-3000:])


def check_absent(tmp_path, r, name):
    p = tmp_path / "work" / "tests" / name
    assert not p.exists(), ("planted", name, r.seen, r.outcomes(), r.output[-3000:])
