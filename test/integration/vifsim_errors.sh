#!/usr/bin/env bash
# vifsim refuses bad input with a clear message and writes nothing.
set -uo pipefail
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$B/tools/vifsim-gentrace" "$W/in.pcap" || exit 1
fails=0
expect_fail() { # description, expected message regexp, args...
  local what=$1 re=$2; shift 2
  rm -f "$W/out.pcap" "$W/out.csv"
  if "$B/tools/vifsim" "$@" >"$W/stdout" 2>"$W/stderr"; then
    echo "FAIL $what: exit 0"; fails=$((fails+1)); return
  fi
  if ! grep -Eq "$re" "$W/stderr"; then
    echo "FAIL $what: message '$(cat "$W/stderr")' does not match /$re/"; fails=$((fails+1)); return
  fi
  if ls "$W" | grep -q '^out'; then
    echo "FAIL $what: left output: $(ls "$W")"; fails=$((fails+1)); return
  fi
  echo "ok   $what: $(head -1 "$W/stderr")"
}
tree() { printf '%b' "$1" > "$W/t.tree"; }
tree 'vif a bandwidth=1M\nvif a/b weight=x\n'
expect_fail "bad weight" 't.tree:2: bad value' "$W/t.tree" "$W/in.pcap" "$W/out.pcap" --csv "$W/out.csv"
tree 'vif a/b\n'
expect_fail "parent not declared" 't.tree:1: .*parent' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree '# ok\nvif a\nfrobnicate a\n'
expect_fail "unknown directive" 't.tree:3: unknown directive' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree 'vif a\nmatch a tcp port banana\n'
expect_fail "bad pcap expression" 't.tree:2: match:' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree 'vif a\nmatch b tcp\n'
expect_fail "match on undeclared VIF" 't.tree:2: .*not declared' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree 'local 300.1.1.1/8\n'
expect_fail "bad local prefix" 't.tree:1: local' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree 'vif stat\n'
expect_fail "VIF named like a parameter file" 't.tree:1: bad VIF path' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree 'vif a bandwidth=4Q\n'
expect_fail "bad bandwidth" 't.tree:1: bad value' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
tree 'vif a\n'
head -c 100000 "$W/in.pcap" > "$W/trunc.pcap"
expect_fail "truncated trace" 'truncated or corrupt' "$W/t.tree" "$W/trunc.pcap" "$W/out.pcap" --csv "$W/out.csv"
printf 'garbage, not a capture file at all' > "$W/junk.pcap"
expect_fail "not a trace" 'junk.pcap' "$W/t.tree" "$W/junk.pcap" "$W/out.pcap"
expect_fail "missing trace" 'nope.pcap' "$W/t.tree" "$W/nope.pcap" "$W/out.pcap"
expect_fail "bad interval" 'interval' "$W/t.tree" "$W/in.pcap" "$W/out.pcap" --interval -5
expect_fail "missing arguments" 'usage' "$W/t.tree"
tree 'vif a\nfilter a tcp port banana\n'
expect_fail "bad filter expression" 't.tree:2: filter:' "$W/t.tree" "$W/in.pcap" "$W/out.pcap"
# A filter line works: dropping vif5's flow at the root leaves nothing of it.
tree 'vif vif5 bandwidth=2048Kbps\nmatch vif5 udp src port 2005\nfilter . not udp src port 2005\n'
"$B/tools/vifsim" "$W/t.tree" "$W/in.pcap" "$W/f.pcap" > "$W/fsum" 2>&1 || { echo "FAIL filter replay"; fails=$((fails+1)); }
n=$(tcpdump -r "$W/f.pcap" 'udp src port 2005' --count 2>/dev/null | awk '{print $1}')
[ "$n" = 0 ] && echo "ok   filter line drops what it says ($(grep '^\. ' "$W/fsum" | awk '{print $6}') drops at the root)" || { echo "FAIL filter let $n through"; fails=$((fails+1)); }
rm -f "$W/t.tree" "$W/stdout" "$W/stderr" "$W/trunc.pcap" "$W/junk.pcap" "$W/f.pcap" "$W/fsum"
# Every corpus trace replays through a small tree without crashing; the ones
# libpcap cannot read fail cleanly.
if [ -d "${VIFNET_CORPUS:-}" ]; then
  tree 'vif a bandwidth=1M\nvif b bandwidth=100K\nmatch a tcp\nmatch b udp\nlocal 10.0.0.0/8\n'
  n=0; bad=0
  for f in "$VIFNET_CORPUS"/*.pcap "$VIFNET_CORPUS"/*.pcapng; do
    n=$((n+1))
    "$B/tools/vifsim" "$W/t.tree" "$f" "$W/o.pcap" >/dev/null 2>"$W/e"; rc=$?
    if [ $rc -gt 2 ]; then echo "FAIL $(basename "$f"): exit $rc $(cat "$W/e")"; fails=$((fails+1)); fi
    [ $rc -ne 0 ] && bad=$((bad+1))
    rm -f "$W/o.pcap"
  done
  echo "ok   corpus: $n traces replayed, $bad refused cleanly"
fi
[ "$fails" -eq 0 ]
