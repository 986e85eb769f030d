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
same "DeepRecursion --depth 100" --depth 100 -cp "$CL/hostile" DeepRecursion
same "DeepRecursion --stack 3000" --stack 3000 -cp "$CL/hostile" DeepRecursion
for b in 1 2 3 10 77 1000; do
  same "InfiniteLoop --budget $b" --budget "$b" -cp "$CL/hostile" InfiniteLoop
done
# calls compiled code makes inline (virtual, interface, native): the same
# depth and budget aborts
same "JitCalls --depth 100" --depth 100 -cp "$CL/run" JitCalls
for b in 40 400 1500 2500 12000; do
  same "JitCalls --budget $b" --budget "$b" -cp "$CL/run" JitCalls
done
# calls compiled in place (inlined): the same budget, depth and slot-stack
# aborts as the interpreter's calls, also when the limit hits an inlined call
for b in 5 37 100 333 1000 4321 20000 77777 300000; do
  same "JitInline --budget $b" --budget "$b" -cp "$CL/run" JitInline
done
for d in 3 30 52 53 54 62 63 64; do
  same "JitInline --depth $d" --depth "$d" -cp "$CL/run" JitInline
done
for st in 300 2000 4200; do
  same "JitInline --stack $st" --stack "$st" -cp "$CL/run" JitInline
done
# interface calls guessed at compile time (the one loaded implementor,
# behind a class check): the same budget and depth aborts
for b in 30 300 3000; do
  same "JitIfaceGuess --budget $b" --budget "$b" -cp "$CL/run" JitIfaceGuess
done
same "JitIfaceGuess --depth 3" --depth 3 -cp "$CL/run" JitIfaceGuess
# inlined bodies with slow paths (faults, allocation, helpers that throw;
# the callee's frame made there): the same output, stack traces and aborts,
# collections inside inlined allocations with a small heap
for b in 50 500 5000 60000 10000000; do
  same "JitInlineSlow --budget $b" --budget "$b" -cp "$CL/run" JitInlineSlow
done
for d in 3 4 5; do
  same "JitInlineSlow --depth $d" --depth "$d" -cp "$CL/run" JitInlineSlow
done
for h in 100000 300000; do
  same "JitInlineSlow --heap $h" --heap "$h" -cp "$CL/run" JitInlineSlow
done
# wrapped ints (zero-extended in the JIT's registers) read by the
# interpreter around calls and in handlers, at budgets that stop it midway
for b in 60 250 450 100000; do
  same "JitIntWidth --budget $b" --budget "$b" -cp "$CL/run" JitIntWidth
done
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
