"""The small-suite corpus's topics: a reference module and its tests each.

gen.py turns every topic into four challenge folders whose hidden
property tests differ in size (suites of about 8 to 30 tests). Tests
compare with tests.strict.same and, in the property tests, with an oracle
computed in the test, so that the forged solutions of `assay challenges
check` fail; the literal hidden tests are the canaries' sources.
"""

TOPICS = []


def topic(name, title, ref, visible, hidden, prop):
    TOPICS.append(dict(name=name, title=title, ref=ref, visible=visible, hidden=hidden, prop=prop))


topic("slugify", "Slugs for titles", '''
import re
import unicodedata


def slugify(text, sep="-"):
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    return sep.join(words)
''', '''
import pytest
from tests.strict import same
from solution import slugify


@pytest.mark.parametrize("text, want", [("Hello World", "hello-world"), ("  a  b ", "a-b"), ("Crème brûlée", "creme-brulee")])
def test_examples(text, want):
    same(slugify(text), want)


def test_custom_separator():
    same(slugify("Big Data", sep="_"), "big_data")
''', '''
def test_punctuation_only():
    same(slugify("Rock & Roll!!"), "rock-roll")


def test_digits_kept():
    same(slugify("Top 10 Tips"), "top-10-tips")


def test_empty():
    same(slugify("?!"), "")
''', '''
def oracle(text):
    out, word = [], ""
    for ch in text.lower():
        if ch in "abcdefghijklmnopqrstuvwxyz0123456789":
            word += ch
        elif word:
            out.append(word)
            word = ""
    return "-".join(out + ([word] if word else []))


@pytest.mark.parametrize("seed", range(__SIZE__))
def test_random_ascii(seed):
    rnd = random.Random(seed)
    text = "".join(rnd.choice("abcXYZ019 -_.,!") for _ in range(rnd.randint(0, 30)))
    same(slugify(text), oracle(text))
''')

topic("roman", "Roman numerals", '''
PAIRS = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def to_roman(n):
    if not 0 < n < 4000:
        raise ValueError("out of range: %r" % n)
    out = ""
    for value, letters in PAIRS:
        while n >= value:
            out += letters
            n -= value
    return out


def from_roman(s):
    n, i = 0, 0
    for value, letters in PAIRS:
        while s.startswith(letters, i):
            n += value
            i += len(letters)
    if i != len(s) or not s or to_roman(n) != s:
        raise ValueError("not a roman numeral: %r" % s)
    return n
''', '''
import pytest
from tests.strict import same
from solution import from_roman, to_roman


@pytest.mark.parametrize("n, s", [(1, "I"), (4, "IV"), (9, "IX"), (14, "XIV"), (1994, "MCMXCIV")])
def test_to_roman(n, s):
    same(to_roman(n), s)


def test_zero_refused():
    with pytest.raises(ValueError):
        to_roman(0)
''', '''
def test_parse_year():
    same(from_roman("MMXXVI"), 2026)


def test_parse_large():
    same(from_roman("MMMCMXCIX"), 3999)


def test_bad_numeral():
    with pytest.raises(ValueError):
        from_roman("IIII")
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_round_trip(seed):
    n = random.Random(seed).randint(1, 3999)
    s = to_roman(n)
    values = [{"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}[c] for c in s]
    same(sum(-v if v < w else v for v, w in zip(values, values[1:] + [0])), n)
    same(from_roman(s), n)
''')

topic("ini", "A tiny INI parser", '''
def parse_ini(text):
    data, section = {}, None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            data.setdefault(section, {})
        elif "=" in line and section is not None:
            key, value = line.split("=", 1)
            data[section][key.strip()] = value.strip()
        else:
            raise ValueError("line %d: %r" % (number, raw))
    return data
''', '''
import pytest
from tests.strict import same
from solution import parse_ini


@pytest.fixture
def sample():
    return "# settings\\n[db]\\nhost = localhost\\nport=5432\\n\\n[app]\\ndebug = yes\\n"


def test_sections(sample):
    same(sorted(parse_ini(sample)), ["app", "db"])


def test_values(sample):
    same(parse_ini(sample)["db"], {"host": "localhost", "port": "5432"})


def test_key_outside_section():
    with pytest.raises(ValueError, match="line 1"):
        parse_ini("x = 1")
''', '''
def test_equals_in_value():
    same(parse_ini("[a]\\nurl = http://h/?q=1")["a"]["url"], "http://h/?q=1")


def test_comments():
    same(parse_ini("; c\\n[s]\\n# d\\nk=v"), {"s": {"k": "v"}})


def test_empty_section():
    same(parse_ini("[only]"), {"only": {}})
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_generated(seed):
    rnd = random.Random(seed)
    want = {"s%d" % i: {"k%d" % j: str(rnd.randint(0, 99)) for j in range(rnd.randint(0, 4))} for i in range(rnd.randint(1, 4))}
    text = "\\n".join("[%s]\\n" % s + "\\n".join("%s = %s" % kv for kv in d.items()) for s, d in want.items())
    same(parse_ini(text), want)
''')

topic("stack", "A bounded stack", '''
class StackFull(Exception):
    pass


class Stack:
    def __init__(self, capacity):
        self.capacity = capacity
        self._items = []

    def push(self, item):
        if len(self._items) >= self.capacity:
            raise StackFull(self.capacity)
        self._items.append(item)

    def pop(self):
        if not self._items:
            raise IndexError("pop from an empty stack")
        return self._items.pop()

    def peek(self):
        return self._items[-1] if self._items else None

    def __len__(self):
        return len(self._items)
''', '''
import pytest
from tests.strict import same
from solution import Stack, StackFull


@pytest.fixture
def stack():
    s = Stack(3)
    s.push(1)
    s.push(2)
    return s


def test_lifo(stack):
    same(stack.pop(), 2)
    same(stack.pop(), 1)


def test_len_and_peek(stack):
    assert len(stack) == 2
    same(stack.peek(), 2)


def test_full(stack):
    stack.push(3)
    with pytest.raises(StackFull):
        stack.push(4)
''', '''
def test_empty_pop():
    with pytest.raises(IndexError):
        Stack(1).pop()


def test_peek_empty():
    assert Stack(2).peek() is None


def test_strings():
    s = Stack(2)
    s.push("a")
    s.push("b")
    same(s.pop() + s.pop(), "ba")
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_against_a_list(seed):
    rnd = random.Random(seed)
    s, model = Stack(5), []
    for _ in range(40):
        if rnd.random() < 0.6 and len(model) < 5:
            x = rnd.randint(0, 9)
            s.push(x)
            model.append(x)
        elif model:
            same(s.pop(), model.pop())
        assert len(s) == len(model)
''')

topic("workdays", "Business-day arithmetic", '''
import datetime as dt


def add_workdays(start, days, holidays=()):
    day, step = start, 1 if days >= 0 else -1
    left = abs(days)
    while left:
        day += dt.timedelta(days=step)
        if day.weekday() < 5 and day not in holidays:
            left -= 1
    return day


def workdays_between(a, b):
    if b < a:
        return -workdays_between(b, a)
    return sum(1 for i in range((b - a).days) if (a + dt.timedelta(days=i + 1)).weekday() < 5)
''', '''
import datetime as dt

import pytest
from tests.strict import same
from solution import add_workdays, workdays_between


@pytest.mark.parametrize("days, want", [(1, dt.date(2026, 12, 7)), (5, dt.date(2026, 12, 11)), (0, dt.date(2026, 12, 4))])
def test_from_friday(days, want):
    same(add_workdays(dt.date(2026, 12, 4), days), want)


def test_holiday_skipped():
    same(add_workdays(dt.date(2026, 12, 24), 1, holidays={dt.date(2026, 12, 25)}), dt.date(2026, 12, 28))
''', '''
def test_backwards():
    same(add_workdays(dt.date(2026, 12, 7), -1), dt.date(2026, 12, 4))


def test_between_weeks():
    same(workdays_between(dt.date(2026, 12, 1), dt.date(2026, 12, 15)), 10)


def test_between_reversed():
    same(workdays_between(dt.date(2026, 12, 8), dt.date(2026, 12, 1)), -5)
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_inverse(seed):
    rnd = random.Random(seed)
    start = dt.date(2026, 1, 5) + dt.timedelta(days=rnd.randint(0, 300))
    while start.weekday() > 4:
        start += dt.timedelta(days=1)
    n = rnd.randint(0, 60)
    end = add_workdays(start, n)
    same(type(end), dt.date)
    same(workdays_between(start, end), n)
''')

topic("turnstile", "A turnstile state machine", '''
class Turnstile:
    def __init__(self):
        self.state = "locked"
        self.coins = 0
        self.alarms = 0

    def event(self, name):
        if name == "coin":
            self.coins += 1
            self.state = "unlocked"
        elif name == "push":
            if self.state == "locked":
                self.alarms += 1
            self.state = "locked"
        else:
            raise ValueError("unknown event %r" % name)
        return self.state


def run(events):
    t = Turnstile()
    for e in events:
        t.event(e)
    return t.state, t.coins, t.alarms
''', '''
import pytest
from tests.strict import same
from solution import Turnstile, run


def test_starts_locked():
    same(Turnstile().state, "locked")


@pytest.mark.parametrize("events, state", [(["coin"], "unlocked"), (["coin", "push"], "locked"), (["push"], "locked")])
def test_transitions(events, state):
    same(run(events)[0], state)


def test_unknown_event():
    with pytest.raises(ValueError):
        Turnstile().event("kick")
''', '''
def test_counts():
    same(run(["coin", "coin", "push", "push"]), ("locked", 2, 1))


def test_alarm_count():
    same(run(["push"] * 3), ("locked", 0, 3))


def test_two_passes():
    same(run(["coin", "push", "coin"]), ("unlocked", 2, 0))
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_random_walk(seed):
    rnd = random.Random(seed)
    events = [rnd.choice(["coin", "push"]) for _ in range(rnd.randint(1, 30))]
    state, coins, alarms = "locked", 0, 0
    for e in events:
        if e == "coin":
            state, coins = "unlocked", coins + 1
        else:
            alarms += state == "locked"
            state = "locked"
    same(run(events), (state, coins, alarms))
''')

topic("flatten", "Flatten and unflatten nested dicts", '''
def flatten(data, sep="."):
    out = {}

    def walk(prefix, value):
        if isinstance(value, dict) and value:
            for k, v in value.items():
                walk(prefix + sep + k if prefix else k, v)
        else:
            out[prefix] = value

    walk("", data)
    return out


def unflatten(flat, sep="."):
    out = {}
    for key, value in flat.items():
        node = out
        *parents, last = key.split(sep)
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return out
''', '''
import pytest
from tests.strict import same
from solution import flatten, unflatten


def test_flat_stays():
    same(flatten({"a": 1}), {"a": 1})


def test_nested():
    same(flatten({"a": {"b": {"c": 2}}, "d": [1]}), {"a.b.c": 2, "d": [1]})


def test_unflatten():
    same(unflatten({"x.y": 1, "x.z": 2}), {"x": {"y": 1, "z": 2}})
''', '''
def test_separator():
    same(flatten({"a": {"b": 3}}, sep="/"), {"a/b": 3})


def test_empty_dict_kept():
    same(flatten({"a": {}}), {"a": {}})


def test_unflatten_deep():
    same(unflatten({"p.q.r": "s"}), {"p": {"q": {"r": "s"}}})
''', '''
def leaves(d):
    return sum(leaves(v) if isinstance(v, dict) else 1 for v in d.values())


def nested(rnd, depth):
    return {"k%d" % i: nested(rnd, depth - 1) if depth and rnd.random() < 0.5 else rnd.randint(0, 9) for i in range(rnd.randint(1, 3))}


@pytest.mark.parametrize("seed", range(__SIZE__))
def test_round_trip(seed):
    data = nested(random.Random(seed), 3)
    flat = flatten(data)
    assert all(type(v) is int for v in flat.values())
    same(len(flat), leaves(data))
    same(unflatten(flat), data)
''')

topic("wordfreq", "Word counts from a file", '''
import re
from collections import Counter


def word_counts(path):
    with open(path, encoding="utf-8") as f:
        return dict(Counter(re.findall(r"[a-z']+", f.read().lower())))


def top_words(path, n):
    counts = word_counts(path)
    return sorted(counts, key=lambda w: (-counts[w], w))[:n]
''', '''
import pytest
from tests.strict import same
from solution import top_words, word_counts


@pytest.fixture
def text_file(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("The cat and the hat. The END, and done.", encoding="utf-8")
    return p


def test_counts(text_file):
    same(word_counts(text_file)["the"], 3)


def test_top(text_file):
    same(top_words(text_file, 2), ["the", "and"])
''', '''
def test_apostrophes(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("don't DON'T stop", encoding="utf-8")
    same(word_counts(p), {"don't": 2, "stop": 1})


def test_ties_alphabetical(tmp_path):
    p = tmp_path / "b.txt"
    p.write_text("b a c", encoding="utf-8")
    same(top_words(p, 2), ["a", "b"])


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        word_counts(tmp_path / "nope.txt")
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_random_text(seed, tmp_path):
    rnd = random.Random(seed)
    words = [rnd.choice(["red", "green", "Blue", "ox"]) for _ in range(rnd.randint(1, 50))]
    p = tmp_path / "r.txt"
    p.write_text(" ".join(words), encoding="utf-8")
    want = {}
    for w in words:
        want[w.lower()] = want.get(w.lower(), 0) + 1
    same(word_counts(p), want)
''')

topic("envconfig", "Settings from the environment", '''
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
''', '''
import pytest
from tests.strict import same
from solution import load_settings


@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for k in ("APP_DEBUG", "APP_PORT", "APP_NAME"):
        monkeypatch.delenv(k, raising=False)


def test_defaults():
    same(load_settings(), {"debug": False, "port": 8000, "name": "app"})


def test_port(monkeypatch):
    monkeypatch.setenv("APP_PORT", "9090")
    same(load_settings()["port"], 9090)
''', '''
@pytest.fixture(autouse=True)
def clean(monkeypatch):
    for k in ("APP_DEBUG", "APP_PORT", "APP_NAME", "SVC_NAME"):
        monkeypatch.delenv(k, raising=False)


def test_debug_yes(monkeypatch):
    monkeypatch.setenv("APP_DEBUG", "YES")
    same(load_settings()["debug"], True)


def test_prefix(monkeypatch):
    monkeypatch.setenv("SVC_NAME", "billing")
    same(load_settings("SVC_")["name"], "billing")


def test_bad_port(monkeypatch):
    monkeypatch.setenv("APP_PORT", "70000")
    with pytest.raises(ValueError):
        load_settings()
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_random_port(seed, monkeypatch):
    port = random.Random(seed).randint(1, 65535)
    monkeypatch.setenv("APP_PORT", str(port))
    monkeypatch.setenv("APP_NAME", "n%d" % port)
    same(load_settings(), {"debug": False, "port": port, "name": "n%d" % port})
''')

topic("interest", "Loan and interest math", '''
def compound(principal, rate, years, per_year=12):
    return principal * (1 + rate / per_year) ** (years * per_year)


def monthly_payment(principal, annual_rate, months):
    if months <= 0:
        raise ValueError("months must be positive")
    if annual_rate == 0:
        return principal / months
    r = annual_rate / 12
    return principal * r / (1 - (1 + r) ** -months)
''', '''
import pytest
from tests.strict import same
from solution import compound, monthly_payment


def test_compound_yearly():
    assert compound(1000, 0.05, 2, per_year=1) == pytest.approx(1102.5)


def test_zero_rate():
    assert monthly_payment(1200, 0, 12) == pytest.approx(100.0)


def test_bad_months():
    with pytest.raises(ValueError):
        monthly_payment(1, 0.1, 0)
''', '''
def test_mortgage():
    assert monthly_payment(200000, 0.06, 360) == pytest.approx(1199.10, abs=0.01)


def test_monthly_compounding():
    assert compound(100, 0.12, 1) == pytest.approx(112.6825, abs=1e-4)


def test_type():
    same(type(compound(100, 0.1, 1)), float)
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_pays_off(seed):
    rnd = random.Random(seed)
    principal, rate, months = rnd.randint(1000, 90000), rnd.choice([0.01, 0.05, 0.2]), rnd.randint(6, 120)
    pay = monthly_payment(principal, rate, months)
    same(type(pay), float)
    balance = float(principal)
    for _ in range(months):
        balance = balance * (1 + rate / 12) - pay
    assert abs(balance) < 1e-6 * principal
''')

topic("lru", "An LRU cache", '''
from collections import OrderedDict


class LRU:
    def __init__(self, size):
        if size < 1:
            raise ValueError("size must be at least 1")
        self.size = size
        self._data = OrderedDict()

    def get(self, key, default=None):
        if key not in self._data:
            return default
        self._data.move_to_end(key)
        return self._data[key]

    def put(self, key, value):
        self._data[key] = value
        self._data.move_to_end(key)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def keys(self):
        return list(self._data)
''', '''
import pytest
from tests.strict import same
from solution import LRU


def test_evicts_oldest():
    c = LRU(2)
    c.put("a", 1)
    c.put("b", 2)
    c.put("c", 3)
    same(c.keys(), ["b", "c"])


def test_get_refreshes():
    c = LRU(2)
    c.put("a", 1)
    c.put("b", 2)
    same(c.get("a"), 1)
    c.put("c", 3)
    same(c.keys(), ["a", "c"])


def test_size_zero():
    with pytest.raises(ValueError):
        LRU(0)
''', '''
def test_default():
    same(LRU(1).get("x", "none"), "none")


def test_overwrite():
    c = LRU(3)
    c.put("k", 1)
    c.put("k", 2)
    same(c.get("k") * 10, 20)


def test_single():
    c = LRU(1)
    c.put(1, "a")
    c.put(2, "b")
    same(c.keys(), [2])
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_against_a_model(seed):
    rnd = random.Random(seed)
    c, model = LRU(3), []
    for _ in range(60):
        k = rnd.randint(0, 5)
        if rnd.random() < 0.5:
            c.put(k, k * 10)
            model = [x for x in model if x != k] + [k]
            model = model[-3:]
        else:
            got = c.get(k)
            if k in model:
                model = [x for x in model if x != k] + [k]
                same(got, k * 10)
            else:
                assert got is None
        same(c.keys(), model)
''')

topic("csvline", "Splitting CSV lines", '''
def split_csv(line, delim=","):
    fields, field, quoted, i = [], "", False, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"' and line[i + 1:i + 2] == '"':
                field += '"'
                i += 1
            elif ch == '"':
                quoted = False
            else:
                field += ch
        elif ch == '"':
            quoted = True
        elif ch == delim:
            fields.append(field)
            field = ""
        else:
            field += ch
        i += 1
    if quoted:
        raise ValueError("unterminated quote")
    fields.append(field)
    return fields
''', '''
import pytest
from tests.strict import same
from solution import split_csv


@pytest.mark.parametrize("line, want", [("a,b,c", ["a", "b", "c"]), ("", [""]), ("x,,y", ["x", "", "y"])])
def test_plain(line, want):
    same(split_csv(line), want)


def test_quoted_comma():
    same(split_csv('"a,b",c'), ["a,b", "c"])
''', '''
def test_escaped_quote():
    same(split_csv('"say ""hi""",x'), ['say "hi"', "x"])


def test_semicolon():
    same(split_csv("1;2", delim=";"), ["1", "2"])


def test_unterminated():
    with pytest.raises(ValueError):
        split_csv('"open')
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_against_csv_module(seed):
    import csv

    rnd = random.Random(seed)
    row = ["".join(rnd.choice('ab ,"') for _ in range(rnd.randint(0, 6))) for _ in range(rnd.randint(1, 5))]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    same(split_csv(out.getvalue()), row)
''')

topic("rle", "Run-length encoding", '''
def encode(text):
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and text[j] == text[i]:
            j += 1
        out.append("%d%s" % (j - i, text[i]))
        i = j
    return "".join(out)


def decode(code):
    out, n = [], ""
    for ch in code:
        if ch.isdigit():
            n += ch
        else:
            if not n:
                raise ValueError("missing count before %r" % ch)
            out.append(ch * int(n))
            n = ""
    if n:
        raise ValueError("dangling count")
    return "".join(out)
''', '''
import pytest
from tests.strict import same
from solution import decode, encode


@pytest.mark.parametrize("text, code", [("aaab", "3a1b"), ("", ""), ("abc", "1a1b1c")])
def test_encode(text, code):
    same(encode(text), code)


def test_decode():
    same(decode("2x3y"), "xxyyy")
''', '''
def test_long_run():
    same(encode("z" * 12), "12z")


def test_decode_multi_digit():
    same(decode("10q"), "qqqqqqqqqq")


def test_bad_code():
    with pytest.raises(ValueError):
        decode("ab")
''', '''
@pytest.mark.parametrize("seed", range(__SIZE__))
def test_round_trip(seed):
    rnd = random.Random(seed)
    text = "".join(rnd.choice("aab c") * rnd.randint(1, 4) for _ in range(rnd.randint(0, 10)))
    code = encode(text)
    same(type(code), str)
    assert len(code) <= 2 * len(text) + 1
    same(decode(code), text)
''')
