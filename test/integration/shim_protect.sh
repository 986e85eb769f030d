#!/usr/bin/env bash
# Protection rules through the shim and netnice, for an unprivileged user
# (setpriv) (issue 5, SPEC section 5 rules 2-3): a process may be moved down
# from its VIF, never up or sideways, and only by its own uid; the daemon
# trusts SO_PEERCRED, so claiming another pid does not help.
source "$VIFNET_TOP/test/integration/shim_common.sh"
U=65534
AS_USER=(setpriv --reuid "$U" --regid "$U" --clear-groups)
lab_up
ctl "mkvif $IFA x" "mkvif $IFA x/c" "mkvif $IFA y" >/dev/null
# VIFs the user may use as a base: rule 1 is about creating/changing, rule 3
# about moving; x and its child are root's, which does not stop attaching.

note "user process starts on the root, moved down to x by its own uid"
ip netns exec "$NSA" "${AS_USER[@]}" env LD_PRELOAD="$SHIM" VIFNET_CONTROL="$CTL" sleep 5 &
UP=$!
for _ in $(seq 100); do proc_registered "$UP" && break; sleep 0.05; done
proc_registered "$UP" || fail "user's sleep not registered"
ctl procs | grep "^proc $UP " | grep -q "uid $U " || fail "uid of $UP is not $U: $(ctl procs)"
uctl() { "${AS_USER[@]}" "$CTLTOOL" "$CTL" req "$@"; }
R=$(uctl "attach $UP $IFA x")
[ "$R" = ok ] || fail "user could not move its process down to x: $R"

note "sideways (x -> y) and upward (x -> root) are refused, down (x -> x/c) is allowed"
R=$(uctl "attach $UP $IFA y");  [[ $R == "error EACCES"* ]] || fail "sideways attach: $R"
R=$(uctl "attach $UP $IFA .");  [[ $R == "error EACCES"* ]] || fail "upward attach: $R"
R=$(uctl "attach $UP $IFA x/c"); [ "$R" = ok ] || fail "downward attach: $R"
ctl procs | grep "^proc $UP " | grep -q "$IFA=x/c" || fail "not on x/c: $(ctl procs)"

note "another user's process cannot be attached, nor adopted"
ip netns exec "$NSA" env LD_PRELOAD="$SHIM" sleep 5 &
RP=$!
for _ in $(seq 100); do proc_registered "$RP" && break; sleep 0.05; done
R=$(uctl "attach $RP $IFA x");  [[ $R == "error EPERM"* ]] || fail "user attached root's process: $R"
R=$(uctl "adopt 1"); [[ $R == "error EPERM"* ]] || fail "user adopted pid 1: $R"
set +e
"${AS_USER[@]}" env VIFNET_CONTROL="$CTL" "$NETNICE" 1M "$RP" 2>"$WORK/err"; rc=$?
set -e
[ $rc = 1 ] || fail "netnice 1M on root's process as user: exit $rc"
echo "   netnice as user on root's process: $(head -1 "$WORK/err")"

note "netnice as the user: a VIF under the user's VIF is refused where it is not the owner"
set +e
"${AS_USER[@]}" env VIFNET_CONTROL="$CTL" "$NETNICE" @1M -- true 2>"$WORK/err"; rc=$?
set -e
[ $rc = 125 ] || fail "user made a VIF under root's root VIF: exit $rc"
echo "   $(head -1 "$WORK/err")"

note "rule 2: the user's process forks; the child starts on x/c"
ip netns exec "$NSA" "${AS_USER[@]}" env LD_PRELOAD="$SHIM" VIFNET_CONTROL="$CTL" \
  sh -c 'sleep 1; sleep 2 & wait' &
SP=$!
for _ in $(seq 100); do proc_registered "$SP" && break; sleep 0.05; done
R=$(uctl "attach $SP $IFA x/c"); [ "$R" = ok ] || fail "attach of the user's shell: $R"
sleep 1.5
CH=$(ctl procs | awk -v p="$SP" '$1=="proc" && $4==p {print $2}' | tail -1)
[ -n "$CH" ] || fail "the shell's child is not registered: $(ctl procs)"
ctl procs | grep "^proc $CH " | grep -q "$IFA=x/c" || fail "child $CH not on x/c: $(ctl procs)"
kill $RP $UP 2>/dev/null || true
wait $SP
echo PASS
