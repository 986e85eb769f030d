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
# each CPU's speed now and at the end (cpu_spin: a fixed dependent loop, us,
# and a load that misses the caches, ns; the host of this shared VM slows a
# vCPU, or its memory, for minutes at a time, and every absolute figure below
# with it)
spin() {
  for c in $(seq 0 $(($(nproc) - 1))); do
    echo -n "cpu$c $(taskset -c "$c" "$B/test/bench/cpu_spin") us / $(taskset -c "$c" "$B/test/bench/cpu_spin" mem) ns, "
  done
}
spin0=$(spin)
# the loop's readings, all kept: a run counts as "at full speed" when its
# CPU's reading just before it was within 1.25x of the fastest of the bench
echo "$spin0" | grep -o 'cpu[0-9]* [0-9]*' | awk '{print $2}' > "$W/spins"
speed() { taskset -c "$1" "$B/test/bench/cpu_spin" | tee -a "$W/spins"; }
full() { sort -g "$W/spins" | head -1 | awk '{printf "%d", $1 * 1.25}'; }
# the median of column k of lines whose column j (a loop reading) is at full
# speed, and how many such lines: "median n" ("- 0" when none)
median_full() { awk -v k="$1" -v j="$2" -v t="$(full)" '$j <= t {print $k}' "$3" | sort -g |
  awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)], NR; else print "-", 0}'; }

ms() { sed -n 's/.* ms \([0-9]*\).*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
runs() { for i in 1 2 3 4 5; do "$@" | ms; done | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b == 0) b = 0.5; printf "%.2f", a / b }'; }

SR=${JIT_BENCH_SIEVE_ROUNDS:-2000}; OR=${JIT_BENCH_SORT_ROUNDS:-60}
echo "== Sieve ($SR rounds), Object sort ($OR rounds), medians of 5"
# The Sieve runners interleaved (one run of each per turn), so that the load
# of the shared machine falls on all of them alike.
: > "$W/sieve"
for i in 1 2 3 4 5; do
  printf '%s %s %s %s %s %s\n' "$("$VM" --interp -cp "$W/cls" Sieve "$SR" | ms)" \
    "$("$VM" --jit -cp "$W/cls" Sieve "$SR" | ms)" "$(java -Xint -cp "$W/cls" Sieve "$SR" | ms)" \
    "$(java -cp "$W/cls" Sieve "$SR" | ms)" "$("$B/test/bench/bench_sieve_c_O0" "$SR" | ms)" \
    "$("$B/test/bench/bench_sieve_c_O2" "$SR" | ms)" >> "$W/sieve"
done
col() { awk -v k="$1" '{print $k}' "$W/sieve" | median; }
s_in=$(col 1); s_jit=$(col 2); s_xi=$(col 3); s_c2j=$(col 4); s_c0=$(col 5); s_o2=$(col 6)
# per turn ratios, then their median (each ratio from runs made next to each other)
r_in=$(awk '{ printf "%.2f\n", $1 / ($2 ? $2 : 0.5) }' "$W/sieve" | sort -g | sed -n 3p)
r_c0=$(awk '{ printf "%.2f\n", $5 / ($2 ? $2 : 0.5) }' "$W/sieve" | sort -g | sed -n 3p)
# Instructions per round (valgrind lackey; deterministic, unlike times on a shared machine)
icount() { valgrind --tool=lackey --basic-counts=yes "$@" 2>&1 | sed -n 's/.*guest instrs: *\([0-9,]*\)$/\1/p' | tr -d ,; }
if command -v valgrind >/dev/null; then
  i_jit=$(( ($(icount "$VM" --jit -cp "$W/cls" Sieve 60) - $(icount "$VM" --jit -cp "$W/cls" Sieve 20)) / 40 ))
  i_c0=$(( ($(icount "$B/test/bench/bench_sieve_c_O0" 60) - $(icount "$B/test/bench/bench_sieve_c_O0" 20)) / 40 ))
  i_in=$(( ($(icount "$VM" --interp -cp "$W/cls" Sieve 6) - $(icount "$VM" --interp -cp "$W/cls" Sieve 2)) / 4 ))
else
  i_jit=-; i_c0=-; i_in=-
fi
echo "sieve instructions/round: interp $i_in jit $i_jit C-O0 $i_c0"
# CPU time per round (perf stat task-clock: the process's CPU time, which
# leaves out the time it waited for a CPU on the shared machine), from the
# difference between two round counts; medians of 5, interleaved.
cpu() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {printf "%.3f", $1}'; }
if command -v perf >/dev/null && [ -n "$(cpu true)" ]; then
  : > "$W/cpu"
  # a turn's six processes on one CPU (turn i on CPU i mod n), the JIT's and
  # C's with enough rounds (8000 between the two counts, ~0.1 s) that the
  # host's slowing a vCPU for a moment moves the difference little
  for i in 1 2 3 4 5; do
    pin=(taskset -c $((i % $(nproc))))
    a=$(cpu "${pin[@]}" "$VM" --interp -cp "$W/cls" Sieve 100); b=$(cpu "${pin[@]}" "$VM" --interp -cp "$W/cls" Sieve 500)
    c=$(cpu "${pin[@]}" "$VM" --jit -cp "$W/cls" Sieve 2000); d=$(cpu "${pin[@]}" "$VM" --jit -cp "$W/cls" Sieve 10000)
    e=$(cpu "${pin[@]}" "$B/test/bench/bench_sieve_c_O0" 2000); f=$(cpu "${pin[@]}" "$B/test/bench/bench_sieve_c_O0" 10000)
    echo "$a $b $c $d $e $f" | awk '{ printf "%.1f %.1f %.1f\n", ($2 - $1) * 1000 / 400, ($4 - $3) * 1000 / 8000, ($6 - $5) * 1000 / 8000 }' >> "$W/cpu"
  done
  u_in=$(awk '{print $1}' "$W/cpu" | sort -g | sed -n 3p); u_jit=$(awk '{print $2}' "$W/cpu" | sort -g | sed -n 3p)
  u_c0=$(awk '{print $3}' "$W/cpu" | sort -g | sed -n 3p)
else
  u_in=-; u_jit=-; u_c0=-
fi
echo "sieve CPU us/round: interp $u_in jit $u_jit C-O0 $u_c0"
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

echo "== PriQVIFlet per packet (enqueue + dequeue, ssh.pcap x1000, bursts of 16), medians of 5"
trace=$(printf "$C/ssh.pcap,%.0s" $(seq 1000)); trace=${trace%,}
# --quiet: each burst (16 enqueues, the drain) timed whole; without it each
# call is timed (the clock's own cost, ~40 ns a reading here, counts then)
pkt1() { "$VM" "$@" --stats -cp "$W/priq" --burst 16 --packets "$trace" PriQVIFlet 2>&1 >/dev/null |
  sed -n 's/.*ns_per_packet=\([0-9.]*\).*/\1/p'; }
: > "$W/pkt"
for i in 1 2 3 4 5; do   # interleaved, as the Sieve's runners; turn i on CPU i mod n
  cpu=$((i % $(nproc))); sp=$(speed $cpu)
  echo "$(taskset -c $cpu bash -c "$(declare -f pkt1); VM=$VM W=$W trace=$trace; pkt1 --jit --quiet; pkt1 --interp --quiet; pkt1 --jit; pkt1 --interp" | tr '\n' ' ')$sp" >> "$W/pkt"
done
pcol() { awk -v k="$1" '{print $k}' "$W/pkt" | sort -g | sed -n 3p; }
p_jit=$(pcol 1); p_in=$(pcol 2); p_jit_calls=$(pcol 3); p_in_calls=$(pcol 4)
read -r p_jit_fs p_n_fs < <(median_full 1 5 "$W/pkt")
read -r p_in_fs _ < <(median_full 2 5 "$W/pkt")
echo "PriQVIFlet ns/packet (bursts timed): interp $p_in jit $p_jit (at full speed: interp $p_in_fs jit $p_jit_fs, $p_n_fs turns); (calls timed): interp $p_in_calls jit $p_jit_calls"
# instructions per packet inside enqueue() and dequeue() (callgrind, the
# host's calls included: deterministic), the JIT with and without its
# inlining and intrinsics
trace200=$(printf "$C/ssh.pcap,%.0s" $(seq 200)); trace200=${trace200%,}
ir() { # env... -> instructions per packet
  env "$@" valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$VM" --stats --quiet -cp "$W/priq" --burst 16 \
    --packets "$trace200" PriQVIFlet >/dev/null 2>&1
  # from /: run where the sources are, callgrind_annotate leaves the host
  # entries' code inlined from vm_int.h out of their inclusive counts
  (cd / && callgrind_annotate --auto=no --inclusive=yes "$W/cg") |
    awk '/vm\.c:vn_vm_(enqueue|dequeue) \[/{gsub(",", "", $1); s += $1} END{printf "%d", s / 10800}'
}
if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  ir_jit=$(ir VIFNET_JIT_THRESHOLD=1); ir_in=$(ir VIFNET_JIT_THRESHOLD=0)
  ir_noinl=$(ir VIFNET_JIT_NOINLINE=1); ir_noint=$(ir VIFNET_JIT_NOINTRINSIC=1)
else
  ir_jit=-; ir_in=-; ir_noinl=-; ir_noint=-
fi
echo "PriQVIFlet instructions/packet: interp $ir_in jit $ir_jit (no inlining $ir_noinl, no intrinsics $ir_noint)"

echo "== compile cost"
cost1() { # label run args... -> per-method lines into $W/cost.<label>.<run>; totals (and run) echoed
  # pinned (run r on CPU r mod n): a process moved to another CPU between
  # two lazy compilations leaves its warm caches behind (unpinned, the
  # median of 5 moved between 97 and 129 us for PriQVIFlet on one machine)
  local cpu=$(($2 % $(nproc))) sp
  sp=$(speed $cpu)
  taskset -c $cpu "$VM" --jit --jit-stats "${@:3}" 2>&1 >/dev/null | grep '^jit: ' | grep -v 'total' > "$W/cost.$1.$2" || true
  # own: the methods of the program's class alone (Table 6.2's rows are these)
  awk -v l="$1" -v r="$2" '{for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    head = substr($2, 1, index($2, "(") - 1); match(head, /\.[^.]*$/); cls = substr(head, 1, RSTART - 1)
    n++; bc += v["bytecode"]; ns += v["ns"]; ins += v["install_ns"]; rg += v["region_ns"]; cb += v["code"]
    if (cls == l) own += v["ns"] - v["region_ns"]}
    END {printf "%s %d %d %.1f %.1f %d %.1f %.1f %s %s\n", l, n, bc, (ns - rg) / 1000, (ns - ins - rg) / 1000, cb, rg / 1000, own / 1000, sp, r}' \
    sp="$sp" "$W/cost.$1.$2"
}
cost() { # label args...: 5 runs, the one with the median total (without the region) is
  # reported, the fastest total (the run least disturbed by the machine's other load),
  # and the median total of the runs at full speed with their number
  local line fast fs
  for r in 1 2 3 4 5; do cost1 "$1" "$r" "${@:2}"; done | sort -k4 -g > "$W/c5"
  line=$(sed -n 3p "$W/c5"); fast=$(sed -n 1p "$W/c5" | awk '{print $4}')
  fs=$(median_full 4 9 "$W/c5")
  cp "$W/cost.$1.${line##* }" "$W/cost.$1"
  line=${line% *}
  echo "${line% *} $fast $fs"
}
{
  cost HelloWorld -cp "$W/cls" HelloWorld
  cost Sieve -cp "$W/cls" Sieve 1
  cost PriQVIFlet -cp "$W/priq" --packets "$C/ntp.pcap,$C/dns_udp.pcap,$C/syslog_udp.pcap" PriQVIFlet
} | tee "$W/cost"
# the same programs compiled again in fresh VMs of one process (as vifd
# loads a VIFlet): the median over VMs 2..6 of the compile time in all
warm() { taskset -c 0 "$B/test/bench/bench_jit_compile" "$@" 6 | awk 'NR > 1 {print $6 / 1000}' | sort -g | sed -n 3p; }
w_hello=$(warm "$W/cls" HelloWorld main); w_sieve=$(warm "$W/cls" Sieve main)
w_priq=$(warm "$W/priq" PriQVIFlet viflet)
echo "compile us in a warm process: HelloWorld $w_hello Sieve $w_sieve PriQVIFlet $w_priq"

spin1=$(spin)
{
  echo "## VIFlet JIT (issue 9)"
  echo
  echo "Machine: $machine, load average $load when started (shared); each CPU's speed (cpu_spin: a"
  echo "fixed loop, us / a load missing the caches, ns; lower is faster) ${spin0%, } at the start,"
  echo "${spin1%, } at the end. Measured $(date -u +%F) by"
  echo "\`tools/vifnet bench\` (test/bench/bench_jit.sh). Times are the programs' own"
  echo "System.nanoTime around the work, medians of 5 runs; baselines $java_ver"
  echo "(\`-Xint\` and default tiered C1/C2) and the Sieve in C, all in the same session."
  echo
  echo "| benchmark | interp (ms) | JIT (ms) | JIT vs interp | java -Xint | java default | C -O0 | C -O2 | JIT vs C -O0 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  echo "| Sieve, $SR rounds (Fig. 6.4) | $s_in | $s_jit | ${r_in}x | $s_xi | $s_c2j | $s_c0 | $s_o2 | ${r_c0}x |"
  echo "| Object sort, $OR rounds (Fig. 6.5) | $o_in | $o_jit | $(ratio "$o_in" "$o_jit")x | $o_xi | $o_c2j | | | |"
  echo
  echo "The Sieve's runners are interleaved (a run of each per turn); its ratios are the medians of"
  echo "the five per-turn ratios. Instructions executed per Sieve round (valgrind lackey, the"
  echo "difference between two round counts, so start-up cancels): interpreter $i_in, JIT $i_jit,"
  echo "C -O0 $i_c0 (JIT vs C -O0: $(ratio "$i_c0" "$i_jit")x fewer; vs the interpreter $(ratio "$i_in" "$i_jit")x)."
  echo "CPU time per Sieve round (perf stat task-clock, which leaves out waiting for a CPU; the"
  echo "difference between two round counts, medians of 5): interpreter $u_in us, JIT $u_jit us,"
  echo "C -O0 $u_c0 us: the JIT is $(ratio "$u_in" "$u_jit")x the interpreter and $(ratio "$u_c0" "$u_jit")x C -O0."
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
  echo "Compile cost (Table 6.2), all methods compiled on their first call (calls inlined"
  echo "everywhere are not compiled on their own, nor are class initializers, which run once), in"
  echo "a fresh vifvm process pinned to a CPU (the runs spread over the CPUs: a process moved"
  echo "between two lazy compilations leaves its warm caches behind), the run with the median total"
  echo "of 5. \"total\" is every method's"
  echo "compilation including placing its code (a memcpy into the writable view of the VM's code"
  echo "region); \"codegen\" excludes placing the code; \"region\" is the VM's one-time JIT set-up"
  echo "(the code region's memfd and two mappings, the compiler's scratch memory, both touched, and"
  echo "the VM's call stub generated and placed), paid by the first method and not included"
  echo "in the total. \"warm\" is the total in VMs made after a first one in the same process"
  echo "(bench_jit_compile on CPU 0, median of 5 VMs): the first compilation in a process also pays the"
  echo "first touch of the compiler's own code and data."
  echo
  echo "| program | methods | bytecode bytes | total (us) | codegen (us) | codegen ns/bytecode byte | machine code bytes | region (us) | the program's class alone (us) | fastest total of 5 (us) | total at full speed (us; runs) | warm total (us) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  while read -r l n bc tot gen cb rg own fast fs nfs; do
    case $l in HelloWorld) wm=$w_hello ;; Sieve) wm=$w_sieve ;; *) wm=$w_priq ;; esac
    echo "| $l | $n | $bc | $tot | $gen | $(awk -v g="$gen" -v b="$bc" 'BEGIN{printf "%.1f", b ? g * 1000 / b : 0}') | $cb | $rg | $own | $fast | $fs; $nfs | $wm |"
  done < "$W/cost"
  echo
  echo "Per method, PriQVIFlet (class.method, bytecode bytes, total ns, of which install ns):"
  echo
  echo '```'
  awk '{print $2, $3, $6, $7}' "$W/cost.PriQVIFlet"
  echo '```'
  echo
  echo "\"total at full speed\" is the median total of the runs whose CPU ran at full speed (its"
  echo "cpu_spin loop, just before the run, within 1.25x of the fastest of the bench), and their number."
  echo
  echo "\"the program's class alone\" sums the methods of the class named (PriQVIFlet.<init>,"
  echo "enqueue and dequeue): the rows of the seed's Table 6.2, whose 260 us for PriQVIFlet is their"
  echo "sum. \"total\" also counts what the program's run compiles of the other classes (Queue,"
  echo "SimplePacketClassifier, VIFlet, PrintStream), which the seed's table leaves out."
  echo
  echo "Targets (issue 9): PriQVIFlet total compile <= 100 us (seed: 260 us)."
  echo
  echo "The seed's Figure 6.2 PriQVIFlet in the packet driver (bursts of 16, ssh.pcap 1000 times),"
  echo "enqueue() + dequeue() per packet through the VM (host calls, Packet objects, classifier,"
  echo "queues), medians of 5 interleaved turns (turn i pinned to CPU i mod n): each burst timed whole"
  echo "(\`--quiet\`): interpreter $p_in ns, JIT $p_jit ns (target: <= 150 ns) — over the $p_n_fs turns"
  echo "whose CPU ran at full speed (its cpu_spin loop, just before, within 1.25x of the fastest of"
  echo "the bench): interpreter $p_in_fs ns, JIT $p_jit_fs ns; each call timed, as measured before (two clock"
  echo "readings per call counted in): interpreter $p_in_calls ns, JIT $p_jit_calls ns. Instructions"
  echo "per packet inside the VM's entry points (callgrind, ssh.pcap 200 times): interpreter $ir_in,"
  echo "JIT $ir_jit; the JIT without inlining $ir_noinl, without the Packet intrinsics $ir_noint."
} > "$OUT"
cat "$OUT"
python3 "$T"/test/bench/evaluation_section.py "$T/docs/evaluation.md" "$OUT" jit
