#!/usr/bin/env bash
# The main job: the seed's Figure 4.3 scenario (IV.3.1, Figure 4.9).
# Offline (tools/vifnet demo --offline, or without root/TUN): generate the scenario's trace and replay it through the tree with
# vifsim on a virtual clock; print the per-VIF throughput of each phase and
# where the plot is. Usage: tools/demo-offline.sh BUILD_DIR
set -euo pipefail
B=$1
T=$(cd "$(dirname "$0")/.." && pwd)
OUT=${VIFNET_DEMO_OUT:-$B/demo}
mkdir -p "$OUT"
echo "== Figure 4.3 tree ($T/docs/examples/fig4.3.tree):"
grep -v '^#' "$T/docs/examples/fig4.3.tree" | sed 's/^/   /'
"$B/tools/vifsim-gentrace" "$OUT/fig4.3-in.pcap"
echo "== replaying $(tcpdump -r "$OUT/fig4.3-in.pcap" --count 2>/dev/null | awk '{print $1}') packets (60 s of traffic) through vifsim"
"$B/tools/vifsim" "$T/docs/examples/fig4.3.tree" "$OUT/fig4.3-in.pcap" "$OUT/fig4.3-out.pcap" \
  --csv "$OUT/fig4.3.csv" --plot "$OUT/fig4.3.svg" --interval 500
echo
echo "== per-VIF throughput by phase (Kbit/s; VIF 4 is inbound, the rest outbound)"
awk -F, '
NR == 1 { for (i = 2; i <= NF; i++) name[i] = $i; n = NF; next }
{ t = $1
  p = (t < 5) ? 1 : (t < 14) ? 2 : (t < 20) ? 3 : (t < 30) ? 4 : (t < 39) ? 5 : (t < 49) ? 6 : 7
  # skip the first second of each phase and queue drains after a flow stops
  if ((t >= 5 && t < 6) || (t >= 14 && t < 15) || (t >= 20 && t < 21) || (t >= 30 && t < 31) || (t >= 39 && t < 43) || (t >= 49 && t < 53)) next
  for (i = 2; i <= n; i++) sum[p, i] += $i; cnt[p]++ }
END {
  split("0-5s 5-14s 14-20s 20-30s 30-39s 39-49s 49-60s", ph, " ")
  printf "%-10s", "phase"; for (i = 2; i <= n; i++) printf " %10s", (i == 2 ? "root" : name[i]); printf "\n"
  for (p = 1; p <= 7; p++) { printf "%-10s", ph[p]; for (i = 2; i <= n; i++) printf " %10.0f", cnt[p] ? sum[p, i] / cnt[p] / 1000 : 0; printf "\n" }
}' "$OUT/fig4.3.csv"
echo
echo "expected: vif5 2048 throughout; vif4 8192 during 5-14s; vif3 4096 split 2:1 (2731/1365) while vif1 and vif2 overlap"
echo "plot:   $OUT/fig4.3.svg"
echo "csv:    $OUT/fig4.3.csv"
echo "trace:  $OUT/fig4.3-out.pcap (departures, nanosecond timestamps)"
