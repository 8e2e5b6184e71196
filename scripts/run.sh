#!/usr/bin/env bash
# `make run`: starts the project's Redis unless REDIS_URL names one, then
# assay serve (API and workers in one process) in the foreground.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${REDIS_URL:-}" ]; then
  REDIS_URL=$("$top/scripts/redis.sh" start)
  export REDIS_URL
  echo "redis: $REDIS_URL (data in var/redis, AOF on; stop it with scripts/redis.sh stop)"
fi
if [ -z "${ASSAY_ADMIN_TOKEN:-}" ]; then
  mkdir -p "$top/var"
  [ -s "$top/var/admin-token" ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$top/var/admin-token")
  ASSAY_ADMIN_TOKEN=$(cat "$top/var/admin-token")
  export ASSAY_ADMIN_TOKEN
fi
echo "admin token: $ASSAY_ADMIN_TOKEN (in var/admin-token; send it as 'Authorization: Bearer TOKEN', or sign in at /review)"
export ASSAY_LOG_FORMAT=${ASSAY_LOG_FORMAT:-text}
exec "$top/bin/assay" serve "$@"
