#!/usr/bin/env bash
# The sandbox is exact under the VIFlet JIT (issue 9): every hostile program
# (heap bomb, huge array, deep recursion, infinite loop) and every VIFlet of
# test/java/viflet in the packet driver (including the packet-rule violator
# and the budget spinner) prints the same output, the same abort reason and
# exits the same way interpreted (--interp), compiled on the first call
# (--jit) and in mixed mode (--jit-threshold 2); budgets at several values
# abort at the same point.
set -u
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}; C=${VIFNET_CORPUS:?}
VM=$B/tools/vifvm; CL=$B/test/java/classes
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
same() { # label args...
  local label=$1; shift
  n=$((n + 1))
  for mode in --interp --jit "--jit-threshold 2"; do
    { timeout 60 "$VM" $mode "$@" 2>&1; echo "exit $?"; } >"$tmp/out.${mode// /}"
  done
  if cmp -s "$tmp/out.--interp" "$tmp/out.--jit" && cmp -s "$tmp/out.--interp" "$tmp/out.--jit-threshold2"; then
    echo "ok $label: $(tail -1 "$tmp/out.--jit"), $(grep -m1 -o 'aborted: [a-z ]*' "$tmp/out.--jit" || echo 'no abort')"
  else
    echo "FAIL $label"; diff "$tmp/out.--interp" "$tmp/out.--jit" | head -6
    diff "$tmp/out.--interp" "$tmp/out.--jit-threshold2" | head -6; fail=$((fail + 1))
  fi
}
for src in "$T"/test/java/hostile/*.java; do
  name=$(basename "$src" .java); opts=$(sed -n 's|^// vifvm: ||p' "$src")
  # shellcheck disable=SC2086
  same "$name" $opts -cp "$CL/hostile" "$name"
done
# dir class option values...: the class run with each value of the option
each() {
  local dir=$1 cls=$2 opt=$3 v; shift 3
  for v in "$@"; do same "$cls $opt $v" "$opt" "$v" -cp "$CL/$dir" "$cls"; done
}
each hostile DeepRecursion --depth 100
each hostile DeepRecursion --stack 3000
each hostile InfiniteLoop --budget 1 2 3 10 77 1000
# calls compiled code makes inline (virtual, interface, native): the same
# depth and budget aborts
each run JitCalls --depth 100
each run JitCalls --budget 40 400 1500 2500 12000
# calls compiled in place (inlined): the same budget, depth and slot-stack
# aborts as the interpreter's calls, also when the limit hits an inlined call
each run JitInline --budget 5 37 100 333 1000 4321 20000 77777 300000
each run JitInline --depth 3 30 52 53 54 62 63 64
each run JitInline --stack 300 2000 4200
# interface calls guessed at compile time (the one loaded implementor,
# behind a class check): the same budget and depth aborts
each run JitIfaceGuess --budget 30 300 3000
each run JitIfaceGuess --depth 3
# inlined bodies with slow paths (faults, allocation, helpers that throw;
# the callee's frame made there): the same output, stack traces and aborts,
# collections inside inlined allocations with a small heap
each run JitInlineSlow --budget 50 500 5000 60000 10000000
each run JitInlineSlow --depth 3 4 5
each run JitInlineSlow --heap 100000 300000
# wrapped ints (zero-extended in the JIT's registers) read by the
# interpreter around calls and in handlers, at budgets that stop it midway
each run JitIntWidth --budget 60 250 450 100000
trace=$C/ssh.pcap,$C/dns_udp.pcap,$C/ntp.pcap
for src in "$T"/test/java/viflet/*.java; do
  name=$(basename "$src" .java)
  same "$name" --budget 1000000 -cp "$CL/viflet" --packets "$trace" --burst 5 "$name"
  same "$name --budget 300" --budget 300 -cp "$CL/viflet" --packets "$trace" --burst 5 "$name"
  same "$name --heap 200000" --heap 200000 --budget 1000000 -cp "$CL/viflet" --packets "$trace" "$name"
done
# the code-memory fallback (anonymous pages, mprotect) runs the same code
for src in "$T"/test/java/viflet/*.java; do
  name=$(basename "$src" .java)
  VIFNET_JIT_NO_MEMFD=1 same "$name (no memfd)" --budget 1000000 -cp "$CL/viflet" --packets "$trace" --burst 5 "$name"
done
echo "$((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
