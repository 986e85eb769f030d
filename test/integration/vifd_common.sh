# Shared by the vifd integration tests (sourced). Each test gets its own
# namespaces, devices and control socket (names carry the test's PID) and
# removes them on any exit (trap).
set -euo pipefail
: "${VIFNET_BUILD:?}" "${VIFNET_TOP:?}"
VIFD=${VIFD:-$VIFNET_BUILD/tools/vifd}
T=$$
NSA=vt$T-a NSB=vt$T-b
IFA=ta$T IFB=tb$T
# Interface names are at most 15 bytes: keep the pid short.
IFA=${IFA:0:15} IFB=${IFB:0:15}
WORK=$(mktemp -d /tmp/vifd-test.XXXXXX)
CTL=$WORK/control.sock
VIFD_PID=
BG_PIDS=()

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

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
    ip netns pids "$ns" 2>/dev/null | while read -r p; do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  [ $rc -ne 0 ] && [ -f "$WORK/vifd.log" ] && { echo "--- vifd log"; tail -20 "$WORK/vifd.log"; }
  if [ -d "$WORK/nn" ] && mountpoint -q "$WORK/nn"; then umount -l "$WORK/nn" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT INT TERM

# lab_up [per-A options] -- [per-B options] -- [global options]
lab_up() {
  local a=() b=() g=() which=a
  for x in "$@"; do
    if [ "$x" = -- ]; then [ $which = a ] && which=b || which=g; continue; fi
    case $which in a) a+=("$x");; b) b+=("$x");; g) g+=("$x");; esac
  done
  ip netns add "$NSA"; ip netns add "$NSB"
  ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
  "$VIFD" --foreground --control "$CTL" "${g[@]}" \
    --iface "$IFA" --netns "$NSA" --addr 198.18.0.1/30 --addr fd00:198:18::1/64 "${a[@]}" \
    --iface "$IFB" --netns "$NSB" --addr 198.18.0.2/30 --addr fd00:198:18::2/64 "${b[@]}" \
    --link "$IFA:$IFB" >"$WORK/vifd.log" 2>&1 &
  VIFD_PID=$!
  for _ in $(seq 100); do
    grep -q '^vifd ready' "$WORK/vifd.log" 2>/dev/null && return 0
    kill -0 "$VIFD_PID" 2>/dev/null || { cat "$WORK/vifd.log"; fail "vifd exited at start"; }
    sleep 0.05
  done
  fail "vifd not ready after 5 s"
}

# ctl REQUEST...: one control request each (after hello); prints the replies.
CTLPY=$VIFNET_TOP/test/integration/vifd_ctl.py
ctl() { python3 "$CTLPY" "$CTL" req "$@"; }
# rate SECS IFACE FIELD: bit/s of an interface byte counter over SECS.
rate() { python3 "$CTLPY" "$CTL" rate "$@"; }
# vifrate SECS IFACE PATH:FIELD...: bit/s of VIF byte stats over SECS.
vifrate() { python3 "$CTLPY" "$CTL" vifrate "$@"; }
# vif_stat IFACE PATH FIELD: one VIF statistic or parameter from `tree`.
vif_stat() {
  ctl "tree $1" | awk -v p="$2" -v f="$3" '$2==p { for (k=3;k<=NF;k++) { split($k,kv,"="); if (kv[1]==f) print kv[2] } }'
}
# counter IFACE FIELD: the byte value of an interface counter from `status`.
counter() {
  ctl status | awk -v i="$1" -v f="$2" '$1=="iface" && $2==i { for (k=3;k<NF;k++) if ($k==f) print $(k+2) }'
}

# Senders use loss-based TCP (cubic, iperf3 -C): this host defaults to BBR,
# which paces itself just under the bottleneck and periodically drains the
# queue (ProbeRTT), so a cap would never be filled and shares would not show.
CC=(-C "${VIFD_TEST_CC:-cubic}")

iperf_server() {  # NS PORT
  ip netns exec "$1" iperf3 -s -p "$2" -1 >/dev/null 2>&1 &
  BG_PIDS+=($!)
  for _ in $(seq 40); do ip netns exec "$1" ss -ltn | grep -q ":$2 " && return 0; sleep 0.05; done
  fail "iperf3 server on $2 did not start"
}

# ratio A B: A/B with 4 decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", (b > 0 ? a / b : 0) }'; }
# within X LO HI: is LO <= X <= HI
within() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
now_s() { date +%s.%N; }

source "$VIFNET_TOP/test/integration/try.sh"
