#!/usr/bin/env bash
# Regenerates the small-suite corpus and records every suite's
# expected.json in the real sandbox (`assay challenges check --write`:
# reference passes, starter and the forged solutions fail). About ten
# minutes on a 2-CPU machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
/usr/bin/python3 bench/small/gen.py
go build -o bin/assay ./cmd/assay
bin/assay challenges check --write "$@" bench/small/suites/*/
