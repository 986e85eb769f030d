#!/usr/bin/env bash
# netnice RATE PID on running processes (issue 5):
#  - a static binary (no shim possible) is throttled at once: vifd adopts it
#    and finds its socket through NETLINK_SOCK_DIAG in the device's netns;
#  - a connection it opens after that is attributed too (a flow with no
#    registered socket, looked up off the packet path);
#  - the same on a process under the shim; the VIF goes when it exits.
source "$VIFNET_TOP/test/integration/shim_common.sh"
STATIC=$WORK/blast_static
cc -static -O2 -o "$STATIC" "$VIFNET_TOP/test/integration/shim_blast.c" 2>"$WORK/cc.err" ||
  fail "cannot build a static binary: $(cat "$WORK/cc.err")"
file -L "$STATIC" 2>/dev/null | grep -q 'statically linked' || ldd "$STATIC" 2>&1 | grep -q 'not a dynamic' ||
  fail "$STATIC is not static"
lab_up
(exec ip netns exec "$NSB" "$PY" "$VIFNET_TOP/test/integration/shim_sink.py" 198.18.0.2 9000) &
BG_PIDS+=($!)
for _ in $(seq 100); do ip netns exec "$NSB" ss -ltn | grep -q ':9000 ' && break; sleep 0.05; done
# vif_rate VIF WHAT LOW HIGH SECS: VIF's rate out over SECS within LOW..HIGH
# (under try: the senders run long enough to be measured twice)
vif_rate() {
  R=$(rate_of "$IFA" "$1" out_bytes "$5")
  echo "   $1 out: $R bit/s"
  within "$R" "$3" "$4" || { WHY="$2 ran at $R bit/s ($(ctl status | grep sockdiag))"; return 1; }
}

note "static binary: netnice 3M PID"
ip netns exec "$NSA" env LD_PRELOAD="$SHIM" "$STATIC" 198.18.0.2 9000 9 >"$WORK/s.out" 2>&1 &
SP=$!
for _ in $(seq 100); do grep -q '^ready' "$WORK/s.out" 2>/dev/null && break; sleep 0.05; done
read -r _ PID _ < <(grep '^ready' "$WORK/s.out")
proc_registered "$PID" && fail "the static binary registered itself?"
sleep 0.5
"$NETNICE" 3M "$PID" || fail "netnice 3M $PID failed"
V=netnice.$PID
sleep 0.8
try "netnice 3M on a static binary" vif_rate "$V" "static binary under netnice 3M" 2850000 3150000 2.5
ctl status | grep sockdiag
wait $SP || fail "static binary failed: $(cat "$WORK/s.out")"
for _ in $(seq 60); do vif_paths "$IFA" | grep -qx "$V" || break; sleep 0.05; done
vif_paths "$IFA" | grep -qx "$V" && fail "$V not removed after the process exited"
proc_registered "$PID" && fail "adopted process $PID still registered after exit"

note "static binary: connections opened after netnice are attributed off-path"
mkfifo "$WORK/go2"
ip netns exec "$NSA" "$STATIC" -w 198.18.0.2 9000 8 <"$WORK/go2" >"$WORK/s2.out" 2>&1 &
SP=$!
exec 8>"$WORK/go2"
for _ in $(seq 100); do grep -q '^ready' "$WORK/s2.out" 2>/dev/null && break; sleep 0.05; done
read -r _ PID _ < <(grep '^ready' "$WORK/s2.out")
"$NETNICE" 2M "$PID" || fail "netnice 2M $PID failed"
echo go >&8
exec 8>&-
V=netnice.$PID
sleep 1
try "netnice 2M, a connection opened after" vif_rate "$V" "new connection of the adopted static binary" 1900000 2100000 2.5
wait $SP || true

note "a process under the shim: netnice 1500K PID, then a new rate"
iperf_server "$NSB" 5201
# long enough for each rate to be measured twice (try)
ip netns exec "$NSA" env LD_PRELOAD="$SHIM" iperf3 -C cubic -c 198.18.0.2 -p 5201 -t 9 >/dev/null &
IP=$!
PID=$IP     # ip netns exec and env exec, they do not fork
for _ in $(seq 100); do proc_registered "$PID" && break; sleep 0.05; done
proc_registered "$PID" || fail "iperf3 under the shim not registered"
"$NETNICE" 1500K "$PID" || fail "netnice 1500K $PID failed"
sleep 0.8
try "netnice 1500K" vif_rate "netnice.$PID" "iperf3 under netnice 1500K" 1420000 1580000 1.5
"$NETNICE" 4M "$PID" || fail "netnice 4M $PID (new rate) failed"
sleep 0.5
try "after netnice 4M" vif_rate "netnice.$PID" "iperf3 after netnice 4M" 3800000 4200000 1.5
wait $IP || true
echo PASS
