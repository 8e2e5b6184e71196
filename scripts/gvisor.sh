#!/usr/bin/env bash
# Registers gVisor (Debian's runsc) as the Docker runtime "runsc" and makes
# the running engine reload its configuration (SIGHUP; no restart needed).
# runsc gets --network=none: Assay's containers have no network anyway, and
# runsc's own network stack fails to start without one.
# Idempotent. Needs root and a local engine configured by /etc/docker/daemon.json.
set -euo pipefail
conf=${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}
if ! command -v runsc >/dev/null; then
  apt-get install -y -qq --no-install-recommends runsc >/dev/null
fi
if docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"'; then
  echo "runsc is registered"
  exit 0
fi
mkdir -p "$(dirname "$conf")"
"$(dirname "$0")/daemon-json.py" "$conf" runtimes "{\"runsc\": {\"path\": \"$(command -v runsc)\", \"runtimeArgs\": [\"--network=none\"]}}"
pid=$(pidof dockerd || true)
[ -n "$pid" ] || { echo "dockerd is not running here: restart the engine to load $conf" >&2; exit 1; }
kill -HUP $pid
for _ in $(seq 1 50); do
  docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"' && { echo "registered runsc"; exit 0; }
  sleep 0.1
done
echo "dockerd did not pick up runsc from $conf" >&2
exit 1
