#!/usr/bin/env bash
# Programs using unsupported features (test/java/reject) are rejected at load
# time (exit 3) with a message naming class, method, offset and instruction,
# and containing the text of their "// expect:" line.
set -u
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}
VM=$B/tools/vifvm; CL=$B/test/java/classes/reject
fail=0
for src in "$T"/test/java/reject/*.java; do
  name=$(basename "$src" .java)
  want=$(sed -n 's|^// expect: ||p' "$src")
  where='\.[a-z<][A-Za-z<>]*\(.*\)[^ ]* @[0-9]+ [a-z_0-9]+'     # Class.method(desc) @pc insn
  grep -q '^// where: method' "$src" && where='\.[a-z<][A-Za-z<>]*\(.*\)[^ ]*: '
  err=$(timeout 20 "$VM" -cp "$CL" "$name" 2>&1 >/dev/null); rc=$?
  if [ $rc != 3 ] || ! grep -qF -- "$want" <<<"$err" || ! grep -qE "$where" <<<"$err"; then
    echo "FAIL $name (exit $rc): $err"; echo "  wanted: $want + class.method(desc) @pc insn"; fail=1
  else
    echo "ok $name: $err"
  fi
done
exit $fail
