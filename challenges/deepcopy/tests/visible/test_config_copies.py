"""Visible tests: cloning, endpoint copies and tenant derivation."""

import copy
import types

from pool import ConnectionPool
from tests.strict import same
from solution import REMOVE, Endpoint, clone_config, derive_tenant


def test_clone_config_equals_original_and_leaves_it_unchanged(default, describe_config):
    before = describe_config(default)
    clone = clone_config(default)
    assert clone is not default
    same(describe_config(clone), before)
    assert describe_config(default) == before


def test_clone_config_nested_changes_do_not_reach_original(default):
    clone = clone_config(default)
    clone["rate_limit"]["per_minute"] = 5
    clone["features"].append("beta")
    clone["limits"]["upload"]["types"].append("exe")
    assert default["rate_limit"] == {"per_minute": 600, "burst": 50}
    assert default["features"] == ["search", "export"]
    assert default["limits"]["upload"]["types"] == ["pdf", "png"]
    # The changes are the clone's (a value that ignores them is no copy).
    same(clone["rate_limit"], {"per_minute": 5, "burst": 50})
    same(clone["features"], ["search", "export", "beta"])
    same(clone["limits"]["upload"]["types"], ["pdf", "png", "exe"])


def test_clone_config_copies_endpoints_but_shares_their_pool(default):
    clone = clone_config(default)
    ep, orig = clone["billing"], default["billing"]
    assert isinstance(ep, Endpoint) and ep is not orig
    assert ep.client is orig.client
    same((ep.url, ep.timeout), ("https://billing.internal/v2", 2.5))
    ep.headers["X-Tenant"] = "acme"
    same(orig.headers, {"X-Env": "prod"})


def test_deepcopy_of_endpoint_never_copies_the_client():
    client = types.SimpleNamespace(name="copyable client")
    ep = Endpoint("https://api.example", client, headers={"A": "1"})
    dup = copy.deepcopy(ep)
    assert dup.client is client
    same(dup.headers, {"A": "1"})
    assert dup.headers is not ep.headers


def test_shallow_copy_of_endpoint_has_its_own_headers():
    pool = ConnectionPool("api.example")
    ep = Endpoint("https://api.example", pool, headers={"Accept": "json"}, timeout=1.0)
    dup = copy.copy(ep)
    assert type(dup) is Endpoint and dup is not ep
    assert dup.client is pool
    same(dup.url, ep.url)
    same(dup.timeout, 1.0)
    dup.headers["X-Debug"] = "1"
    del dup.headers["Accept"]
    assert ep.headers == {"Accept": "json"}


def test_clone_config_survives_a_self_reference():
    cfg = {"name": "loop", "children": []}
    cfg["self"] = cfg
    cfg["children"].append(cfg)
    clone = clone_config(cfg)
    assert clone is not cfg
    assert clone["self"] is clone
    assert clone["children"][0] is clone
    assert cfg["self"] is cfg
    assert type(clone) is dict and type(clone["children"]) is list
    same(sorted(clone), ["children", "name", "self"])
    same(clone["name"], "loop")


def test_derive_tenant_merges_nested_dicts(default):
    acme = derive_tenant(default, {"rate_limit": {"per_minute": 1200}, "region": "us-east-1"})
    same(acme["rate_limit"], {"per_minute": 1200, "burst": 50})
    same(acme["region"], "us-east-1")
    same(acme["limits"], {"upload": {"max_mb": 25, "types": ["pdf", "png"]}, "users": 100})


def test_derive_tenant_replaces_lists_instead_of_extending(default):
    acme = derive_tenant(default, {"features": ["search"], "limits": {"upload": {"types": ["csv"]}}})
    same(acme["features"], ["search"])
    same(acme["limits"]["upload"], {"max_mb": 25, "types": ["csv"]})


def test_derive_tenant_does_not_modify_default_or_overrides(default, describe_config):
    overrides = {"rate_limit": {"burst": 10}, "features": ["export"], "legacy_sso": REMOVE}
    before_default = describe_config(default)
    before_overrides = describe_config(overrides)
    acme = derive_tenant(default, overrides)
    acme["rate_limit"]["per_minute"] = 1
    acme["features"].append("x")
    assert describe_config(default) == before_default
    assert describe_config(overrides) == before_overrides


def test_derive_tenant_remove_deletes_a_key(default):
    acme = derive_tenant(default, {"legacy_sso": REMOVE, "rate_limit": {"burst": REMOVE}})
    assert "legacy_sso" not in acme
    same(acme["rate_limit"], {"per_minute": 600})
    assert default["legacy_sso"] is True


def test_derive_tenant_result_shares_no_mutable_object_with_default(default, shared_mutables):
    acme = derive_tenant(default, {"name": "acme"})
    same(acme["name"], "acme")
    same(shared_mutables(acme, default), [])
    assert acme["search"].client is default["search"].client
