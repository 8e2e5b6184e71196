"""Hidden tests: aliasing, cycles through endpoints, subclasses, and the
finer rules of derive_tenant."""

import copy
import types

from pool import ConnectionPool
from tests.strict import same
from solution import REMOVE, Endpoint, clone_config, derive_tenant


class SignedEndpoint(Endpoint):
    """A subclass whose __init__ takes other arguments."""

    def __init__(self, url, client, secret):
        super().__init__(url, client, headers={"X-Sig": "v1"})
        self.secret = secret
        self.inits = getattr(self, "inits", 0) + 1


def test_clone_config_preserves_aliasing():
    shared_list = ["a", "b"]
    shared_dict = {"depth": 1}
    cfg = {"x": shared_list, "y": {"again": shared_list}, "p": shared_dict, "q": [shared_dict]}
    clone = clone_config(cfg)
    assert clone["x"] is clone["y"]["again"]
    assert clone["x"] is not shared_list
    assert clone["p"] is clone["q"][0] and clone["p"] is not shared_dict
    same(clone, {"x": ["a", "b"], "y": {"again": ["a", "b"]}, "p": {"depth": 1}, "q": [{"depth": 1}]})


def test_clone_config_copies_tuples_sets_and_plain_objects(default, rate_limit_class):
    clone = clone_config(default)
    clone["retry_codes"][2].append(599)
    clone["allowed_ips"].add("0.0.0.0/0")
    clone["api_quota"].per_minute = 1
    assert default["retry_codes"] == (502, 503, [504])
    assert default["allowed_ips"] == {"10.0.0.0/8"}
    assert isinstance(clone["api_quota"], rate_limit_class)
    assert default["api_quota"].per_minute == 1000
    # The clone has the changes: it is a copy, not a value that ignores them.
    same(clone["retry_codes"], (502, 503, [504, 599]))
    same(clone["allowed_ips"], {"10.0.0.0/8", "0.0.0.0/0"})
    assert type(clone["api_quota"]) is rate_limit_class
    same((clone["api_quota"].per_minute, clone["api_quota"].burst), (1, 100))


def test_clone_config_copies_an_endpoint_found_twice_only_once():
    ep = Endpoint("https://auth.internal", ConnectionPool("auth.internal"))
    cfg = {"login": ep, "refresh": ep, "all": [ep]}
    clone = clone_config(cfg)
    assert clone["login"] is clone["refresh"] is clone["all"][0]
    assert clone["login"] is not ep
    assert clone["login"].client is ep.client


def test_endpoint_deepcopy_reproduces_a_cycle_through_the_endpoint():
    ep = Endpoint("https://primary", ConnectionPool("primary"))
    cfg = {"primary": ep, "name": "cyclic"}
    ep.config = cfg
    dup = copy.deepcopy(ep)
    assert dup is not ep and dup.config is not cfg
    assert dup.config["primary"] is dup
    clone = clone_config(cfg)
    assert clone["primary"].config is clone
    assert ep.config is cfg and cfg["primary"] is ep


def test_endpoint_referring_to_itself_is_copied():
    ep = Endpoint("https://a", ConnectionPool("a"))
    ep.fallback = ep
    dup = copy.deepcopy(ep)
    assert dup.fallback is dup and dup is not ep


def test_endpoint_deepcopy_keeps_subclass_and_extra_attributes():
    pool = ConnectionPool("payments")
    ep = SignedEndpoint("https://payments", pool, secret={"key": "k1"})
    ep.tags = ["pci"]
    dup = copy.deepcopy(ep)
    assert type(dup) is SignedEndpoint
    assert dup.client is pool
    same(dup.secret, {"key": "k1"})
    assert dup.secret is not ep.secret
    same(dup.tags, ["pci"])
    assert dup.tags is not ep.tags
    same(dup.headers, {"X-Sig": "v1"})
    same(dup.inits, 1)  # __init__ was not called again


def test_endpoint_shallow_copy_keeps_subclass_and_shares_other_attributes():
    ep = SignedEndpoint("https://payments", ConnectionPool("payments"), secret={"key": "k1"})
    ep.tags = ["pci"]
    dup = copy.copy(ep)
    assert type(dup) is SignedEndpoint and dup is not ep
    assert dup.secret is ep.secret and dup.tags is ep.tags
    same(dup.headers, ep.headers)
    assert dup.headers is not ep.headers
    same(dup.inits, 1)


def test_endpoint_deep_copy_leaves_original_untouched():
    client = types.SimpleNamespace()
    ep = Endpoint("https://x", client, headers={"A": ["1"]}, timeout=3)
    dup = copy.deepcopy(ep)
    dup.headers["A"].append("2")
    dup.url = "https://y"
    assert ep.headers == {"A": ["1"]} and ep.url == "https://x"
    assert ep.client is client and dup.client is client


def test_derive_tenant_result_independent_of_overrides_later():
    overrides = {"features": ["search"], "limits": {"upload": {"types": ["csv"]}},
                 "extra": {"flags": ["f1"]}}
    default = {"features": [], "limits": {"upload": {"max_mb": 1}}}
    acme = derive_tenant(default, overrides)
    overrides["features"].append("export")
    overrides["limits"]["upload"]["types"].append("xml")
    overrides["extra"]["flags"].clear()
    same(acme, {"features": ["search"], "limits": {"upload": {"max_mb": 1, "types": ["csv"]}},
                "extra": {"flags": ["f1"]}})


def test_derive_tenant_keeps_default_key_order_then_new_keys():
    default = {"a": 1, "b": {"x": 1, "y": 2}, "c": 3, "d": 4}
    result = derive_tenant(default, {"z": 26, "c": 30, "b": {"w": 0, "x": 10}, "d": REMOVE, "y": 25})
    same(list(result), ["a", "b", "c", "z", "y"])
    same(list(result["b"]), ["x", "y", "w"])
    same(result, {"a": 1, "b": {"x": 10, "y": 2, "w": 0}, "c": 30, "z": 26, "y": 25})


def test_derive_tenant_dict_and_scalar_replace_each_other():
    default = {"cache": None, "proxy": {"host": "p", "port": 3128}, "mode": "strict"}
    result = derive_tenant(default, {"cache": {"ttl": 60, "gone": REMOVE}, "proxy": False,
                                     "mode": {"level": {"deep": REMOVE, "n": 2}}})
    same(result, {"cache": {"ttl": 60}, "proxy": False, "mode": {"level": {"n": 2}}})
    assert default == {"cache": None, "proxy": {"host": "p", "port": 3128}, "mode": "strict"}


def test_derive_tenant_remove_of_missing_key_is_ignored(default):
    result = derive_tenant(default, {"nope": REMOVE, "rate_limit": {"nope": REMOVE}})
    assert "nope" not in result
    same(result["rate_limit"], {"per_minute": 600, "burst": 50})


def test_derive_tenant_keeps_cycles_and_aliasing_of_default():
    shared = ["eu", "us"]
    default = {"name": "d", "regions": shared, "backup": {"regions": shared}}
    default["root"] = default
    result = derive_tenant(default, {"name": "acme"})
    same(result["name"], "acme")
    assert default["name"] == "d"
    assert result["root"] is result
    assert result["regions"] is result["backup"]["regions"] and result["regions"] is not shared


def test_derive_tenant_override_endpoint_is_copied_with_shared_client(default):
    pool = ConnectionPool("acme-billing")
    own = Endpoint("https://billing.acme", pool, headers={"X-Tenant": "acme"})
    acme = derive_tenant(default, {"billing": own})
    assert acme["billing"] is not own
    assert acme["billing"].client is pool
    same(acme["billing"].url, "https://billing.acme")
    acme["billing"].headers["X-Extra"] = "1"
    assert own.headers == {"X-Tenant": "acme"}


def test_many_tenants_from_one_default_stay_independent(default, describe_config, shared_mutables):
    before = describe_config(default)
    tenants = [derive_tenant(default, {"name": n, "rate_limit": {"burst": i}})
               for i, n in enumerate(["acme", "globex", "initech"])]
    tenants[0]["rate_limit"]["per_minute"] = 1
    tenants[1]["features"].append("beta")
    tenants[2]["billing"].headers["X-Tenant"] = "initech"
    same([t["rate_limit"]["burst"] for t in tenants], [0, 1, 2])
    same(tenants[1]["rate_limit"]["per_minute"], 600)
    same(tenants[0]["features"], ["search", "export"])
    same(tenants[0]["billing"].headers, {"X-Env": "prod"})
    assert describe_config(default) == before
    same(shared_mutables(tenants[0], tenants[1]), [])
    assert len({id(t["billing"].client) for t in tenants} | {id(default["billing"].client)}) == 1


# ---- results as literals ----------------------------------------------------
# Worked out once from the rules: literal results are what the run's
# canaries copy (docs/CHALLENGES.md, "Canaries"); the tests above compare
# against values computed at run time.

def test_a_tenant_s_total_limit():
    default = {"limits": {"upload": 10, "download": 20, "api": 5}}
    tenant = derive_tenant(default, {"limits": {"upload": 15, "api": REMOVE}})
    same(sum(tenant["limits"].values()), 35)


def test_a_tenant_s_number_of_keys_after_removals():
    default = {"a": "x", "b": "y", "c": "z", "d": "w"}
    same(len(derive_tenant(default, {"b": REMOVE, "e": "v", "c": REMOVE})), 3)


def test_a_clone_s_list_grows_alone():
    cfg = {"hosts": ["db-1"]}
    clone = clone_config(cfg)
    clone["hosts"].append("db-2")
    clone_config(clone)["hosts"].append("db-3")
    same(len(clone["hosts"]) + len(cfg["hosts"]), 3)


def test_a_cloned_tuple_s_list_total():
    clone = clone_config({"codes": (500, [502, 503])})
    clone["codes"][1].append(504)
    same(sum(clone["codes"][1]), 1509)


def test_a_deep_copied_endpoint_s_repr():
    ep = Endpoint("https://db.internal", ConnectionPool("db"), timeout=7.5)
    dup = copy.deepcopy(ep)
    dup.timeout *= 2
    same(repr(dup), "Endpoint('https://db.internal', timeout=15.0)")


def test_a_tenant_s_regions_replaced():
    tenant = derive_tenant({"regions": ["eu"], "name": "d"}, {"regions": ["us", "ap"]})
    same(",".join(tenant["regions"]), "us,ap")


def test_a_shallow_copied_endpoint_s_headers():
    ep = Endpoint("https://q", ConnectionPool("q"), headers={"A": "1"})
    dup = copy.copy(ep)
    dup.headers["B"] = "2"
    same(sorted(dup.headers) + sorted(ep.headers), ["A", "B", "A"])
