import re
from collections import Counter


def word_counts(path):
    with open(path, encoding="utf-8") as f:
        return dict(Counter(re.findall(r"[a-z']+", f.read().lower())))


def top_words(path, n):
    counts = word_counts(path)
    return sorted(counts, key=lambda w: (-counts[w], w))[:n]
