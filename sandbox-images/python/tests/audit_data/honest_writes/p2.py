import os, pathlib, json
import solution
HERE = pathlib.Path(__file__).parent

def test_read_existing_data_file_pathlib():
    assert json.loads((HERE / "data.json").read_text())["a"] == 1

def test_read_existing_data_file_open():
    with open(HERE / "data.json") as f:
        assert json.load(f)["a"] == 1

def test_read_bytes():
    assert (HERE / "data.json").read_bytes()

def test_read_fixture_dir():
    assert (HERE.parent / "fixtures" / "data.txt").read_text() == "fixture\n"
