import os, pathlib, shutil, tempfile, contextlib, unittest, atexit
import pytest
import solution
HERE = pathlib.Path(__file__).parent

@pytest.fixture
def outfile(request):
    p = HERE / "fin.txt"
    p.write_text("x")
    request.addfinalizer(p.unlink)
    return p

def test_addfinalizer_bound(outfile):
    assert outfile.exists()

@pytest.fixture
def outdir(request):
    d = tempfile.mkdtemp(dir=HERE)
    request.addfinalizer(lambda: shutil.rmtree(d))
    return d

def test_addfinalizer_lambda(outdir):
    assert os.path.isdir(outdir)

def test_exitstack_callback_bound():
    p = HERE / "cb.txt"
    p.write_text("x")
    with contextlib.ExitStack() as st:
        st.callback(p.unlink)
    assert not p.exists()

def test_exitstack_push_tempdir_failing():
    try:
        with contextlib.ExitStack() as st:
            td = tempfile.TemporaryDirectory(dir=HERE)
            st.callback(td.cleanup)
            assert solution.add(1, 1) == 3
    except AssertionError:
        pass

class TestCaseStyle(unittest.TestCase):
    def setUp(self):
        self.d = tempfile.mkdtemp(dir=HERE)
        self.addCleanup(shutil.rmtree, self.d)
        self.td = tempfile.TemporaryDirectory(dir=HERE)
        self.addCleanup(self.td.cleanup)

    def tearDown(self):
        pathlib.Path(self.d, "td.txt").write_text("x")

    def test_it(self):
        pathlib.Path(self.d, "a.txt").write_text("x")
        self.assertEqual(solution.add(1, 1), 2)

    def test_fails_then_cleans(self):
        pass

class TestClassStyle:
    def setup_method(self, method):
        self.p = HERE / "cls.txt"
        self.p.write_text("x")

    def teardown_method(self, method):
        self.p.unlink()

    def test_a(self):
        assert self.p.read_text() == "x"

def test_monkeypatch_chdir(monkeypatch):
    monkeypatch.chdir(HERE)
    pathlib.Path("mp.txt").write_text("x")
    os.remove("mp.txt")

def test_unlink_map():
    ps = [HERE / "m1", HERE / "m2"]
    for p in ps:
        p.touch()
    list(map(pathlib.Path.unlink, ps))

def test_atexit_bound():
    td = tempfile.TemporaryDirectory(dir=HERE)
    atexit.register(td.cleanup)
