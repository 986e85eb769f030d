#!/usr/bin/env bash
# bench_nnfs — latency of nnfs's management operations (seed IV.3.2, Table
# 4.1) against a minimal in-memory libfuse low-level file system (memfs_ll,
# same mount options and timeouts) and tmpfs, all in the same run:
#   mkdir, rmdir, symlink, unlink, open+write+close, open+read+close,
#   min / median / p99 in microseconds, with client and daemon pinned to one
#   core and unpinned; and nnfs's mkdir with 10,000 VIFs beside it vs 10.
# nnfs runs over nnfs_harness -t (tree code on its own thread, one hand-off
# per request, like vifd's vn_loop_call) and, for the operations that need no
# registered process, inside vifd itself when vifd can start.
# Writes its figures between the nnfs markers of docs/evaluation.md.
# Usage: test/bench/bench_nnfs.sh BUILD TOP   (env: BENCH_N, BENCH_RUNS)
set -euo pipefail
BUILD=$(cd "$1" && pwd)
TOP=$(cd "$2" && pwd)
N=${BENCH_N:-1000}
RUNS=${BENCH_RUNS:-3}
OPS=$BUILD/test/bench/bench_ops
MEMFS=$BUILD/test/bench/memfs_ll
HARNESS=$BUILD/test/integration/nnfs_harness
VIFD=$BUILD/tools/vifd
[ "$(id -u)" -eq 0 ] || { echo "bench_nnfs: needs root (FUSE mounts, tmpfs)"; exit 0; }

T=$(mktemp -d /tmp/bench_nnfs.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for m in "$T"/nnfs "$T"/memfs "$T"/tmpfs "$T"/vifd; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m"
  done
  rm -rf "$T"
}
trap cleanup EXIT

wait_ready() { for _ in $(seq 100); do grep -q ready "$1" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

mkdir -p "$T/nnfs" "$T/memfs" "$T/tmpfs" "$T/vifd"
"$HARNESS" -t -m "$T/nnfs" -i eth0 -c "$T/ctl" > "$T/h.out" 2>&1 & HP=$!; PIDS+=("$HP")
"$MEMFS" "$T/memfs" > "$T/m.out" 2>&1 & MP=$!; PIDS+=("$MP")
mount -t tmpfs -o size=64m nnbench "$T/tmpfs"
wait_ready "$T/h.out" && wait_ready "$T/m.out" || { cat "$T"/*.out; echo "bench_nnfs: servers did not start"; exit 1; }
VP=
if [ -x "$VIFD" ]; then
  "$VIFD" --mount "$T/vifd" --control "$T/vifd.sock" --foreground --log-level error \
    --iface nnbench0 > "$T/v.out" 2>&1 & VP=$!; PIDS+=("$VP")
  for _ in $(seq 100); do grep -q ready "$T/v.out" 2>/dev/null && break; sleep 0.05; done
  grep -q ready "$T/v.out" || { echo "bench_nnfs: vifd did not start, measuring without it"; VP=; }
fi

# the same shape everywhere: network/eth0/b/{bandwidth}, PID/eth0 links
sleep 600 & SP=$!; PIDS+=("$SP")
echo "proc $SP 0 0" > "$T/ctl"
for fs in nnfs memfs tmpfs; do
  R=$T/$fs
  if [ $fs != nnfs ]; then
    mkdir -p "$R/network/eth0/b" "$R/$SP"
    echo unlimited > "$R/network/eth0/b/bandwidth"
  else
    mkdir "$R/network/eth0/b"
    for _ in $(seq 50); do [ -d "$R/$SP" ] && break; sleep 0.05; done
  fi
done
if [ -n "$VP" ]; then mkdir "$T/vifd/network/nnbench0/b"; fi

pin() {  # pin PID... to cpu list $1
  local cpus=$1; shift
  for p in "$@"; do taskset -a -p -c "$cpus" "$p" >/dev/null; done
}

# one_run FS MODE: all operations once, lines "FS MODE OP min med p99"
one_run() {
  local fs=$1 mode=$2 R=$T/$1 ifn=eth0 pfx=()
  [ "$fs" = vifd ] && ifn=nnbench0
  [ "$mode" = pinned ] && pfx=(taskset -c 0)
  {
    "${pfx[@]}" "$OPS" dirs "$R/network/$ifn/b" "$N"
    [ "$fs" != vifd ] && "${pfx[@]}" "$OPS" links "$R/$SP/eth0" ../network/eth0/b "$N"
    "${pfx[@]}" "$OPS" write "$R/network/$ifn/b/bandwidth" "1000000" "$N"
    "${pfx[@]}" "$OPS" read "$R/network/$ifn/b/bandwidth" "$N"
  } | sed "s/^/$fs $mode /"
}

RAW=$T/raw.txt
: > "$RAW"
SERVERS=("$HP" "$MP")
[ -n "$VP" ] && SERVERS+=("$VP")
FSS=(nnfs memfs tmpfs)
[ -n "$VP" ] && FSS+=(vifd)
for mode in pinned unpinned; do
  if [ $mode = pinned ]; then pin 0 "${SERVERS[@]}"; else pin "0-$(($(nproc) - 1))" "${SERVERS[@]}"; fi
  for r in $(seq "$RUNS"); do
    for fs in "${FSS[@]}"; do one_run "$fs" "$mode" >> "$RAW"; done
  done
done

# mkdir with 10,000 VIFs in the tree (siblings of the new one) vs 10
pin "0-$(($(nproc) - 1))" "${SERVERS[@]}"
R=$T/nnfs/network/eth0
mkdir "$R/s10" "$R/s10k"
"$OPS" fill "$R/s10" 10
"$OPS" fill "$R/s10k" 10000
for r in $(seq "$RUNS"); do
  "$OPS" dirs "$R/s10" "$N" | sed -n 's/^mkdir/scale 10 mkdir/p' >> "$RAW"
  "$OPS" dirs "$R/s10k" "$N" | sed -n 's/^mkdir/scale 10000 mkdir/p' >> "$RAW"
done

python3 - "$RAW" "$TOP/docs/evaluation.md" "$N" "$RUNS" "$(nproc)" <<'PY'
import re, statistics, sys
raw, doc, n, runs, ncpu = sys.argv[1:]
rows = {}
for line in open(raw):
    f = line.split()
    if len(f) != 6:
        continue
    rows.setdefault(tuple(f[:3]), []).append(tuple(map(float, f[3:])))
def agg(key):
    v = rows.get(key)
    if not v:
        return None
    return (min(x[0] for x in v), statistics.median(x[1] for x in v), statistics.median(x[2] for x in v))
def cell(a):
    return "–" if a is None else "%.1f / %.1f / %.1f" % a
ops = ["mkdir", "rmdir", "symlink", "unlink", "write", "read"]
names = {"write": "open+write+close", "read": "open+read+close"}
have_vifd = any(k[0] == "vifd" for k in rows)
out = []
out.append("## nnfs: management operations (test/bench/bench_nnfs.sh)\n")
out.append("Latency per operation in µs, min / median / p99 over %s operations, median of %s runs; "
           "%s CPUs. *pinned*: client and file-system daemon on CPU 0; *unpinned*: free. "
           "Baseline *memfs*: a minimal in-memory libfuse low-level file system (test/bench/memfs_ll.c) "
           "with nnfs's mount options, timeouts (0) and capabilities. *nnfs*: over nnfs_harness -t "
           "(tree code on its own thread, one hand-off per request)%s. Ratio: nnfs median / memfs median "
           "(target ≤ 1.15).\n" % (n, runs, ncpu,
           "; *vifd*: nnfs inside vifd, through vn_loop_call (links need a registered process: not measured there)" if have_vifd else ""))
hdr = "| operation | mode | nnfs | memfs | tmpfs |" + (" vifd |" if have_vifd else "") + " nnfs/memfs |" + (" vifd/memfs |" if have_vifd else "")
out.append(hdr)
out.append("|" + "---|" * (hdr.count("|") - 1))
worst = 0.0
for mode in ["pinned", "unpinned"]:
    for op in ops:
        a = {fs: agg((fs, mode, op)) for fs in ["nnfs", "memfs", "tmpfs", "vifd"]}
        ratio = a["nnfs"][1] / a["memfs"][1] if a["nnfs"] and a["memfs"] else None
        vr = a["vifd"][1] / a["memfs"][1] if a["vifd"] and a["memfs"] else None
        if ratio: worst = max(worst, ratio)
        line = "| %s | %s | %s | %s | %s |" % (names.get(op, op), mode, cell(a["nnfs"]), cell(a["memfs"]), cell(a["tmpfs"]))
        if have_vifd: line += " %s |" % cell(a["vifd"])
        line += " %s |" % ("%.2f" % ratio if ratio else "–")
        if have_vifd: line += " %s |" % ("%.2f" % vr if vr else "–")
        out.append(line)
s10, s10k = agg(("scale", "10", "mkdir")), agg(("scale", "10000", "mkdir"))
out.append("")
out.append("mkdir beside 10,000 sibling VIFs vs beside 10 (nnfs, unpinned): %s vs %s µs "
           "(min / median / p99); median ratio **%.2f** (target ≤ 1.2)." % (cell(s10k), cell(s10), s10k[1] / s10[1]))
out.append("")
out.append("Worst nnfs/memfs median ratio: **%.2f**." % worst)
text = "\n".join(out) + "\n"
print(text)
try:
    d = open(doc).read()
except FileNotFoundError:
    d = "# Evaluation\n\nMeasured figures, written by the benchmarks of test/bench/.\n"
b, e = "<!-- begin nnfs -->", "<!-- end nnfs -->"
block = b + "\n" + text + e
if b in d and e in d:
    d = re.sub(re.escape(b) + ".*?" + re.escape(e), lambda m: block, d, flags=re.S)
else:
    d = d.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(d)
PY
