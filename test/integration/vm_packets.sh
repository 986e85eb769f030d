#!/usr/bin/env bash
# The seed's Figure 6.2 PriQVIFlet, compiled unchanged with stock javac against
# the class library jar, orders a mixed trace by class in the packet driver.
set -u
B=${VIFNET_BUILD:?}; T=${VIFNET_TOP:?}; C=${VIFNET_CORPUS:?}
VM=$B/tools/vifvm
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
javac -d "$tmp" -cp "$B/vm/vifnet-classlib.jar" "$T/docs/examples/PriQVIFlet.java" || { echo "FAIL: javac"; exit 1; }
# web (class 2), NTP (0), DNS over UDP (0), other TCP (3), syslog UDP (1)
trace=$C/ipv4_tcp_http_xml.pcap,$C/ntp.pcap,$C/dns_udp.pcap,$C/mptcp-v1.pcap,$C/syslog_udp.pcap
"$VM" -cp "$tmp" --packets "$trace" PriQVIFlet >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: exit $?"; cat "$tmp/err"; exit 1; }
cat "$tmp/out"
fail=0
head -1 "$tmp/out" | grep -qx 'Initializing...' || { echo "FAIL: constructor output"; fail=1; }
# class of each output line, by the policy of SimplePacketClassifier
cls=$(awk '/^out /{split($3,p,"=");split($4,s,"=");split($5,d,"=");
  pr=p[2]; sp=s[2]; dp=d[2]; c=3;
  if (pr==1||pr==2||pr==58||sp==22||dp==22||sp==53||dp==53||sp==123||dp==123||sp==67||dp==67||sp==68||dp==68) c=0;
  else if (pr==17) c=1; else if (pr==6&&(sp==80||dp==80||sp==443||dp==443||sp==8080||dp==8080)) c=2;
  print c}' "$tmp/out" | tr -d '\n')
echo "classes in output order: $cls"
sorted=$(grep -o . <<<"$cls" | sort | tr -d '\n')
[ -n "$cls" ] && [ "$cls" = "$sorted" ] || { echo "FAIL: not ordered by class"; fail=1; }
grep -o . <<<"$cls" | sort -u | tr -d '\n' | grep -qx '0123' || { echo "FAIL: expected all four classes"; fail=1; }
grep -q 'held=0 ' "$tmp/out" || { echo "FAIL: packets left behind"; fail=1; }
# a VIFlet that drops: dropped packets go back to the host and are counted
"$VM" -cp "$B/test/java/classes/viflet" --packets "$C/ssh.pcap" --burst 4 DropOddVIFlet >"$tmp/out2" || { echo "FAIL: DropOdd"; fail=1; }
tail -1 "$tmp/out2"
grep -q 'in=54 out=27 dropped=27 held=0' "$tmp/out2" || { echo "FAIL: drop accounting"; fail=1; }
# the same VIFlet given as a jar file, as a write to a VIF's viflet file would
(cd "$tmp" && jar cf priq.jar PriQVIFlet.class) || { echo "FAIL: jar"; exit 1; }
"$VM" --packets "$trace" "$tmp/priq.jar" >"$tmp/out3" 2>"$tmp/err3" || { echo "FAIL: jar run"; cat "$tmp/err3"; fail=1; }
cmp -s "$tmp/out" "$tmp/out3" || { echo "FAIL: jar run differs from class run"; fail=1; }
# timers in virtual time (seed chapter VII): one packet per tick, gap from conf
"$VM" -cp "$B/test/java/classes/viflet" --conf gap_us=2000 --packets "$C/dns_udp.pcap" PacedVIFlet >"$tmp/out4" 2>&1 ||
  { echo "FAIL: PacedVIFlet"; cat "$tmp/out4"; fail=1; }
tail -3 "$tmp/out4"
n_in=$(sed -n 's/.*in=\([0-9]*\).*/\1/p' "$tmp/out4"); n_out=$(grep -c '^out ' "$tmp/out4"); n_t=$(grep -c '^timeout at ' "$tmp/out4")
[ "$n_in" = "$n_out" ] && [ "$n_t" -ge "$n_out" ] && ! grep -q 'early timer' "$tmp/out4" ||
  { echo "FAIL: paced output (in=$n_in out=$n_out timeouts=$n_t)"; fail=1; }
exit $fail
