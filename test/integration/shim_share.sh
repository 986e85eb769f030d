#!/usr/bin/env bash
# Sharing and per-socket control through the shim and nnfs (issue 5):
#  - two programs in sibling wfq VIFs (weights 2 and 1, parent capped at 6M)
#    share 2:1 +-5%;
#  - a program with two sockets, each `ln -s`'d in nnfs to a different VIF
#    under its process VIF, gets the two caps.
source "$VIFNET_TOP/test/integration/shim_common.sh"
BLAST=$VIFNET_BUILD/test/integration/shim_blast
lab_up
M=$WORK/nn
for _ in $(seq 100); do [ -d "$M/network/$IFA" ] && break; sleep 0.05; done
[ -d "$M/network/$IFA" ] || fail "nnfs not mounted at $M"
N=$M/network/$IFA
(exec ip netns exec "$NSB" "$PY" "$VIFNET_TOP/test/integration/shim_sink.py" 198.18.0.2 9000) &
BG_PIDS+=($!)
for _ in $(seq 100); do ip netns exec "$NSB" ss -ltn | grep -q ':9000 ' && break; sleep 0.05; done

note "two programs in sibling wfq VIFs share 2:1"
mkdir "$N/share" "$N/share/a" "$N/share/b"
echo 6M > "$N/share/bandwidth"
echo wfq > "$N/share/type"
echo 2 > "$N/share/a/weight"
echo 1 > "$N/share/b/weight"
iperf_server "$NSB" 5301
iperf_server "$NSB" 5302
# the senders run long enough to be measured twice (try)
ip netns exec "$NSA" "$NETNICE" --vif "$N/share/a" -- iperf3 -C cubic -c 198.18.0.2 -p 5301 -t 9 >/dev/null &
P1=$!
ip netns exec "$NSA" "$NETNICE" --vif "$IFA/share/b" -- iperf3 -C cubic -c 198.18.0.2 -p 5302 -t 9 >/dev/null &
P2=$!
sleep 1.5
share_wfq() {
  read -r RA RB < <(rates "$IFA" 3 out_bytes share/a share/b)
  echo "   share/a $RA bit/s, share/b $RB bit/s"
  awk -v a="$RA" -v b="$RB" 'BEGIN { r = a / b; printf "   ratio %.3f\n", r; exit !(r >= 1.9 && r <= 2.1) }' ||
    { WHY="wfq 2:1 gave $RA : $RB"; return 1; }
  # work-conserving up to the cap (senders on a loaded machine may leave a little idle)
  within "$((RA + RB))" 5400000 6180000 || { WHY="share/ total $((RA + RB)) bit/s, cap 6M"; return 1; }
}
try "wfq 2:1" share_wfq
wait $P1 $P2

note "per socket: two sockets of one process, two VIFs"
mkdir "$N/proc" "$N/proc/s1" "$N/proc/s2"
echo 1M > "$N/proc/s1/bandwidth"
echo 3M > "$N/proc/s2/bandwidth"
mkfifo "$WORK/go"
ip netns exec "$NSA" "$NETNICE" --vif "$IFA/proc" -- "$BLAST" -n 2 -w 198.18.0.2 9000 8 \
  <"$WORK/go" >"$WORK/blast.out" &
BP=$!
exec 7>"$WORK/go"
for _ in $(seq 100); do grep -q '^ready' "$WORK/blast.out" 2>/dev/null && break; sleep 0.05; done
read -r _ PID FD1 FD2 < <(grep '^ready' "$WORK/blast.out")
for _ in $(seq 100); do [ -d "$M/$PID/sockets/$FD2" ] && break; sleep 0.05; done
[ -L "$M/$PID/$IFA" ] || fail "no $M/$PID/$IFA link: $(ls -l "$M/$PID" 2>&1)"
echo "   $M/$PID/$IFA -> $(readlink "$M/$PID/$IFA")"
ln -s "../../../network/$IFA/proc/s1" "$M/$PID/sockets/$FD1/$IFA"
ln -s "../../../network/$IFA/proc/s2" "$M/$PID/sockets/$FD2/$IFA"
echo go >&7
exec 7>&-
sleep 1.5
per_socket() {
  read -r R1 R2 < <(rates "$IFA" 2.5 out_bytes proc/s1 proc/s2)
  echo "   socket $FD1 on proc/s1: $R1 bit/s, socket $FD2 on proc/s2: $R2 bit/s"
  within "$R1" 950000 1050000 || { WHY="socket on s1 (1M) ran at $R1"; return 1; }
  within "$R2" 2850000 3150000 || { WHY="socket on s2 (3M) ran at $R2"; return 1; }
}
try "per-socket caps" per_socket
wait $BP || fail "blaster failed"
for _ in $(seq 40); do [ -e "$M/$PID" ] || break; sleep 0.05; done
[ -e "$M/$PID" ] && fail "$M/$PID still there after the process exited"
echo PASS
