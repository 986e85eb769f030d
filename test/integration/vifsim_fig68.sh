#!/usr/bin/env bash
# The seed's Figure 6.8 as a replay: a 20 Mbit/s VIF with a bulk TCP flow and
# a UDP target stream; PriQVIFlet (Figure 6.2, unchanged) loaded at 10 s gives
# the target all it asks for, unloaded at 20 s sharing returns. Deterministic.
# Then hostile VIFlets are aborted with a reason and lose no packet.
set -euo pipefail
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
CLS=$B/test/java/classes/viflet
cp "$CLS"/*.class "$W/"
cd "$W"
"$B/tools/vifsim-gentrace" --fig6.8 in.pcap
for run in 1 2; do
  "$B/tools/vifsim" "$T/docs/examples/fig6.8.tree" in.pcap out$run.pcap --csv out$run.csv >sum$run.txt 2>log$run.txt
done
cmp out1.pcap out2.pcap && cmp out1.csv out2.csv && echo "deterministic: identical outputs over two runs"
grep -q 'viflet PriQVIFlet loaded' log1.txt && grep -q 'viflet unloaded' log1.txt
mean() { awk -F, -v c="$1" -v a="$2" -v b="$3" 'NR>1 && $1>=a && $1<b {s+=$c; n++} END {printf "%.0f", s/n}' out1.csv; }
col() { head -1 out1.csv | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
fails=0
check() { # what vif from to want tolerance
  local got; got=$(mean "$(col "$2")" "$3" "$4")
  if awk -v g="$got" -v w="$5" -v t="$6" 'BEGIN {exit !(g >= w*(1-t) && g <= w*(1+t))}'; then
    printf 'ok   %-34s %-12s %3s-%-3s %9s bit/s (want %s)\n' "$1" "$2" "$3" "$4" "$got" "$5"
  else
    printf 'FAIL %-34s %-12s %3s-%-3s %9s bit/s (want %s)\n' "$1" "$2" "$3" "$4" "$got" "$5"; fails=$((fails+1))
  fi
}
check "bulk alone fills the VIF"          link/bulk    1  5 20000000 0.02
check "no control: fair sharing"          link/target  6 10 10000000 0.02
check "no control: fair sharing"          link/bulk    6 10 10000000 0.02
check "PriQ: target gets all it asks"     link/target 13 20 12000000 0.02
check "PriQ: bulk gets the rest"          link/bulk   13 20  8000000 0.02
check "unloaded: target shares again"     link/target 21 25  6666667 0.03
check "the VIF cap holds throughout"      link         1 30 20000000 0.01
# Hostile VIFlets under traffic (issue 10: loop, allocation bomb, recursion,
# duplicate packet, exception thrown, foreign packet): aborted with a reason,
# no packet lost (every packet is out or counted as a drop: at qlimit, or the
# one ForeignPacketVIFlet dropped itself).
for h in SpinVIFlet AllocBombVIFlet RecursionVIFlet DupPacketVIFlet ThrowVIFlet ForeignPacketVIFlet; do
  printf "vif link bandwidth=20Mbps qlimit=100\nmatch link ip\nviflet link %s.class start=2\n" "$h" > h.tree
  "$B/tools/vifsim" h.tree in.pcap h.pcap >h.sum 2>h.log
  in=$(sed -n 's/^packets: \([0-9]*\) in, \([0-9]*\) out, \([0-9]*\) dropped.*/\1/p' h.sum)
  out=$(sed -n 's/^packets: \([0-9]*\) in, \([0-9]*\) out, \([0-9]*\) dropped.*/\2/p' h.sum)
  drops=$(awk '$1=="link" {print $6}' h.sum)
  why=$(grep -m1 'aborted' h.log || true)
  if [ -n "$why" ] && [ $((out + drops)) -eq "$in" ]; then
    echo "ok   $h aborted ($why); $in in = $out out + $drops drops at qlimit"
  else
    echo "FAIL $h: in $in out $out drops $drops log: $(cat h.log)"; fails=$((fails+1))
  fi
done
[ "$fails" -eq 0 ]
