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
"$B/test/bench/bench_bpf" "$C" | tee "$W/out.md"
{
  echo "## Filter: classic BPF interpreter and JIT against libpcap (issue 6)"
  echo
  echo "Machine: $machine. Measured $(date -u +%Y-%m-%d) by \`tools/vifnet bench\`"
  echo "(test/bench/bench_bpf.sh). All three engines run the same validated program,"
  echo "interleaved within each run; the machine is shared, so absolute figures move"
  echo "between runs while the ratios hold. A JIT call is \`vn_bpf_run\` (one indirect"
  echo "call into the native code, which also counts accept/drop); a libpcap call is"
  echo "\`bpf_filter(prog, pkt, len, caplen)\`."
  echo
  grep -v '^target ' "$W/out.md"
  echo
  echo "Targets of the issue:"
  echo
  grep '^target ' "$W/out.md" | sed 's/^target /- /'
} > "$W/section.md"
python3 - "$T/docs/evaluation.md" "$W/section.md" filter <<'PY'
import sys, os
path, new, name = sys.argv[1], open(sys.argv[2]).read(), sys.argv[3]
b, e = f"<!-- begin {name} -->", f"<!-- end {name} -->"
s = open(path).read() if os.path.exists(path) else "# Evaluation\n\nFigures measured by `tools/vifnet bench`; each section names its machine.\n"
block = f"{b}\n{new}{e}\n"
if b in s and e in s:
    s = s[:s.index(b)] + block + s[s.index(e) + len(e) + 1:]
else:
    s = s.rstrip("\n") + "\n\n" + block
open(path, "w").write(s)
PY
echo "figures written to docs/evaluation.md"
