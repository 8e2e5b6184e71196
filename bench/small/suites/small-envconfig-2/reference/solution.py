import os


def load_settings(prefix="APP_"):
    out = {"debug": False, "port": 8000, "name": "app"}
    for key, value in os.environ.items():
        if not key.startswith(prefix):
            continue
        field = key[len(prefix):].lower()
        if field == "debug":
            out["debug"] = value.lower() in ("1", "true", "yes")
        elif field == "port":
            out["port"] = int(value)
            if not 0 < out["port"] < 65536:
                raise ValueError("bad port %s" % value)
        elif field == "name":
            out["name"] = value
    return out
