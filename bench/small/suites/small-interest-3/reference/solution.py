def compound(principal, rate, years, per_year=12):
    return principal * (1 + rate / per_year) ** (years * per_year)


def monthly_payment(principal, annual_rate, months):
    if months <= 0:
        raise ValueError("months must be positive")
    if annual_rate == 0:
        return principal / months
    r = annual_rate / 12
    return principal * r / (1 - (1 + r) ** -months)
