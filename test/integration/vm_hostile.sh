#!/usr/bin/env bash
# Hostile programs (test/java/hostile) are aborted with a reason (exit 2), and
# hostile VIFlets in the packet driver too; the process survives.
set -u
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
VM=$B/tools/vifvm; CL=$B/test/java/classes
fail=0
check() { # name rc want output
  if [ "$2" != 2 ] || ! grep -qF -- "$3" <<<"$4"; then echo "FAIL $1 (exit $2): $4"; fail=1; else echo "ok $1: $(grep -F -- "$3" <<<"$4")"; fi
}
for src in "$T"/test/java/hostile/*.java; do
  name=$(basename "$src" .java)
  want=$(sed -n 's|^// expect: ||p' "$src"); opts=$(sed -n 's|^// vifvm: ||p' "$src")
  out=$(timeout 60 "$VM" $opts -cp "$CL/hostile" "$name" 2>&1); rc=$?
  check "$name" $rc "$want" "$out"
done
trace=$VIFNET_CORPUS/ssh.pcap
out=$(timeout 60 "$VM" -cp "$CL/viflet" --packets "$trace" DupPacketVIFlet 2>&1); rc=$?
check DupPacketVIFlet $rc "packet rule violated" "$out"
grep -q 'held=1 ' <<<"$out" || { echo "FAIL DupPacketVIFlet: held packet not released: $out"; fail=1; }
out=$(timeout 60 "$VM" --budget 100000 -cp "$CL/viflet" --packets "$trace" SpinVIFlet 2>&1); rc=$?
check SpinVIFlet $rc "instruction budget exhausted" "$out"
exit $fail
