# verdict: memory_limit
x = []
while True:
    x.append(bytearray(16 << 20))
