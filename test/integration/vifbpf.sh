#!/usr/bin/env bash
# vifbpf: the three engines accept the same packets on every corpus trace, as
# many as tcpdump counts; @FILE takes `tcpdump -ddd` text and binary programs;
# bad filters and traces are refused with a clear message.
set -uo pipefail
B=${VIFNET_BUILD:?}; C=${VIFNET_CORPUS:-}
[ -n "$C" ] && [ -d "$C" ] || { echo "no pcap corpus (VIFNET_CORPUS): skipped"; exit 77; }
V="$B/tools/vifbpf"
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fails=0
bad() { echo "FAIL $*"; fails=$((fails+1)); }
accepts() { "$V" --time 0 "$@" 2>/dev/null | sed -n 's/^accepts //p'; }

# 1. engines agree through the tool on every 3rd trace and every invalid one
#    (unreadable traces: refused); test_bpf_corpus checks every trace in-process
n=0; i=0
for f in "$C"/*.pcap "$C"/*.pcapng "$C"/invalid/*; do
  [ -f "$f" ] || continue
  i=$((i+1)); case $f in */invalid/*) ;; *) [ $((i % 3)) -eq 0 ] || continue ;; esac
  for e in 'tcp port 80 or (udp and len > 200)'; do   # test_bpf_corpus runs 32 filters
    "$V" --all --time 0 "$e" "$f" > "$W/all" 2>/dev/null
    j=$(sed -n 's/^accepts_jit //p' "$W/all"); i=$(sed -n 's/^accepts_interp //p' "$W/all")
    l=$(sed -n 's/^accepts_libpcap //p' "$W/all")
    [ "$j" = "$i" ] && [ "$i" = "$l" ] || bad "$(basename "$f") '$e': jit '$j' interp '$i' libpcap '$l'"
    [ $((n % 16)) -eq 0 ] && { s=$(accepts --interp "$e" "$f"); [ "$s" = "$i" ] || bad "$(basename "$f"): --interp alone $s, in --all $i"; }
    n=$((n+1))
  done
done
echo "ok   engines agree on $n (trace, filter) pairs"

# 2. the same count as tcpdump on a few traces
for f in afs.pcap mptcp-v0.pcap dhcp-rfc4388.pcap of13_ericsson.pcapng; do
  for e in udp 'tcp and port 6633' 'ip[2:2] > 500'; do
    want=$(tcpdump -r "$C/$f" --count "$e" 2>/dev/null | grep -o '^[0-9]*')
    got=$(accepts "$e" "$C/$f")
    [ -n "$want" ] && [ "$want" = "$got" ] || bad "$f '$e': vifbpf $got, tcpdump $want"
  done
done
echo "ok   counts equal tcpdump --count"

# 3. @FILE with `tcpdump -ddd` text and with the binary form of the same program
tcpdump -r "$C/afs.pcap" -ddd 'udp port 7001' > "$W/p.ddd" 2>/dev/null
python3 - "$W/p.ddd" "$W/p.bin" <<'PY'
import struct, sys
lines = open(sys.argv[1]).read().split('\n')
n = int(lines[0])
with open(sys.argv[2], 'wb') as out:
    for l in lines[1:n + 1]:
        c, jt, jf, k = map(int, l.split())
        out.write(struct.pack('=HBBI', c, jt, jf, k))
PY
e=$(accepts 'udp port 7001' "$C/afs.pcap"); d=$(accepts "@$W/p.ddd" "$C/afs.pcap")
b=$(accepts --interp "@$W/p.bin" "$C/afs.pcap")
[ -n "$e" ] && [ "$e" -gt 0 ] && [ "$e" = "$d" ] && [ "$d" = "$b" ] || bad "@FILE: expr $e ddd $d binary $b"
echo "ok   @FILE ddd and binary accept $d packets like the expression"

# 4. refusals
expect_fail() { # what, message regexp, args...
  local what=$1 re=$2; shift 2
  if "$V" --time 0 "$@" >"$W/out" 2>"$W/err"; then bad "$what: exit 0"; return; fi
  grep -Eq "$re" "$W/err" || { bad "$what: message '$(cat "$W/err")' !~ /$re/"; return; }
  echo "ok   $what: $(head -1 "$W/err")"
}
printf '2\n6 0 0 1\n7 0 0 0\n' > "$W/bad.ddd"
expect_fail "program not ending in RET" 'instruction 1: program does not end in RET' "@$W/bad.ddd" "$C/afs.pcap"
printf '2\n21 0 3 0\n6 0 0 1\n' > "$W/jump.ddd"
expect_fail "jump out of range" 'instruction 0: jump target 4 out of range' "@$W/jump.ddd" "$C/afs.pcap"
head -c 13 "$W/p.bin" > "$W/short.bin"
expect_fail "binary not a multiple of 8" 'not a whole number of 8-byte' "@$W/short.bin" "$C/afs.pcap"
expect_fail "expression syntax" 'vifbpf: filter: .*syntax error' 'tcp port and' "$C/afs.pcap"
expect_fail "protochain (backward jump)" 'backward jump' 'ip6 protochain 6' "$C/afs.pcap"
expect_fail "missing program file" 'nope.ddd' "@$W/nope.ddd" "$C/afs.pcap"
expect_fail "unreadable trace" 'vifbpf: ' udp "$C/invalid/pcap-invalid-version-1.pcap"
expect_fail "usage" 'usage: vifbpf' udp
[ $fails -eq 0 ] && echo "vifbpf: all ok" || echo "vifbpf: $fails failures"
[ $fails -eq 0 ]
