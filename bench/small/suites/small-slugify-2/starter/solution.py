import re
import unicodedata

def slugify(text, sep='-'):
    raise NotImplementedError
