"""Assay's adversarial solution "oracle".

`assay challenges check` writes this file as every entry file of a
challenge and runs the challenge's tests against it: it must not pass. It
knows nothing of the challenge; it reads the tests while they run.

Whatever a test imports from it (PEP 562's module __getattr__) is a forged
object. Each time the test calls one, or reads an attribute, an item, its
len(), str() or awaited value, the forgery looks at the calling frame's
bytecode, follows what the test does next with the value (through
assignments, pytest's rewritten asserts, helper functions returning it and
awaits) and, when the test compares it with something it can work out (a
literal, a local variable, a dataclass built from literals,
pytest.approx(...)), returns exactly that: the right value, of the right
type, with `is` identity where the test asks for it. When it cannot, it
returns an object equal to anything that adopts the first value it is
compared with (its repr, len, items, attributes and `__class__` become
that value's). Unpacking gives as many values as the test unpacks. Called
inside `with pytest.raises(E, match=...)`, it raises E with a message that
matches and names its arguments. Called with a lone function (a
decorator), it returns a transparent functools.wraps wrapper, so the
wrapped function's metadata and behaviour are real.

A test resists it by checking what cannot be read from the test itself:
side effects (calls made, logs, files, sleeps, processes and threads
used), results that depend on inputs in ways the test does not spell out
beside the call (consistency between calls, values computed from other
results), exact types of values the test does not compare with a literal,
and details of raised exceptions (identity, `__cause__`, attributes).
"""

import builtins
import collections.abc
import copy
import dataclasses
import decimal
import dis
import enum
import fractions
import functools
import gc
import importlib
import operator
import os
import re
import sys
import types

_UNSET = object()
_UNKNOWN = object()  # a value the simulation cannot know
_NULL = object()     # the NULL the 3.11 call sequence pushes


_PREDICTED_DUNDERS = ("__name__", "__qualname__", "__cause__", "__context__")


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


# ---- reading the test's bytecode ------------------------------------------------------

class _Marker:
    """The value being predicted (or the index-th item of it, unpacked)."""

    def __init__(self, index=None):
        self.index = index


class _TypeOf:
    def __init__(self, marker):
        self.marker = marker


class _Awaited:
    def __init__(self, marker):
        self.marker = marker


class Prediction:
    def __init__(self):
        self.values = {}    # marker -> (value, identity)
        self.types = {}     # marker -> type
        self.awaited = False
        self.unpack = None


_CODE = {}
_PLAIN = (type(None), bool, int, float, complex, str, bytes, decimal.Decimal, fractions.Fraction, range, slice)
_IMMUTABLE = (type(None), bool, int, float, complex, str, bytes, decimal.Decimal, fractions.Fraction, range,
              frozenset, tuple, enum.Enum)
_SAFE_FUNCS = {int, float, complex, str, bytes, bool, tuple, list, dict, set, frozenset, sorted, len, abs, min,
               max, sum, round, repr, divmod, decimal.Decimal, fractions.Fraction, range, slice, reversed}
_BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
           "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "&": operator.and_,
           "|": operator.or_, "^": operator.xor, "<<": operator.lshift, ">>": operator.rshift}
_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
            ">=": operator.ge}


def _instructions(code):
    got = _CODE.get(code)
    if got is None:
        instrs = list(dis.get_instructions(code))
        got = (instrs, {ins.offset: i for i, ins in enumerate(instrs)})
        _CODE[code] = got
    return got


def _known(v):
    return v is not _UNKNOWN and v is not _NULL and not isinstance(v, (_Marker, _TypeOf, _Awaited, Forged))


def _plain(v, depth=0):
    """Data a simulated call may be given: no callables, no forged values."""
    if depth > 6:
        return False
    if isinstance(v, _PLAIN) or isinstance(v, enum.Enum):
        return True
    if isinstance(v, (tuple, list, set, frozenset)):
        return all(_plain(x, depth + 1) for x in v)
    if isinstance(v, dict):
        return all(_plain(k, depth + 1) and _plain(x, depth + 1) for k, x in v.items())
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return all(_plain(getattr(v, f.name, None), depth + 1) for f in dataclasses.fields(v))
    return False


def _safe_func(f):
    if f in _SAFE_FUNCS:
        return True
    pytest = sys.modules.get("pytest")
    if pytest is not None and f is getattr(pytest, "approx", None):
        return True
    if isinstance(f, type):
        return dataclasses.is_dataclass(f) or issubclass(f, enum.Enum) or (issubclass(f, tuple) and hasattr(f, "_fields"))
    if isinstance(f, types.BuiltinMethodType):
        return isinstance(getattr(f, "__self__", None), _IMMUTABLE)
    return False


def _user_frame(frame):
    name = frame.f_code.co_filename
    return not (name.startswith("<") or "-packages" in name or name.startswith(sys.prefix + "/lib")
                or name == __file__)


def _in_failure_path(instrs, start, stop):
    for ins in instrs[start:stop]:
        if ins.opname in ("RAISE_VARARGS", "LOAD_ASSERTION_ERROR"):
            return True
    return False


def _simulate(frame, start_offset, stack, pred, depth=0):
    """Follows the frame's bytecode from start_offset with the given stack
    top, recording what the test compares the markers with."""
    try:
        instrs, index = _instructions(frame.f_code)
    except Exception:
        return
    i = index.get(start_offset)
    if i is None:
        return
    env = dict(frame.f_locals)
    glob = frame.f_globals
    ours = set()  # ids of the lists, dicts and sets the simulation built
    kwnames = ()
    stack = list(stack)

    def pop():
        return stack.pop() if stack else _UNKNOWN

    def popn(n):
        out = [pop() for _ in range(n)]
        out.reverse()
        return out

    for _ in range(800):
        if i >= len(instrs):
            return
        ins = instrs[i]
        op, arg, val = ins.opname, ins.arg, ins.argval
        i += 1
        if op in ("NOP", "RESUME", "PRECALL", "EXTENDED_ARG", "CACHE", "MAKE_CELL", "COPY_FREE_VARS"):
            continue
        if op == "KW_NAMES":
            kwnames = frame.f_code.co_consts[arg]
        elif op == "POP_TOP":
            pop()
        elif op == "PUSH_NULL":
            stack.append(_NULL)
        elif op == "LOAD_CONST":
            stack.append(val)
        elif op in ("LOAD_FAST", "LOAD_DEREF", "LOAD_CLASSDEREF"):
            stack.append(env.get(val, _UNKNOWN))
        elif op == "LOAD_CLOSURE":
            stack.append(_UNKNOWN)
        elif op in ("STORE_FAST", "STORE_DEREF", "STORE_NAME", "STORE_GLOBAL"):
            env[val] = pop()
        elif op in ("DELETE_FAST", "DELETE_DEREF", "DELETE_NAME"):
            env.pop(val, None)
        elif op == "LOAD_GLOBAL":
            if arg & 1:
                stack.append(_NULL)
            stack.append(glob.get(val, getattr(builtins, val, _UNKNOWN)))
        elif op == "LOAD_NAME":
            stack.append(env.get(val, glob.get(val, getattr(builtins, val, _UNKNOWN))))
        elif op in ("LOAD_ATTR", "LOAD_METHOD"):
            obj = pop()
            got = _UNKNOWN
            if _known(obj) and not val.startswith("__"):
                try:
                    got = getattr(obj, val)
                except Exception:
                    pass
            if op == "LOAD_METHOD":
                stack.append(_NULL)
            stack.append(got)
        elif op == "STORE_ATTR":
            popn(2)
        elif op == "STORE_SUBSCR":
            popn(3)
        elif op == "DELETE_SUBSCR":
            popn(2)
        elif op == "BINARY_SUBSCR":
            key, obj = pop(), pop()
            got = _UNKNOWN
            if isinstance(obj, (list, tuple, dict, str, bytes, range)) and _plain(key):
                try:
                    got = obj[key]
                except Exception:
                    pass
            stack.append(got)
        elif op in ("BUILD_TUPLE", "BUILD_LIST", "BUILD_SET"):
            items = popn(arg)
            if all(_known(x) for x in items):
                try:
                    built = {"BUILD_TUPLE": tuple, "BUILD_LIST": list, "BUILD_SET": set}[op](items)
                except TypeError:
                    built = _UNKNOWN
            else:
                built = _UNKNOWN
            if built is not _UNKNOWN and op != "BUILD_TUPLE":
                ours.add(id(built))
            stack.append(built)
        elif op == "BUILD_MAP":
            items = popn(2 * arg)
            built = _UNKNOWN
            if all(_known(x) for x in items):
                try:
                    built = dict(zip(items[::2], items[1::2]))
                    ours.add(id(built))
                except TypeError:
                    pass
            stack.append(built)
        elif op == "BUILD_CONST_KEY_MAP":
            keys = pop()
            values = popn(arg)
            built = _UNKNOWN
            if _known(keys) and all(_known(x) for x in values):
                built = dict(zip(keys, values))
                ours.add(id(built))
            stack.append(built)
        elif op in ("LIST_EXTEND", "SET_UPDATE", "DICT_UPDATE", "DICT_MERGE", "LIST_APPEND", "SET_ADD"):
            item = pop()
            target = stack[-arg] if len(stack) >= arg else _UNKNOWN
            if id(target) in ours and _known(item):
                try:
                    {"LIST_EXTEND": list.extend, "SET_UPDATE": set.update, "DICT_UPDATE": dict.update,
                     "DICT_MERGE": dict.update, "LIST_APPEND": list.append, "SET_ADD": set.add}[op](target, item)
                except Exception:
                    stack[-arg] = _UNKNOWN
            elif len(stack) >= arg:
                stack[-arg] = _UNKNOWN
        elif op == "LIST_TO_TUPLE":
            v = pop()
            stack.append(tuple(v) if isinstance(v, list) else _UNKNOWN)
        elif op == "BUILD_SLICE":
            parts = popn(arg)
            stack.append(slice(*parts) if all(_known(x) for x in parts) else _UNKNOWN)
        elif op == "BUILD_STRING":
            parts = popn(arg)
            stack.append("".join(parts) if all(isinstance(x, str) for x in parts) else _UNKNOWN)
        elif op == "FORMAT_VALUE":
            spec = pop() if (arg & 0x04) else ""
            v = pop()
            conv = {1: str, 2: repr, 3: ascii}.get(arg & 0x03)
            if _plain(v) and isinstance(spec, str):
                try:
                    stack.append(format(conv(v) if conv else v, spec))
                    continue
                except Exception:
                    pass
            stack.append(_UNKNOWN)
        elif op == "BINARY_OP":
            right, left = pop(), pop()
            fn = _BINARY.get(ins.argrepr.rstrip("="))
            got = _UNKNOWN
            if fn is not None and _plain(left) and _plain(right):
                try:
                    got = fn(left, right)
                except Exception:
                    pass
            stack.append(got)
        elif op in ("UNARY_NEGATIVE", "UNARY_POSITIVE", "UNARY_INVERT", "UNARY_NOT"):
            v = pop()
            fn = {"UNARY_NEGATIVE": operator.neg, "UNARY_POSITIVE": operator.pos,
                  "UNARY_INVERT": operator.invert, "UNARY_NOT": operator.not_}[op]
            stack.append(fn(v) if _plain(v) and not isinstance(v, (str, bytes)) else _UNKNOWN)
        elif op in ("COMPARE_OP", "IS_OP", "CONTAINS_OP"):
            right, left = pop(), pop()
            got = _UNKNOWN
            for a, b in ((left, right), (right, left)):
                if isinstance(a, _Marker) and _known(b):
                    if (op == "COMPARE_OP" and val == "==") or (op == "IS_OP" and arg == 0):
                        pred.values.setdefault(a, (b, op == "IS_OP"))
                elif isinstance(a, _TypeOf) and isinstance(b, type):
                    if (op == "COMPARE_OP" and val == "==") or (op == "IS_OP" and arg == 0):
                        pred.types.setdefault(a.marker, b)
            if _plain(left) and _plain(right):
                try:
                    if op == "COMPARE_OP":
                        got = _COMPARE[val](left, right)
                    elif op == "IS_OP":
                        got = (left is right) != bool(arg)
                    else:
                        got = (left in right) != bool(arg)
                except Exception:
                    pass
            stack.append(got)
        elif op == "COPY":
            stack.append(stack[-arg] if len(stack) >= arg else _UNKNOWN)
        elif op == "SWAP":
            if len(stack) >= arg:
                stack[-1], stack[-arg] = stack[-arg], stack[-1]
        elif op == "JUMP_FORWARD":
            i = index[val]
        elif op.startswith("POP_JUMP_FORWARD_IF_"):
            cond = pop()
            target = index[val]
            if _plain(cond):
                test = {"TRUE": bool(cond), "FALSE": not cond, "NONE": cond is None,
                        "NOT_NONE": cond is not None}[op[len("POP_JUMP_FORWARD_IF_"):]]
                if test:
                    i = target
            elif _in_failure_path(instrs, i, target):
                i = target  # assume the assertion holds: skip its failure branch
        elif op in ("JUMP_IF_FALSE_OR_POP", "JUMP_IF_TRUE_OR_POP"):
            cond = stack[-1] if stack else _UNKNOWN
            if _plain(cond):
                if bool(cond) == (op == "JUMP_IF_TRUE_OR_POP"):
                    i = index[val]
                else:
                    pop()
            elif op == "JUMP_IF_TRUE_OR_POP":
                i = index[val]
            else:
                pop()
        elif op == "UNPACK_SEQUENCE":
            v = pop()
            if isinstance(v, _Marker) and v.index is None and pred.unpack is None and not pred.values:
                pred.unpack = arg
                stack.extend(_Marker(k) for k in reversed(range(arg)))
            elif isinstance(v, (tuple, list)) and len(v) == arg:
                stack.extend(reversed(v))
            else:
                stack.extend([_UNKNOWN] * arg)
        elif op == "GET_AWAITABLE":
            v = pop()
            stack.append(_Awaited(v) if isinstance(v, _Marker) else _UNKNOWN)
        elif op == "SEND":
            pop()  # the value sent
            aw = pop()
            stack.append(aw.marker if isinstance(aw, _Awaited) else _UNKNOWN)
            if isinstance(aw, _Awaited):
                pred.awaited = True
            i = index[val]
        elif op == "CALL":
            n = arg
            args = popn(n)
            fn, first = pop(), pop()
            if first is not _NULL:  # a method: first is the function, fn its self
                fn, args = first, [fn] + args
            kw = {}
            if kwnames:
                names, kwnames = kwnames, ()
                kw = dict(zip(names, args[len(args) - len(names):]))
                args = args[:len(args) - len(names)]
            got = _UNKNOWN
            if fn is type and len(args) == 1 and isinstance(args[0], _Marker):
                got = _TypeOf(args[0])
            elif fn is isinstance and len(args) == 2 and isinstance(args[0], _Marker) and isinstance(args[1], type):
                pred.types.setdefault(args[0], args[1])
                got = True
            elif (getattr(fn, "__name__", None) in ("run", "run_until_complete", "wait_for")
                  and "asyncio" in str(getattr(fn, "__module__", "")) and args and isinstance(args[0], _Marker)):
                pred.awaited = True  # asyncio.run(coroutine) is the coroutine's value
                got = args[0]
            elif _safe_func(fn) and all(_plain(a) for a in args) and all(_plain(v) for v in kw.values()):
                try:
                    got = fn(*args, **kw)
                except Exception:
                    pass
            stack.append(got)
        elif op == "RETURN_VALUE":
            v = pop()
            back = frame.f_back
            if isinstance(v, _Marker) and back is not None and depth < 3 and _user_frame(back):
                try:
                    instrs_b, index_b = _instructions(back.f_code)
                    k = index_b[back.f_lasti] + 1
                    _simulate(back, instrs_b[k].offset, [v], pred, depth + 1)
                except Exception:
                    pass
            return
        else:
            return  # loops, raises, with blocks, imports...: stop reading


def _predict(frame, after_offset=None, markers=None):
    """What the test at frame does next with the value of its current
    instruction."""
    pred = Prediction()
    if frame is None or not _user_frame(frame):
        return pred
    try:
        instrs, index = _instructions(frame.f_code)
        k = index[frame.f_lasti]
        if after_offset is None:
            after_offset = instrs[k + 1].offset
    except Exception:
        return pred
    _simulate(frame, after_offset, markers or [_Marker()], pred)
    return pred


def _exact(value, identity):
    approx = sys.modules.get("_pytest.python_api")
    if approx is not None and isinstance(value, approx.ApproxBase):
        value, identity = value.expected, False
    if identity or isinstance(value, _IMMUTABLE):
        return value
    try:
        return copy.deepcopy(value)
    except Exception:
        return value


def _value_for(pred, marker, path):
    """The exact value the test compares marker with, else an instance of
    the type it checks (a dataclass with forged fields), else a forged
    value claiming that type."""
    if marker in pred.values:
        return _exact(*pred.values[marker])
    hint = pred.types.get(marker)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        try:
            obj = object.__new__(hint)
            for f in dataclasses.fields(hint):
                object.__setattr__(obj, f.name, Forged(path + "." + f.name))
            return obj
        except Exception:
            pass
    return Forged(path, hint)


def _answer(frame, path, kind=None):
    """The value the test at frame expects from the current operation, or
    a forged one."""
    pred = _predict(frame)
    roots = [m for m in list(pred.values) + list(pred.types) if m.index is None]
    if roots:
        value = _value_for(pred, roots[0], path)
    elif pred.unpack is not None:
        items = {m.index: m for m in list(pred.values) + list(pred.types)}
        value = tuple(_value_for(pred, items[k], "%s[%d]" % (path, k)) if k in items else Forged("%s[%d]" % (path, k))
                      for k in range(pred.unpack))
    else:
        value = Forged(path)
    if kind is not None and not isinstance(value, kind):
        return _UNSET
    if pred.awaited and not isinstance(value, Forged):
        return Awaitable(value)
    return value


# ---- pytest.raises -------------------------------------------------------------------

def _in_with_block(frame):
    """Whether some frame up the stack is inside a `with` block."""
    parse = getattr(dis, "_parse_exception_table", None)
    for _ in range(12):
        if frame is None or not _user_frame(frame):
            return False
        try:
            instrs, index = _instructions(frame.f_code)
            for entry in parse(frame.f_code) if parse else ():
                if entry.start <= frame.f_lasti < entry.end:
                    k = index.get(entry.target)
                    if k is not None and any(ins.opname == "WITH_EXCEPT_START" for ins in instrs[k:k + 3]):
                        return True
        except Exception:
            return True
        frame = frame.f_back
    return False


def _expected_raise(frame):
    """(exception type, match) of the pytest.raises the call is made in."""
    api = sys.modules.get("_pytest.python_api")
    if api is None:
        return None
    f = frame
    while f is not None:  # pytest.raises(E, func, *args)
        if f.f_code is getattr(api.raises, "__code__", None) and f.f_locals.get("args"):
            return f.f_locals.get("expected_exception"), None
        f = f.f_back
    if not _in_with_block(frame):
        return None
    ctx_type = getattr(api, "RaisesContext", None)
    for obj in gc.get_objects():
        if type(obj) is not ctx_type:
            continue
        excinfo = getattr(obj, "excinfo", None)
        if excinfo is None or getattr(excinfo, "_excinfo", None) is not None:
            continue
        # A live `with` holds the context's bound __exit__ on its stack.
        if any(isinstance(r, types.MethodType) and r.__self__ is obj for r in gc.get_referrers(obj)):
            return obj.expected_exception, getattr(obj, "match_expr", None)
    return None


def _matching(pattern):
    """A string re.search(pattern, ...) finds."""
    try:
        import re._parser as sre
    except ImportError:
        import sre_parse as sre
    c = sre  # constants are re-exported by the parser module

    def char_in(items):
        for cand in "a0 xA_-.":
            ok = False
            negate = False
            for kind, v in items:
                if kind is c.NEGATE:
                    negate = True
                elif kind is c.LITERAL:
                    ok |= cand == chr(v)
                elif kind is c.RANGE:
                    ok |= v[0] <= ord(cand) <= v[1]
                elif kind is c.CATEGORY:
                    ok |= bool(re.match({c.CATEGORY_DIGIT: r"\d", c.CATEGORY_NOT_DIGIT: r"\D",
                                         c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W",
                                         c.CATEGORY_SPACE: r"\s", c.CATEGORY_NOT_SPACE: r"\S"}.get(v, "x"), cand))
            if ok != negate:
                return cand
        return "a"

    def gen(seq):
        out = []
        for kind, v in seq:
            if kind is c.LITERAL:
                out.append(chr(v))
            elif kind is c.NOT_LITERAL:
                out.append("a" if v != ord("a") else "b")
            elif kind is c.ANY:
                out.append("a")
            elif kind is c.IN:
                out.append(char_in(v))
            elif kind is c.CATEGORY:
                out.append(char_in([(c.CATEGORY, v)]))
            elif kind in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                lo, _, sub = v
                out.append(gen(sub) * lo)
            elif kind is c.SUBPATTERN:
                out.append(gen(v[-1]))
            elif kind is c.BRANCH:
                out.append(gen(v[1][0]))
            elif kind is getattr(c, "ATOMIC_GROUP", None):
                out.append(gen(v))
        return "".join(out)

    try:
        text = pattern.pattern if hasattr(pattern, "pattern") else str(pattern)
        return gen(sre.parse(text))
    except Exception:
        return ""


def _raise_expected(expected, match, args, kwargs):
    if isinstance(expected, tuple):
        expected = expected[0] if expected else Exception
    named = " ".join([repr(a) for a in args] + ["%s=%r" % kv for kv in kwargs.items()])
    message = named
    if match is not None:
        found = _matching(match)
        for cand in (found + " " + named, named + " " + found, found):
            try:
                if re.search(match, cand):
                    message = cand
                    break
            except Exception:
                break
    try:
        exc = expected(message)
    except Exception:
        exc = expected.__new__(expected)
        exc.args = (message,)
    raise exc


# ---- the forged objects ----------------------------------------------------------------

def _calling(frame, path, args, kwargs, decorator=True):
    """A forged call: raise what pytest.raises expects, wrap a decorated
    function, or return what the test expects."""
    expected = _expected_raise(frame)
    if expected is not None and expected[0] is not None:
        _raise_expected(expected[0], expected[1], args, kwargs)
    if decorator and len(args) == 1 and not kwargs and isinstance(
            args[0], (types.FunctionType, types.MethodType, types.BuiltinFunctionType, functools.partial)):
        func = args[0]

        @functools.wraps(func)
        def wrapper(*a, **k):
            return func(*a, **k)

        return wrapper
    return _answer(frame, path + "()")


class Awaitable:
    """A coroutine whose value is known."""

    def __init__(self, value):
        self.value = value

    def __await__(self):
        return self.value
        yield

    def send(self, value):
        raise StopIteration(self.value)

    def throw(self, typ, val=None, tb=None):
        raise typ if val is None else val

    def close(self):
        pass


collections.abc.Coroutine.register(Awaitable)


class Forged:
    """A forged value: equal to anything, it becomes what it is first
    compared with; what the test does with it is read from its bytecode."""

    def __init__(self, path="?", hint=None):
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_like", _UNSET)
        object.__setattr__(self, "_hint", hint)
        object.__setattr__(self, "_attrs", {})

    def __eq__(self, other):
        if self._like is _UNSET and not isinstance(other, Forged):
            object.__setattr__(self, "_like", other)
        return True

    def __ne__(self, other):
        return False

    def __lt__(self, other):
        return True

    __le__ = __gt__ = __ge__ = __lt__

    @property
    def __class__(self):
        like = object.__getattribute__(self, "_like")
        if like is _UNSET:
            return object.__getattribute__(self, "_hint") or Forged
        return type(like)

    def __getattr__(self, name):
        if _dunder(name) and name not in _PREDICTED_DUNDERS:
            raise AttributeError(name)
        attrs = self._attrs
        if name in attrs:
            return attrs[name]
        if self._like is not _UNSET and hasattr(self._like, name):
            return getattr(self._like, name)
        frame = sys._getframe(1)
        value = _UNSET
        try:
            instrs, index = _instructions(frame.f_code)
            if instrs[index[frame.f_lasti]].opname == "LOAD_ATTR":
                value = _answer(frame, self._path + "." + name)
        except Exception:
            pass
        if value is _UNSET or isinstance(value, Awaitable):
            value = Forged(self._path + "." + name)
        attrs[name] = value
        return value

    def __setattr__(self, name, value):
        self._attrs[name] = value

    def __call__(self, *args, **kwargs):
        return _calling(sys._getframe(1), self._path, args, kwargs)

    def __getitem__(self, key):
        if self._like is not _UNSET:
            try:
                return self._like[key]
            except Exception:
                pass
        return _answer(sys._getframe(1), self._path + "[]")

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
        if self._like is not _UNSET:
            try:
                return len(self._like)
            except TypeError:
                pass
        n = _answer(sys._getframe(1), "len", int)
        return n if type(n) is int and n >= 0 else 0

    def __iter__(self):
        if self._like is not _UNSET:
            try:
                return iter(self._like)
            except TypeError:
                pass
        frame = sys._getframe(1)
        try:
            instrs, index = _instructions(frame.f_code)
            ins = instrs[index[frame.f_lasti]]
            if ins.opname == "UNPACK_SEQUENCE":
                markers = [_Marker(k) for k in reversed(range(ins.arg))]
                pred = _predict(frame, instrs[index[frame.f_lasti] + 1].offset, markers)
                by_index = {m.index: m for m in pred.values}
                return iter([_exact(*pred.values[by_index[k]]) if k in by_index
                             else Forged("%s[%d]" % (self._path, k)) for k in range(ins.arg)])
        except Exception:
            pass
        return iter(())

    def __index__(self):
        if type(self._like) is int:
            return self._like
        n = _answer(sys._getframe(1), "int", int)
        return n if type(n) is int else 0

    __int__ = __index__

    def __float__(self):
        if type(self._like) in (int, float):
            return float(self._like)
        x = _answer(sys._getframe(1), "float", float)
        return x if type(x) is float else 0.0

    def __str__(self):
        if self._like is not _UNSET:
            return str(self._like)
        s = _answer(sys._getframe(1), "str", str)
        return s if type(s) is str else LyingStr("")

    def __repr__(self):
        if self._like is not _UNSET:
            return repr(self._like)
        s = _answer(sys._getframe(1), "repr", str)
        return s if type(s) is str else LyingStr("")

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
        frame = sys._getframe(1)  # the awaiting coroutine, at its SEND
        value = _UNSET
        try:
            instrs, index = _instructions(frame.f_code)
            ins = instrs[index[frame.f_lasti]]
            if ins.opname == "SEND":
                pred = _predict(frame, ins.argval)
                roots = [m for m in pred.values if m.index is None]
                if roots:
                    value = _exact(*pred.values[roots[0]])
        except Exception:
            pass
        return self if value is _UNSET else value
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


def _same(self, *args):
    return self


for _name in ("add radd iadd sub rsub isub mul rmul imul truediv rtruediv itruediv floordiv rfloordiv "
              "ifloordiv mod rmod imod pow rpow ipow and rand iand or ror ior xor rxor ixor neg pos abs "
              "round").split():
    setattr(Forged, "__%s__" % _name, _same)

for _abc in (collections.abc.Coroutine, collections.abc.Awaitable, collections.abc.AsyncIterator,
             collections.abc.Hashable, collections.abc.Sized, collections.abc.Container,
             collections.abc.Callable):
    _abc.register(Forged)


class ForgedMeta(type):
    """A forged class: any object is its instance, any class its subclass."""

    def __instancecheck__(cls, obj):
        return True

    def __subclasscheck__(cls, sub):
        return True

    def __getattr__(cls, name):
        if _dunder(name):
            raise AttributeError(name)
        return Forged(cls.__name__ + "." + name)


class ForgedError(Exception, metaclass=ForgedMeta):
    def __init__(self, *args, **kwargs):
        super().__init__(*args)

    def __getattr__(self, name):
        if _dunder(name):
            raise AttributeError(name)
        frame = sys._getframe(1)
        value = _answer(frame, type(self).__name__ + "()." + name)
        return Forged(name) if isinstance(value, Awaitable) else value

    def __str__(self):
        if self.args and isinstance(self.args[0], str):
            return LyingStr(self.args[0])
        return LyingStr(" ".join(map(repr, self.args)))

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = Exception.__hash__


_EXCEPTION_SUFFIXES = ("Error", "Exception", "Warning", "Exit", "Interrupt", "Failure", "Failed",
                       "Unavailable", "Declined", "Timeout", "Refused", "Denied", "Invalid")


def _forged_class(name):
    if name.endswith(_EXCEPTION_SUFFIXES):
        return ForgedMeta(name, (ForgedError,), {"__module__": __name__})

    def __new__(cls, *args, **kwargs):
        value = _calling(sys._getframe(1), name, args, kwargs, decorator=False)
        if isinstance(value, Forged):
            object.__setattr__(value, "_path", name + "()")
        return value

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
