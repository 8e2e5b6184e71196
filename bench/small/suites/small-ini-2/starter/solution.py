def parse_ini(text):
    raise NotImplementedError
