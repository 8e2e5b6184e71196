"""Assay's adversarial solution "lying_builtins".

`assay challenges check` writes this file as every entry file of a
challenge and runs the challenge's tests against it: it must not pass. It
knows nothing of the challenge; it learns from the tests. Whatever a test
imports from it (PEP 562's module __getattr__) is a forged object, callable
and chainable, equal to anything, that adopts the first value it is
compared with: from then on its repr(), str(), len(), iteration, items,
attributes and even `__class__` (so isinstance() says yes) are that value's.
The forged function remembers the value's type, and later calls give real
instances of a lying subclass of it: an int, str, float, Decimal, list,
dict, tuple, set or dataclass that is equal to anything, contains
anything, claims the base class as its `__class__`, and whose repr() is a
string equal to any other. Names that look like classes are forged classes
(subclassable; isinstance and issubclass say yes), names that look like
exceptions forged exception classes whose attributes are forged too.

A test resists it with exact types (`type(x) is int`, not isinstance),
json.dumps or repr of the result compared with a string, identities,
side effects and exceptions.
"""

import collections.abc
import copy
import dataclasses
import importlib
import sys

_UNSET = object()
LEARNED = {}  # a forged callable's path -> the first value its result was compared with
_LIARS = {}   # a type -> its lying subclass


def _dunder(name):
    return name.startswith("__") and name.endswith("__") or name.startswith("_pytest")


class LyingStr(str):
    """A string equal to, and containing, any other."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = str.__hash__

    def __contains__(self, item):
        return True


def _true(self, *args):
    return True


def _false(self, *args):
    return False


def _same(self, *args):
    return self


_ARITHMETIC = (
    "add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv floordiv rfloordiv "
    "ifloordiv mod rmod imod pow rpow ipow and rand iand or ror ior xor rxor ixor neg pos abs round"
).split()


class Forged:
    """Equal to anything; becomes what it is first compared with."""

    def __init__(self, path="?"):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_like", _UNSET)
        object.__setattr__(self, "_attrs", {})

    def __eq__(self, other):
        if self._like is _UNSET and not isinstance(other, Forged):
            object.__setattr__(self, "_like", other)
            LEARNED.setdefault(self._path, other)
        return True

    def __ne__(self, other):
        return False

    __lt__ = __le__ = __gt__ = __ge__ = _true

    @property
    def __class__(self):
        like = object.__getattribute__(self, "_like")
        return Forged if like is _UNSET else type(like)

    def __getattr__(self, name):
        if _dunder(name):
            raise AttributeError(name)
        if self._like is not _UNSET and hasattr(self._like, name):
            return getattr(self._like, name)
        attrs = self._attrs
        if name not in attrs:
            attrs[name] = _forge(self._path + "." + name)
        return attrs[name]

    def __setattr__(self, name, value):
        self._attrs[name] = value

    def __call__(self, *args, **kwargs):
        return _forge(self._path + "()")

    def __getitem__(self, key):
        if self._like is not _UNSET:
            try:
                return self._like[key]
            except Exception:
                pass
        return _forge(self._path + "[]")

    def __setitem__(self, key, value):
        pass

    def __delitem__(self, key):
        pass

    def __contains__(self, item):
        return True

    def __hash__(self):
        try:
            return hash(self._like) if self._like is not _UNSET else 0
        except TypeError:
            return 0

    def __bool__(self):
        return True

    def __len__(self):
        try:
            return len(self._like)
        except TypeError:
            return 0

    def __iter__(self):
        try:
            return iter(self._like)
        except TypeError:
            return iter(())

    def __index__(self):
        return self._like if type(self._like) is int else 0

    __int__ = __index__

    def __float__(self):
        return float(self._like) if type(self._like) in (int, float) else 0.0

    def __str__(self):
        return LyingStr("" if self._like is _UNSET else str(self._like))

    def __repr__(self):
        return LyingStr("" if self._like is _UNSET else repr(self._like))

    def __format__(self, spec):
        return LyingStr("" if self._like is _UNSET else format(self._like, spec))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def __await__(self):
        return self
        yield

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
        return (Forged, (self._path,))


for _name in _ARITHMETIC:
    setattr(Forged, "__%s__" % _name, _same)

for _abc in (collections.abc.Coroutine, collections.abc.Awaitable, collections.abc.AsyncIterator,
             collections.abc.Hashable, collections.abc.Sized, collections.abc.Container,
             collections.abc.Callable):
    _abc.register(Forged)


def _liar_class(base):
    """A subclass of base whose instances lie in every comparison."""
    if base in _LIARS:
        return _LIARS[base]

    def __getattr__(self, name):
        if _dunder(name):
            raise AttributeError(name)
        return Forged("liar." + name)

    def __getitem__(self, key):
        try:
            return base.__getitem__(self, key)
        except Exception:
            return Forged("liar[]")

    body = {
        "__eq__": _true, "__ne__": _false, "__lt__": _true, "__le__": _true, "__gt__": _true,
        "__ge__": _true, "__hash__": lambda self: 0, "__contains__": _true,
        "__bool__": lambda self: True, "__getattr__": __getattr__,
        "__repr__": lambda self: LyingStr(base.__repr__(self)),
        "__str__": lambda self: LyingStr(base.__str__(self)),
        "__class__": property(lambda self: base),
        "__module__": base.__module__,
    }
    if hasattr(base, "__getitem__"):
        body["__getitem__"] = __getitem__
    if issubclass(base, dict):
        body["__missing__"] = lambda self, key: Forged("liar[]")
    if base not in (str, bytes):  # str % args must stay formatting
        for name in _ARITHMETIC:
            if hasattr(base, "__%s__" % name):
                body["__%s__" % name] = _same
    try:
        liar = type("Lying" + base.__name__, (base,), body)
    except TypeError:  # bool, NoneType and other final types
        liar = None
    _LIARS[base] = liar
    return liar


def _lie_like(example, path):
    """A value of example's type (a lying subclass of it) with its content."""
    base = type(example)
    if example is None:
        return None
    if base is bool:
        return _lie_like(int(example), path)
    liar = _liar_class(base)
    if liar is None:
        return _forge(path, learn=False)
    try:
        if base in (int, float, complex, str, bytes, tuple, frozenset) or base.__module__ in ("decimal", "fractions"):
            return liar(example)
        if base in (list, dict, set):
            return liar(example)
        if dataclasses.is_dataclass(base) or hasattr(example, "__dict__"):
            obj = copy.copy(example)
            object.__setattr__(obj, "__class__", liar)
            return obj
    except Exception:
        pass
    return _forge(path, learn=False)


def _forge(path, learn=True):
    """The result of a forged call or attribute: a lying value of the type
    the same path was compared with before, if it was."""
    if learn and path in LEARNED:
        return _lie_like(LEARNED[path], path)
    return Forged(path)


class ForgedMeta(type):
    """A forged class: any object is its instance, any class its subclass."""

    def __instancecheck__(cls, obj):
        return True

    def __subclasscheck__(cls, sub):
        return True

    def __getattr__(cls, name):
        if _dunder(name):
            raise AttributeError(name)
        return _forge(cls.__name__ + "." + name)


class ForgedError(Exception, metaclass=ForgedMeta):
    def __init__(self, *args, **kwargs):
        super().__init__(*args)

    def __getattr__(self, name):
        if _dunder(name):
            raise AttributeError(name)
        return _forge(type(self).__name__ + "()." + name)

    def __str__(self):
        return LyingStr(" ".join(map(str, self.args)))

    __eq__ = _true
    __ne__ = _false
    __hash__ = Exception.__hash__


_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt", "Failure", "Failed",
                       "Unavailable", "Declined", "Timeout", "Refused", "Denied", "Invalid")


def _forged_class(name):
    if name.endswith(_EXCEPTION_SUFFIXES):
        return ForgedMeta(name, (ForgedError,), {"__module__": __name__})

    def __new__(cls, *args, **kwargs):
        return _forge(name + "()")

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
    else:
        value = Forged(name)
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
