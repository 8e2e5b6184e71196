#!/usr/bin/env bash
# Moves the local Docker engine from the fuse-overlayfs storage driver to
# overlay2, what docs/DEPLOY.md asks of a worker host, when the kernel can
# mount overlay on the engine's data directory. fuse-overlayfs costs a
# user-space daemon per mount, three mounts per container: on this
# project's machines it was about a quarter of a small submission's CPU
# (docs/PERFORMANCE.md, "Small suites"), and it slows every container that
# `make test` starts.
#
# For a fresh machine (CI): the images and containers the engine has under
# the old driver stay on disk but out of sight (the image is rebuilt under
# the new one), and running containers are stopped by the restart.
# Idempotent; leaves the engine alone, with a message, when it already
# uses another driver or when the probe mount fails. Needs root and an
# engine configured by /etc/docker/daemon.json.
set -euo pipefail
conf=${DOCKER_DAEMON_JSON:-/etc/docker/daemon.json}
driver=$(docker info --format '{{.Driver}}' 2>/dev/null || true)
if [ "$driver" != fuse-overlayfs ]; then
  echo "storage driver: ${driver:-unknown} (left as it is)"
  exit 0
fi
root=$(docker info --format '{{.DockerRootDir}}')
probe=$(mktemp -d "$root/overlay2-probe.XXXXXX")
trap 'umount "$probe/m" 2>/dev/null || true; rm -rf "$probe"' EXIT
mkdir -p "$probe"/{l,u,w,m}
if ! mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
  echo "storage driver: fuse-overlayfs (the kernel cannot mount overlay on $root here)"
  exit 0
fi
umount "$probe/m"
if [ "$(docker ps -q | wc -l)" -gt 0 ]; then
  echo "storage driver: fuse-overlayfs (containers are running: not restarting the engine under them)"
  exit 0
fi
"$(dirname "$0")/daemon-json.py" "$conf" storage-driver '"overlay2"'
# The storage driver is read at start only (SIGHUP does not reload it).
pid=$(pidof dockerd || true)
[ -n "$pid" ] || { echo "dockerd is not running here: start the engine to load $conf" >&2; exit 1; }
kill -TERM $pid
for _ in $(seq 1 100); do
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
if kill -0 $pid 2>/dev/null; then echo "dockerd did not stop" >&2; exit 1; fi
setsid nohup /usr/sbin/dockerd >>/var/log/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 150); do
  if [ "$(docker info --format '{{.Driver}}' 2>/dev/null)" = overlay2 ]; then
    echo "storage driver: overlay2 (was fuse-overlayfs)"
    exit 0
  fi
  sleep 0.2
done
echo "dockerd did not come back with overlay2 (see /var/log/dockerd.log)" >&2
exit 1
