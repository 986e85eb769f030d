#!/usr/bin/env bash
# VIFlet JIT benchmarks (issue 9; seed VI.2.1, Figures 6.4-6.6, Table 6.2), in
# one run: Sieve and Object sort on vifvm's interpreter and JIT, OpenJDK -Xint
# and OpenJDK default, and the Sieve in C at -O0 and -O2 (medians of 5); the
# per-operation micro-benchmarks on the four Java runners (medians of 3); the
# compile threshold (first call vs counted); compile cost per method and per
# bytecode byte for HelloWorld, Sieve and PriQVIFlet. Writes docs/evaluation.md's
# jit section. Usage: test/bench/bench_jit.sh BUILD TOP
set -euo pipefail
B=$1; T=$2
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
OUT=$W/jit.md
VM=$B/tools/vifvm
C=${VIFNET_CORPUS:-/work/shared/corpus/pcap/public}
javac -nowarn -d "$W/cls" "$T"/test/bench/vm/*.java "$T"/test/bench/jit/*.java
javac -nowarn -d "$W/priq" -cp "$B/vm/vifnet-classlib.jar" "$T/docs/examples/PriQVIFlet.java"
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(uname -r)"
java_ver=$(java -version 2>&1 | head -1)
load=$(cut -d' ' -f1 /proc/loadavg)

ms() { sed -n 's/.* ms \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
runs() { for i in 1 2 3 4 5; do "$@" | ms; done | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) b = 0.5; printf "%.2f", a / b }'; }

SR=${JIT_BENCH_SIEVE_ROUNDS:-2000}; OR=${JIT_BENCH_SORT_ROUNDS:-60}
echo "== Sieve ($SR rounds), Object sort ($OR rounds), medians of 5"
s_in=$(runs "$VM" --interp -cp "$W/cls" Sieve "$SR"); s_jit=$(runs "$VM" --jit -cp "$W/cls" Sieve "$SR")
s_xi=$(runs java -Xint -cp "$W/cls" Sieve "$SR"); s_c2j=$(runs java -cp "$W/cls" Sieve "$SR")
s_c0=$(runs "$B/test/bench/bench_sieve_c_O0" "$SR"); s_o2=$(runs "$B/test/bench/bench_sieve_c_O2" "$SR")
o_in=$(runs "$VM" --interp -cp "$W/cls" ObjectSort "$OR"); o_jit=$(runs "$VM" --jit -cp "$W/cls" ObjectSort "$OR")
o_xi=$(runs java -Xint -cp "$W/cls" ObjectSort "$OR"); o_c2j=$(runs java -cp "$W/cls" ObjectSort "$OR")
echo "sieve ms: interp $s_in jit $s_jit -Xint $s_xi java $s_c2j C-O0 $s_c0 C-O2 $s_o2"
echo "sort ms: interp $o_in jit $o_jit -Xint $o_xi java $o_c2j"

echo "== micro-benchmarks (ns/iteration, median of 3)"
micro() { # runner... -> "name value" lines
  for i in 1 2 3; do "$@" -cp "$W/cls" Micro 1000000 | grep -v '^acc'; done |
    awk '{v[$1]=v[$1]" "$2} END{for (k in v) print k, v[k]}' |
    while read -r k a b c; do printf '%s %s\n' "$k" "$(printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -g | sed -n 2p)"; done | sort
}
micro "$VM" --interp > "$W/m_in"; micro "$VM" --jit > "$W/m_jit"
micro java -Xint > "$W/m_xi"; micro java > "$W/m_c2"
join "$W/m_in" "$W/m_jit" | join - "$W/m_xi" | join - "$W/m_c2" > "$W/micro"; cat "$W/micro"

echo "== compile threshold"
: > "$W/thr"
for thr in 1 2 10 100; do
  sm=$(runs "$VM" --jit-threshold "$thr" -cp "$W/cls" Sieve "$SR")
  om=$(runs "$VM" --jit-threshold "$thr" -cp "$W/cls" ObjectSort "$OR")
  nm=$("$VM" --jit-threshold "$thr" --jit-stats -cp "$W/cls" ObjectSort "$OR" 2>&1 >/dev/null | sed -n 's/^jit: total methods=\([0-9]*\).*/\1/p')
  echo "$thr $sm $om $nm" | tee -a "$W/thr"
done

echo "== compile cost"
cost() { # label args... -> per-method lines into $W/cost.<label>, totals echoed
  "$VM" --jit --jit-stats "${@:2}" 2>&1 >/dev/null | grep '^jit: ' | grep -v 'total' > "$W/cost.$1" || true
  awk -v l="$1" '{for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    n++; bc += v["bytecode"]; ns += v["ns"]; ins += v["install_ns"]; cb += v["code"]}
    END {printf "%s %d %d %.1f %.1f %d\n", l, n, bc, ns / 1000, (ns - ins) / 1000, cb}' "$W/cost.$1"
}
{
  cost HelloWorld -cp "$W/cls" HelloWorld
  cost Sieve -cp "$W/cls" Sieve 1
  cost PriQVIFlet -cp "$W/priq" --packets "$C/ntp.pcap,$C/dns_udp.pcap,$C/syslog_udp.pcap" PriQVIFlet
} | tee "$W/cost"

{
  echo "## VIFlet JIT (issue 9)"
  echo
  echo "Machine: $machine, load average $load when started (shared). Measured $(date -u +%F) by"
  echo "\`tools/vifnet bench\` (test/bench/bench_jit.sh). Times are the programs' own"
  echo "System.nanoTime around the work, medians of 5 runs; baselines $java_ver"
  echo "(\`-Xint\` and default tiered C1/C2) and the Sieve in C, all in the same session."
  echo
  echo "| benchmark | interp (ms) | JIT (ms) | JIT vs interp | java -Xint | java default | C -O0 | C -O2 | JIT vs C -O0 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| Sieve, $SR rounds (Fig. 6.4) | $s_in | $s_jit | $(ratio "$s_in" "$s_jit")x | $s_xi | $s_c2j | $s_c0 | $s_o2 | $(ratio "$s_c0" "$s_jit")x |"
  echo "| Object sort, $OR rounds (Fig. 6.5) | $o_in | $o_jit | $(ratio "$o_in" "$o_jit")x | $o_xi | $o_c2j | | | |"
  echo
  echo "Targets (issue 9): JIT >= 10x the interpreter on Sieve, >= 0.9x C -O0 (the seed's 91%)."
  echo
  echo "Per-operation costs (Fig. 6.6), ns per loop iteration including the loop, medians of 3:"
  echo
  echo "| operation | interp | JIT | JIT vs interp | java -Xint | java default |"
  echo "|---|---:|---:|---:|---:|---:|"
  while read -r k a b c d; do echo "| $k | $a | $b | $(ratio "$a" "$b")x | $c | $d |"; done < "$W/micro"
  echo
  echo "Compile threshold (invocations before a method is compiled; no on-stack replacement,"
  echo "so a method whose loop is already running stays interpreted until its next call):"
  echo
  echo "| threshold | Sieve (ms) | Object sort (ms) | methods compiled (Object sort) |"
  echo "|---:|---:|---:|---:|"
  while read -r t a b n; do echo "| $t | $a | $b | $n |"; done < "$W/thr"
  echo
  echo "Compile cost (Table 6.2), all methods compiled on their first call; \"codegen\" excludes"
  echo "mapping the code pages (mmap, copy, mprotect to read+execute), which this sandbox makes"
  echo "slow (tens of microseconds per system call):"
  echo
  echo "| program | methods | bytecode bytes | total (us) | codegen (us) | codegen ns/bytecode byte | machine code bytes |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  while read -r l n bc tot gen cb; do
    echo "| $l | $n | $bc | $tot | $gen | $(awk -v g="$gen" -v b="$bc" 'BEGIN{printf "%.1f", b ? g * 1000 / b : 0}') | $cb |"
  done < "$W/cost"
  echo
  echo "Per method, PriQVIFlet (class.method, bytecode bytes, total ns, of which install ns):"
  echo
  echo '```'
  awk '{print $2, $3, $6, $7}' "$W/cost.PriQVIFlet"
  echo '```'
  echo
  echo "Targets (issue 9): PriQVIFlet total compile <= 100 us (seed: 260 us)."
} > "$OUT"
cat "$OUT"
python3 "$T"/test/bench/evaluation_section.py "$T/docs/evaluation.md" "$OUT" jit
