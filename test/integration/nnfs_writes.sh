#!/usr/bin/env bash
# nnfs values written in several write(2)s (docs/nnfs.md, "Values"): the
# writes of one open accumulate, a text that cannot be whole yet waits for
# more or for close(), which applies it and returns its error; a text that
# can be whole is applied at once, with its error in write(2). One-write
# values (bandwidth...) are unchanged. Over nnfs_harness on a real mount.
set -uo pipefail
NNFS_TEST=nnfs_writes
source "${VIFNET_TOP:?}/test/integration/nnfs_common.sh"
CLS=$BUILD/test/java/classes/viflet

# pieces FILE PIECE...: one open, one write(2) per piece, then close;
# prints "ok" or the errno name of the first failing call and where
pieces() {
  python3 - "$@" <<'PY'
import errno, os, sys
path, parts = sys.argv[1], sys.argv[2:]
fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
for i, p in enumerate(parts):
    try:
        os.write(fd, p.encode().decode('unicode_escape').encode('latin-1'))
    except OSError as e:
        print("write%d %s" % (i, errno.errorcode[e.errno])); os.close(fd); sys.exit(0)
try:
    os.close(fd)
except OSError as e:
    print("close %s" % errno.errorcode[e.errno]); sys.exit(0)
print("ok")
PY
}
# field NAME: a line of the filter file
field() { awk -v k="$1" '$1 == k { print $2 }' "$F"; }
# is_out GOT WANT DESC
is_out() { [ "$1" = "$2" ] && ok "$3: $1" || bad "$3: $1 (wanted $2)"; }

start_harness -i eth0
V=$M/network/eth0/w
mkdir "$V" || { echo "FAIL mkdir"; exit 1; }
F=$V/filter

# filter: tcpdump -ddd text line by line (a shell's printf per line)
{ printf '4\n'; printf '40 0 0 12\n'; printf '21 0 1 2048\n'; printf '6 0 0 262144\n'; printf '6 0 0 0\n'; } > "$F" &&
  [ "$(field insns)" = 4 ] && ok "-ddd text in five writes loaded: insns 4" || bad "-ddd line by line: $(head -1 "$F")"
echo none > "$F"
# cut inside a line: the count line, then the rest
is_out "$(pieces "$F" '2\n40 0' ' 0 12\n6 0 0 0\n')" ok "-ddd cut inside a line"
is_out "$(field insns)" 2 "  insns"
# -dd text, one line per write (no count: whole at its return)
is_out "$(pieces "$F" '{ 0x28, 0, 0, 0x0000000c },\n' '{ 0x6, 0, 0, 0x00040000 },\n')" ok "-dd text line by line"
is_out "$(field insns)" 2 "  insns"
OLD=$(field insns)
# a program that never gets whole: refused by close(), the old one kept
is_out "$(pieces "$F" '4\n' '40 0 0 12\n')" "close EINVAL" "-ddd text short of its count: close fails"
is_out "$(field insns)" "$OLD" "  the old filter kept"
# a whole text that is wrong is refused by write(2), as before
is_out "$(pieces "$F" '1\n6 0 0 0\n6 0 0 0\n')" "write0 EINVAL" "-ddd text past its count: write fails"
expect "Invalid argument" bash -c "echo 'tcp port banana' > $F"
expect "Invalid argument" bash -c "printf '\x06\x00\x00\x00\x00\x00' > $F"
is_out "$(field insns)" "$OLD" "  the old filter kept"
# a pcap expression is judged at every write (echo writes it in one)
is_out "$(pieces "$F" 'tcp port 80\n')" ok "pcap expression"
[ "$(field insns)" -gt 4 ] 2>/dev/null && ok "  insns $(field insns)" || bad "  insns $(field insns)"
OLD=$(field insns)
expect "Invalid argument" bash -c "printf 'ret #0 garbage' > $F"
is_out "$(field insns)" "$OLD" "  the old filter kept"

# conf: chunks cut inside lines (an editor's buffer), nothing applied in part
C=$V/conf
is_out "$(pieces "$C" 'rate=5\nbur' 'st=3000\nlim' 'it=7\n')" ok "conf in three chunks"
is "$C" "$(printf 'rate=5\nburst=3000\nlimit=7')"
is_out "$(pieces "$C" 'rate=6\nbogus')" "close EINVAL" "conf ending in a bad line: close fails"
is "$C" "$(printf 'rate=5\nburst=3000\nlimit=7')"
expect "Invalid argument" bash -c "printf 'rate 5\n' > $C"
{ printf 'a=1\n'; printf 'b=2\n'; } > "$C" && is "$C" "$(printf 'a=1\nb=2')"

# viflet: a class in pieces is loaded at close, its error is close's
if [ -f "$CLS/PriQVIFlet.class" ]; then
  python3 - "$CLS/PriQVIFlet.class" "$V/viflet" <<'PY' && ok "a class in 100-byte writes loaded at close" || bad "class in pieces"
import os, sys
data = open(sys.argv[1], 'rb').read()
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_TRUNC)
for i in range(0, len(data), 100):
    os.write(fd, data[i:i + 100])
os.close(fd)
PY
  grep -q '^class PriQVIFlet' "$V/viflet" && ok "  viflet: $(head -1 "$V/viflet")" || bad "  viflet: $(head -1 "$V/viflet")"
  echo none > "$V/viflet"
  python3 - "$CLS/PriQVIFlet.class" "$V/viflet" <<'PY' && ok "a truncated class: close fails with EINVAL" || bad "a truncated class accepted"
import errno, os, sys
data = open(sys.argv[1], 'rb').read()
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_TRUNC)
os.write(fd, data[:len(data) // 2])
try:
    os.close(fd)
except OSError as e:
    sys.exit(0 if e.errno == errno.EINVAL else 1)
sys.exit(1)
PY
  is "$V/viflet" none
fi
expect "Invalid argument" bash -c "echo 'not a class' > $V/viflet"

# one-write values: unchanged (each write applied, its errno in write(2))
B=$V/bandwidth
expect "Invalid argument" bash -c "echo banana > $B"
is_out "$(pieces "$B" '1000' '000\n')" ok "bandwidth in two writes (each applies the text so far)"
is "$B" 1000000
is_out "$(pieces "$B" '2000' 'x\n')" "write1 EINVAL" "bandwidth: a bad second write is refused at once"
is "$B" 2000
echo 5M > "$B" && is "$B" 5000000

[ "$FAILS" -eq 0 ] && echo PASS || { echo "$FAILS failed"; exit 1; }
