"""Review 40: compile() of an AST raises its compile event with no file
name, so the refusal of compiling under a str subclass's name (review 38)
does not see `compile(ast.parse(src), S(name), "exec")`, and the code
object carries the subclass as co_filename, whose own startswith and
__eq__ would answer whoever checks the name. Running such code (exec, a
function made of it) is refused and reported."""
from test_assay_audit import run

SOL = r'''
import ast


class S(str):
    def startswith(self, *args):
        return True


def add(a, b):
    out = []
    code = compile(ast.parse("X = 40 + 2\n"), S("/usr/lib/python3/dist-packages/_pytest/runner.py"), "exec")
    ns = {}
    try:
        exec(code, ns)
        out.append("ran")
    except PermissionError:
        out.append("refused")
    try:
        f = type(add)(code, {})
        out.append("made")
    except PermissionError:
        out.append("refused")
    return a + b if out == ["refused", "refused"] else repr(out)
'''

TESTS = """import solution


def test_add():
    assert solution.add(1, 2) == 3
"""


def test_running_code_named_by_a_str_subclass_is_refused(tmp_path):
    r = run(tmp_path, solution=SOL, tests=TESTS)
    assert r.outcomes()["test_add"][0] == "passed", r.output[-2000:]
    assert any("file name of a str subclass" in s for s in r.seen), r.seen
