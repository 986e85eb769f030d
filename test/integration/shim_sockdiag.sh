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

note "static binary: netnice 3M PID"
ip netns exec "$NSA" env LD_PRELOAD="$SHIM" "$STATIC" 198.18.0.2 9000 6 >"$WORK/s.out" 2>&1 &
SP=$!
for _ in $(seq 100); do grep -q '^ready' "$WORK/s.out" 2>/dev/null && break; sleep 0.05; done
read -r _ PID _ < <(grep '^ready' "$WORK/s.out")
proc_registered "$PID" && fail "the static binary registered itself?"
sleep 0.5
"$NETNICE" 3M "$PID" || fail "netnice 3M $PID failed"
V=netnice.$PID
sleep 0.8
R=$(rate_of "$IFA" "$V" out_bytes 2.5)
echo "   $V out: $R bit/s"
within "$R" 2850000 3150000 || fail "static binary under netnice 3M ran at $R bit/s ($(ctl status | grep sockdiag))"
ctl status | grep sockdiag
wait $SP || fail "static binary failed: $(cat "$WORK/s.out")"
for _ in $(seq 60); do vif_paths "$IFA" | grep -qx "$V" || break; sleep 0.05; done
vif_paths "$IFA" | grep -qx "$V" && fail "$V not removed after the process exited"
proc_registered "$PID" && fail "adopted process $PID still registered after exit"

note "static binary: connections opened after netnice are attributed off-path"
mkfifo "$WORK/go2"
ip netns exec "$NSA" "$STATIC" -w 198.18.0.2 9000 5 <"$WORK/go2" >"$WORK/s2.out" 2>&1 &
SP=$!
exec 8>"$WORK/go2"
for _ in $(seq 100); do grep -q '^ready' "$WORK/s2.out" 2>/dev/null && break; sleep 0.05; done
read -r _ PID _ < <(grep '^ready' "$WORK/s2.out")
"$NETNICE" 2M "$PID" || fail "netnice 2M $PID failed"
echo go >&8
exec 8>&-
V=netnice.$PID
sleep 1
R=$(rate_of "$IFA" "$V" out_bytes 2.5)
echo "   $V out: $R bit/s"
within "$R" 1900000 2100000 || fail "new connection of the adopted static binary ran at $R bit/s"
wait $SP || true

note "a process under the shim: netnice 1500K PID, then a new rate"
iperf_server "$NSB" 5201
ip netns exec "$NSA" env LD_PRELOAD="$SHIM" iperf3 -C cubic -c 198.18.0.2 -p 5201 -t 6 >/dev/null &
IP=$!
PID=$IP     # ip netns exec and env exec, they do not fork
for _ in $(seq 100); do proc_registered "$PID" && break; sleep 0.05; done
proc_registered "$PID" || fail "iperf3 under the shim not registered"
"$NETNICE" 1500K "$PID" || fail "netnice 1500K $PID failed"
sleep 0.8
R=$(rate_of "$IFA" "netnice.$PID" out_bytes 1.5)
echo "   netnice.$PID out: $R bit/s"
within "$R" 1420000 1580000 || fail "iperf3 under netnice 1500K ran at $R"
"$NETNICE" 4M "$PID" || fail "netnice 4M $PID (new rate) failed"
sleep 0.5
R=$(rate_of "$IFA" "netnice.$PID" out_bytes 1.5)
echo "   after netnice 4M: $R bit/s"
within "$R" 3800000 4200000 || fail "iperf3 after netnice 4M ran at $R"
wait $IP || true
echo PASS
