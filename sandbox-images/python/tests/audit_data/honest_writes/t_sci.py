import solution

def test_stats():
    assert solution.stats([1, 2, 3])[0] == 2.0

def test_frame():
    assert solution.frame([{"k": "a", "v": 1}, {"k": "a", "v": 2}]) == {"a": 3}

def test_roundtrip(tmp_path):
    assert solution.roundtrip(tmp_path) == 3 + 5 + 3 + 1

def test_in_own_dir():
    assert solution.in_own_dir() == 3
