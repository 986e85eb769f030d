# Shared by the tests that drive nnfs over nnfs_harness (a real FUSE mount of
# plain trees): skip rules, a scratch directory, cleanup also on failure, the
# ok/bad/expect/is/run checks, and starting the harness. Source it after
# `set -uo pipefail` with NNFS_TEST set to the test's name.
BUILD=${VIFNET_BUILD:?}
HARNESS=$BUILD/test/integration/nnfs_harness
skip() { echo "SKIP: $*"; [ "${CI:-}" = true ] && exit 1; exit 77; }   # CI has them all
[ "$(id -u)" -eq 0 ] || skip "needs root"
[ -c /dev/fuse ] || skip "no /dev/fuse"

T=$(mktemp -d "/tmp/${NNFS_TEST:?}.XXXXXX")
chmod 755 "$T"                # the unprivileged user must reach the mount
M=$T/nn
HPID=
PIDS=()                       # background helpers of the test, killed at exit
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$HPID" ] && kill "$HPID" 2>/dev/null && wait "$HPID" 2>/dev/null
  mountpoint -q "$M" && umount -l "$M"
  rm -rf "$T"
}
trap cleanup EXIT

FAILS=0
ok()   { echo "ok   $*"; }
bad()  { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
# expect "text" cmd...: cmd fails and its stderr contains text
expect() {
  local want=$1; shift
  local out
  if out=$("$@" 2>&1); then bad "$* succeeded (wanted: $want)"; return; fi
  case $out in *"$want"*) ok "$* -> $want" ;; *) bad "$* -> $out (wanted: $want)" ;; esac
}
# is FILE VALUE: the file reads as VALUE
is() {
  local got
  got=$(cat "$1" 2>&1)
  [ "$got" = "$2" ] && ok "$1 = $(echo "$2" | tr '\n' ' ')" || bad "$1 = '$got' (wanted '$2')"
}
run() { if "$@"; then ok "$*"; else bad "$*"; fi; }

# start_harness ARGS...: mount nnfs at $M over the harness, control socket $T/ctl
start_harness() {
  "$HARNESS" -m "$M" -c "$T/ctl" "$@" > "$T/harness.out" 2>&1 &
  HPID=$!
  for _ in $(seq 50); do grep -q ready "$T/harness.out" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$T/harness.out" || { cat "$T/harness.out"; echo "FAIL harness did not start"; exit 1; }
}
