#!/usr/bin/env bash
# jit/x86_emit.h encodes exactly what the GNU assembler encodes, for every
# helper, every register and every addressing form (base, base+index*scale,
# rsp/rbp/r12/r13 bases, disp 0/8/32): x86_emit_dump writes the bytes and the
# same instructions as assembly text; `as` assembles the text; the bytes must
# be identical. (Jump patching is checked inside x86_emit_dump.)
set -uo pipefail
B=${VIFNET_BUILD:?}
command -v as >/dev/null && command -v objcopy >/dev/null || { echo "no binutils: skipped"; exit 77; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
"$B/test/unit/x86_emit_dump" "$W/emit.bin" "$W/ref.s" || { echo "FAIL x86_emit_dump"; exit 1; }
as --64 -o "$W/ref.o" "$W/ref.s" || { echo "FAIL as"; exit 1; }
objcopy -O binary --only-section=.text "$W/ref.o" "$W/ref.bin"
if cmp -s "$W/emit.bin" "$W/ref.bin"; then
  echo "ok   $(wc -c < "$W/emit.bin") bytes identical to the assembler's"
  exit 0
fi
off=$(cmp "$W/emit.bin" "$W/ref.bin" | sed -n 's/.*byte \([0-9]*\).*/\1/p')
echo "FAIL first difference at byte ${off:-?} (sizes $(wc -c < "$W/emit.bin") / $(wc -c < "$W/ref.bin"))"
start=$(( ${off:-1} > 48 ? ${off:-1} - 48 : 0 ))
for f in emit ref; do
  echo "-- $f"
  objdump -D -b binary -mi386:x86-64 -M intel --start-address=$start --stop-address=$((start + 96)) "$W/$f.bin" | tail -n +8
done
exit 1
