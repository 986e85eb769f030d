#!/usr/bin/env bash
# Lifecycle: start failures give an exit status and leave no device behind;
# SIGTERM during a transfer stops vifd within 1 s with status 0 and removes
# its devices; SIGINT too; the control socket file goes away. If an ASan
# build of vifd exists ($VIFNET_ASAN_BUILD), it is the one run, so a leak
# fails the exit status.
. "$(dirname "$0")/vifd_common.sh"
if [ -n "${VIFNET_ASAN_BUILD:-}" ] && [ -x "$VIFNET_ASAN_BUILD/tools/vifd" ]; then
  VIFD=$VIFNET_ASAN_BUILD/tools/vifd
  export ASAN_OPTIONS=detect_leaks=1:exitcode=99
  note "using the ASan build of vifd"
fi

st=0; "$VIFD" --foreground --control "$CTL" --bogus >/dev/null 2>&1 || st=$?
[ $st -eq 2 ] || fail "unknown option: exit $st, want 2"
st=0; "$VIFD" --foreground --control "$CTL" >/dev/null 2>&1 || st=$?
[ $st -eq 2 ] || fail "no --iface: exit $st, want 2"
st=0; "$VIFD" --foreground --control "$CTL" --iface "$IFA" --netns "vt$T-none" >/dev/null 2>&1 || st=$?
[ $st -eq 1 ] || fail "missing netns: exit $st, want 1"
ip link show "$IFA" >/dev/null 2>&1 && fail "device left behind after a failed start"
printf 'vif a/b rate=1\n' >"$WORK/bad.tree"
st=0; "$VIFD" --foreground --control "$CTL" --iface "$IFA" --tree "$WORK/bad.tree" >"$WORK/err" 2>&1 || st=$?
[ $st -eq 1 ] || fail "bad tree file: exit $st, want 1"
grep -q 'bad.tree:1' "$WORK/err" || fail "bad tree file message: $(cat "$WORK/err")"
ip link show "$IFA" >/dev/null 2>&1 && fail "device left behind after a bad tree file"
note "start failures: exit 2 (usage) / 1 (set-up), no device left"

# Daemon mode: the parent returns once the child is ready.
st=0; out=$("$VIFD" --control "$CTL" --iface "$IFA") || st=$?
[ $st -eq 0 ] || fail "daemon mode: exit $st"
dpid=$(printf '%s\n' "$out" | sed -n 's/^vifd ready pid \([0-9]*\).*/\1/p')
[ -n "$dpid" ] && kill -0 "$dpid" || fail "daemon mode readiness line: $out"
ip link show "$IFA" >/dev/null || fail "daemon mode: no device"
# The daemon's parent is gone, so nobody here reaps it: a zombie has stopped.
alive() { local s; s=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }
kill -INT "$dpid"
for _ in $(seq 20); do alive "$dpid" || break; sleep 0.05; done
alive "$dpid" && fail "SIGINT did not stop the daemon within 1 s"
ip link show "$IFA" >/dev/null 2>&1 && fail "device left after SIGINT"
[ -e "$CTL" ] && fail "control socket left after SIGINT"
note "daemon mode: ready line, SIGINT stops it, device and socket gone"

# With the file system mounted and a port reader stopped (SIGSTOP) while it
# holds its open: the kernel still owes vifd that open's RELEASE (and a
# directory's RELEASEDIR) when it stops.
mkdir "$WORK/nn"
lab_up -- -- --mount "$WORK/nn"
iperf_server "$NSB" 5201
cat "$WORK/nn/network/$IFA/port" > /dev/null 2>&1 & CATP=$!
BG_PIDS+=($CATP)
sleep 30 9<"$WORK/nn/network/$IFA" & BG_PIDS+=($!)     # holds a directory open too
ip netns exec "$NSA" iperf3 -c 198.18.0.2 -p 5201 -t 10 >/dev/null 2>&1 &
BG_PIDS+=($!)
sleep 1.5
grep -q '^port_readers 1$' "$WORK/nn/network/$IFA/stat" || fail "the port reader did not open"
kill -STOP "$CATP"
t0=$(date +%s%N)
kill -TERM "$VIFD_PID"
st=0; wait "$VIFD_PID" || st=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
VIFD_PID=
[ $st -eq 0 ] || { cat "$WORK/vifd.log"; fail "exit status $st after SIGTERM"; }
[ $ms -lt 1000 ] || fail "SIGTERM took $ms ms"
ip -n "$NSA" link show "$IFA" >/dev/null 2>&1 && fail "$IFA still exists"
ip -n "$NSB" link show "$IFB" >/dev/null 2>&1 && fail "$IFB still exists"
mountpoint -q "$WORK/nn" && fail "the mount is still there"
kill -CONT "$CATP" 2>/dev/null || true
note "SIGTERM during a transfer, a port reader stopped: exit 0 in $ms ms, devices and mount gone"
echo PASS
