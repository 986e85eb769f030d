#!/usr/bin/env bash
# VIFlet VM benchmarks (seed VI.2.1, Figures 6.4-6.6): Sieve and Object sort on
# vifvm's interpreter and on OpenJDK with -Xint (and the Sieve in C), medians
# of 5 runs in the same session; per-operation micro-benchmarks; the VM's
# binary size with the ROMized library. Writes docs/evaluation.md's vm section.
# Usage: test/bench/bench_vm.sh BUILD TOP
set -euo pipefail
B=$1; T=$2
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
OUT=$W/vm.md
VM=$B/tools/vifvm
I=--interp          # this section measures the interpreter (the JIT is issue 9)
javac -nowarn -d "$W/cls" "$T"/test/bench/vm/*.java
machine="$(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(uname -r)"
java_ver=$(java -version 2>&1 | head -1)

ms() { sed -n 's/.* ms \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
runs() { # command... -> median ms of 5 runs
  for i in 1 2 3 4 5; do "$@" | ms; done | median
}
SR=${VM_BENCH_SIEVE_ROUNDS:-2000}; OR=${VM_BENCH_SORT_ROUNDS:-60}
echo "== Sieve ($SR rounds) and Object sort ($OR rounds of 10,000 objects), medians of 5"
s_vm=$(runs "$VM" $I -cp "$W/cls" Sieve "$SR"); s_jv=$(runs java -Xint -cp "$W/cls" Sieve "$SR")
s_c0=$(runs "$B/test/bench/bench_sieve_c_O0" "$SR"); s_c2=$(runs "$B/test/bench/bench_sieve_c_O2" "$SR")
o_vm=$(runs "$VM" $I -cp "$W/cls" ObjectSort "$OR"); o_jv=$(runs java -Xint -cp "$W/cls" ObjectSort "$OR")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) b = 1; printf "%.2f", a / b }'; }
echo "sieve ms: vifvm $s_vm, java -Xint $s_jv, C -O0 $s_c0, C -O2 $s_c2"
echo "object sort ms: vifvm $o_vm, java -Xint $o_jv"

echo "== micro-benchmarks (ns/iteration, median of 3)"
micro() { # runner... -> "name value" lines, medians of 3
  for i in 1 2 3; do "$@" -cp "$W/cls" Micro 1000000 | grep -v '^acc' ; done |
    awk '{v[$1]=v[$1]" "$2} END{for (k in v) print k, v[k]}' |
    while read -r k a b c; do printf '%s %s\n' "$k" "$(printf '%s\n%s\n%s\n' "$a" "$b" "$c" | sort -g | sed -n 2p)"; done
}
micro "$VM" $I > "$W/m_vm.txt"; micro java -Xint > "$W/m_jv.txt"
join <(sort "$W/m_vm.txt") <(sort "$W/m_jv.txt") > "$W/micro.txt"; cat "$W/micro.txt"

echo "== PriQVIFlet per packet (enqueue + dequeue through the VM, ssh.pcap x200)"
C=${VIFNET_CORPUS:-$T/../shared/corpus/pcap/public}
javac -d "$W/vf" -cp "$B/vm/vifnet-classlib.jar" "$T/docs/examples/PriQVIFlet.java"
trace=$(printf "$C/ssh.pcap,%.0s" $(seq 200)); trace=${trace%,}
pkt_ns=$(for i in 1 2 3 4 5; do "$VM" $I --stats -cp "$W/vf" --burst 16 --packets "$trace" PriQVIFlet 2>&1 >/dev/null |
  sed -n 's/.*ns_per_packet=\([0-9.]*\).*/\1/p'; done | sort -g | sed -n 3p)
echo "PriQVIFlet: $pkt_ns ns/packet"

strip -o "$W/vifvm.stripped" "$VM"
vm_size=$(stat -c %s "$W/vifvm.stripped")
rom_bytes=$(sed -n 's/.*\/\* \([0-9]*\) bytes of class files.*/\1/p' "$B/vm/rom_classes.c")
rom_classes=$(sed -n 's/.*vn_rom_nclasses = \([0-9]*\);.*/\1/p' "$B/vm/rom_classes.c")
vm_text=$(size "$B"/vm/libvifnetvm.a | awk 'NR > 1 && !/_jit/ {t += $1 + $2} END{print t}')
jit_text=$(size "$B"/vm/libvifnetvm.a | awk 'NR > 1 && /_jit/ {t += $1 + $2} END{print t + 0}')

{
  echo "## VIFlet VM: interpreter vs OpenJDK -Xint (issue 7)"
  echo
  echo "Machine: $machine. Measured $(date -u +%F) by \`tools/vifnet bench\` (test/bench/bench_vm.sh);"
  echo "baseline $java_ver with \`-Xint\`, same session, medians of 5 runs (whole process,"
  echo "timed inside the program with System.nanoTime)."
  echo
  echo "| benchmark | vifvm (ms) | java -Xint (ms) | vifvm speed vs -Xint | target |"
  echo "|---|---:|---:|---:|---:|"
  echo "| Sieve, $SR rounds of 8191 (Fig. 6.4) | $s_vm | $s_jv | $(ratio "$s_jv" "$s_vm")x | >= 0.7x |"
  echo "| Object sort, $OR rounds of 10,000 (Fig. 6.5) | $o_vm | $o_jv | $(ratio "$o_jv" "$o_vm")x | >= 0.7x |"
  echo
  echo "Sieve in C, same rounds: $s_c0 ms unoptimized (-O0, the seed's comparison), $s_c2 ms with -O2;"
  echo "vifvm is $(ratio "$s_vm" "$s_c0")x the -O0 time and $(ratio "$s_vm" "$s_c2")x the -O2 time."
  echo
  echo "Per-operation costs (Fig. 6.6), ns per loop iteration including the loop, medians of 3:"
  echo
  echo "| operation | vifvm | java -Xint | vifvm speed vs -Xint |"
  echo "|---|---:|---:|---:|"
  while read -r k a b; do echo "| $k | $a | $b | $(ratio "$b" "$a")x |"; done < "$W/micro.txt"
  echo
  echo "The seed's Figure 6.2 PriQVIFlet in the packet driver (bursts of 16, ssh.pcap 200 times):"
  echo "**$pkt_ns ns per packet** for enqueue() + dequeue() through the VM (host calls, Packet"
  echo "objects, classifier natives, queues), interpreted, median of 5."
  echo
  echo "Binary size: \`vifvm\` stripped is $vm_size bytes, of which the VM library (text+data,"
  echo "including the ROMized class library: $rom_classes classes, $rom_bytes bytes of class files)"
  echo "is $vm_text bytes without the JIT ($jit_text bytes more with it). (Seed: 64 KB for NVM with"
  echo "its library on IA32.)"
} > "$OUT"
cat "$OUT"
python3 "$T"/test/bench/evaluation_section.py "$T/docs/evaluation.md" "$OUT" vm
echo "figures written to docs/evaluation.md"
