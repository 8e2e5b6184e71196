"""What the hook puts where candidate code can reach it (stand-ins on
pytest's and the stdlib's modules) holds nothing of the hook's own in its
closure, defaults or attributes: closures, cells and defaults are plain
attributes, readable and writable with no audit event.

A twenty-sixth review walked `_pytest.assertion.rewrite._rewrite_test`'s
closure (then a plain function) to the hook's per-thread `state` dict, and
with it told the hook that its audited reads were the hook's own: test
functions' __code__ (the hidden tests' constants), a test's frame (a forged
pass), writes under tests/ (A-C); it also added a name to a set in the
same closure (D) and replaced a function cell that was handed each hidden
module's code (E). Each of A-E asserts its attack was stopped; the first
test asserts that nothing of the kind is reachable at all.
"""
import json

from protected_paths import check_kept
from test_assay_audit import run

# The candidate's walk: from every loaded module's globals and every class
# in them, through what Python lets anyone read without an audit event
# (closures and their cells, defaults, a function's or class's dict,
# bound methods' self and function, properties, plain containers), to any
# function of the hook's making other than a sealed stand-in's entry (whose
# closure is a lock and a suspended generator's send), and any mutable
# container or bound method of one held in a cell of the hook's functions.
REACH_SOL = r'''
import json, os, sys, types
HERE = os.getcwd()


def walk():
    found, entries, funcs = [], 0, 0
    todo = []
    for name, m in list(sys.modules.items()):
        if isinstance(m, types.ModuleType) and isinstance(getattr(m, "__dict__", None), dict):
            todo.extend(("%s.%s" % (name, k), v) for k, v in list(m.__dict__.items()))
    seen = set()
    keep = []
    while todo:
        path, v = todo.pop()
        if id(v) in seen or path.count("->") > 12:
            continue
        seen.add(id(v))
        keep.append(v)
        t = type(v)
        if t is types.FunctionType:
            funcs += 1
            q = v.__qualname__
            ours = v.__module__ == "assay_audit"
            if ours and "<locals>" in q and q != "_method_entry.<locals>.method":
                # (_method_entry's method holds a stand-in, for a class
                # attribute that binds)
                found.append("%s: the hook's %s" % (path, q))
            for i, cell in enumerate(v.__closure__ or ()):
                try:
                    c = cell.cell_contents
                except ValueError:
                    continue
                if ours and (type(c) in (dict, set, list) or (type(c) is types.BuiltinMethodType
                                                                and type(getattr(c, "__self__", None)) in (dict, set, list))):
                    found.append("%s: a cell of %s holds a %s" % (path, q, type(c).__name__))
                todo.append(("%s->%s.cell%d" % (path, q, i), c))
            try:  # (the hook refuses some: then it is not reached)
                defaults = v.__defaults__ or ()
            except PermissionError:
                defaults = ()
            for i, x in enumerate(defaults):
                todo.append(("%s->%s.default%d" % (path, q, i), x))
            try:
                kwdefaults = v.__kwdefaults__ or {}
            except PermissionError:
                kwdefaults = {}
            for k, x in kwdefaults.items():
                todo.append(("%s->%s.kwdefault %s" % (path, q, k), x))
            for k, x in list(v.__dict__.items()):
                todo.append(("%s->%s.%s" % (path, q, k), x))
        elif t is types.MethodType:
            if getattr(v.__func__, "__qualname__", None) == "_sealed_call":
                entries += 1
            todo.append((path + "->__func__", v.__func__))
            todo.append((path + "->__self__", v.__self__))
        elif t in (staticmethod, classmethod):
            todo.append((path + "->__func__", v.__func__))
        elif t is property:
            todo.extend((path + "->" + k, getattr(v, k)) for k in ("fget", "fset", "fdel"))
        elif t in (list, tuple, set, frozenset):
            todo.extend(("%s[%d]" % (path, i), x) for i, x in enumerate(v))
        elif t is dict:
            todo.extend(("%s[%r]" % (path, k), x) for k, x in list(v.items()))
        elif isinstance(v, type):
            for k, x in list(type.__dict__["__dict__"].__get__(v).items()):
                todo.append(("%s.%s" % (path, k), x))
    return {"found": found[:50], "entries": entries, "funcs": funcs}


def add(a, b):
    return a + b
'''

REACH_TESTS = """import json, os
import solution


def test_walk():
    with open(os.path.join(os.getcwd(), "reach.json"), "w") as fh:
        json.dump(solution.walk(), fh)
"""


def test_nothing_of_the_hook_is_reachable(tmp_path):
    r = run(tmp_path, solution=REACH_SOL, files={"tests/test_zhidden.py": "import solution\n\n\ndef test_h():\n    assert solution.add(1, 2) == 3\n"},
            tests=REACH_TESTS, lock=["tests/test_zhidden.py"])
    p = tmp_path / "work" / "reach.json"
    assert p.exists() and p.read_text(), (r.outcomes() if r.junit else None, r.output[-3000:])
    got = json.loads(p.read_text())
    # (the walk is real: it met the stand-ins, _rewrite_test's among them)
    assert got["entries"] >= 5 and got["funcs"] > 1000, got
    assert got["found"] == [], got["found"]

FIND_STATE = r'''
import json, os, sys, threading, types
HERE = os.getcwd()


def _find_state():
    rw = sys.modules["_pytest.assertion.rewrite"]
    todo, seen = [rw._rewrite_test], set()
    while todo:
        fn = todo.pop()
        if id(fn) in seen or not isinstance(fn, types.FunctionType):
            continue
        seen.add(id(fn))
        for cell in fn.__closure__ or ():
            v = cell.cell_contents
            if isinstance(v, types.FunctionType):
                todo.append(v)
            # state_get = state.get: a bound dict.get whose dict is state
            elif type(v).__name__ == "builtin_function_or_method" and v.__name__ == "get" \
                    and type(getattr(v, "__self__", None)) is dict and fn.__name__ == "code_file":
                return v.__self__
    return None
'''

# (shared with the other reviews' reproducers: what a solution does once it
# has the hook's state)
CONSTS_FN = r'''

def consts(co, out):
    todo = [co]
    while todo:
        c = todo.pop()
        for k in c.co_consts:
            if isinstance(k, types.CodeType):
                todo.append(k)
            elif isinstance(k, (int, str)) and not isinstance(k, bool):
                out.append(k)
    return out


def state_of(k, v):
    """The hook's state if a frame's local k = v is it, or is the hook's
    leave (whose one dict cell is the state): frames of the hook's
    functions hold the one or the other as a free variable."""
    if k == "state" and type(v) is dict:
        return v
    if k == "leave" and type(v) is types.FunctionType:
        for cell in v.__closure__ or ():
            if type(cell.cell_contents) is dict:
                return cell.cell_contents
    return None


def scan_frames(f, leak, found):
    """Down f_back from frame f: the constants of the hidden modules' code
    objects the frames' locals hold, into leak["codes"], and the hook's
    state (state_of), into found, once; leak["frames"] counts them."""
    while f is not None:
        leak["frames"] = leak.get("frames", 0) + 1
        for k, v in list(f.f_locals.items()):
            if type(v) is types.CodeType and "zhidden" in v.co_filename:
                leak["codes"].append(consts(v, []))
            st = state_of(k, v)
            if st is not None and not found:
                leak["state"] = True
                found.append(st)
        f = f.f_back
'''
PEEK_CONSTS = r'''

STATE = None


def peek(obj, attr):
    """getattr(obj, attr) with the hook told it is its own read."""
    global STATE
    if STATE is None:
        STATE = _find_state()
    tid = threading.get_ident()
    STATE[tid] = obj
    try:
        return getattr(obj, attr)
    finally:
        STATE.pop(tid, None)
''' + CONSTS_FN
FIND_STATE += PEEK_CONSTS

# A. Constants of every hidden test function (the expected values).
CONSTS_HIDDEN = '''import solution


def test_hidden_expected():
    assert solution.add(40, 2) == 4242


def test_dump():
    assert solution.dump() == 1
'''

CONSTS_SOL = FIND_STATE + r'''

def add(a, b):
    return a + b


def dump():
    out = {}
    for name, m in list(sys.modules.items()):
        if "zhidden" in name:
            for k, v in list(vars(m).items()):
                if isinstance(v, types.FunctionType) and k.startswith("test"):
                    out[k] = consts(peek(v, "__code__"), [])
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(out, fh)
    return 1
'''


def leaked(tmp_path):
    p = tmp_path / "work" / "leak.json"
    return p.read_text() if p.exists() else ""


def outcomes(r):
    return {k: v[0] for k, v in r.outcomes().items()} if r.junit else r.output[-3000:]


def test_state_cell_reads_hidden_test_code(tmp_path):
    r = run(tmp_path, solution=CONSTS_SOL, files={"tests/test_zhidden.py": CONSTS_HIDDEN},
            lock=["tests/test_zhidden.py"])
    text = leaked(tmp_path)
    assert "4242" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])


# B. A forged pass: the solution computes nothing; it takes the test's
#    frame through its own exception's traceback (tb_frame, f_back,
#    f_code), finds the constant the test compares its result with, and
#    returns it. The hidden tests pass with nothing reported.
FORGE_HIDDEN = '''import solution


def test_forged_a():
    assert solution.add(2, 2) == 5


def test_forged_b():
    expected = 77
    assert solution.add(1, 1) == expected
'''

# (shared with later reviews' reproducers: two hidden tests whose expected
# values are constants, and an add() that, given the hook's state in a
# module global _STATE, reads the test's frame and returns that constant)
FORGE_CONST_HIDDEN = """import solution


def test_forged_a():
    assert solution.add(2, 2) == 5


def test_forged_b():
    assert solution.add(1, 1) == 77
"""

FORGE_FN = r'''
import threading as _threading


def _forge(a, b, st):
    """The constant the test calling add compares its result with, its
    frame and code read with the hook's state st (told they are the
    hook's own reads): a forged pass."""
    tid = _threading.get_ident()
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        tb = e.__traceback__
    st[tid] = tb
    try:
        me = tb.tb_frame
    finally:
        st.pop(tid, None)
    test = me.f_back.f_back  # (this, add, the test)
    st[tid] = test
    try:
        co = test.f_code
    finally:
        st.pop(tid, None)
    want = [k for k in co.co_consts if isinstance(k, int) and not isinstance(k, bool) and k not in (a, b)]
    return want[-1] if want else a + b
'''

FORGE_ADD_FROM_STATE = FORGE_FN + r'''

def add(a, b):
    if not _STATE:
        return a + b
    return _forge(a, b, _STATE[0])
'''

FORGE_SOL = FIND_STATE + r'''
import dis


def add(a, b):
    try:
        raise ZeroDivisionError
    except ZeroDivisionError as e:
        tb = e.__traceback__
    f = peek(tb, "tb_frame").f_back          # the test's frame
    co = peek(f, "f_code")
    ins = list(dis.get_instructions(co))
    at = next(i for i, x in enumerate(ins) if x.offset >= f.f_lasti)
    for x in ins[at + 1:]:
        if x.opname == "LOAD_CONST" and isinstance(x.argval, int):
            return x.argval
        if x.opname == "LOAD_FAST" and isinstance(f.f_locals.get(x.argval), int):
            return f.f_locals[x.argval]
    return a + b
'''


def test_state_cell_forges_a_pass(tmp_path):
    r = run(tmp_path, solution=FORGE_SOL, files={"tests/test_zhidden.py": FORGE_HIDDEN},
            lock=["tests/test_zhidden.py"])
    got = outcomes(r)
    assert not (isinstance(got, dict) and got.get("test_forged_a") == "passed"
                and got.get("test_forged_b") == "passed"), ("FORGED", got, r.seen)


# C. A write under tests/ by the solution's own frame: open() with the
#    path string in state.
WRITE_SOL = FIND_STATE + r'''

def add(a, b):
    global STATE
    if STATE is None:
        STATE = _find_state()
    p = os.path.join(HERE, "tests", "keep.txt")
    tid = threading.get_ident()
    STATE[tid] = p
    try:
        fh = open(p, "w")
    finally:
        STATE.pop(tid, None)
    with fh:
        fh.write("TAMPERED\n")
    return a + b
'''

WRITE_HIDDEN = '''import solution


def test_add():
    assert solution.add(1, 2) == 3
'''


def test_state_cell_writes_under_tests(tmp_path):
    from protected_paths import KEEP
    r = run(tmp_path, solution=WRITE_SOL, files={"tests/test_zhidden.py": WRITE_HIDDEN, "tests/keep.txt": KEEP},
            lock=["tests/test_zhidden.py"])
    check_kept(tmp_path, r)


# D. No audited event at all: the same closures are writable. The
#    candidate adds "len" to fresh_module's `fresh_keys` (a plain set in
#    its closure) and the twenty-fifth review's route C (its finder hands
#    pytest's collection a module it made, `len = eval` in its globals)
#    passes fresh_module again: the test's len() runs the candidate's
#    string in the test's frame, locals() included.
FRESH_HIDDEN = """import solution


def test_len():
    secret = 5151
    assert len(solution.items(secret)) == 2
"""

FRESH_SOL = r'''
import json, os, sys, types, importlib.util
HERE = os.getcwd()
SINK = []


def _closure_fn(fn, name):
    for cell in fn.__closure__ or ():
        v = cell.cell_contents
        if isinstance(v, types.FunctionType) and v.__name__ == name:
            return v


_fresh = _closure_fn(sys.modules["_pytest.assertion.rewrite"]._rewrite_test, "fresh_module")
for _cell in _fresh.__closure__:
    if type(_cell.cell_contents) is set:
        _cell.cell_contents.add("len")


class Payload(str):
    pass


def items(x):
    return Payload("__import__('solution').SINK.append(repr(locals())) or 2")


_hook = next(h for h in sys.meta_path if type(h).__name__ == "AssertionRewritingHook")


class Finder:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.endswith("test_zzzz_hidden"):
            target = os.path.join(HERE, "tests", "test_zzzz_hidden.py")
            m = types.ModuleType(name)
            m.__dict__["len"] = eval
            def _cm(spec):
                del _hook.create_module
                return m
            _hook.create_module = _cm
            return importlib.util.spec_from_loader(name, _hook, origin=target)
        return None


sys.meta_path.insert(0, Finder)


def dump():
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(SINK, fh)
    return 1
'''

LAST = '''import solution


def test_zzzz_last():
    assert solution.dump() == 1
'''


def test_fresh_keys_set_is_writable(tmp_path):
    r = run(tmp_path, solution=FRESH_SOL, tests="import solution\n\n\ndef test_v():\n    assert solution.dump() == 1\n",
            files={"tests/test_zzzz_hidden.py": FRESH_HIDDEN, "tests/test_zzzzz.py": LAST},
            lock=["tests/test_zzzz_hidden.py"])
    text = leaked(tmp_path)
    assert "5151" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])


# E. rewrite_test's `run_module` cell replaced (cell_contents is
#    writable, no event): the hook hands the candidate's function the
#    whole rewritten code object of every hidden module imported after
#    the solution. (The module then fails to run, exec being refused
#    under a candidate frame: its tests go missing, a finding; the code
#    was read all the same.)
STEAL_HIDDEN_2 = '''import solution


def test_second():
    assert solution.add(3, 4) == 8383
'''

STEAL_SOL = r'''
import json, os, sys, types
HERE = os.getcwd()
OUT = []


def _consts(co, out):
    todo = [co]
    while todo:
        c = todo.pop()
        for k in c.co_consts:
            if isinstance(k, types.CodeType):
                todo.append(k)
            elif isinstance(k, (int, str)) and not isinstance(k, bool):
                out.append(k)
    return out


def _steal(co, d):
    OUT.append(_consts(co, []))
    with open(os.path.join(HERE, "leak.json"), "w") as fh:
        json.dump(OUT, fh)
    return _orig(co, d)


for _cell in sys.modules["_pytest.assertion.rewrite"]._rewrite_test.__closure__:
    if isinstance(_cell.cell_contents, types.FunctionType) and _cell.cell_contents.__name__ == "run_module":
        _orig = _cell.cell_contents
        _cell.cell_contents = _steal


def add(a, b):
    return a + b
'''


def test_run_module_cell_is_writable(tmp_path):
    r = run(tmp_path, solution=STEAL_SOL, files={"tests/test_zhidden_1.py": CONSTS_HIDDEN.replace("solution.dump() == 1", "1"),
                                               "tests/test_zhidden_2.py": STEAL_HIDDEN_2},
            lock=["tests/test_zhidden_1.py", "tests/test_zhidden_2.py"])
    text = leaked(tmp_path)
    assert "8383" not in text, ("LEAKED", outcomes(r), r.seen, text[:1500])
