# verdict: passed
# append: reference
# Every way out must fail: the internet, the host, Redis, the Docker bridge and API, DNS.
import socket
targets = [("1.1.1.1", 53), ("8.8.8.8", 443), ("172.17.0.1", 2375), ("172.17.0.1", 6379),
           ("172.17.0.1", 6390), ("127.0.0.1", 6390), ("127.0.0.1", 6379), ("10.0.2.2", 80)]
for host, port in targets:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(0.5)
    try:
        s.connect((host, port))
    except OSError:
        continue
    finally:
        s.close()
    raise SystemExit("connected to %s:%d" % (host, port))
try:
    socket.getaddrinfo("deb.debian.org", 80)
    raise SystemExit("DNS works")
except OSError:
    pass
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"x", ("1.1.1.1", 53))
    raise SystemExit("UDP send works")
except OSError:
    pass
