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
