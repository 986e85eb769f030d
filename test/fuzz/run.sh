#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR/test/fuzz for SECS seconds each.
set -euo pipefail
BUILD=$1; SECS=${2:-60}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
for f in "$BUILD"/test/fuzz/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  name=$(basename "$f")
  corpus="$BUILD/test/fuzz/corpus-$name"; mkdir -p "$corpus"
  seeds="$TOP/test/fuzz/seeds/${name#fuzz_}"
  echo "== $name for ${SECS}s"
  "$f" -max_total_time="$SECS" -timeout=10 "$corpus" $( [ -d "$seeds" ] && echo "$seeds" ) 2>&1 | tail -3
done
