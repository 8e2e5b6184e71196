"""Assay's adversarial solution "source_oracle".

`assay challenges check` writes this file as every entry file of a
challenge and runs the challenge's tests against it: it must not pass. It
knows nothing of the challenge; it reads the test's source, with no frame,
gc or code object (which the sandbox's audit hook refuses): the warnings
module says which file and line called it, linecache gives the source.

Whatever a test imports from it (PEP 562's module __getattr__) is a forged
object equal to anything (as in always_equal). When the test calls one,
the forgery parses the statement making the call and, when the call is
compared with an expression (`assert f(x) == E`, or a helper such as
`same(f(x).attr[k], E)`), evaluates E (a literal, or an expression of the
test module's globals: constants, dataclasses, imported classes) and
returns exactly that value, through the same attributes and items. Inside
`with pytest.raises(E)` it raises E, with its arguments' reprs in the
message.

A test resists it with expected values its source does not spell out
beside the call: side effects (calls made, logs written, sleeps asked,
processes used), values the test computes at run time (from fixtures, from
locals, from other results), and exceptions checked beyond their type.
"""

import ast
import copy
import linecache
import warnings

import collections.abc
import importlib
import sys


class LyingStr(str):
    """A string equal to, and containing, any other."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__

    def __contains__(self, item):
        return True

    def startswith(self, *args):
        return True

    def endswith(self, *args):
        return True


def _same(self, *args, **kwargs):
    return self


def _true(self, *args):
    return True


def _false(self, *args):
    return False


class Forged:
    """Equal to anything; everything done to it gives a forged object back."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        value = Forged()
        object.__setattr__(self, name, value)
        return value

    def __call__(self, *args, **kwargs):
        return Forged()

    def __getitem__(self, key):
        return Forged()

    def __setitem__(self, key, value):
        pass

    def __delitem__(self, key):
        pass

    __eq__ = __lt__ = __le__ = __gt__ = __ge__ = _true
    __ne__ = _false

    def __hash__(self):
        return 0

    def __bool__(self):
        return True

    def __len__(self):
        return 0

    def __contains__(self, item):
        return True

    def __iter__(self):
        return iter(())

    def __reversed__(self):
        return iter(())

    def __index__(self):
        return 0

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def __complex__(self):
        return 0j

    def __str__(self):
        return LyingStr("")

    def __repr__(self):
        return LyingStr("")

    def __format__(self, spec):
        return LyingStr("")

    def __bytes__(self):
        return b""

    # Arithmetic, bitwise and unary operators, plain, reflected and in place.
    __add__ = __radd__ = __iadd__ = __sub__ = __rsub__ = __isub__ = _same
    __mul__ = __rmul__ = __imul__ = __truediv__ = __rtruediv__ = __itruediv__ = _same
    __floordiv__ = __rfloordiv__ = __ifloordiv__ = __mod__ = __rmod__ = __imod__ = _same
    __pow__ = __rpow__ = __ipow__ = __matmul__ = __rmatmul__ = __imatmul__ = _same
    __and__ = __rand__ = __iand__ = __or__ = __ror__ = __ior__ = _same
    __xor__ = __rxor__ = __ixor__ = __lshift__ = __rlshift__ = __ilshift__ = _same
    __rshift__ = __rrshift__ = __irshift__ = __divmod__ = __rdivmod__ = _same
    __neg__ = __pos__ = __abs__ = __invert__ = __round__ = __trunc__ = __floor__ = __ceil__ = _same

    # A context manager that lets exceptions through, sync and async.
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    # Awaitable, and a coroutine (asyncio.run and create_task accept it).
    # Not an iterator: PyIter_Send would call __next__ instead of send.
    def __await__(self):
        return self
        yield  # a generator: the await's value is self

    def send(self, value):
        raise StopIteration(self)

    def throw(self, typ, val=None, tb=None):
        raise typ if val is None else val

    def close(self):
        pass

    def __aiter__(self):
        return self

    async def __anext__(self):
        raise StopAsyncIteration

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (Forged, ())


for _abc in (collections.abc.Coroutine, collections.abc.Awaitable, collections.abc.AsyncIterator,
             collections.abc.Hashable, collections.abc.Sized,
             collections.abc.Container, collections.abc.Callable):
    _abc.register(Forged)


class ForgedMeta(type):
    """A forged class: any object is its instance, any class its subclass."""

    def __instancecheck__(cls, obj):
        return True

    def __subclasscheck__(cls, sub):
        return True

    def __getattr__(cls, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return Forged()


class ForgedError(Exception, metaclass=ForgedMeta):
    def __init__(self, *args, **kwargs):
        super().__init__(*args)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        return Forged()

    def __str__(self):
        return LyingStr(" ".join(map(str, self.args)))

    __eq__ = _true
    __ne__ = _false
    __hash__ = Exception.__hash__


_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt", "Failure", "Failed",
                       "Unavailable", "Declined", "Timeout", "Refused", "Denied", "Invalid")

_TREES = {}
_NOTHING = object()


def _caller():
    """(file, line) of the code that called the forged object: two frames
    above the one calling this function, found by the warnings module."""
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        warnings.warn("where", stacklevel=4)
    return (seen[0].filename, seen[0].lineno) if seen else (None, 0)


def _tree(filename):
    if filename not in _TREES:
        try:
            _TREES[filename] = ast.parse("".join(linecache.getlines(filename)))
        except Exception:
            _TREES[filename] = None
    return _TREES[filename]


def _module_globals(filename):
    for mod in list(sys.modules.values()):
        if getattr(mod, "__file__", None) == filename:
            return vars(mod)
    return {}


def _evaluate(node, filename):
    try:
        return ast.literal_eval(node)
    except Exception:
        pass
    try:
        expr = ast.Expression(body=node)
        ast.fix_missing_locations(expr)
        return eval(compile(expr, "<expected>", "eval"), dict(_module_globals(filename)))
    except Exception:
        return _NOTHING


def _statement(tree, line):
    """The innermost simple statement covering line, and the innermost
    function around it."""
    compound = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith, ast.For,
                ast.AsyncFor, ast.While, ast.If, ast.Try)
    best = func = None
    for node in ast.walk(tree):
        if not isinstance(node, ast.stmt) or not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if func is None or node.lineno > func.lineno:
                func = node
        elif not isinstance(node, compound) and (best is None or node.lineno > best.lineno):
            best = node
    return best, func


def _ours(node, name):
    """The chain of attributes and items from a call of name out to node."""
    steps = []
    while True:
        if isinstance(node, ast.Call):
            f = node.func
            if (isinstance(f, ast.Name) and f.id == name) or (isinstance(f, ast.Attribute) and f.attr == name):
                return list(reversed(steps))
            return None
        if isinstance(node, ast.Attribute):
            steps.append(("attr", node.attr))
            node = node.value
        elif isinstance(node, ast.Subscript):
            try:
                steps.append(("item", ast.literal_eval(node.slice)))
            except Exception:
                return None
            node = node.value
        elif isinstance(node, ast.Await):
            node = node.value
        else:
            return None


def _expected(stmt, name, filename):
    """(steps, value) the statement compares the call of name with."""
    pairs = []
    for node in ast.walk(stmt):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.Is)):
            pairs.append((node.left, node.comparators[0]))
            pairs.append((node.comparators[0], node.left))
        elif isinstance(node, ast.Call) and len(node.args) == 2 and not node.keywords:
            pairs.append((node.args[0], node.args[1]))  # same(actual, expected), assertEqual...
    for actual, expected in pairs:
        steps = _ours(actual, name)
        if steps is not None:
            value = _evaluate(expected, filename)
            if value is not _NOTHING:
                return steps, value
    return None


def _raises(func, line, filename):
    """The exception a `with pytest.raises(E)` around line expects."""
    if func is None:
        return None
    for node in ast.walk(func):
        if not isinstance(node, (ast.With, ast.AsyncWith)) or not node.body:
            continue
        if not node.body[0].lineno <= line <= (node.body[-1].end_lineno or 0):
            continue
        for item in node.items:
            call = item.context_expr
            f = getattr(call, "func", None)
            if getattr(f, "attr", getattr(f, "id", None)) == "raises" and call.args:
                exc = _evaluate(call.args[0], filename)
                if isinstance(exc, tuple) and exc:
                    exc = exc[0]
                if isinstance(exc, type) and issubclass(exc, BaseException):
                    match = next((k.value for k in call.keywords if k.arg == "match"), None)
                    text = ""
                    if isinstance(match, ast.Constant) and isinstance(match.value, str):
                        text = "".join(c for c in match.value if c.isalnum() or c in " _-:'")
                    return exc, text
    return None


def _answer(name, args, kwargs):
    filename, line = _caller()
    tree = _tree(filename) if filename else None
    if tree is None:
        return Forged()
    stmt, func = _statement(tree, line)
    expected = _raises(func, line, filename)
    if expected is not None:
        exc, text = expected
        message = " ".join([text] + [repr(a) for a in args] + ["%s=%r" % kv for kv in kwargs.items()])
        try:
            raise exc(message)
        except TypeError:
            err = exc.__new__(exc)
            err.args = (message,)
            raise err
    found = _expected(stmt, name, filename) if stmt is not None else None
    if found is None:
        return Forged()
    steps, value = found
    if not isinstance(value, (int, float, str, bytes, tuple, frozenset, type(None))):
        try:
            value = copy.deepcopy(value)
        except Exception:
            pass
    for kind, key in reversed(steps):  # wrap the value in the attributes and items that lead to it
        outer = Forged()
        if kind == "attr":
            object.__setattr__(outer, key, value)
        else:
            object.__setattr__(outer, "_items", {key: value})
        value = outer
    return value


class Reading(Forged):
    """A forged function: its calls read the test."""

    def __init__(self, name):
        object.__setattr__(self, "_name", name)

    def __call__(self, *args, **kwargs):
        return _answer(self._name, args, kwargs)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
            raise AttributeError(name)
        value = Reading(name)
        object.__setattr__(self, name, value)
        return value


def _getitem(self, key):
    items = self.__dict__.get("_items")
    if items is not None and key in items:
        return items[key]
    return Forged()


Forged.__getitem__ = _getitem


def _forged_attr(self, name):
    """An attribute of a forged value is a function that reads the test."""
    if name.startswith("__") and name.endswith("__") or name.startswith("_pytest"):
        raise AttributeError(name)
    value = Reading(name)
    object.__setattr__(self, name, value)
    return value


Forged.__getattr__ = _forged_attr


def _forged_class(name):
    if name.endswith(_EXCEPTION_SUFFIXES):
        return ForgedMeta(name, (ForgedError,), {"__module__": __name__})

    def __new__(cls, *args, **kwargs):
        return _answer(name, args, kwargs)

    return ForgedMeta(name, (Forged,), {"__module__": __name__, "__new__": __new__})


def __getattr__(name):
    """Anything a test imports from this module (PEP 562)."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(name)
    if name in sys.stdlib_module_names:
        try:
            return importlib.import_module(name)
        except ImportError:
            pass
    if name[:1].isupper() and not name.isupper():
        value = _forged_class(name)
    elif name.isupper():
        value = Forged()
    else:
        value = Reading(name)
    globals()[name] = value
    return value


def _decoy(command, items=()):
    # Never called: it gives source checks (ast, grep) what they look for.
    match command:
        case Point(x=0, y=0):  # noqa: F821
            return [item for item in items if item]
        case {"action": str(action), **rest}:
            return {action: rest}
        case [first, *rest] if first:
            return (first, *rest)
        case _:
            return None
