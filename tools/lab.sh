#!/usr/bin/env bash
# tools/vifnet lab up|down|status — the two-namespace lab of SPEC section 3:
# namespaces vifnet-a and vifnet-b, each holding one TUN device of vifd
# (vna: 198.18.0.1/30 fd00:198:18::1/64, vnb: 198.18.0.2/30 fd00:198:18::2/64),
# the two devices each other's wire (--link vna:vnb).
# Idempotent: `up` on a running lab and `down` on a missing one succeed.
# Extra vifd options per interface: VIFNET_LAB_A / VIFNET_LAB_B
# (e.g. VIFNET_LAB_A="--rate 10M --tree fig43.tree"); VIFNET_LAB_OPTS for global ones.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${VIFNET_BUILD:-$TOP/build}
VIFD=${VIFD:-$BUILD/tools/vifd}
NSA=vifnet-a NSB=vifnet-b
RUN=/run/vifnet
PIDFILE=$RUN/lab.pid
LOG=$RUN/lab.log
CONTROL=${VIFNET_CONTROL:-$RUN/control.sock}
MOUNT=${VIFNET_MOUNT:-$RUN/nn}

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

down() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && { echo "lab: vifd $pid did not stop, killing it" >&2; kill -KILL "$pid"; }
  fi
  rm -f "$PIDFILE"
  ip netns del "$NSA" 2>/dev/null || true
  ip netns del "$NSB" 2>/dev/null || true
  echo "lab down"
}

up() {
  if running; then
    echo "lab already up (vifd pid $(cat "$PIDFILE"))"; return 0
  fi
  [ -x "$VIFD" ] || { echo "lab: $VIFD not built (tools/vifnet build)" >&2; return 1; }
  mkdir -p "$RUN" "$MOUNT"
  ip netns del "$NSA" 2>/dev/null || true      # leftovers of a crashed lab
  ip netns del "$NSB" 2>/dev/null || true
  ip netns add "$NSA"; ip netns add "$NSB"
  ip -n "$NSA" link set lo up; ip -n "$NSB" link set lo up
  # shellcheck disable=SC2086
  if ! "$VIFD" --control "$CONTROL" --mount "$MOUNT" --syslog ${VIFNET_LAB_OPTS:-} \
      --iface vna --netns "$NSA" --addr 198.18.0.1/30 --addr fd00:198:18::1/64 ${VIFNET_LAB_A:-} \
      --iface vnb --netns "$NSB" --addr 198.18.0.2/30 --addr fd00:198:18::2/64 ${VIFNET_LAB_B:-} \
      --link vna:vnb >"$LOG" 2>&1; then
    cat "$LOG" >&2
    ip netns del "$NSA" 2>/dev/null || true; ip netns del "$NSB" 2>/dev/null || true
    echo "lab: vifd failed to start" >&2; return 1
  fi
  sed -n 's/^vifd ready pid \([0-9]*\).*/\1/p' "$LOG" > "$PIDFILE"
  echo "lab up: vifd pid $(cat "$PIDFILE"), control $CONTROL"
  echo "  ip netns exec $NSA ping 198.18.0.2   # or fd00:198:18::2"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if running; then echo "lab up (vifd pid $(cat "$PIDFILE"))"; else echo "lab down"; exit 1; fi ;;
  *) echo "usage: tools/vifnet lab up|down|status" >&2; exit 2 ;;
esac
