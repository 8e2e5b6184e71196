#!/usr/bin/env bash
# Copies the candidate page's editor, CodeMirror 5, from Debian's
# libjs-codemirror into api/web/static/codemirror, where the binary embeds
# it (no CDN: candidates sit behind corporate proxies). Run it after a
# Debian update of the package; api's TestVendoredCodeMirror checks the
# copy against the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
src=/usr/share/javascript/codemirror
if [ ! -f "$src/lib/codemirror.js" ]; then
  echo "install Debian's libjs-codemirror first (apt-get install libjs-codemirror)" >&2
  exit 1
fi
dst=api/web/static/codemirror
rm -rf "$dst"
for f in $(cat scripts/codemirror.files); do
  mkdir -p "$dst/$(dirname "$f")"
  cp "$src/$f" "$dst/$f"
done
cp /usr/share/doc/libjs-codemirror/copyright "$dst/LICENSE"
dpkg-query -W -f='${Package} ${Version}\n' libjs-codemirror > "$dst/VERSION"
echo "vendored $(cat "$dst/VERSION") into $dst"
