#!/usr/bin/env bash
# Starts (or stops) the project's own Redis: Debian's redis-server on
# loopback, AOF on and fsynced on every write (an accepted submission
# survives even a crash of Redis), data under var/redis (git-ignored).
# Prints its URL.
#   scripts/redis.sh start | stop | url
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
port=${ASSAY_REDIS_PORT:-6390}
dir="$top/var/redis"
url="redis://127.0.0.1:$port/0"

ping() { redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; }

case "${1:-start}" in
start)
  command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install redis-server (or set REDIS_URL)" >&2; exit 1; }
  if ping; then echo "$url"; exit 0; fi
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --protected-mode yes \
    --dir "$dir" --appendonly yes --appendfsync always --save '' \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 1 50); do ping && { echo "$url"; exit 0; }; sleep 0.1; done
  echo "redis-server did not answer on port $port; see $dir/redis.log" >&2
  exit 1
  ;;
stop)
  if ping; then redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; fi
  ;;
url) echo "$url" ;;
*) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac
