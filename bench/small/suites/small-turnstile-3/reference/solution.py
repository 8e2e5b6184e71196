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
