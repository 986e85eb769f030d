#!/usr/bin/env bash
# ping and a TCP transfer (iperf3) across the lab, IPv4 and IPv6, and the
# control socket's handshake rules on the live daemon.
. "$(dirname "$0")/vifd_common.sh"
lab_up

ip netns exec "$NSA" ping -c 3 -i 0.2 -W 2 198.18.0.2 >/dev/null || fail "ping IPv4"
ip netns exec "$NSB" ping -c 3 -i 0.2 -W 2 fd00:198:18::1 >/dev/null || fail "ping IPv6"
note "ping IPv4 and IPv6 ok"

for dst in 198.18.0.2 fd00:198:18::2; do
  iperf_server "$NSB" 5201
  out=$(ip netns exec "$NSA" iperf3 -c "$dst" -p 5201 -t 2 -J) || fail "iperf3 to $dst"
  bps=$(printf '%s' "$out" | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))')
  [ "$bps" -gt 10000000 ] || fail "iperf3 to $dst: only $bps bit/s"
  note "iperf3 TCP to $dst: $((bps / 1000000)) Mbit/s"
done

# Protocol: requests before hello are refused, garbage gets an error.
r=$(python3 - "$CTL" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(sys.argv[1])
for m in [b"status", b"hello 2", b"hello 1", b"hello 1", b"\x00\x01junk", b"x" * 5000, b"sock 3", b"register 1", b"register 1", b"sock 3 tcp 198.18.0.1 4000 198.18.0.2 80"]:
    s.send(m); print(s.recv(65536).decode().split("\n")[0])
PY
)
expect="error EPROTO hello first
error EPROTONOSUPPORT this vifd speaks version 1
ok vifd 1
error EPROTO hello already done
error EINVAL control character in message
error EMSGSIZE message too long
error EPROTO register first"
[ "$(printf '%s\n' "$r" | head -7)" = "$expect" ] || { printf '%s\n' "$r"; fail "control protocol replies"; }
printf '%s\n' "$r" | sed -n 8p | grep -q '^ok [0-9]' || fail "register"
printf '%s\n' "$r" | sed -n 9p | grep -q '^error EALREADY' || fail "double register"
printf '%s\n' "$r" | sed -n 10p | grep -q '^ok' || fail "sock registration"
# The connection closed: its process is gone from the registry.
sleep 0.1
ctl procs | grep -q '^proc' && fail "registration survived its connection"
note "control protocol ok"
kill -0 "$VIFD_PID" || fail "vifd died"
echo PASS
