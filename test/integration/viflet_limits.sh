#!/usr/bin/env bash
# Per-VIF VM limits (issue 10): the vm.* keys of a VIF's conf are root's.
# Root sets them (checked: a bad value is EINVAL and changes nothing); the
# VIF's owner, not root, gets EPERM for changing them, may repeat them
# unchanged, and keeps them when replacing the rest of conf; the next load
# uses them (the viflet file shows them, and a VIFlet breaking the smaller
# heap or budget is aborted at that limit, in vifsim and here through nnfs
# over nnfs_harness). Only the VIF's owner or root loads a VIFlet.
set -uo pipefail
NNFS_TEST=viflet_limits
source "${VIFNET_TOP:?}/test/integration/nnfs_common.sh"
CLS=$BUILD/test/java/classes/viflet
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups bash -c "$1"; }

start_harness -i eth0
V=$M/network/eth0/u
mkdir "$V" && chown 65534:65534 "$V" || { echo "FAIL mkdir/chown"; exit 1; }

echo "# root sets limits; bad ones are refused"
run as_nobody "printf 'rate=5\n' > $V/conf"
run sh -c "printf 'vm.heap=1M\nvm.budget=5000\n' > $V/conf"
is "$V/conf" "$(printf 'vm.heap=1M\nvm.budget=5000')"
expect "Invalid argument" bash -c "printf 'vm.heap=12\n' > $V/conf"
expect "Invalid argument" bash -c "printf 'vm.budget=lots\n' > $V/conf"
expect "Invalid argument" bash -c "printf 'vm.nosuch=1\n' > $V/conf"
is "$V/conf" "$(printf 'vm.heap=1M\nvm.budget=5000')"

echo "# the owner (not root) may not change them, and keeps them"
expect "Operation not permitted" as_nobody "printf 'vm.heap=64M\n' > $V/conf"
# (one write(2): bash's printf writes line by line and goes on after an
# error, and nnfs applies each write's text so far)
expect "Operation not permitted" as_nobody "cat <<< \$'rate=1\nvm.budget=1000000' > $V/conf"
is "$V/conf" "$(printf 'vm.heap=1M\nvm.budget=5000')"
run as_nobody "printf 'rate=7\n' > $V/conf"
is "$V/conf" "$(printf 'rate=7\nvm.heap=1M\nvm.budget=5000')"
run as_nobody "printf 'rate=8\nvm.heap=1M\n' > $V/conf"
is "$V/conf" "$(printf 'rate=8\nvm.heap=1M\nvm.budget=5000')"

echo "# only the VIF's owner (or root) loads a VIFlet"
expect "Permission denied" setpriv --reuid=65533 --regid=65533 --clear-groups bash -c "cp $CLS/PriQVIFlet.class $V/viflet"
is "$V/viflet" "none"

echo "# the next load uses them"
run as_nobody "cp $CLS/PriQVIFlet.class $V/viflet"
grep -q '^heap_limit 1048576$' "$V/viflet" && grep -q '^budget 5000$' "$V/viflet" &&
  ok "viflet shows heap_limit 1048576 and budget 5000" || bad "viflet: $(cat "$V/viflet")"
run as_nobody "echo none > $V/viflet"
run sh -c "printf 'vm.depth=100\nvm.stack=8192\n' > $V/conf"
run as_nobody "cp $CLS/PriQVIFlet.class $V/viflet"
grep -q '^depth_limit 100$' "$V/viflet" && grep -q '^stack_slots 8192$' "$V/viflet" && grep -q '^budget 1000000$' "$V/viflet" &&
  ok "viflet shows depth_limit 100, stack_slots 8192 and the default budget" || bad "viflet: $(cat "$V/viflet")"

run as_nobody "echo none > $V/viflet"
expect "Invalid argument" bash -c "printf 'vm.jit=maybe\n' > $V/conf"
run sh -c "printf 'vm.jit=off\n' > $V/conf"
run as_nobody "cp $CLS/PriQVIFlet.class $V/viflet"
grep -q '^jit off$' "$V/viflet" && ok "vm.jit=off: the interpreter only" || bad "viflet: $(cat "$V/viflet")"

echo "# a VIFlet breaking the smaller limits is aborted at them (vifsim)"
"$BUILD/tools/vifsim-gentrace" --fig6.8 "$T/in.pcap" >/dev/null 2>&1 || bad "gentrace"
for h in "AllocBombVIFlet vm.heap=1M limit 1048576" "SpinVIFlet vm.budget=5000 (5000 branches"; do
  set -- $h
  printf 'vif link bandwidth=20Mbps\nmatch link ip\nviflet link %s/%s.class start=2 %s\n' "$CLS" "$1" "$2" > "$T/h.tree"
  "$BUILD/tools/vifsim" "$T/h.tree" "$T/in.pcap" "$T/out.pcap" > "$T/h.sum" 2> "$T/h.log"
  shift 2
  grep 'aborted' "$T/h.log" | grep -qF "$*" && ok "$h: $(grep -m1 aborted "$T/h.log")" || bad "$h: $(cat "$T/h.log")"
done
printf 'vif link\nviflet link %s/PriQVIFlet.class vm.heap=12\n' "$CLS" > "$T/bad.tree"
expect "bad vm.heap=12" "$BUILD/tools/vifsim" "$T/bad.tree" "$T/in.pcap" "$T/out.pcap"
[ "$FAILS" -eq 0 ] && echo "ok" || { echo "$FAILS failed"; exit 1; }
