#!/usr/bin/env bash
# Runs every benchmark of test/bench/ and rewrites the figures in docs/evaluation.md.
# Usage: test/bench/run.sh BUILD_DIR
set -euo pipefail
BUILD=$1
TOP=$(cd "$(dirname "$0")/../.." && pwd)
for b in "$TOP"/test/bench/bench_*.sh; do
  [ -e "$b" ] || continue
  echo "== $(basename "$b")"
  bash "$b" "$BUILD" "$TOP"
done
