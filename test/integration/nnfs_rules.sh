#!/usr/bin/env bash
# nnfs on a real FUSE mount (over nnfs_harness: plain trees, a toy registry
# fed real pids): the Figure 4.3 tree built with mkdir/echo, exact text forms,
# every error and its errno, every bad write leaving the value, protection
# rules 1-4 for an unprivileged user (setpriv) with root allowed everything,
# attachments moving to the parent on rmdir, PID/ vanishing on exit, vifctl.
set -uo pipefail
NNFS_TEST=nnfs_rules
source "${VIFNET_TOP:?}/test/integration/nnfs_common.sh"
VIFCTL=$BUILD/tools/vifctl
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
OTHER=(setpriv --reuid=65533 --regid=65533 --clear-groups)
as_nobody() { "${NOBODY[@]}" bash -c "$1"; }
as_other()  { "${OTHER[@]}" bash -c "$1"; }

start_harness -i eth0 -i eth1
N=$M/network/eth0
register() { echo "$*" > "$T/ctl"; }
wait_for() { for _ in $(seq 50); do [ -e "$1" ] && return 0; sleep 0.05; done; return 1; }
wait_gone() { for _ in $(seq 50); do [ -e "$1" ] || return 0; sleep 0.05; done; return 1; }

echo "# Figure 4.3 tree with mkdir and echo (seed Figure 4.4)"
run mkdir "$N/3" "$N/4" "$N/5" "$N/3/1" "$N/3/2"
run bash -c "echo 4Mbps > $N/3/bandwidth"
run bash -c "echo wfq > $N/3/type"
run bash -c "echo 66 > $N/3/1/weight; echo 33 > $N/3/2/weight"
run bash -c "echo 8192Kbit > $N/4/bandwidth; echo 2048K > $N/5/bandwidth"
run bash -c "echo 1000Mbps > $N/bandwidth"
is "$N/3/bandwidth" 4000000
is "$N/3/type" wfq
is "$N/3/1/weight" 66
is "$N/4/bandwidth" 8192000
is "$N/5/bandwidth" 2048000
is "$N/bandwidth" 1000000000
is "$N/3/1/bandwidth" unlimited
is "$N/3/1/priority" 0
is "$N/3/1/qlimit" 1000
is "$N/3/filter" none
is "$N/3/viflet" none
for k in out_packets out_bytes in_packets in_bytes drops queued; do
  grep -q "^$k [0-9][0-9]*$" "$N/3/stat" && ok "stat has $k" || bad "stat lacks $k"
done
[ "$(ls "$N/3")" = "$(printf '%s\n' 1 2 bandwidth conf filter log port priority qlimit stat type viflet weight)" ] &&
  ok "ls shows the parameter files and the children" || bad "ls $N/3: $(ls "$N/3" | tr '\n' ' ')"
run bash -c "echo unlimited > $N/5/bandwidth"
is "$N/5/bandwidth" unlimited
run bash -c "echo 0 > $N/5/bandwidth"
is "$N/5/bandwidth" 0
run bash -c "echo 2048K > $N/5/bandwidth"

echo "# every bad write leaves the value"
LONG=$(printf '1%.0s' $(seq 100))
for f in bandwidth weight priority qlimit type; do
  before=$(cat "$N/3/$f")
  for v in garbage -5 99999999999999999999999 "$LONG" "" "1 2" 0x10; do
    expect "Invalid argument" bash -c "printf '%s\n' '$v' > $N/3/$f"
  done
  expect "Invalid argument" bash -c "printf '1\0002' > $N/3/$f"
  is "$N/3/$f" "$before"
done
expect "Invalid argument" bash -c "echo 0 > $N/3/weight"
expect "Invalid argument" bash -c "echo 8 > $N/3/priority"
expect "Invalid argument" bash -c "echo viflet > $N/3/type"
expect "Permission denied" bash -c "echo 5 > $N/3/stat"
expect "Permission denied" bash -c "echo 5 > $N/3/log"
expect "Invalid argument" bash -c "echo 'tcp port banana' > $N/3/filter"
is "$N/3/filter" none
expect "Invalid argument" bash -c "echo 'a b' > $N/3/conf"
bash -c "echo a=b > $N/3/conf" && is "$N/3/conf" "a=b"
expect "Invalid argument" bash -c "echo 'not a class' > $N/3/viflet"
is "$N/3/viflet" none
is "$N/3/weight" 1
is "$N/3/priority" 0

echo "# errors of the tree"
expect "File exists" mkdir "$N/3"
expect "File exists" mkdir "$N/3/bandwidth"
expect "Invalid argument" mkdir "$N/a b"
expect "File name too long" mkdir "$N/$(printf 'x%.0s' $(seq 64))"
expect "No such file" mkdir "$N/nosuch/x"
expect "Directory not empty" rmdir "$N/3"
expect "Device or resource busy" rmdir "$N"
expect "No such file" rmdir "$N/nosuch"
expect "Not a directory" rmdir "$N/3/bandwidth"
expect "Operation not permitted" touch "$N/3/newfile"
expect "Operation not permitted" rm "$N/3/bandwidth"
expect "Operation not permitted" mkdir "$M/network/eth9"
expect "Operation not permitted" mv "$N/4" "$N/6"

echo "# rule 1: ownership, modes, chmod delegation, chown"
is "$N/3/bandwidth" 4000000
as_nobody "cat $N/3/bandwidth" >/dev/null && ok "nobody reads a 0644 value" || bad "nobody cannot read"
expect "Permission denied" as_nobody "echo 1M > $N/3/bandwidth"
expect "Permission denied" as_nobody "mkdir $N/3/x"
expect "Permission denied" as_nobody "rmdir $N/3/1"
expect "Operation not permitted" as_nobody "chmod 777 $N/3"
expect "Operation not permitted" as_nobody "chown 65534 $N/3"
is "$N/3/bandwidth" 4000000
run mkdir "$N/u"
run chown -R 65534:65534 "$N/u"
[ "$(stat -c '%U:%G %a' "$N/u")" = "nobody:nogroup 755" ] && ok "ls -l shows the new owner" || bad "owner: $(stat -c '%U:%G %a' "$N/u")"
[ "$(stat -c '%U %a' "$N/u/bandwidth")" = "nobody 644" ] && ok "files take the VIF's owner and mode" || bad "file: $(stat -c '%U %a' "$N/u/bandwidth")"
run as_nobody "mkdir $N/u/x && echo 1M > $N/u/x/bandwidth && echo 2M > $N/u/bandwidth"
is "$N/u/x/bandwidth" 1000000
[ "$(stat -c '%u:%g' "$N/u/x")" = "65534:65534" ] && ok "the creator owns the VIF" || bad "creator: $(stat -c '%u:%g' "$N/u/x")"
expect "Permission denied" as_other "echo 5M > $N/u/x/bandwidth"
expect "Permission denied" as_other "mkdir $N/u/x/y"
run as_nobody "chmod -R g+w $N/u/x"
[ "$(stat -c '%a' "$N/u/x/bandwidth")" = 664 ] && ok "chmod g+w on the VIF makes its files 664" || bad "mode $(stat -c '%a' "$N/u/x/bandwidth")"
run setpriv --reuid=65533 --regid=65534 --clear-groups bash -c "echo 3M > $N/u/x/bandwidth"
is "$N/u/x/bandwidth" 3000000
expect "Permission denied" as_other "echo 5M > $N/u/x/bandwidth"
run as_nobody "chmod 700 $N/u/x"
expect "Permission denied" as_other "cat $N/u/x/bandwidth"
expect "Permission denied" as_other "ls $N/u/x"
run as_nobody "chmod 755 $N/u/x"
expect "Operation not permitted" as_nobody "chown 65533 $N/u/x"
expect "Operation not permitted" as_nobody "chmod 600 $N/u/x/bandwidth"
expect "Permission denied" as_nobody "rmdir $N/u"
as_nobody "test -r $N/3/bandwidth && ! test -w $N/3/bandwidth && test -w $N/u/bandwidth && ! test -w $N/u/stat" &&
  ok "access(2) answers by the same rules" || bad "access(2)"
run chmod 700 "$N/3/2" && run bash -c "echo 1 > $N/3/2/priority" && run chmod 755 "$N/3/2"
run chown 65533 "$N/3/2" && run chown 0 "$N/3/2"
[ "$(stat -c %u "$N/3/2")" = 0 ] && ok "root chowns back" || bad "chown back"

echo "# rule 4: only leaves can be removed (root too)"
run as_nobody "mkdir $N/u/x/leaf"
expect "Directory not empty" as_nobody "rmdir $N/u/x"
expect "Directory not empty" rmdir "$N/u/x"
run as_nobody "rmdir $N/u/x/leaf"

echo "# rule 3: attachments (ln -s, rm) and rule 2: inheritance"
"${NOBODY[@]}" sleep 300 & P=$!; PIDS+=("$P")
"${NOBODY[@]}" sleep 300 & C=$!; PIDS+=("$C")
"${OTHER[@]}" sleep 300 & Q=$!; PIDS+=("$Q")
register "proc $P 65534 65534"
register "sock $P 3"
register "proc $Q 65533 65533"
wait_for "$M/$P/sockets/3" && ok "PID/ and PID/sockets/FD/ appear on registration" || bad "no $M/$P/sockets/3"
[ "$(stat -c %U "$M/$P")" = nobody ] && ok "PID/ is owned by the process's uid" || bad "PID owner"
[ -e "$M/$P/eth0" ] && bad "a process on the root has no link" || ok "a process on the root has no link"
run as_nobody "ln -s ../network/eth0/u $M/$P/eth0"
[ "$(readlink "$M/$P/eth0")" = ../network/eth0/u ] && ok "PID/eth0 -> ../network/eth0/u" || bad "readlink: $(readlink "$M/$P/eth0")"
[ "$(cd "$M/$P" && cat eth0/bandwidth)" = 2000000 ] && ok "the relative link resolves in the mount" || bad "link does not resolve"
expect "Operation not permitted" as_nobody "rm $M/$P/eth0"
expect "File exists" as_nobody "ln -s ../network/eth0/u/x $M/$P/eth0"
expect "Operation not permitted" as_other "ln -s ../network/eth1 $M/$P/eth1"
run as_nobody "ln -s $M/network/eth1 $M/$P/eth1"
expect "Invalid argument" as_nobody "ln -s ../network/eth0/u $M/$P/sockets/3/eth0"
expect "Invalid argument" as_nobody "ln -s ../../../network/eth1 $M/$P/sockets/3/eth0"
expect "No such file" as_nobody "ln -s ../../../network/eth0/u/nosuch $M/$P/sockets/3/eth0"
expect "Permission denied" as_nobody "ln -s ../../../network/eth0/4 $M/$P/sockets/3/eth0"
expect "Permission denied" as_nobody "ln -s ../../../network/eth0 $M/$P/sockets/3/eth0"
run as_nobody "ln -s ../../../network/eth0/u/x $M/$P/sockets/3/eth0"
[ "$(readlink "$M/$P/sockets/3/eth0")" = ../../../network/eth0/u/x ] && ok "socket link" || bad "socket link: $(readlink "$M/$P/sockets/3/eth0")"
run as_nobody "rm $M/$P/sockets/3/eth0"
[ -e "$M/$P/sockets/3/eth0" ] && bad "socket link still there after rm" || ok "rm detaches the socket (back to its process's VIF)"
run as_nobody "ln -s ../../../network/eth0/u/x $M/$P/sockets/3/eth0"
expect "Operation not permitted" as_other "rm $M/$P/sockets/3/eth0"
expect "Operation not permitted" as_nobody "ln -s ../network/eth0/u $M/$Q/eth0"
expect "Operation not permitted" as_other "ln -s ../network/eth0/u $M/$P/tmp"
run as_nobody "ln -s ../network/eth0/u $M/$P/tmp"
ls "$M/$P" | grep -q tmp && bad "a temporary link is listed" || ok "a link under another name is only a temporary one"
run as_nobody "rm $M/$P/tmp"
register "proc $C 65534 65534 $P"
wait_for "$M/$C" && [ "$(readlink "$M/$C/eth0")" = ../network/eth0/u ] && ok "rule 2: a child inherits its parent's VIF" || bad "child link: $(readlink "$M/$C/eth0" 2>&1)"
echo "# ln -sfn re-attaches (temporary link renamed over the old one): down only"
run as_nobody "ln -sfn ../network/eth0/u/x $M/$P/eth0"
[ "$(readlink "$M/$P/eth0")" = ../network/eth0/u/x ] && ok "moved down to u/x" || bad "after ln -sfn: $(readlink "$M/$P/eth0")"
expect "Permission denied" as_nobody "ln -sfn ../network/eth0/u $M/$P/eth0"
expect "Permission denied" as_nobody "ln -sfn ../network/eth0/4 $M/$P/eth0"
expect "Operation not permitted" as_other "ln -sfn ../network/eth0/u/x $M/$P/eth0"
[ "$(readlink "$M/$P/eth0")" = ../network/eth0/u/x ] && ok "refused moves changed nothing" || bad "after refusals: $(readlink "$M/$P/eth0")"
[ "$(ls -A "$M/$P")" = "$(printf '%s\n' eth0 sockets)" ] && ok "no temporary link left behind" || bad "PID/: $(ls -A "$M/$P" | tr '\n' ' ')"
run ln -sfn ../network/eth0/u "$M/$P/eth0"
echo "# root can do all"
run rm "$M/$P/eth0"
run ln -s ../network/eth0/3/1 "$M/$P/eth0"
run rm "$M/$P/sockets/3/eth0"
run ln -s ../../../network/eth0/5 "$M/$P/sockets/3/eth0"
run ln -s ../network/eth0/4 "$M/$Q/eth0"

echo "# removing a VIF moves its attachments to the parent"
run rmdir "$N/3/1"
[ "$(readlink "$M/$P/eth0")" = ../network/eth0/3 ] && ok "process moved to the parent" || bad "after rmdir: $(readlink "$M/$P/eth0")"
run rmdir "$N/5"
[ "$(readlink "$M/$P/sockets/3/eth0")" = ../../../network/eth0 ] && ok "socket moved to the parent (the root)" || bad "socket after rmdir: $(readlink "$M/$P/sockets/3/eth0")"

echo "# PID/ vanishes when the process exits"
kill "$C"
wait_gone "$M/$C" && ok "PID/ gone after exit" || bad "$M/$C still there"
ls "$M" | grep -qx "$C" && bad "ls still lists $C" || ok "ls no longer lists it"

echo "# vifctl"
out=$("$VIFCTL" -m "$M" show)
echo "$out" | grep -q "^vif eth0/3 parent eth0 type wfq bandwidth 4000000 " && ok "vifctl show" || bad "vifctl show: $out"
out=$("$VIFCTL" -m "$M" show -s)
echo "$out" | grep -q "^ Sent 0 bytes 0 pkt (dropped 0, queued 0)" && ok "vifctl show -s" || bad "vifctl show -s: $out"
"$VIFCTL" -m "$M" show -s -j | python3 -c '
import json, sys
a = json.load(sys.stdin)
v = {x["vif"]: x for x in a}
assert v["eth0/3"]["bandwidth"] == 4000000 and v["eth0/3"]["type"] == "wfq", v["eth0/3"]
assert v["eth0"]["parent"] is None and v["eth0/3/2"]["parent"] == "eth0/3"
assert v["eth0/u"]["uid"] == 65534 and "queued" in v["eth0/3"]["stats"]
' && ok "vifctl show -s -j" || bad "vifctl -j"
as_nobody "$VIFCTL -m $M show" >/dev/null && ok "vifctl as nobody" || bad "vifctl as nobody"
expect "is vifd running" "$VIFCTL" -m "$T/none" show
expect "usage" "$VIFCTL" -m "$M" shwo

echo "# the mount goes away cleanly"
kill "$HPID"; wait "$HPID"; rc=$?; HPID=
[ $rc -eq 0 ] && ok "harness exited 0" || bad "harness exit $rc"
mountpoint -q "$M" && bad "still mounted" || ok "unmounted"

[ $FAILS -eq 0 ] && echo "all nnfs checks passed" || echo "$FAILS nnfs checks FAILED"
[ $FAILS -eq 0 ]
