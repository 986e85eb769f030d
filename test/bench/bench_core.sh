#!/usr/bin/env bash
# Core benchmarks: scheduler cost per packet against a plain FIFO (same run),
# instructions per packet under callgrind (repeatable on a noisy machine), and
# the vifsim replay rate through the Figure 4.3 tree. Writes the figures into
# docs/evaluation.md between the core markers.
# Usage: test/bench/bench_core.sh BUILD TOP
set -euo pipefail
B=$1; T=$2
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
OUT=$W/core.md
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(uname -r)"

echo "== scheduler ns/packet (medians of 5 runs)"
"$B/test/bench/bench_sched" | tee "$W/sched.txt"

echo "== instructions/packet under callgrind"
instr() { # depth width capped steps
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$B/test/bench/bench_sched" --one "$@" 2>&1 |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'
}
per_pkt() { local a b; a=$(instr "$1" "$2" "$3" 20000); b=$(instr "$1" "$2" "$3" 120000); echo $(( (b - a) / 100000 )); }
{
  printf '| depth | width 10 | width 10,000 | ratio |\n|---:|---:|---:|---:|\n'
  for d in 1 2 3 4 5 6 7 8; do
    a=$(per_pkt "$d" 10 1); b=$(per_pkt "$d" 10000 1)
    printf '| %d | %d | %d | %s |\n' "$d" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.2f", b/a}')"
  done
} | tee "$W/instr.md"

echo "== vifsim replay rate (Figure 4.3 tree, 10 back-to-back copies of the 60 s trace)"
"$B/tools/vifsim-gentrace" "$W/in.pcap" 10
npk=$(tcpdump -r "$W/in.pcap" --count 2>/dev/null | awk '{print $1}')
rates=()
for i in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$B/tools/vifsim" "$T/docs/examples/fig4.3.tree" "$W/in.pcap" "$W/out.pcap" >/dev/null
  t1=$(date +%s%N)
  rates+=("$(awk -v n="$npk" -v ns=$((t1 - t0)) 'BEGIN{printf "%.0f", n / (ns / 1e9)}')")
done
replay=$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 3p)
echo "replay: $npk packets, median $replay packets/s (runs: ${rates[*]})"

base=$(sed -n 's/^fifo_baseline_ns //p' "$W/sched.txt")
ns() { awk -v d="$1" -v w="$2" -v c="$3" '$1==d && $2==w && $3==c {print $4}' "$W/sched.txt"; }
{
  echo "## Core: hierarchical scheduler and vifsim (issue 2)"
  echo
  echo "Machine: $machine. Measured $(date -u +%Y-%m-%d) by \`tools/vifnet bench\` (test/bench/bench_core.sh)."
  echo
  echo "Scheduler cost per packet (enqueue + dequeue, a steady backlog circulating"
  echo "through a chain of wfq VIFs whose last level has *width* leaves), medians of 5"
  echo "runs, against a plain FIFO queue measured in the same run ($base ns/packet):"
  echo
  echo '| depth | width 1 | width 10 | width 100 | width 1,000 | width 10,000 | 10,000 / 10 |'
  echo '|---:|---:|---:|---:|---:|---:|---:|'
  for d in 1 2 3 4 5 6 7 8; do
    printf '| %d | %s | %s | %s | %s | %s | %s |\n' "$d" "$(ns $d 1 yes)" "$(ns $d 10 yes)" "$(ns $d 100 yes)" \
      "$(ns $d 1000 yes)" "$(ns $d 10000 yes)" "$(awk -v a="$(ns $d 10 yes)" -v b="$(ns $d 10000 yes)" 'BEGIN{printf "%.2f", b/a}')"
  done
  echo
  echo "(ns/packet with caps set on every level; uncapped figures are in the raw output.)"
  echo "Per extra level (width 10, capped): $(awk -v a="$(ns 1 10 yes)" -v b="$(ns 8 10 yes)" 'BEGIN{printf "%.1f", (b-a)/7}') ns."
  echo
  echo "Instructions per packet under callgrind (deterministic; caps on every level):"
  echo
  cat "$W/instr.md"
  echo
  echo "vifsim replay rate through the Figure 4.3 tree (3 levels, 4 match rules):"
  echo "**$replay packets/s** (median of 5 runs over $npk packets, whole process incl. pcap read/write)."
} > "$OUT"
python3 "$T"/test/bench/evaluation_section.py "$T/docs/evaluation.md" "$OUT" core
echo "figures written to docs/evaluation.md"
