import re
from collections import Counter

def word_counts(path):
    raise NotImplementedError

def top_words(path, n):
    raise NotImplementedError
