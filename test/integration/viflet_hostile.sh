#!/usr/bin/env bash
# Hostile VIFlets loaded live under traffic (issue 10): an endless loop, an
# allocation bomb, endless recursion, a packet kept in two places, an
# exception thrown out of a handler and a foreign packet returned, one after
# the other into one VIF while a UDP stream crosses it. Each is aborted with
# its reason in `log`, the VIF goes back to fifo, and the receiver's count of
# lost packets equals the drops the VIF counted (the one packet
# ForeignPacketVIFlet dropped itself): none of the packets they held is lost.
. "$(dirname "$0")/vifd_common.sh"
command -v iperf3 >/dev/null || fail "iperf3 missing"
M=$WORK/nn; mkdir -p "$M"
CLS=$VIFNET_BUILD/test/java/classes/viflet
HOSTILE=(SpinVIFlet AllocBombVIFlet RecursionVIFlet DupPacketVIFlet ThrowVIFlet ForeignPacketVIFlet)
for h in "${HOSTILE[@]}" ConfEchoVIFlet; do [ -f "$CLS/$h.class" ] || fail "$CLS/$h.class not built"; done
printf 'vif hostile bandwidth=20Mbps\nmatch hostile udp port 5307\n' > "$WORK/a.tree"
lab_up --tree "$WORK/a.tree" -- -- --mount "$M"
V=$M/network/$IFA/hostile
ip netns exec "$NSB" iperf3 -s -p 5307 >/dev/null 2>&1 & BG_PIDS+=($!)
sleep 0.5
stat_of() { awk -v f="$1" '$1==f {print $2}' "$V/stat"; }

# A conf write reaches a running VIFlet: ConfEchoVIFlet logs conf("tag")
# whenever it changes, read on every packet.
printf 'tag=one\n' > "$V/conf"
cp "$CLS/ConfEchoVIFlet.class" "$V/viflet" || fail "loading ConfEchoVIFlet refused"
ip netns exec "$NSA" iperf3 -u -b 1M -l 500 -c 198.18.0.2 -p 5307 -t 2 >/dev/null 2>&1 & ip_=$!
sleep 0.8
printf 'tag=two\n' > "$V/conf"
wait $ip_ || true
grep -q '^tag=one$' "$V/log" && grep -A1 '^tag=one$' "$V/log" | grep -q '^tag=two$' ||
  fail "conf changes not seen by the running VIFlet: $(cat "$V/log")"
echo none > "$V/viflet"
note "a running VIFlet sees conf writes: $(grep '^tag=' "$V/log" | tr '\n' ' ')"
# Root's per-VIF limits (vm.* in conf) apply to each load: the aborts below
# name them.
printf 'vm.heap=4M\nvm.budget=200000\n' > "$V/conf"

# One round: a 4 Mbit/s UDP stream (below the cap: no queue drops of its
# own) with the six loaded in turn. Prints what it found; fails with a reason.
round() {
  local d0 d1 lost sent n why
  d0=$(stat_of drops)
  n=$(grep -c 'viflet aborted' "$V/log" || true)
  ip netns exec "$NSA" iperf3 -u -b 4M -l 1000 -c 198.18.0.2 -p 5307 -t 9 --json > "$WORK/udp.json" 2>&1 &
  local ip_=$!
  sleep 1
  for h in "${HOSTILE[@]}"; do
    cp "$CLS/$h.class" "$V/viflet" || { echo "loading $h refused"; return 1; }
    n=$((n + 1))
    for _ in $(seq 50); do [ "$(grep -c 'viflet aborted' "$V/log")" -ge "$n" ] && break; sleep 0.1; done
    why=$(grep 'viflet aborted' "$V/log" | sed -n "${n}p")
    [ "$(grep -c 'viflet aborted' "$V/log")" -eq "$n" ] || why=
    [ -n "$why" ] || { echo "$h was not aborted: $(tail -3 "$V/log")"; return 1; }
    [ "$(cat "$V/type")" = fifo ] || { echo "$h: type $(cat "$V/type") after the abort"; return 1; }
    [ "$(cat "$V/viflet")" = none ] || { echo "$h: viflet file $(cat "$V/viflet") after the abort"; return 1; }
    note "$h: $why"
    sleep 0.3
  done
  wait $ip_ || true
  d1=$(stat_of drops)
  read -r sent lost < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["end"]["sum"]; print(s["packets"], s["lost_packets"])' "$WORK/udp.json") ||
    { echo "iperf3: $(tail -3 "$WORK/udp.json")"; return 1; }
  note "UDP stream: $sent packets sent, $lost lost; the VIF counted $((d1 - d0)) drops"
  [ "$lost" -eq $((d1 - d0)) ] && [ $((d1 - d0)) -le 1 ] ||
    { echo "lost $lost packets, the VIF dropped $((d1 - d0))"; return 1; }
}
# The machine is shared: a stalled receiver can lose packets of its own, so
# one more round before failing.
if ! out=$(round); then
  echo "$out"; note "first round failed: $(echo "$out" | tail -1); once more"
  out=$(round) || { echo "$out"; fail "$(echo "$out" | tail -1)"; }
fi
echo "$out"
grep -q 'heap limit exceeded.*limit 4194304' "$V/log" && grep -q 'stack depth limit exceeded' "$V/log" &&
  grep -q 'instruction budget exhausted (200000 branches' "$V/log" && grep -q 'two places' "$V/log" &&
  grep -q 'IllegalStateException' "$V/log" && grep -q 'already left' "$V/log" ||
  fail "a reason is missing from the log: $(cat "$V/log")"
echo "ok"
