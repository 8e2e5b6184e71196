class Turnstile:

    def __init__(self):
        raise NotImplementedError

    def event(self, name):
        raise NotImplementedError

def run(events):
    raise NotImplementedError
