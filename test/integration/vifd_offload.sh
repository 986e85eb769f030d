#!/usr/bin/env bash
# --offload (TUN offloads, issue 3): with IFF_VNET_HDR and TSO the host hands
# vifd TCP super-packets, which it carries whole to the peer device.
#   - ping and ping6 still work, TCP works, super-packets were seen (gso_in);
#   - iperf3 TCP through the lab (root VIF, no cap) is faster than without
#     offloads, measured in the same run (median of 3 short transfers each);
#   - caps stay accurate: vifd_cap.sh (egress and ingress 10 Mbit/s over
#     10 s, 0.97-1.01) passes with --offload.
. "$(dirname "$0")/vifd_common.sh"
SECS=${VIFD_OFFLOAD_SECS:-2}
PORT=5300

tcp_median() {  # three transfers A -> B; the median receiver rate in bit/s
  local r=()
  for _ in 1 2 3; do
    PORT=$((PORT + 1))
    iperf_server "$NSB" $PORT
    ip netns exec "$NSA" iperf3 -c 198.18.0.2 -p $PORT -t "$SECS" -J >"$WORK/t.json" 2>/dev/null || fail "iperf3"
    r+=("$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' "$WORK/t.json")")
  done
  printf '%s\n' "${r[@]}" | sort -n | sed -n 2p
}

restart() {
  if [ -n "$VIFD_PID" ]; then
    kill -TERM "$VIFD_PID"; wait "$VIFD_PID" || fail "vifd exit status"; VIFD_PID=
    ip netns del "$NSA"; ip netns del "$NSB"
  fi
  lab_up -- -- "$@"
}

faster() {
  restart
  plain=$(tcp_median)
  restart --offload
  ip netns exec "$NSA" ping -c 2 -i 0.2 -W 2 198.18.0.2 >/dev/null || fail "ping with --offload"
  ip netns exec "$NSA" ping -c 2 -i 0.2 -W 2 fd00:198:18::2 >/dev/null || fail "ping6 with --offload"
  off=$(tcp_median)
  gso=$(ctl status | awk -v i="$IFA" '$1=="iface" && $2==i { for (k=3;k<NF;k++) if ($k=="gso_in") print $(k+1) }')
  note "TCP without offloads $plain bit/s, with $off bit/s: $(ratio "$off" "$plain")x; super-packets read from A: $gso"
  [ "${gso:-0}" -gt 0 ] || fail "no super-packet seen with --offload"
  awk -v a="$off" -v b="$plain" 'BEGIN { exit !(a > b) }' || { WHY="--offload not faster: $off vs $plain bit/s"; return 1; }
}
try "offload throughput" faster

note "caps with --offload: vifd_cap.sh"
VIFD_CAP_OPTS=--offload bash "$VIFNET_TOP/test/integration/vifd_cap.sh" || fail "vifd_cap with --offload"
echo PASS
