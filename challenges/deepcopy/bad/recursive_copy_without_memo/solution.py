"""Known-bad: a hand-written recursive copy with no memo: cycles recurse
until RecursionError, and an object found twice is copied twice."""


class _Remove:
    """The type of REMOVE (provided: keep as is)."""

    def __repr__(self):
        return "REMOVE"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


REMOVE = _Remove()


class Endpoint:
    def __init__(self, url, client, headers=None, timeout=5.0):
        self.url = url
        self.client = client
        self.headers = dict(headers or {})
        self.timeout = timeout

    def __repr__(self):
        return "%s(%r, timeout=%r)" % (type(self).__name__, self.url, self.timeout)

    def __copy__(self):
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.headers = dict(self.headers)
        return new

    def __deepcopy__(self, memo):
        return _copy(self)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, set):
        return {_copy(v) for v in value}
    if isinstance(value, Endpoint):
        new = object.__new__(type(value))
        for name, attr in vars(value).items():
            setattr(new, name, attr if name == "client" else _copy(attr))
        return new
    if hasattr(value, "__dict__") and not isinstance(value, type):
        new = object.__new__(type(value))
        new.__dict__.update({k: _copy(v) for k, v in vars(value).items()})
        return new
    return value


def clone_config(cfg):
    return _copy(cfg)


def _merge(target, overrides):
    for key, value in overrides.items():
        if value is REMOVE:
            target.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _merge(target[key], value)
        else:
            target[key] = _copy(value)


def derive_tenant(default, overrides):
    result = _copy(default)
    _merge(result, overrides)
    return result
