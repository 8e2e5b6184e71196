"""(A thirteenth review, of the change that let these reads skip the walk.)
Four entries into the 'code reader' shortcut (and a consumer) (assay_audit.py: a __code__
read whose top frame runs _has_code_flag, _signature_from_function or the
guard's _trusted_code is allowed with no walk). In each, the code reader's
frame reads `X.__code__` of the candidate's object X; X's class makes
__code__ a property whose getter is C only:
    partial(reduce, steal, map(attrgetter('__code__'), [target]))
so target.__code__ is read from C with the code reader's frame on top
(allowed, unreported), and reduce hands it to steal(), the candidate's."""
import functools, inspect, operator, sys, json, types

OUT = []


def steal(acc, code):
    OUT.append(code)
    return code


def duck(target):
    class Duck:
        __class__ = property(lambda self: types.FunctionType)  # isfunction() says yes
        __code__ = property(functools.partial(functools.reduce, steal,
                                              map(operator.attrgetter("__code__"), [target])))
        __name__ = "d"
        __defaults__ = None
        __kwdefaults__ = None
        __annotations__ = {}
        def __call__(self):
            pass
    return Duck()


def via_has_code_flag(target):
    inspect._has_code_flag(duck(target), 0)


def via_functionlike(target):
    # a consumer that reads getattr(obj, "__code__") (open before the
    # change too)
    inspect._signature_is_functionlike(duck(target))


def via_signature(target):
    # the public API: inspect.signature -> _signature_from_callable ->
    # _signature_from_function, whose frame reads func.__code__
    try:
        inspect.signature(duck(target))
    except Exception:
        pass


def via_guard_trusted_code(target):
    import assay_guard
    ft = types.FunctionType
    try:
        assay_guard._trusted_code(duck(target), _function=lambda x: x, _type=lambda x: ft)
    except Exception:
        pass


def add(a, b):
    if not getattr(add, "done", False):
        add.done = True
        res = {}
        import _pytest.python, assay_guard
        targets = [("hidden test", sys.modules["tests.test_solution"].test_two),
                   ("pytest", _pytest.python.pytest_pyfunc_call),
                   ("assay_guard", assay_guard.pytest_runtest_logreport)]
        for how in (via_has_code_flag, via_functionlike, via_signature, via_guard_trusted_code):
            for label, fn in targets:
                OUT.clear()
                try:
                    how(fn)
                    c = OUT[0] if OUT else None
                    res["%s / %s" % (how.__name__, label)] = (
                        [type(c).__name__, c.co_filename, repr(c.co_consts)[:120]] if c is not None else None)
                except Exception as e:
                    res["%s / %s" % (how.__name__, label)] = "ERR %r" % e
        if any(isinstance(v, list) for v in res.values()):
            with open("leak.json", "w") as f:
                json.dump(res, f, indent=0)
    return a + b
