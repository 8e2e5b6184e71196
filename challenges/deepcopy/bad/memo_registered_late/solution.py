"""Known-bad: Endpoint.__deepcopy__ records the new object in memo only after
copying the attributes, so cycles through an endpoint get a second copy
(or recurse forever)."""

import copy


class _Remove:
    """The type of REMOVE (provided: keep as is)."""

    def __repr__(self):
        return "REMOVE"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


# An override value meaning "delete this key" (provided: keep as is).
REMOVE = _Remove()


class Endpoint:
    """A remote service a tenant talks to; its client is shared."""

    def __init__(self, url, client, headers=None, timeout=5.0):
        self.url = url
        self.client = client
        self.headers = dict(headers or {})
        self.timeout = timeout

    def __repr__(self):
        return "%s(%r, timeout=%r)" % (type(self).__name__, self.url, self.timeout)

    def __copy__(self):
        cls = type(self)
        new = cls.__new__(cls)
        new.__dict__.update(self.__dict__)
        new.headers = dict(self.headers)
        return new

    def __deepcopy__(self, memo):
        cls = type(self)
        new = cls.__new__(cls)
        for name, value in self.__dict__.items():
            if name == "client":
                setattr(new, name, value)
            else:
                setattr(new, name, copy.deepcopy(value, memo))
        memo[id(self)] = new
        return new


def clone_config(cfg):
    return copy.deepcopy(cfg)


def _merge(target, overrides):
    for key, value in overrides.items():
        if value is REMOVE:
            target.pop(key, None)
        elif isinstance(value, dict):
            if not isinstance(target.get(key), dict):
                target[key] = {}
            _merge(target[key], value)
        else:
            target[key] = value


def derive_tenant(default, overrides):
    result = copy.deepcopy(default)
    _merge(result, copy.deepcopy(overrides))
    return result
