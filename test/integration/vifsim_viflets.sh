#!/usr/bin/env bash
# The example VIFlets of docs/examples compile with stock javac against the
# class library jar and do what their guide says, in vifsim replays:
# the token bucket holds its rate within 2%, the CoDel-style dropper keeps the
# queueing delay well under a FIFO's, the per-pid fair queue passes traffic.
set -euo pipefail
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
cd "$W"
javac -d . -cp "$B/vm/vifnet-classlib.jar" "$T"/docs/examples/*.java
"$B/tools/vifsim-gentrace" --fig6.8 in.pcap
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails+1)); }
row() { awk -v v="$2" '$1==v' "$1"; }

printf 'vif link qlimit=100\nmatch link ip\nviflet link TokenBucketVIFlet.class rate=5000000 burst=3000 limit=100\n' > tb.tree
"$B/tools/vifsim" tb.tree in.pcap out.pcap --csv tb.csv > tb.sum 2>tb.log
rate=$(awk -F, 'NR>2 && $1 < 29 {s+=$2; n++} END {printf "%.0f", s/n}' tb.csv)
awk -v r="$rate" 'BEGIN {exit !(r >= 4900000 && r <= 5100000)}' && ok "token bucket at 5 Mbit/s: $rate bit/s" || bad "token bucket: $rate bit/s"

printf 'vif link bandwidth=10Mbps qlimit=1000\nmatch link ip\nfilter link udp\n' > fifo.tree
printf 'vif link bandwidth=10Mbps qlimit=1000\nmatch link ip\nfilter link udp\nviflet link CoDelVIFlet.class\n' > codel.tree
d_fifo=$("$B/tools/vifsim" fifo.tree in.pcap o.pcap 2>/dev/null | awk '$1=="link" {print $8}')
d_codel=$("$B/tools/vifsim" codel.tree in.pcap o.pcap 2>/dev/null | awk '$1=="link" {print $8}')
awk -v a="$d_codel" -v b="$d_fifo" 'BEGIN {exit !(a < b * 0.6)}' && ok "CoDel mean delay ${d_codel} ms < FIFO ${d_fifo} ms" || bad "CoDel delay $d_codel vs FIFO $d_fifo"

printf 'vif link bandwidth=20Mbps\nmatch link ip\nviflet link PidFairVIFlet.class limit=300\n' > pf.tree
"$B/tools/vifsim" pf.tree in.pcap o.pcap > pf.sum 2>pf.log
kbps=$(awk '$1=="link" {print $7}' pf.sum)
grep -q 'PidFairVIFlet loaded' pf.log && awk -v k="$kbps" 'BEGIN {exit !(k > 19000 && k < 20100)}' &&
  ok "per-pid fair queue fills the 20 Mbit/s VIF ($kbps kbit/s)" || bad "pid fair: $kbps kbit/s $(cat pf.log)"
cmp "$T/docs/examples/PriQVIFlet.java" "$T/test/java/viflet/PriQVIFlet.java" && ok "PriQVIFlet example is the seed's Figure 6.2 as tested" || bad "PriQVIFlet copies differ"
[ "$fails" -eq 0 ]
