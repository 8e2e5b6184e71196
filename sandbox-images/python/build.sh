#!/usr/bin/env bash
# Builds the Python sandbox image, tagged assay/python:<content hash> and
# assay/python:latest, and on it the scientific one (numpy, pandas),
# assay/python-scientific:<hash> and :latest. Does nothing when the images
# for this content exist.
# Without a registry (no debian:bookworm-slim locally) it makes the base root
# filesystem with debootstrap and imports it as assay/debian-base:bookworm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
name=${ASSAY_IMAGE_NAME:-assay/python}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages=python3,python3-pytest,python3-pytest-timeout,python3-openpyxl

docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || {
  echo "build.sh: the Docker engine is not reachable (is dockerd running? DOCKER_HOST=${DOCKER_HOST:-unset})" >&2
  exit 1
}

hash=$(cd "$here" && cat Dockerfile assay_start.py harness.py assay_guard.py assay_canary.py assay_audit.py pytest.ini build.sh | sha256sum | cut -c1-12)
sci=${ASSAY_SCIENTIFIC_IMAGE_NAME:-assay/python-scientific}
scihash=$( (echo "$hash"; cat "$here/../python-scientific/Dockerfile") | sha256sum | cut -c1-12)

# The scientific package set (numpy, pandas) on top of the image just built.
# The audit hook lets reads of absolute names outside /proc and /dev
# through without resolving their links (the fast path every import takes):
# sound only while no link outside them leads to /dev, /dev/fd, the
# standard streams or a directory of /proc (from which a per-process link,
# a descriptor's or a working directory's, is a name away). The candidate's own links are refused; the image's
# are checked here.
check_links() {
  docker run --rm --network none --entrypoint python3 "$1" -c '
import os, sys
bad = []
for top in os.listdir("/"):
    if top in ("proc", "sys", "dev"):
        continue
    for d, dirs, files in os.walk("/" + top):
        for n in dirs + files:
            p = os.path.join(d, n)
            if not os.path.islink(p):
                continue
            t = os.path.normpath(os.path.join(d, os.readlink(p)))
            # (into /proc only to a file, like /etc/mtab: no name goes on
            # through it)
            # nor into the writable directories (/tmp, /work, /dev/shm),
            # where the links of the candidate are
            if t in ("/dev", "/proc", "/tmp", "/work") or t.startswith(("/dev/", "/tmp/", "/work/")) \
                    or (t.startswith("/proc/") and not os.path.isfile(t)):
                bad.append("%s -> %s" % (p, os.readlink(p)))
if bad:
    sys.exit("links into /dev or /proc that the audit hook does not resolve:\n" + "\n".join(bad))
' || { echo "build.sh: $1 has links the audit hook's fast path does not expect" >&2; docker rmi "$1" >/dev/null; exit 1; }
}

build_scientific() {
  if docker image inspect "$sci:$scihash" >/dev/null 2>&1; then
    docker tag "$sci:$scihash" "$sci:latest"
    echo "$sci:$scihash is up to date"
    return
  fi
  docker build -q --build-arg BASE="$name:$hash" -t "$sci:$scihash" -t "$sci:latest" "$here/../python-scientific" >/dev/null
  check_links "$sci:$scihash"
  echo "built $sci:$scihash from $name:$hash"
}

if docker image inspect "$name:$hash" >/dev/null 2>&1; then
  docker tag "$name:$hash" "$name:latest"
  echo "$name:$hash is up to date"
  build_scientific
  exit 0
fi

base=${ASSAY_BASE_IMAGE:-}
if [ -z "$base" ]; then
  if docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
    base=debian:bookworm-slim
  else
    base=assay/debian-base:bookworm
    if ! docker image inspect "$base" >/dev/null 2>&1; then
      command -v debootstrap >/dev/null || { echo "build.sh: debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
      root=$(mktemp -d /tmp/assay-rootfs.XXXXXX)
      trap 'rm -rf "$root"' EXIT
      echo "debootstrapping Debian bookworm into $root (a few minutes)"
      debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$root.log" 2>&1 || {
        tail -20 "$root.log" >&2; echo "build.sh: debootstrap failed (log: $root.log)" >&2; exit 1; }
      rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb
      tar -C "$root" -c . | docker import - "$base" >/dev/null
      echo "imported $base"
    fi
  fi
fi

docker build -q --build-arg BASE="$base" -t "$name:$hash" -t "$name:latest" "$here" >/dev/null
check_links "$name:$hash"
echo "built $name:$hash from $base"
build_scientific
