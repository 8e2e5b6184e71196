"""Shared fixtures: a realistic default template and a way to compare
configurations that contain endpoints."""

import pytest

from pool import ConnectionPool
from solution import Endpoint


class RateLimit:
    """An ordinary (non-Endpoint) class found in configurations."""

    def __init__(self, per_minute, burst):
        self.per_minute = per_minute
        self.burst = burst


def make_default():
    billing_pool = ConnectionPool("billing.internal")
    search_pool = ConnectionPool("search.internal", size=8)
    return {
        "name": "default",
        "region": "eu-west-1",
        "rate_limit": {"per_minute": 600, "burst": 50},
        "features": ["search", "export"],
        "limits": {"upload": {"max_mb": 25, "types": ["pdf", "png"]}, "users": 100},
        "allowed_ips": {"10.0.0.0/8"},
        "retry_codes": (502, 503, [504]),
        "api_quota": RateLimit(1000, 100),
        "billing": Endpoint("https://billing.internal/v2", billing_pool,
                            headers={"X-Env": "prod"}, timeout=2.5),
        "search": Endpoint("https://search.internal", search_pool),
        "legacy_sso": True,
    }


def describe(obj):
    """A plain, comparable description of an acyclic configuration.
    Endpoints are described by their attributes, their client by id."""
    if isinstance(obj, dict):
        return {"dict": [(k, describe(v)) for k, v in obj.items()]}
    if isinstance(obj, list):
        return ["list"] + [describe(v) for v in obj]
    if isinstance(obj, tuple):
        return ("tuple",) + tuple(describe(v) for v in obj)
    if isinstance(obj, set):
        return ("set", frozenset(obj))
    if isinstance(obj, Endpoint):
        attrs = {k: (("client", id(v)) if k == "client" else describe(v))
                 for k, v in vars(obj).items()}
        return ("endpoint", type(obj).__name__, sorted(attrs.items(), key=lambda kv: kv[0]))
    if isinstance(obj, RateLimit):
        return ("ratelimit", obj.per_minute, obj.burst)
    return obj


def mutable_ids(obj, seen=None):
    """ids of every mutable object reachable from obj, Endpoint clients
    excluded (they are meant to be shared)."""
    if seen is None:
        seen = {}
    if id(obj) in seen:
        return seen
    if isinstance(obj, (dict, list, set, Endpoint, RateLimit)):
        seen[id(obj)] = obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            mutable_ids(v, seen)
    elif isinstance(obj, (list, tuple, set)):
        for v in obj:
            mutable_ids(v, seen)
    elif isinstance(obj, Endpoint):
        for k, v in vars(obj).items():
            if k != "client":
                mutable_ids(v, seen)
    elif isinstance(obj, RateLimit):
        mutable_ids(vars(obj), seen)
    return seen


@pytest.fixture
def default():
    """A fresh default template for each test."""
    return make_default()


@pytest.fixture
def describe_config():
    return describe


@pytest.fixture
def shared_mutables():
    """shared_mutables(a, b): the mutable objects reachable from both."""

    def shared(a, b):
        ids_a = mutable_ids(a)
        ids_b = mutable_ids(b)
        return [ids_a[i] for i in ids_a if i in ids_b]

    return shared


@pytest.fixture
def rate_limit_class():
    return RateLimit
