#!/usr/bin/env bash
# --offload (TUN offloads, issue 3): with IFF_VNET_HDR and TSO the host hands
# vifd TCP super-packets, which it carries whole to the peer device.
#   - ping and ping6 still work, TCP works, super-packets were seen (gso_in);
#   - iperf3 TCP through the lab (root VIF, no cap) is faster than without
#     offloads, measured in the same run (median of 3 short transfers each);
#   - without a VIF that looks at packets no super-packet is cut (gso_cut 0);
#   - a port reader sees what a wire carries: TCP (IPv4, IPv6) and UDP
#     (UDP_SEGMENT, IPv4, IPv6) through a VIF with a port under --offload are
#     captured as packets of at most the MTU, which tshark and tcpdump parse
#     with every IP, TCP and UDP checksum correct, all 200 UDP datagrams there;
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

stop() {
  if [ -n "$VIFD_PID" ]; then
    kill -TERM "$VIFD_PID"; wait "$VIFD_PID" || fail "vifd exit status"; VIFD_PID=
    ip netns del "$NSA"; ip netns del "$NSB"
  fi
}
restart() { stop; lab_up -- -- "$@"; }
a_counter() { ctl status | awk -v i="$IFA" -v f="$1" '$1=="iface" && $2==i { for (k=3;k<NF;k++) if ($k==f) print $(k+1) }'; }

faster() {
  restart
  plain=$(tcp_median)
  restart --offload
  ip netns exec "$NSA" ping -c 2 -i 0.2 -W 2 198.18.0.2 >/dev/null || fail "ping with --offload"
  ip netns exec "$NSA" ping -c 2 -i 0.2 -W 2 fd00:198:18::2 >/dev/null || fail "ping6 with --offload"
  off=$(tcp_median)
  gso=$(a_counter gso_in)
  note "TCP without offloads $plain bit/s, with $off bit/s: $(ratio "$off" "$plain")x; super-packets read from A: $gso"
  [ "${gso:-0}" -gt 0 ] || fail "no super-packet seen with --offload"
  [ "$(a_counter gso_cut)" = 0 ] || fail "super-packets cut without a VIF looking at them"
  awk -v a="$off" -v b="$plain" 'BEGIN { exit !(a > b) }' || { WHY="--offload not faster: $off vs $plain bit/s"; return 1; }
}
try "offload throughput" faster

note "a port under --offload: wire-sized packets, correct checksums"
command -v tshark >/dev/null || fail "tshark missing"
command -v tcpdump >/dev/null || fail "tcpdump missing"
stop
cat >"$WORK/cap.tree" <<TREE
vif cap
match cap tcp port 5201 or udp port 5300
TREE
mkdir -p "$WORK/nn"
lab_up --tree "$WORK/cap.tree" -- -- --offload --mount "$WORK/nn"
CAP=$WORK/nn/network/$IFA/cap
cat "$CAP/port" >"$WORK/cap.pcapng" & CATP=$!
BG_PIDS+=($CATP)
for _ in $(seq 100); do grep -q '^port_readers 1$' "$CAP/stat" && break; sleep 0.05; done
grep -q '^port_readers 1$' "$CAP/stat" || fail "the port reader did not open"
for dst in 198.18.0.2 fd00:198:18::2; do
  iperf_server "$NSB" 5201
  ip netns exec "$NSA" iperf3 "${CC[@]}" -c "$dst" -p 5201 -t 1 -b 200M >/dev/null 2>&1 || fail "iperf3 to $dst"
  # ten writes of 14000 bytes, each cut by the kernel (UDP_SEGMENT) into 10 datagrams
  ip netns exec "$NSA" python3 - "$dst" <<'PY' || fail "UDP_SEGMENT sender"
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 103, 1400)     # UDP_SEGMENT
for i in range(10):
    s.sendto(bytes((i + k) & 0xff for k in range(14000)), (sys.argv[1], 5300))
PY
done
sleep 0.3
gso=$(a_counter gso_in) cut=$(a_counter gso_cut)
rmdir "$CAP"                       # ends the stream
for _ in $(seq 100); do kill -0 $CATP 2>/dev/null || break; sleep 0.05; done
wait $CATP || fail "cat port"
TS=(-o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE)
tshark -r "$WORK/cap.pcapng" "${TS[@]}" -T fields -E separator=, -e frame.len -e ip.version \
  -e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status -e udp.length \
  >"$WORK/fields.txt" 2>"$WORK/tshark.err" || fail "tshark: $(head -3 "$WORK/tshark.err")"
read -r n big bad tcp4 tcp6 udp4 udp6 < <(awk -F, '{ n++ } $1 > 1500 { big++ }
  $3 == 0 || $4 == 0 || $5 == 0 { bad++ }
  $4 == 1 && $2 == 4 { t4++ } $4 == 1 && $2 == 6 { t6++ }
  $5 == 1 && $6 == 1408 && $2 == 4 { u4++ } $5 == 1 && $6 == 1408 && $2 == 6 { u6++ }
  END { print n+0, big+0, bad+0, t4+0, t6+0, u4+0, u6+0 }' "$WORK/fields.txt")
tdbad=$(tcpdump -nr "$WORK/cap.pcapng" -vv 2>/dev/null | grep -ci 'bad cksum\|incorrect' || true)
note "super-packets read $gso, finished in software $cut; captured $n packets: $big over 1500 bytes, $bad with a bad checksum (tcpdump: $tdbad); TCP $tcp4 IPv4 $tcp6 IPv6, UDP datagrams $udp4 IPv4 $udp6 IPv6"
[ "$gso" -gt 0 ] && [ "$cut" -gt 0 ] || fail "no super-packet cut (read $gso, cut $cut)"
[ "$big" = 0 ] || fail "$big captured packets larger than the MTU"
[ "$bad" = 0 ] && [ "$tdbad" = 0 ] || fail "bad checksums in the capture (tshark $bad, tcpdump $tdbad)"
[ "$tcp4" -gt 100 ] && [ "$tcp6" -gt 100 ] || fail "TCP missing from the capture ($tcp4 IPv4, $tcp6 IPv6)"
[ "$udp4" = 100 ] && [ "$udp6" = 100 ] || fail "UDP datagrams: $udp4 IPv4, $udp6 IPv6 of 100 each"

note "caps with --offload: vifd_cap.sh"
VIFD_CAP_OPTS=--offload bash "$VIFNET_TOP/test/integration/vifd_cap.sh" || fail "vifd_cap with --offload"
echo PASS
