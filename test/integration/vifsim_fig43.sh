#!/usr/bin/env bash
# vifsim replays the seed's Figure 4.3 experiment: every VIF's throughput in
# every phase is within 2% of what the caps and weights imply, and two runs
# give byte-identical OUT.pcap and CSV.
set -euo pipefail
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$B/tools/vifsim-gentrace" "$W/in.pcap"
for run in 1 2; do
  "$B/tools/vifsim" "$T/docs/examples/fig4.3.tree" "$W/in.pcap" "$W/out$run.pcap" \
    --csv "$W/out$run.csv" --interval 1000 >"$W/summary$run.txt"
done
cmp "$W/out1.pcap" "$W/out2.pcap"
cmp "$W/out1.csv" "$W/out2.csv"
echo "deterministic: OUT.pcap and CSV identical over two runs"

# mean bits/s of column COL over seconds [A, B)
mean() { awk -F, -v c="$1" -v a="$2" -v b="$3" 'NR>1 && $1>=a && $1<b {s+=$c; n++} END {printf "%.0f", s/n}' "$W/out1.csv"; }
col() { head -1 "$W/out1.csv" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1; }
fails=0
check() { # name vif from to expected
  local got; got=$(mean "$(col "$2")" "$3" "$4")
  if awk -v g="$got" -v w="$5" 'BEGIN {exit !(g >= w*0.98 && g <= w*1.02)}'; then
    printf 'ok   %-28s %-10s %4s-%-4s %9s bit/s (want %s)\n' "$1" "$2" "$3" "$4" "$got" "$5"
  else
    printf 'FAIL %-28s %-10s %4s-%-4s %9s bit/s (want %s)\n' "$1" "$2" "$3" "$4" "$got" "$5"; fails=$((fails+1))
  fi
}
check "vif5 alone"              vif5       1  5  2048000
check "vif4 inbound burst"      vif4       6 13  8192000
check "vif5 during burst"       vif5       6 13  2048000
check "vif1 takes all of vif3"  vif3/vif1 21 29  4096000
check "vif1 2/3 of vif3"        vif3/vif1 31 38  2730667
check "vif2 1/3 of vif3"        vif3/vif2 31 38  1365333
check "vif2 alone"              vif3/vif2 43 48  4096000
check "vif3 capped"             vif3      21 48  4096000
check "vif5 throughout"         vif5      15 59  2048000
# tcpdump reads the output and counts what vifsim says left.
if command -v tcpdump >/dev/null; then
  n=$(tcpdump -r "$W/out1.pcap" --count 2>/dev/null | awk '{print $1}')
  want=$(sed -n 's/^packets: [0-9]* in, \([0-9]*\) out.*/\1/p' "$W/summary1.txt")
  [ "$n" = "$want" ] && echo "ok   tcpdump counts $n packets" || { echo "FAIL tcpdump $n != $want"; fails=$((fails+1)); }
fi
[ "$fails" -eq 0 ]
