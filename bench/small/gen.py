#!/usr/bin/env python3
"""Writes the small-suite corpus (bench/small/suites/) from topics.py.

Every topic becomes SIZES challenge folders, small-<topic>-<n>, the same
reference and visible tests with a hidden property test of SIZES[n-1]
cases: suites of about 8 to 30 tests, tenths of a second bare. The
starter is the reference with every function body replaced by
`raise NotImplementedError`. Deterministic: run it again and only a
changed topic changes; expected.json files are kept (record.sh re-records
them).

    python3 bench/small/gen.py && bench/small/record.sh
"""

import ast
import pathlib
import shutil
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
from topics import TOPICS  # noqa: E402

SIZES = (2, 5, 10, 20)
OUT = HERE / "suites"


def stub(source):
    """The reference with each function's body replaced (docstrings go too)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = [ast.Raise(exc=ast.Name(id="NotImplementedError", ctx=ast.Load()))]
    return ast.unparse(tree) + "\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.lstrip("\n"), encoding="utf-8")


def main():
    strict = (ROOT / "challenges/decorators/tests/strict.py").read_text(encoding="utf-8")
    wanted = set()
    for t in TOPICS:
        imports = "\n".join(l for l in t["visible"].splitlines() if l.startswith(("import ", "from ")))
        for n, size in enumerate(SIZES, 1):
            slug = "small-%s-%d" % (t["name"], n)
            wanted.add(slug)
            d = OUT / slug
            for p in sorted(d.rglob("*"), reverse=True) if d.exists() else []:
                if p.is_file() and p.name != "expected.json":
                    p.unlink()
                elif p.is_dir() and not any(p.iterdir()):
                    p.rmdir()
            write(d / "challenge.yaml", "slug: %s\ntitle: %s (%d)\nsummary: A small bench suite (bench/small/topics.py).\nfiles: [solution.py]\n" % (slug, t["title"], size))
            write(d / "prompt.md", "# %s\n\nA suite of the small-suite bench corpus (bench/small/): write\n`solution.py` so that the tests pass. The reference is in\n`bench/small/topics.py`.\n" % t["title"])
            write(d / "reference/solution.py", t["ref"])
            write(d / "starter/solution.py", stub(t["ref"]))
            write(d / "tests/strict.py", strict)
            write(d / ("tests/visible/test_%s.py" % t["name"]), t["visible"])
            hidden = "import io\nimport random\n\n" + imports + "\n\n" + t["hidden"] + "\n\n" + t["prop"].replace("__SIZE__", str(size))
            write(d / ("tests/hidden/test_%s_more.py" % t["name"]), hidden)
    for d in OUT.iterdir() if OUT.exists() else []:
        if d.name not in wanted:
            shutil.rmtree(d)
    print("%d suites in %s" % (len(wanted), OUT.relative_to(ROOT)))


if __name__ == "__main__":
    main()
