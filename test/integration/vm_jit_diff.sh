#!/usr/bin/env bash
# Differential test of the VIFlet JIT (issue 9): random int/long programs from
# test/java/jitfuzz_gen.py, compiled by javac now, run interpreted (--interp),
# compiled on the first call (--jit) and in mixed mode (--jit-threshold 3: the
# first calls interpreted, then compiled code calling and called by
# interpreted code); also with small instruction budgets, where the output up
# to the abort and the abort itself must match (the budget is counted
# exactly). Stdout, stderr and the exit status must be identical.
# JITFUZZ_SEED / JITFUZZ_COUNT choose the programs (default: a fixed seed).
set -u
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
VM=$B/tools/vifvm
SEED=${JITFUZZ_SEED:-1}; COUNT=${JITFUZZ_COUNT:-10}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src" "$tmp/cls"
python3 "$T/test/java/jitfuzz_gen.py" "$SEED" "$COUNT" "$tmp/src" || exit 1
javac -nowarn -d "$tmp/cls" "$tmp"/src/*.java || { echo "javac failed"; exit 1; }
fail=0; n=0
run() { # name opts... -> $tmp/out.$tag (stdout, stderr, status)
  local tag=$1 name=$2; shift 2
  { timeout 30 "$VM" "$@" -cp "$tmp/cls" "$name" 2>&1; echo "exit $?"; } >"$tmp/out.$tag"
}
for src in "$tmp"/src/*.java; do
  name=$(basename "$src" .java)
  for budget in "" 40 4000; do
    bo=(); [ -n "$budget" ] && bo=(--budget "$budget")
    n=$((n + 1))
    run i "$name" --interp "${bo[@]}"
    run j "$name" --jit "${bo[@]}"
    run m "$name" --jit-threshold 3 "${bo[@]}"
    if ! cmp -s "$tmp/out.i" "$tmp/out.j" || ! cmp -s "$tmp/out.i" "$tmp/out.m"; then
      echo "FAIL $name budget=${budget:-none}"; diff "$tmp/out.i" "$tmp/out.j" | head -5
      diff "$tmp/out.i" "$tmp/out.m" | head -5
      fail=$((fail + 1))
    fi
  done
done
echo "$((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
