#!/usr/bin/env bash
# The nnfs `filter` file with each input form (issue 6, SPEC section 7), on a
# real FUSE mount over nnfs_harness: a pcap expression, `tcpdump -ddd` text,
# the binary struct sock_filter array; reading shows insns / jit / counters /
# the 16 scratch words; an invalid program of each form is refused with EINVAL
# and leaves the old filter in place (the reason goes to the VIF's log);
# `none` removes it.
set -uo pipefail
NNFS_TEST=filter_nnfs
source "${VIFNET_TOP:?}/test/integration/nnfs_common.sh"
# field NAME: a line of the filter file
field() { awk -v k="$1" '$1 == k { print $2 }' "$F"; }
# refused DESC CMD...: CMD fails with EINVAL and the filter still has OLD insns
refused() {
  local desc=$1 out; shift
  if out=$("$@" 2>&1); then bad "$desc accepted"; return; fi
  case $out in *"Invalid argument"*) ;; *) bad "$desc: $out (wanted EINVAL)"; return ;; esac
  [ "$(field insns)" = "$OLD" ] && ok "$desc refused (EINVAL), the $OLD-instruction filter kept" ||
    bad "$desc: the old filter is gone: $(head -2 "$F")"
}

start_harness -i eth0
V=$M/network/eth0/f
mkdir "$V" || { echo "FAIL mkdir"; exit 1; }
F=$V/filter
[ "$(cat "$F")" = none ] && ok "a new VIF has no filter" || bad "filter of a new VIF: $(cat "$F")"

# 1. a pcap expression, compiled for the interface's link type
echo 'tcp port 80' > "$F" && ok "pcap expression written" || bad "pcap expression refused"
[ "$(field insns)" -gt 10 ] 2>/dev/null && ok "insns $(field insns)" || bad "insns: $(cat "$F")"
[ "$(field jit)" = yes ] && ok "JIT-compiled" || bad "jit $(field jit)"
for k in accepts drops mem0 mem15; do
  [ -n "$(field $k)" ] && ok "reads $k $(field $k)" || bad "no $k line: $(cat "$F")"
done
OLD=$(field insns)
refused "an expression that does not compile" bash -c "echo 'tcp port banana' > $F"

# 2. the text of tcpdump -ddd (here: ldh [12]; jeq #0x800; ret #262144; ret #0),
#    in one write as `tcpdump -ddd EXPR > filter` does (text short of its count
#    waits for more writes or close, docs/filter.md; nnfs_writes tests pieces)
printf '4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n' > "$T/prog.ddd"
cat "$T/prog.ddd" > "$F" && ok "tcpdump -ddd text written" || bad "tcpdump -ddd text refused"
[ "$(field insns)" = 4 ] && ok "insns 4" || bad "insns $(field insns) after the -ddd text"
if command -v tcpdump >/dev/null; then
  tcpdump -ddd -y EN10MB 'udp' > "$T/udp.ddd" 2>/dev/null &&
    { cat "$T/udp.ddd" > "$F" && [ "$(field insns)" = "$(head -1 "$T/udp.ddd")" ] &&
        ok "tcpdump's own -ddd output for udp: $(field insns) insns" || bad "tcpdump -ddd udp not loaded"; }
fi
OLD=$(field insns)
printf '2\n21 0 5 2048\n6 0 0 0\n' > "$T/jump.ddd"
refused "a jump out of range" bash -c "cat $T/jump.ddd > $F"
grep -q 'jump target' "$V/log" && ok "  the log says why: $(grep 'jump target' "$V/log" | tail -1)" ||
  bad "no jump-target reason in the log: $(tail -1 "$V/log")"
printf '1\n40 0 0 12\n' > "$T/noret.ddd"
refused "no RET at the end" bash -c "cat $T/noret.ddd > $F"

# 3. binary: struct sock_filter little-endian, {code u16, jt u8, jf u8, k u32}
#    ldh [12]; jeq #0x86dd jt 0 jf 1; ret #65535; ret #0
printf '\x28\x00\x00\x00\x0c\x00\x00\x00\x15\x00\x00\x01\xdd\x86\x00\x00\x06\x00\x00\x00\xff\xff\x00\x00\x06\x00\x00\x00\x00\x00\x00\x00' > "$T/ip6.bin"
cat "$T/ip6.bin" > "$F" && ok "binary program written" || bad "binary program refused"
[ "$(field insns)" = 4 ] && [ "$(field jit)" = yes ] && ok "binary: insns 4, jit yes" ||
  bad "binary: $(head -2 "$F" | tr '\n' ' ')"
OLD=$(field insns)
# a division by a constant zero (div #0, then ret a)
printf '\x34\x00\x00\x00\x00\x00\x00\x00\x16\x00\x00\x00\x00\x00\x00\x00' > "$T/div0.bin"
refused "binary division by zero" bash -c "cat $T/div0.bin > $F"
refused "binary of a length not a multiple of 8" bash -c "printf '\x06\x00\x00\x00\x00\x00' > $F"
grep -q 'filter refused' "$V/log" && ok "refusals are in the VIF's log: $(grep -c 'filter refused' "$V/log")" ||
  bad "no refusal in $V/log"

# 4. none removes it
echo none > "$F" && [ "$(cat "$F")" = none ] && ok "none removes the filter" || bad "none: $(cat "$F")"

[ "$FAILS" -eq 0 ] && echo PASS || { echo "$FAILS failed"; exit 1; }
