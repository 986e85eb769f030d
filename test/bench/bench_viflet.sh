#!/usr/bin/env bash
# VIFlet benchmark (issue 10, seed Figures 6.9 and 6.10): TCP throughput
# through one VIF with no VIFlet, with RelayVIFlet and with PriQVIFlet, in the
# same run (medians of RUNS iperf3 runs, interleaved), and the VM's time per
# packet for both VIFlets in vifvm's packet mode. Figures go to
# docs/evaluation.md. Usage: test/bench/bench_viflet.sh BUILD TOP
set -euo pipefail
BUILD=$1 TOP=$2
RUNS=${VIFLET_BENCH_RUNS:-5}
SECS=${VIFLET_BENCH_SECS:-4}
NSA=vl$$-a NSB=vl$$-b
IFA=vla$$ IFB=vlb$$
IFA=${IFA:0:15} IFB=${IFB:0:15}
W=$(mktemp -d /tmp/viflet-bench.XXXXXX)
VPID= SPID=
cleanup() {
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null || true
  [ -n "$VPID" ] && { kill -TERM "$VPID" 2>/dev/null || true; wait "$VPID" 2>/dev/null || true; }
  for ns in $NSA $NSB; do ip netns del $ns 2>/dev/null || true; done
  rm -rf "$W"
}
trap cleanup EXIT INT TERM
javac -d "$W" -cp "$BUILD/vm/vifnet-classlib.jar" "$TOP/docs/examples/RelayVIFlet.java" "$TOP/docs/examples/PriQVIFlet.java"
printf 'vif v\nmatch v tcp port 5201\n' > "$W/tree"
for ns in $NSA $NSB; do ip netns add $ns; ip -n $ns link set lo up; done
mkdir -p "$W/nn"
"$BUILD/tools/vifd" --foreground --control "$W/ctl" --mount "$W/nn" \
  --iface $IFA --netns $NSA --addr 198.18.0.1/30 --tree "$W/tree" \
  --iface $IFB --netns $NSB --addr 198.18.0.2/30 --link $IFA:$IFB > "$W/vifd.log" 2>&1 &
VPID=$!
for _ in $(seq 100); do grep -q '^vifd ready' "$W/vifd.log" && break; sleep 0.1; done
ip netns exec $NSB iperf3 -s -p 5201 >/dev/null 2>&1 & SPID=$!
sleep 0.5
V=$W/nn/network/$IFA/v
gbps() {
  ip netns exec $NSA iperf3 -C cubic -c 198.18.0.2 -p 5201 -t "$SECS" -J 2>/dev/null |
    python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))'
}
declare -A res
for r in $(seq "$RUNS"); do
  for mode in none relay priq; do
    case $mode in
      none) echo none > "$V/viflet" ;;
      relay) cp "$W/RelayVIFlet.class" "$V/viflet" ;;
      priq) cp "$W/PriQVIFlet.class" "$V/viflet" ;;
    esac
    res[$mode]+="$(gbps) "
    echo none > "$V/viflet"
  done
done
med() { printf '%s\n' $1 | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
none=$(med "${res[none]}"); relay=$(med "${res[relay]}"); priq=$(med "${res[priq]}")
echo "TCP Gbit/s: none $none (${res[none]}) relay $relay (${res[relay]}) priq $priq (${res[priq]})"
grep -q aborted "$V/log" && { echo "a VIFlet was aborted during the benchmark:"; cat "$V/log"; }
# VM time per packet (enqueue + dequeue) in vifvm's packet mode.
TR=${VIFNET_CORPUS:-/work/shared/corpus/pcap/public}/mptcp-v0.pcap
vmns() { "$BUILD/tools/vifvm" --interp -cp "$W" --stats --packets "$TR" "$1" 2>&1 | sed -n 's/.*ns_per_packet=\([0-9.]*\).*/\1/p' | head -1; }
relay_ns=$(vmns RelayVIFlet || true); priq_ns=$(vmns PriQVIFlet || true)
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
OUT=$W/section.md
{
  echo "## VIFlets on a live VIF (issue 10)"
  echo
  echo "Machine: $machine. \`test/bench/bench_viflet.sh\`, $(date -u +%Y-%m-%d): iperf3 TCP (cubic) through"
  echo "one VIF between the lab's two namespaces, ${SECS} s runs, medians of $RUNS interleaved runs."
  echo
  echo "| VIF | TCP Gbit/s | vs no VIFlet |"
  echo "|---|---:|---:|"
  echo "| no VIFlet | $none | 1.00 |"
  echo "| RelayVIFlet | $relay | $(awk -v a="$relay" -v b="$none" 'BEGIN{printf "%.2f", a/b}') |"
  echo "| PriQVIFlet | $priq | $(awk -v a="$priq" -v b="$none" 'BEGIN{printf "%.2f", a/b}') |"
  echo
  echo "Targets: relay ≥ 0.95×, PriQ ≥ 0.93× (seed Figure 6.9). VM time per packet (enqueue + dequeue,"
  echo "interpreter, vifvm packet mode over mptcp-v0.pcap): relay ${relay_ns:-?} ns, PriQ ${priq_ns:-?} ns"
  echo "(seed Figure 6.10: 3.07 µs)."
} > "$OUT"
cat "$OUT"
python3 "$TOP"/test/bench/evaluation_section.py "$TOP/docs/evaluation.md" "$OUT" viflet
