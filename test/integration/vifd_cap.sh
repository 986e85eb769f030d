#!/usr/bin/env bash
# Egress and ingress caps (seed IV.3.5.3). A 10 Mbit/s cap on A's root (egress)
# and then on B's root (ingress: the receiver's side) must hold an iperf3 TCP
# transfer A -> B to 0.97-1.01 of the cap over 10 s. The rate measured is the
# wire rate at the daemon: bytes (IP packets, what the cap charges) that left
# A's root onto the wire (egress) or left B's root into B's device (ingress),
# read from vifd's counters at the two ends of the 10 s window. iperf3's
# sender figure over its whole run (slow start included) is printed too.
# A window spoiled by load on the shared machine is measured once more.
# VIFD_CAP_OPTS: global vifd options (vifd_offload.sh runs this with --offload).
. "$(dirname "$0")/vifd_common.sh"
CAP=10000000
WINDOW=${VIFD_CAP_WINDOW:-10}

measure() {  # IFACE FIELD PORT: transfer, then the wire rate over WINDOW s
  local ifc=$1 field=$2 port=$3
  iperf_server "$NSB" "$port"
  ip netns exec "$NSA" iperf3 "${CC[@]}" -c 198.18.0.2 -p "$port" -t $((WINDOW + 8)) -J >"$WORK/iperf.json" 2>&1 &
  local ip=$!
  sleep 1.5                       # past slow start: the queue at the cap is full
  local rate
  rate=$(rate "$WINDOW" "$ifc" "$field")
  # iperf3 stops early on SIGINT and still writes its report
  kill -INT "$ip" 2>/dev/null || true
  wait "$ip" || true
  local rx
  rx=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_sent"]["bits_per_second"]))' "$WORK/iperf.json" 2>/dev/null || echo "?")
  echo "$rate $rx"
}

PORT=5200
# Egress: cap on A's root.
egress() {
  PORT=$((PORT + 1))
  read -r rate rx < <(measure "$IFA" wire_out $PORT)
  r=$(ratio "$rate" $CAP)
  note "egress cap 10 Mbit/s: wire rate $rate bit/s = $r of the cap (iperf3 sender, whole run: $rx bit/s)"
  within "$r" 0.97 1.01 || { WHY="egress wire rate $r of the cap, outside 0.97-1.01"; return 1; }
}
lab_up --rate 10M -- -- ${VIFD_CAP_OPTS:-}
try egress egress

# Ingress: cap on B's root, A unlimited: B paces delivery to its host and
# TCP's sender slows down to it.
kill -TERM "$VIFD_PID"; wait "$VIFD_PID" || fail "vifd exit status"; VIFD_PID=
ip netns del "$NSA"; ip netns del "$NSB"
ingress() {
  PORT=$((PORT + 1))
  read -r rate rx < <(measure "$IFB" to_host $PORT)
  r=$(ratio "$rate" $CAP)
  note "ingress cap 10 Mbit/s on the receiver: delivered $rate bit/s = $r of the cap (iperf3 sender, whole run: $rx bit/s)"
  within "$r" 0.97 1.01 || { WHY="ingress rate $r of the cap, outside 0.97-1.01"; return 1; }
}
lab_up -- --rate 10M -- ${VIFD_CAP_OPTS:-}
try ingress ingress
echo PASS
