#!/usr/bin/env bash
# The main job (SPEC section 3): the seed's Figure 4.3 scenario live.
# vifd runs two TUN devices in two network namespaces linked as each other's
# wire; interface vdA (198.18.0.1) gets the Figure 4.3 tree from
# docs/examples/fig4.3-live.tree; iperf3 flows play the seed's phases
# (compressed to 34 s); the per-VIF throughput is sampled from the nnfs `stat`
# files, printed per phase and drawn with gnuplot.
# Without root or /dev/net/tun it runs the offline replay (tools/demo-offline.sh).
# Usage: tools/demo.sh BUILD_DIR [--offline]
set -euo pipefail
B=$1
T=$(cd "$(dirname "$0")/.." && pwd)
if [ "${2:-}" = --offline ] || [ "$(id -u)" -ne 0 ] || [ ! -c /dev/net/tun ]; then
  exec "$T/tools/demo-offline.sh" "$B"
fi
OUT=${VIFNET_DEMO_OUT:-$B/demo}
mkdir -p "$OUT"
NSA=vifnet-demo-a NSB=vifnet-demo-b
RUN=$(mktemp -d /tmp/vifnet-demo.XXXXXX)
MNT=$RUN/nn CTL=$RUN/control.sock
VIFD_PID= PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$VIFD_PID" ]; then
    kill -TERM "$VIFD_PID" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$VIFD_PID" 2>/dev/null || break; sleep 0.05; done
  fi
  for ns in $NSA $NSB; do ip netns del $ns 2>/dev/null || true; done
  umount "$MNT" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT INT TERM
for ns in $NSA $NSB; do ip netns del $ns 2>/dev/null || true; ip netns add $ns; ip -n $ns link set lo up; done
mkdir -p "$MNT"
echo "== starting vifd: vdA in $NSA (198.18.0.1, Figure 4.3 tree), vdB in $NSB (198.18.0.2), linked"
"$B/tools/vifd" --foreground --control "$CTL" --mount "$MNT" \
  --iface vdA --netns $NSA --addr 198.18.0.1/30 --tree "$T/docs/examples/fig4.3-live.tree" \
  --iface vdB --netns $NSB --addr 198.18.0.2/30 --link vdA:vdB >"$RUN/vifd.log" 2>&1 &
VIFD_PID=$!
for _ in $(seq 100); do grep -q '^vifd ready' "$RUN/vifd.log" && break; sleep 0.1; done
grep -q '^vifd ready' "$RUN/vifd.log" || { cat "$RUN/vifd.log"; echo "demo: vifd did not start" >&2; exit 1; }
echo "== the tree, as nnfs shows it ($MNT/network/vdA):"
for v in vif3 vif3/vif1 vif3/vif2 vif4 vif5; do
  printf '   %-10s bandwidth %-10s type %-5s weight %s\n' "$v" "$(cat "$MNT/network/vdA/$v/bandwidth")" \
    "$(cat "$MNT/network/vdA/$v/type")" "$(cat "$MNT/network/vdA/$v/weight")"
done
# iperf3 servers: egress flows (vif1, vif2, vif5) go to B; vif4 receives from B.
for p in 5201 5202 5205; do ip netns exec $NSB iperf3 -s -p $p >/dev/null 2>&1 & PIDS+=($!); done
ip netns exec $NSA iperf3 -s -p 5204 >/dev/null 2>&1 & PIDS+=($!)
sleep 1
echo "== traffic (34 s): vif5 0-34 s out, vif4 3-11 s in, vif1 12-26 s out, vif2 18-33 s out"
CSV=$OUT/fig4.3-live.csv
# One process starts the flows on schedule and samples the stat files every
# 0.5 s, timestamped as read. Data direction only: vif4 receives (in_bytes),
# the others send (out_bytes); the ACKs going the other way are not counted.
python3 - "$MNT/network/vdA" "$CSV" $NSA $NSB <<'PY'
import subprocess, sys, time
base, out, nsa, nsb = sys.argv[1:5]
flows = [(0, 34, 5205, nsa, "198.18.0.2"), (3, 8, 5204, nsb, "198.18.0.1"),
         (12, 14, 5201, nsa, "198.18.0.2"), (18, 15, 5202, nsa, "198.18.0.2")]
vifs = ["vif3/vif1", "vif3/vif2", "vif3", "vif4", "vif5"]
def read():
    vals = []
    for v in vifs:
        field = "in_bytes" if v == "vif4" else "out_bytes"
        with open(f"{base}/{v}/stat") as f:
            vals.append(next(int(l.split()[1]) for l in f if l.split()[0] == field))
    return time.monotonic(), vals
procs, pending = [], list(flows)
t0, last = read()
prev = t0
with open(out, "w") as f:
    f.write("time_s," + ",".join(vifs) + "\n")
    for i in range(68):
        while pending and pending[0][0] <= time.monotonic() - t0:
            st, dur, port, ns, dst = pending.pop(0)
            procs.append(subprocess.Popen(["ip", "netns", "exec", ns, "iperf3", "-c", dst, "-p", str(port),
                                           "-t", str(dur), "-C", "cubic"],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5 - ((time.monotonic() - t0) % 0.5))
        now, cur = read()
        rates = [int((c - l) * 8 / (now - prev)) for c, l in zip(cur, last)]
        f.write(f"{now - t0:.2f}," + ",".join(map(str, rates)) + "\n")
        last, prev = cur, now
for p in procs:
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
PY
echo
echo "== per-VIF throughput by phase (Kbit/s, from the stat files; vif4 inbound)"
awk -F, '
NR == 1 { next }
{ t = $1
  if (t >= 0.5 && t < 2.5) p = 1; else if (t >= 5 && t < 11) p = 2; else if (t >= 14.5 && t < 17.5) p = 3;
  else if (t >= 20 && t < 26) p = 4; else if (t >= 30 && t < 32.5) p = 5; else next
  for (i = 2; i <= 6; i++) s[p, i] += $i; n[p]++ }
END {
  split("0-3s:vif5 5-11s:+vif4 14-18s:+vif1 20-26s:+vif2 30-33s:vif2,vif5", ph, " ")
  printf "%-16s %10s %10s %10s %10s %10s\n", "phase", "vif1", "vif2", "vif3", "vif4", "vif5"
  for (p = 1; p <= 5; p++) { printf "%-16s", ph[p]; for (i = 2; i <= 6; i++) printf " %10.0f", n[p] ? s[p, i] / n[p] / 1000 : 0; printf "\n" }
}' "$CSV"
echo
echo "caps: vif3 4096 (vif1:vif2 = 2:1 of it, idle share redistributed), vif4 8192 (receiver side), vif5 2048"
SVG=$OUT/fig4.3-live.svg
gnuplot <<GP
set terminal svg size 960,540 dynamic font 'sans,12'
set output '$SVG.tmp'
set datafile separator ','
set key outside right top
set xlabel 'time (s)'; set ylabel 'throughput (Kbit/s)'; set grid
set title 'vifnet demo: Figure 4.3 tree live (vifd, two TUN devices, iperf3)'
plot for [i=2:6] '$CSV' using 1:(column(i)/1000) with lines lw 2 title columnhead(i)
GP
mv "$SVG.tmp" "$SVG"
echo "plot:   $SVG"
echo "csv:    $CSV"
