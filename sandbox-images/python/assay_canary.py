"""Disguises a run's hidden tests and adds canaries among them.

The hidden phase's report is written by a process the candidate's code
shares, so a forgery that makes every test pass, or flips failures into
passes, cannot always be prevented. Canaries make it detectable: copies of
real hidden tests whose expectation is perturbed, so that any honest run
fails them. A canary reported passed, or missing, is tampering (the grader
checks, from the names this module returns).

To hide them by name and by place, every hidden test function is renamed
for the run (a fresh random name, from os.urandom, every run), and each
canary is a renamed copy of a real test put after a randomly chosen test
of the same module or class; half the time the two swap places (the
canary where the test was, the test further on), so that which of a
pair comes first says nothing. The grader maps the run names back.

A canary's source is a test with an assertion of the form
`assert <expr> == <literal>` (or the literal first, or pytest.approx of a
literal) as a statement of the test's own body, with no return before it,
so it runs whenever the test gets that far, and when the test uses that
expected value nowhere else. The literal gets another expected value of
the hidden tests (the literal side of another equality check, its file's
first), spelled as it is spelled there and never a value the source test
uses: a value as natural in that place as the real one, so that neither
its spelling, its size nor its relation to the test's inputs tells which of
the two is the canary. (An honest solution may well compute the canary's
value: that is a failed test, not evidence. The evidence is a canary and
its twin both passed: no computation gives two different values for one
call.) Only when the suite has no such value is one made up (_perturbed).
The values are drawn so that, where the suite allows, a canary's value
and its twin's appear equally often among the disguised suite's expected
values (_plan): otherwise "the one whose value also appears elsewhere is
the canary" would decide a pair whose real value is unique; and a run
adds such sources until its canaries make three independent guesses
(groups), where the suite has them.
A test with skip or xfail marks is never a source. Files that do not parse
are left as they are.

Only the standard library is used: this runs in the harness, before the
hidden phase's pytest starts, with no candidate process alive.
"""

import ast
import collections
import decimal
import fractions
import os
import random
import re
import textwrap

# How many canaries a run gets. A forgery that reads the hidden tests
# in-process (or calls them) must guess which of each pair is real, for every
# canaried test it would fail (docs/SECURITY.md, "The bound"). Every run gets
# CANARIES when that many tests can be sources, and more, up to MOST, while
# their cost fits a budget: BUDGET_FLOOR_MS, or BUDGET_SHARE of the hidden
# tests' time if more. A canary costs its twin's time in the reference's run
# plus PER_CANARY_MS (a failing test's report: pytest formats its traceback,
# about 4 ms on the bench's machine). Small suites of fast tests get about
# nine; a suite of slow tests pays about a tenth more.
CANARIES = 3
MOST = 16
BUDGET_FLOOR_MS = 40.0
BUDGET_SHARE = 0.1
PER_CANARY_MS = 4.0
# How many plans of canary values are drawn (see _plan); the most balanced
# is used.
PLANS = 4
PLANS_MOST = 16
_RNG = random.SystemRandom()


def run_name():
    return "test_" + os.urandom(6).hex()


def disguise(files, canaries=CANARIES, cost_ms=None, everything=False):
    """files: {relpath: source bytes} of the hidden tests. Returns
    (new files, {run name: own name}, [canary run names], {canary run
    name: its twin's own name}).

    cost_ms: {test id: the reference's runtime in ms} (ids as the grader
    writes them: tests.hidden.test_x::test_y[params], a class's tests as
    tests.hidden.test_x.TestC::test_y), which lets more canaries in (see
    MOST); None: canaries only. everything: every test that can be a
    source gets a canary (`assay challenges check` validates them all, so
    that no canary a run may draw could pass an honest run)."""
    out, renames = dict(files), {}
    parsed, expected, pool_all, (plan, _, _) = _choose(files, canaries, cost_ms, everything)
    chosen, twins = [], {}
    for rel, (src, tree) in parsed.items():
        here = [(scope, fn, lit, text) for prel, scope, fn, lit, text in plan if prel == rel]
        text, r, c, t = _render(src, tree, here, (expected[rel], pool_all))
        out[rel] = text
        renames.update(r)
        chosen += c
        twins.update(t)
    return out, renames, chosen, twins


def _choose(files, canaries, cost_ms, everything, read=None):
    """The parsed test files, their expected values, and the run's plan
    (_plan's triple): what disguise renders. read: _read(files), when the
    caller draws many plans of the same files."""
    parsed, sources, expected, pool_all = read or _read(files)
    picked, spare, budget, cost = _pick(sources, canaries, cost_ms, everything)
    # The plan is greedy and random: of a few, the one with the most
    # independent groups, then the fewest pairs left unbalanced; more are
    # drawn (up to PLANS_MOST) while none has the groups wanted.
    plan = None
    for i in range(PLANS_MOST):
        p = _plan(picked, spare, parsed, expected, pool_all, budget, cost, canaries)
        if plan is None or (-p[2], p[1], len(p[0])) < (-plan[2], plan[1], len(plan[0])):
            plan = p
        if i + 1 >= PLANS and plan[2] >= canaries:
            break
    return parsed, expected, pool_all, plan


def _read(files):
    """(parsed test files, canary sources, expected values by file, all
    expected values) of the hidden tests."""
    sources, parsed = [], {}
    for rel, src in sorted(files.items()):
        if not (rel.endswith(".py") and os.path.basename(rel).startswith("test_")):
            continue
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError):
            continue
        parsed[rel] = (src, tree)
        for scope, fn in _tests(tree):
            if _eligible(fn):
                sources.append((rel, scope, fn))
    expected = {rel: _expected_literals(tree, src) for rel, (src, tree) in parsed.items()}
    pool_all = [x for rel in sorted(expected) for x in expected[rel]]
    return parsed, sources, expected, pool_all


def groups_per_run(files, cost_ms=None, draws=40):
    """The mean number of independent groups (guesses a forger who reads
    the tests must make) in a live run's canaries, over draws draws: what
    `assay challenges check` reports of a suite."""
    total, read = 0, _read(files)
    for _ in range(draws):
        total += _choose(files, CANARIES, cost_ms, False, read)[3][2]
    return total / draws if draws else 0.0


def _render(src, tree, picked, pools):
    """One file disguised: its tests renamed, a canary for each (scope,
    function, target literal, its value's text or None) of picked. Returns
    (text, renames, canary names, twins)."""
    edits = []  # (start, end, replacement bytes), in src offsets
    starts = _line_starts(src)
    renames, chosen, twins, swapped = {}, [], {}, {}
    for scope, fn, lit, value in picked:
        name = run_name()
        text = _copy(src, starts, fn, name, perturb=(lit, value), pools=pools)
        if text is None or not _parses(text):
            # (a canary that does not parse would fail every honest run as
            # a collection error)
            continue
        twins[name] = fn.name
        siblings = [f for s, f in _tests(tree) if s is scope and f.lineno >= fn.lineno]
        after = _RNG.choice(siblings)
        end = starts[after.end_lineno + 1] if after.end_lineno + 1 < len(starts) else len(src)
        chosen.append(name)
        if _RNG.random() < 0.5:
            # The canary where the test was, the test further on: which
            # of the two comes first says nothing.
            own = run_name()
            renames[own] = fn.name
            swapped[id(fn)] = True
            begin, stop = _span(starts, fn)
            edits.append((begin, stop, text))
            text = _copy(src, starts, fn, own, perturb=False)
        edits.append((end, end, b"\n" + text + b"\n"))
    for scope, fn in _tests(tree):
        if id(fn) in swapped:
            continue
        new = run_name()
        renames[new] = fn.name
        at = _def_name(src, starts, fn)
        edits.append((at, at + len(fn.name.encode()), new.encode()))
    return _apply(src, edits), renames, chosen, twins


def _parses(text):
    """Whether a function's text (indented as in its class) parses."""
    try:
        ast.parse(textwrap.dedent(text.decode("utf-8", "replace")))
    except (SyntaxError, ValueError):
        return False
    return True


def _cheapest(sources, cost_ms):
    """sources in random order, the cheapest first when costs are known."""
    order = _RNG.sample(sources, len(sources))
    if cost_ms:
        cost = {id(s): _cost(s, cost_ms) for s in order}
        order.sort(key=lambda s: float("inf") if cost[id(s)] is None else cost[id(s)])
    return order


def _pick(sources, canaries, cost_ms, everything):
    """(the sources that get a canary, the others cheapest first, the
    budget left in ms, {id(source): its cost in ms or None})."""
    order = _cheapest(sources, cost_ms)
    if everything:
        return order, [], 0.0, {}
    if not cost_ms:
        return order[:canaries], order[canaries:], float("inf"), {}
    # The cheapest first (ties in random order): the most canaries for the
    # time, and the fixed few cost least. Which tests have a twin says
    # nothing of which of a pair is the canary (the pairs are plain to
    # see), so the choice need not be random.
    cost = {id(s): _cost(s, cost_ms) for s in order}
    picked = order[:canaries]
    budget = max(BUDGET_FLOOR_MS, BUDGET_SHARE * sum(v for v in cost_ms.values() if v > 0))
    budget -= sum(cost[id(s)] or PER_CANARY_MS for s in picked)
    for source in order[canaries:]:
        if len(picked) >= MOST:
            break
        c = cost[id(source)]
        if c is not None and c <= budget:
            picked.append(source)
            budget -= c
    return picked, [s for s in order if s not in picked], budget, cost


def _key(v):
    return (type(v), v)


def _plan(picked, spare, parsed, expected, pool_all, budget, cost, want=CANARIES):
    """What each canary of the run expects: ([(rel, scope, function, the
    literal it perturbs, the text that replaces it)], how many of them
    are not balanced, how many independent groups they make).

    A reader of the disguised tests sees each value's count among the
    suite's expected values. A canary's value comes from elsewhere in the
    suite, so it always appears at least twice; were the real value unique,
    "the value that appears elsewhere is the canary" would decide the pair.
    So the values are chosen to leave both of a pair's values with the
    same count, in one of two ways:

    - alone: the real value appears n >= 2 times, and the canary takes a
      value that appears n - 1 times and is nobody's real value (after it,
      n times as well); the pair tells nothing of any other pair.
    - swapped: two sources whose real values appear equally often (unique
      ones, most often) take each other's value. Each value then appears
      once more, as real in one test and canary in the other. The two pairs
      are linked (one guess settles both), which is still better than a
      pair its counts decide.

    Sources that fit neither (no partner among the picked ones or, up to
    MOST, the spare ones) get _from_pool's choice, which avoids the values
    the others rely on."""
    nat = collections.Counter(_key(v) for v, _ in pool_all)
    spell = collections.defaultdict(list)  # key: [(rel, text)]
    for rel in sorted(expected):
        for v, text in expected[rel]:
            spell[_key(v)].append((rel, text))

    lines = {rel: src.split(b"\n") for rel, (src, _) in parsed.items()}

    def text_of(rel, node):
        if node.lineno != node.end_lineno:
            return None
        return lines[rel][node.lineno - 1][node.col_offset:node.end_col_offset].decode("utf-8", "replace")

    def fits(fn, lit, own, x, text):
        # fn's canary may expect x spelled text
        return text is not None and "\n" not in text and text != own and _key(x) not in _values(fn) \
            and _differs(lit.value, x)

    def alone(rel, fn, lit, own, taken):
        # the texts of values a canary of lit may take on its own
        n = nat[_key(lit.value)]
        if n < 2:
            return []
        out = []
        for k, where in spell.items():
            if nat[k] == n - 1 and k not in taken:
                near = [t for r, t in where if r == rel] or [t for _, t in where]
                if fits(fn, lit, own, k[1], near[0]):
                    out.append((k, near))
        # (another source's value may be needed for a swap)
        return [o for o in out if o[0] not in source_values] or out

    source_values = {_key(lit.value) for _, _, fn in list(picked) + list(spare) for lit in _targets(fn)}
    # Each source's literal: one that can stand alone when there is one.
    chosen = []
    for rel, scope, fn in picked:
        options = [(lit, text_of(rel, lit)) for lit in _targets(fn)]
        options = [(lit, t) for lit, t in options if t is not None]
        if not options:
            continue
        good = [o for o in options if alone(rel, fn, o[0], o[1], set())]
        lit, own = _RNG.choice(good or options)
        chosen.append([rel, scope, fn, lit, own, None])
    # What the copies add: a canary copies its whole test, so every other
    # expected value of a canaried test appears once more.
    nat = collections.Counter(nat)
    for c in chosen:
        nat.update(_copied(c[2], c[3]))
    reals = {_key(c[3].value) for c in chosen}
    used = set()
    groups = 0  # independent guesses: a pair alone, a swapped couple
    for c in _RNG.sample(chosen, len(chosen)):
        rel, scope, fn, lit, own, _ = c
        found = alone(rel, fn, lit, own, reals | used)
        if found:
            k, texts = _RNG.choice(found)
            used.add(k)
            c[5] = _RNG.choice(texts)
            groups += 1

    def swap(a, b):
        if _key(a[3].value) in used or _key(b[3].value) in used:
            return False
        if nat[_key(a[3].value)] != nat[_key(b[3].value)]:
            return False
        if not (fits(a[2], a[3], a[4], b[3].value, b[4]) and fits(b[2], b[3], b[4], a[3].value, a[4])):
            return False
        a[5], b[5] = b[4], a[4]
        nonlocal groups
        groups += 1
        return True

    left = [c for c in chosen if c[5] is None]
    _RNG.shuffle(left)
    for i, a in enumerate(left):
        if a[5] is not None:
            continue
        for b in left[i + 1:]:
            if b[5] is None and swap(a, b):
                break
    # Sources left without a partner: a spare one may be a partner (one
    # canary more) or take the source's place, where it can stand alone,
    # within the budget and MOST. A spare's copy must not add to the values
    # already balanced, nor may a dropped source's copy be missed by them.
    def afford(ms):
        return budget == float("inf") or (ms is not None and ms <= budget)

    ms_of = {id(s[2]): cost.get(id(s)) for s in list(picked) + list(spare)}
    spare = list(spare)
    for a in left:
        if a[5] is not None:
            continue
        for s in spare:
            rel, scope, fn = s
            ms = ms_of[id(fn)]
            for lit in _RNG.sample(_targets(fn), len(_targets(fn))):
                b = [rel, scope, fn, lit, text_of(rel, lit), None]
                if b[4] is None or _key(lit.value) in reals | used or set(_copied(fn, lit)) & (reals | used):
                    continue
                if len(chosen) < MOST and afford(ms) and swap(a, b):
                    chosen.append(b)
                    budget -= ms or 0.0
                elif not set(_copied(a[2], a[3])) & (reals | used) \
                        and afford((ms or 0.0) - (ms_of[id(a[2])] or 0.0)):
                    nat.subtract(_copied(a[2], a[3]))
                    found = alone(rel, fn, lit, b[4], reals | used | {_key(lit.value)})
                    if not found:
                        nat.update(_copied(a[2], a[3]))
                        continue
                    k, texts = _RNG.choice(found)
                    used.add(k)
                    b[5] = _RNG.choice(texts)
                    groups += 1
                    chosen[chosen.index(a)] = b
                    reals.discard(_key(a[3].value))
                    a[5] = "dropped"
                    budget -= (ms or 0.0) - (ms_of[id(a[2])] or 0.0)
                else:
                    continue
                reals.add(_key(lit.value))
                nat.update(_copied(fn, lit))
                spare.remove(s)
                break
            if a[5] is not None:
                break
    # Fewer independent groups than the run wants (a swapped couple is one
    # guess for two pairs; a pair left unbalanced may be none: a real value
    # seen once gives it away): spare sources that balance, alone or
    # swapped with each other, cheapest first, within the budget and MOST.
    def clean(rel, fn, lit, taken):
        # fn's canary of lit, if its copy leaves what is balanced alone
        # (its real value is counted already, whatever it is)
        b = [rel, None, fn, lit, text_of(rel, lit), None]
        if b[4] is None or set(_copied(fn, lit)) & taken:
            return None
        return b

    def add(b):
        chosen.append(b)
        reals.add(_key(b[3].value))
        nat.update(_copied(b[2], b[3]))

    for s in list(spare):
        if groups >= want or len(chosen) >= MOST:
            break
        if s not in spare or not afford(ms_of[id(s[2])]):
            continue
        rel, scope, fn = s
        for lit in _RNG.sample(_targets(fn), len(_targets(fn))):
            b = clean(rel, fn, lit, reals | used)
            if b is None:
                continue
            b[1] = scope
            found = alone(rel, fn, lit, b[4], reals | used | {_key(lit.value)})
            if found:
                k, texts = _RNG.choice(found)
                used.add(k)
                b[5] = _RNG.choice(texts)
                groups += 1
                add(b)
                budget -= ms_of[id(fn)] or 0.0
                spare.remove(s)
                break
            if len(chosen) + 2 > MOST:
                continue
            mine = set(_copied(fn, lit)) | {_key(lit.value)}
            for t in spare:
                if t is s or not afford((ms_of[id(fn)] or 0.0) + (ms_of[id(t[2])] or 0.0)):
                    continue
                for tl in _targets(t[2]):
                    c = clean(t[0], t[2], tl, reals | used | mine)
                    if c is not None and _key(lit.value) not in _copied(t[2], tl) and swap(b, c):
                        c[1] = t[1]
                        add(b)
                        add(c)
                        budget -= (ms_of[id(fn)] or 0.0) + (ms_of[id(t[2])] or 0.0)
                        spare.remove(s)
                        spare.remove(t)
                        break
                if b[5] is not None:
                    break
            if b[5] is not None:
                break
    unbalanced = 0
    for c in chosen:
        if c[5] is None:
            unbalanced += 1
            rel, scope, fn, lit, own, _ = c
            c[5] = _from_pool(lit.value, own, (_spelled_in(spell, rel), pool_all), set(_values(fn)),
                              avoid=reals | used)
    return [(rel, scope, fn, lit, text) for rel, scope, fn, lit, _, text in chosen], unbalanced, groups


def _copied(fn, lit):
    """The expected values a canary of fn perturbing lit repeats: the
    test's own but lit's. Kept on the node (a run's plans ask often; the
    caller must not change it)."""
    memo = getattr(fn, "_assay_copied", None)
    if memo is None:
        memo = fn._assay_copied = {}
    found = memo.get(id(lit))
    if found is None:
        leaves = getattr(fn, "_assay_expected", None)
        if leaves is None:
            leaves = fn._assay_expected = [n for node in ast.walk(fn) for side in _sides(node) for n in _leaves(side) or ()]
        found = memo[id(lit)] = collections.Counter(_key(n.value) for n in leaves if n is not lit)
    return found


def _spelled_in(spell, rel):
    return [(k[1], t) for k, where in spell.items() for r, t in where if r == rel]


def _cost(source, cost_ms):
    """The reference's time for a source's test (all its parameters), or
    None if unknown (a test the record does not have)."""
    rel, scope, fn = source
    key = rel[:-3].replace("/", ".")
    if isinstance(scope, ast.ClassDef):
        key += "." + scope.name
    key += "::" + fn.name
    found = [v for k, v in cost_ms.items() if k == key or k.startswith(key + "[")]
    return sum(max(v, 0.0) + PER_CANARY_MS for v in found) if found else None


def _tests(tree):
    """(scope, function) of every test pytest collects by its default
    names: test* functions of the module and of its Test* classes."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
            yield tree, node
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name.startswith("test"):
                    yield node, item


def _marked(fn):
    for d in fn.decorator_list:
        text = ast.dump(d)
        if "skip" in text or "xfail" in text:
            return True
    return False


def _returns(fn):
    """Whether fn's own code (not nested functions or classes) returns or
    yields anywhere."""
    todo = list(fn.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


def _eligible(fn):
    return not _marked(fn) and not _returns(fn) and bool(_targets(fn))


def _targets(fn):
    """The literals a canary may perturb: in the last of the body's own
    statements that compares with a literal: `assert x == <literal>`
    (either side), or a call of an equality helper, `same(x, <literal>)`
    or `assertEqual(x, <literal>)`; those of its values that the test uses
    nowhere else (an expected value the test also uses as an input would
    tell the real test from its canary, whose value it would not use).
    Kept on the node (a run's plans ask often; the caller must not change
    it)."""
    found = getattr(fn, "_assay_targets", None)
    if found is not None:
        return found
    found = []
    for stmt in reversed(fn.body):
        for side in _sides(stmt.value if isinstance(stmt, ast.Expr) else stmt):
            leaves = _leaves(side)
            if leaves is None:
                continue
            counts = _values(fn)
            found = [n for n in leaves if counts[(type(n.value), n.value)] == 1]
            break
        else:
            continue
        break
    fn._assay_targets = found
    return found


def _sides(node):
    """The two sides of an equality check, the expected one first: an
    `assert a == b` or a call of an equality helper, same(actual, expected)
    or assertEqual(actual, expected); () for anything else."""
    if isinstance(node, ast.Assert) and isinstance(node.test, ast.Compare):
        cmp = node.test
        if len(cmp.ops) == 1 and isinstance(cmp.ops[0], ast.Eq):
            return (cmp.comparators[0], cmp.left)
    elif isinstance(node, ast.Call) and len(node.args) == 2:
        name = _called(node)
        if name == "same" or (name.startswith("assert") and "equal" in name.lower()):
            return (node.args[1], node.args[0])
    return ()


def _values(fn):
    """How often each (type, value) is a literal in fn (docstrings and
    f-string parts aside). Kept on the node: _eligible and _copy both ask."""
    counts = getattr(fn, "_assay_values", None)
    if counts is not None:
        return counts
    counts, skip = collections.Counter(), set()
    for n in ast.walk(fn):  # breadth first: a parent before its children
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n.body \
                and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant):
            skip.add(id(n.body[0].value))
        elif isinstance(n, ast.JoinedStr):
            skip.update(id(v) for v in ast.walk(n))
        elif isinstance(n, ast.Constant) and id(n) not in skip and not isinstance(n.value, bool):
            try:
                counts[(type(n.value), n.value)] += 1
            except TypeError:
                pass
    fn._assay_values = counts
    return counts


def _called(call):
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _leaves(node):
    """The constants that could stand for node's value in a canary, when
    node is a literal worth perturbing: a number or string constant (not
    bool or None), a tuple or list of them, a dict of them (its values),
    approx(<number>), or a value built from them (State(0, 7)); else
    None."""
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, bool) or v is None or not isinstance(v, (int, float, str, bytes)):
            return None
        return [node]
    if isinstance(node, (ast.Tuple, ast.List)) and node.elts:
        parts = [_leaves(e) for e in node.elts]
        return [x for p in parts for x in p] if all(p is not None for p in parts) else None
    if isinstance(node, ast.Dict) and node.values:
        # {"the": 2, "cat": 1}: one value changed (keys stay: a changed key
        # would be a dict an honest run could still produce by a typo).
        if not all(k is not None and _leaves(k) is not None for k in node.keys):
            return None
        parts = [_leaves(v) for v in node.values]
        return [x for p in parts for x in p] if all(p is not None for p in parts) else None
    if isinstance(node, ast.Call) and node.args and _called(node) == "approx":
        a = node.args[0]
        if isinstance(a, ast.Constant) and isinstance(a.value, (int, float)) and not isinstance(a.value, bool):
            return [a]
        return None
    if isinstance(node, ast.Call) and _called(node)[:1].isupper():
        # A value built from literals (State(0, 7)): one of them changed.
        args = list(node.args) + [k.value for k in node.keywords if k.arg is not None]
        parts = [_leaves(e) for e in args]
        if args and all(p is not None for p in parts):
            return [x for p in parts for x in p]
    return None


def _perturbed(v, places=None):
    """Another value of v's type, never one a near miss gives (an
    off-by-one, a sign, a dropped character), and not telling by its
    direction which of the two is the real one: up or down, longer,
    shorter or the same length. A number keeps its sign (a negative
    count would give the canary away); a float is rounded to places
    decimals when given (the real literal's own, so that its spelling says
    nothing either)."""
    if isinstance(v, int):
        while True:
            new = v + _RNG.choice((-1, 1)) * _RNG.randint(7, max(50, 3 * abs(v)))
            if new not in (0, 1, -1, -v, 2 * v, v // 2) and (v == 0 or (new > 0) == (v > 0)):
                return new
    if isinstance(v, float):
        while True:
            new = v * _RNG.choice((_RNG.uniform(0.2, 0.7), _RNG.uniform(1.4, 5))) + _RNG.choice((-1, 1)) * _RNG.uniform(0.5, 3)
            if places is not None:
                new = round(new, places)
            # (far in absolute terms too: rounded to a literal's few
            # decimals, a near value could be an honest near miss)
            if abs(new - v) >= max(1.5, 0.25 * abs(v)) and new not in (0.0, -v, 2 * v, v / 2) \
                    and (v == 0 or (new > 0) == (v > 0)):
                return new
    text = v if isinstance(v, str) else v.decode("latin-1")
    while True:
        new = _mutated(text)
        if new != text and new.lower() != text.lower() and new.strip() != text.strip() and new != text[::-1] \
                and not _same_number(new, text):
            return new if isinstance(v, str) else new.encode("latin-1")


_PLAIN_FLOAT = re.compile(r"[0-9]*\.([0-9]*)\Z")
_STRING = re.compile(r"([bBuU]?)('|\")(.*)\2\Z", re.S)


def _spelled(text, v):
    """The source of a value to replace the literal text with, spelled as
    that literal is: a float with as many decimals, an int in the same
    base, a string with the same quotes and prefix (repr's spelling
    otherwise), so that the two literals of a pair differ only in value."""
    if isinstance(v, float):
        m = _PLAIN_FLOAT.match(text)
        if m:
            out = "%.*f" % (len(m.group(1)), v)
            if not m.group(1) and not out.endswith("."):
                out += "."
            return out
        return repr(v)
    if isinstance(v, int):
        low = text.lower()
        for prefix, spell in (("0x", hex), ("0o", oct), ("0b", bin)):
            if low.startswith(prefix) and v >= 0:
                out = spell(v)
                return text[:2] + (out[2:].upper() if text[2:] == text[2:].upper() and text[2:] != text[2:].lower() else out[2:])
        if "_" in text:
            return "{:_}".format(v)
        return repr(v)
    m = _STRING.match(text)
    if not m or m.group(2) * 3 == text[len(m.group(1)):len(m.group(1)) + 3]:
        return repr(v)  # raw, triple-quoted, implicitly joined: as repr spells it
    prefix, quote = m.group(1), m.group(2)
    body = []
    for c in (v if isinstance(v, str) else v.decode("latin-1")):
        if c in (quote, "\\"):
            body.append("\\" + c)
        elif c.isprintable() and (isinstance(v, str) or " " <= c <= "~"):
            body.append(c)
        else:
            body.append(repr(c)[1:-1] if isinstance(v, str) else "\\x%02x" % ord(c))
    return prefix + quote + "".join(body) + quote


_HUGE_EXPONENT = re.compile(r"[eE]\s*[+-]?\s*\d{4}")


def _same_number(a, b):
    """Whether two strings spell the same number: a test that reads its
    literal as one (Decimal("-525.00"), Fraction("10/20")) would pass a
    canary whose edits only dropped a zero ("-525.0", "1/2")."""
    if _HUGE_EXPONENT.search(a) or _HUGE_EXPONENT.search(b):
        return False  # Fraction("1e4159265") would compute 10**4159265
    for kind, bad in ((fractions.Fraction, (ValueError, ZeroDivisionError)),
                      (decimal.Decimal, (decimal.InvalidOperation, ValueError))):
        try:
            x, y = kind(a.strip()), kind(b.strip())
        except bad:
            continue
        if x == y:
            return True
        if kind is decimal.Decimal and x.is_nan() and y.is_nan():
            return True
    return False


def _mutated(text):
    """text with two to four characters replaced, inserted or deleted. A
    letter's stand-in has its case (an inserted lowercase letter in an
    upper-case word would give the canary away); anything else gets a
    lowercase letter, so a number never becomes another plausible number."""
    lower = "abcdefghijklmnopqrstuvwxyz"
    upper = lower.upper()

    def like(c):
        return _RNG.choice(upper if c is not None and c.isupper() else lower)

    chars = list(text)
    for _ in range(_RNG.randint(2, 4)):
        how = _RNG.choice(("replace", "insert", "delete")) if chars else "insert"
        at = _RNG.randrange(len(chars) + (how == "insert")) if chars or how == "insert" else 0
        if how == "replace":
            chars[at] = like(chars[at])
        elif how == "insert":
            near = chars[at - 1] if at > 0 else chars[at] if chars else None
            chars.insert(at, like(near))
        else:
            del chars[at]
    return "".join(chars)


def _line_starts(src):
    """Byte offsets of each line's start; index 1 is line 1 (ast's)."""
    starts = [0, 0]
    for m in re.finditer(rb"\n", src):
        starts.append(m.end())
    return starts


def _offset(starts, line, col):
    return starts[line] + col


def _def_name(src, starts, fn):
    """The offset of fn's name in its def line."""
    line_start = starts[fn.lineno]
    m = re.compile(rb"def\s+" + re.escape(fn.name.encode()) + rb"\b").search(src, line_start + fn.col_offset)
    return m.start() + m.group(0).rindex(fn.name.encode())


def _span(starts, fn):
    """fn's text: from the start of its first decorator's line to its end."""
    first = min([fn.lineno] + [d.lineno for d in fn.decorator_list])
    return starts[first], _offset(starts, fn.end_lineno, fn.end_col_offset)


def _copy(src, starts, fn, name, perturb, pools=((), ())):
    """The text of a copy of fn named name; with perturb, (literal, text
    or None), that literal changed (a canary): to text, or when None to
    another expected value of the hidden tests (pools: its file's, every
    file's), else a made-up value; None when this test cannot be a
    canary's source this time."""
    begin, end = _span(starts, fn)
    at = _def_name(src, starts, fn)
    edits = [(at, at + len(fn.name.encode()), name.encode())]
    if perturb:
        lit, other = perturb
        if lit is None:
            return None
        lo, hi = _offset(starts, lit.lineno, lit.col_offset), _offset(starts, lit.end_lineno, lit.end_col_offset)
        text = src[lo:hi].decode("utf-8", "replace")
        if other is None:
            other = _from_pool(lit.value, text, pools, set(_values(fn)))
        if other is None:
            m = _PLAIN_FLOAT.match(text) if isinstance(lit.value, float) else None
            other = _spelled(text, _perturbed(lit.value, len(m.group(1)) if m else None))
        edits.append((lo, hi, other.encode()))
    return _apply(src, edits)[begin:end + _shift(edits, end)]


def _differs(a, b):
    """Whether a canary expecting b fails wherever its twin expecting a
    passes: another value of the same type, not equal to it in any way a
    test compares (case and surrounding space of text, the number a
    string spells, pytest.approx's tolerance)."""
    if type(a) is not type(b) or a == b:
        return False
    if isinstance(a, float):
        return abs(a - b) > 0.25 * max(abs(a), abs(b), 1e-9)
    if isinstance(a, (str, bytes)):
        ta = a if isinstance(a, str) else a.decode("latin-1")
        tb = b if isinstance(b, str) else b.decode("latin-1")
        return ta.strip().lower() != tb.strip().lower() and not _same_number(ta, tb)
    return True


def _from_pool(v, text, pools, used, avoid=frozenset()):
    """The source text of an expected value of the hidden tests (pools:
    its file's, then every file's) that can stand for v in a canary, or
    None: one line, one the source test does not use anywhere (used), as
    the real value does not either; none of avoid's values when there is
    another (they are other pairs' values, whose counts would change)."""
    for shun in (avoid, frozenset()):
        for pool in pools:
            found = sorted({t for x, t in pool if "\n" not in t and t != text and (type(x), x) not in used
                            and (type(x), x) not in shun and _differs(v, x)})
            if found:
                return _RNG.choice(found)
    return None


def _expected_literals(tree, src):
    """(value, source text) of the literals the tests compare results with
    (the literal side of every equality check in the file, _sides; inside
    tuples, lists, dicts and constructors too, _leaves), one line each."""
    out = []
    lines = src.split(b"\n")
    for node in ast.walk(tree):
        for side in _sides(node):
            for n in _leaves(side) or ():
                if n.lineno == n.end_lineno:
                    out.append((n.value, lines[n.lineno - 1][n.col_offset:n.end_col_offset].decode("utf-8", "replace")))
    return out


def _shift(edits, upto):
    return sum(len(r) - (e - s) for s, e, r in edits if e <= upto)


def _apply(src, edits):
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        src = src[:start] + text + src[end:]
    return src
