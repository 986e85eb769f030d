#!/usr/bin/env bash
# Every program of test/java/run runs on vifvm, interpreted and JIT-compiled
# (--interp, --jit: every method compiled on its first call), and on OpenJDK's
# java: stdout must be identical and the exit status of the same class (0 or not).
set -u
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
VM=$B/tools/vifvm; CL=$B/test/java/classes/run
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
for src in "$T"/test/java/run/*.java; do
  name=$(basename "$src" .java)
  timeout 60 java -Xshare:auto -cp "$CL" "$name" >"$tmp/java.out" 2>"$tmp/java.err"; b=$?
  for mode in --interp --jit; do
    n=$((n + 1))
    timeout 60 "$VM" $mode -cp "$CL" "$name" >"$tmp/vm.out" 2>"$tmp/vm.err"; a=$?
    if ! cmp -s "$tmp/vm.out" "$tmp/java.out"; then
      echo "FAIL $name $mode: stdout differs"; diff "$tmp/vm.out" "$tmp/java.out" | head -10; fail=$((fail + 1))
    elif [ $((a != 0)) != $((b != 0)) ]; then
      echo "FAIL $name $mode: exit $a (java $b)"; cat "$tmp/vm.err"; fail=$((fail + 1))
    elif [ "$b" != 0 ] && [ "$(head -1 "$tmp/vm.err")" != "$(head -1 "$tmp/java.err")" ]; then
      echo "FAIL $name $mode: uncaught exception line differs"; head -1 "$tmp/vm.err" "$tmp/java.err"; fail=$((fail + 1))
    else
      echo "ok $name $mode"
    fi
  done
done
echo "$((n - fail))/$n runs identical"
[ "$fail" = 0 ]
