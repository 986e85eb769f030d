# Shared by the shim/netnice integration tests (sourced). Each test gets its
# own namespaces, TUN devices and control socket (names carry the test's
# PID), and removes them on any exit (trap). The lab is the one of
# tools/lab.sh: 198.18.0.1/30 in namespace A, 198.18.0.2/30 in B, linked.
set -euo pipefail
: "${VIFNET_BUILD:?}" "${VIFNET_TOP:?}"
VIFD=${VIFD:-$VIFNET_BUILD/tools/vifd}
NETNICE=$VIFNET_BUILD/tools/netnice
SHIM=$VIFNET_BUILD/src/shim/libvifshim.so
PY=/usr/bin/python3
T=$$
NSA=st$T-a NSB=st$T-b
IFA=sa$T IFB=sb$T
IFA=${IFA:0:15} IFB=${IFB:0:15}
WORK=$(mktemp -d /tmp/shim-test.XXXXXX)
chmod 755 "$WORK"
CTL=$WORK/control.sock
export VIFNET_CONTROL=$CTL VIFNET_SHIM=$SHIM
VIFD_PID=
BG_PIDS=()

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; [ "${CI:-}" = true ] && exit 1; exit 77; }

cleanup() {
  local rc=$?
  # (a stopped one, e.g. a port reader a test sent SIGSTOP, gets the TERM on CONT)
  for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null && kill -CONT "$p" 2>/dev/null || true; done
  if [ -n "$VIFD_PID" ] && kill -0 "$VIFD_PID" 2>/dev/null; then
    kill -TERM "$VIFD_PID" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$VIFD_PID" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$VIFD_PID" 2>/dev/null || true
  fi
  for ns in "$NSA" "$NSB"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  [ $rc -ne 0 ] && [ -f "$WORK/vifd.log" ] && { echo "--- vifd log"; tail -40 "$WORK/vifd.log"; }
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

# lab_up [vifd options for A...]: vifd with the two linked devices.
lab_up() {
  ip netns add "$NSA"; ip netns add "$NSB"
  ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
  "$VIFD" --foreground --log-level debug --control "$CTL" --mount "$WORK/nn" \
    --iface "$IFA" --netns "$NSA" --addr 198.18.0.1/30 "$@" \
    --iface "$IFB" --netns "$NSB" --addr 198.18.0.2/30 \
    --link "$IFA:$IFB" >"$WORK/vifd.log" 2>&1 &
  VIFD_PID=$!
  for _ in $(seq 100); do
    grep -q '^vifd ready' "$WORK/vifd.log" 2>/dev/null && return 0
    kill -0 "$VIFD_PID" 2>/dev/null || { cat "$WORK/vifd.log"; fail "vifd exited at start"; }
    sleep 0.05
  done
  fail "vifd not ready after 5 s"
}

lab_stop_vifd() {
  kill -TERM "$VIFD_PID"; wait "$VIFD_PID" 2>/dev/null || true; VIFD_PID=
}

# ctl REQUEST...: control requests (after hello); prints each reply.
CTLTOOL=$VIFNET_BUILD/test/integration/shim_ctl
ctl() { "$CTLTOOL" "$CTL" req "$@"; }

# vif_stat IFACE PATH FIELD: a VIF's counter from `tree`.
vif_stat() {
  ctl "tree $1" | awk -v p="$2" -v f="$3" '$2==p { for (k=3;k<=NF;k++) { split($k,kv,"="); if (kv[1]==f) print kv[2] } }'
}
# vif_paths IFACE: the VIF paths of an interface.
vif_paths() { ctl "tree $1" | awk 'NF>1 {print $2}'; }

# rate_of IFACE PATH FIELD SECONDS: bits/s of a VIF counter over SECONDS.
rate_of() { "$CTLTOOL" "$CTL" rate "$@"; }
# rates IFACE SECONDS FIELD PATH...: the same for several VIFs, same window.
rates() { "$CTLTOOL" "$CTL" rates "$@"; }

# wait_vif IFACE REGEX: wait until a VIF path matching REGEX exists; print it.
wait_vif() {
  "$CTLTOOL" "$CTL" waitvif "$1" "$2" || fail "no VIF matching $2 on $1"
}

within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
source "$VIFNET_TOP/test/integration/try.sh"

iperf_server() {  # NS PORT
  ip netns exec "$1" iperf3 -s -p "$2" -1 >/dev/null 2>&1 &
  BG_PIDS+=($!)
  for _ in $(seq 60); do ip netns exec "$1" ss -ltn | grep -q ":$2 " && return 0; sleep 0.05; done
  fail "iperf3 server on $2 did not start"
}

# proc_registered PID: is PID in vifd's `procs`?
proc_registered() { ctl procs | grep -q "^proc $1 "; }
