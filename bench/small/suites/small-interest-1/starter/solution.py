def compound(principal, rate, years, per_year=12):
    raise NotImplementedError

def monthly_payment(principal, annual_rate, months):
    raise NotImplementedError
