#!/usr/bin/env bash
# Filter benchmark: JIT and interpreter against libpcap's bpf_filter() in the
# same run over the corpus's real Ethernet traces (seed Figure 5.4), and load
# time against program length (Figure 5.3). Writes the figures into
# docs/evaluation.md between the filter markers.
# Usage: test/bench/bench_bpf.sh BUILD TOP
set -euo pipefail
B=$1; T=$2
C=${VIFNET_CORPUS:-$T/../shared/corpus/pcap/public}
[ -d "$C" ] || C=/work/shared/corpus/pcap/public
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(uname -r)"

echo "== filter: bench_bpf over $C"
"$B/test/bench/bench_bpf" "$C" "$W" | tee "$W/out.md"
# Instructions per packet under callgrind: deterministic, unlike the times of
# a shared machine. (instructions of 6 passes - of 1 pass) / (5 x packets).
instr_table=""
if command -v valgrind >/dev/null; then
  echo "== filter: instructions per packet under callgrind"
  npk=$("$B/test/bench/bench_bpf" --one 2 0 1 "$C" | awk '{print $2}')
  count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$B/test/bench/bench_bpf" --one "$1" "$2" "$3" "$C" 2>&1 |
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p'; }
  per_pkt() { local a b; a=$(count "$1" "$2" 1); b=$(count "$1" "$2" 6); echo $(( (b - a) / (5 * npk) )); }
  names=("accept-all" "\`tcp port 80\`" "\`host 198.18.0.1\`" "50-host \`or\` chain")
  instr_table=$'| filter | libpcap bpf_filter | interpreter | JIT | bpf_filter / JIT |\n|---|---:|---:|---:|---:|\n'
  for f in 0 1 2 3; do
    l=$(per_pkt 0 "$f"); i=$(per_pkt 1 "$f"); j=$(per_pkt 2 "$f")
    row="| ${names[$f]} | $l | $i | $j | $(awk -v a="$l" -v b="$j" 'BEGIN{printf "%.1fx", a/b}') |"
    echo "$row"
    instr_table+="$row"$'\n'
  done
fi
plots=false
if command -v gnuplot >/dev/null; then
  mkdir -p "$T/docs/img"
  gnuplot <<GP && plots=true
set terminal svg size 640,400 font "sans,11" noenhanced
set grid
set key top left
set output "$T/docs/img/filter_rules.svg"
set title "Filtering cost against host rules (seed Fig. 5.4)"
set xlabel "hosts in the or-chain"; set ylabel "ns per packet"
plot "$W/rules.dat" using 1:3 with linespoints title "libpcap bpf_filter", \
     "$W/rules.dat" using 1:4 with linespoints title "interpreter", \
     "$W/rules.dat" using 1:5 with linespoints title "JIT"
set output "$T/docs/img/filter_load.svg"
set title "Load time against program length (seed Fig. 5.3)"
set xlabel "instructions"; set ylabel "microseconds"; set yrange [0:*]
plot "$W/load.dat" using 1:2 with linespoints title "JIT load (min)", \
     "$W/load.dat" using 1:3 with linespoints title "JIT load (median)", \
     "$W/load.dat" using 1:4 with linespoints title "interpreter load (median)"
GP
fi
{
  echo "## Filter: classic BPF interpreter and JIT against libpcap (issue 6)"
  echo
  echo "Machine: $machine. Measured $(date -u +%Y-%m-%d) by \`tools/vifnet bench\`"
  echo "(test/bench/bench_bpf.sh). All three engines run the same validated program,"
  echo "taking turns; the machine is shared (2 vCPUs, often 5-10 runnable processes), so"
  echo "the times, and the plain ratios of the short filters, move by up to ±20% between"
  echo "runs (\`tcp port 80\` measured 2.4x-4.0x over the day); the instruction counts"
  echo "further down do not move. In the first table each engine is called directly, once"
  echo "per packet, from the same loop over the same packets: a JIT call is \`vn_bpf_run\`"
  echo "(one indirect call into the native code, which also counts accept/drop), a libpcap"
  echo "call is \`bpf_filter(prog, pkt, len, caplen)\` (a call through the PLT); neither is"
  echo "inlined. The second table calls them as the data path does, through the VIF's"
  echo "filter hook."
  echo
  grep -v '^target ' "$W/out.md"
  echo
  echo "*Beyond the call* compares what each engine adds to the accept-all row, i.e."
  echo "the filter's own work without the cost of calling it once per packet (about"
  echo "2 ns for both engines here), which bounds the plain speed-up on short filters."
  if [ -n "$instr_table" ]; then
    echo
    echo "Instructions per packet under callgrind (deterministic: the load of the machine"
    echo "does not move them; the loop and the call are included, as in the times above):"
    echo
    printf '%s' "$instr_table"
  fi
  if $plots; then
    echo
    echo '![filtering cost against host rules](img/filter_rules.svg)'
    echo '![load time against program length](img/filter_load.svg)'
  fi
  echo
  echo "Targets of the issue:"
  echo
  grep '^target ' "$W/out.md" | sed 's/^target /- /'
  echo
  echo "The \`tcp port 80\` ratio sits on the 3x line: five runs in a row at load 7.3-7.9"
  echo "(2026-11-25, directly called) gave 2.79x, 3.71x, 2.70x, 3.02x and 3.59x, so that"
  echo "target is not met reliably on this machine. The JIT's time there is mostly the"
  echo "per-call floor (the accept-all row: about 2 ns for either engine, a call and a"
  echo "return); beyond it the JIT is 6-10x faster and runs 4.5x fewer instructions."
  echo "A shorter body did not move it (no bounds checks, no prologue, short jumps and"
  echo "branch-free final compares were each tried: within noise)."
} > "$W/section.md"
python3 "$T"/test/bench/evaluation_section.py "$T/docs/evaluation.md" "$W/section.md" filter
echo "figures written to docs/evaluation.md"
