#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Every option of the manual, each with a check that fails if it is ignored.
# (The naming options -Ft -FT -Fk -Fm -Fg -T -b -m and the console modes are
# also compared with tcpflow 1.6.1 by differential.sh.)
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
T=$TCPFLOW
C=$CAPTURES
GEN="python3 $TESTS_SRCDIR/tools/gen_flows.py"
G=$C/tf_test-gzip.pcap
CF=052.043.158.010.55634-172.031.021.034.00080
SF=172.031.021.034.00080-052.043.158.010.55634
files() { find "$1" -type f ! -name report.xml | wc -l; }

check "-V prints the version and exits 0" sh -c "'$T' -V | grep -q '^TCPFLOW '"
# -V: our own version (not 1.6.1's) and the scanner ABI of the public header.
ver=$(sed -n 's/^PACKAGE_VERSION = //p' "$TOP_BUILDDIR/Makefile")
abi=$(sed -n 's/^#define TFS_ABI_MAJOR  *//p' "$TOP_SRCDIR/sdk/tcpflow/scanner.h").$(sed -n 's/^#define TFS_ABI_MINOR  *//p' "$TOP_SRCDIR/sdk/tcpflow/scanner.h")
"$T" -V >"$WORK/V" 2>&1
check "-V: first line TCPFLOW $ver, not 1.6.1" test "$(head -1 "$WORK/V")" = "TCPFLOW $ver" -a "$ver" != 1.6.1
check "-V: the scanner ABI of scanner.h ($abi)" grep -q "^scanner ABI $abi " "$WORK/V"
check "-V: the plugin directory and a bug address" sh -c "grep -q '^plugin directory /' '$WORK/V' && grep -q 'bugs: http' '$WORK/V'"
"$T" -o "$WORK/ver" -r "$G" >/dev/null 2>&1
check "report: <version compat='1.6.1'>$ver</version>" grep -q "<version compat='1.6.1'>$ver</version>" "$WORK/ver/report.xml"
check "report: compilation_date recorded, no build directory in CFLAGS" \
  sh -c "grep -q '<compilation_date>[A-Z]' '$WORK/ver/report.xml' && ! grep -q 'prefix-map' '$WORK/ver/report.xml'"
check "-h prints usage and exits 0" sh -c "'$T' -h | grep -q 'usage: tcpflow'"
check "--help works too" sh -c "'$T' --help | grep -q 'usage: tcpflow'"

# -Fc: the counter on every name, and no endless loop on a reused 4-tuple.
printf 'x' >/dev/null
$GEN "$WORK/reuse.pcap" --flows 1 --segments 1
cat "$WORK/reuse.pcap" >"$WORK/r3.pcap"
"$T" -o "$WORK/fc" -Fc -r "$WORK/reuse.pcap" -r "$WORK/reuse.pcap" -r "$WORK/reuse.pcap" >/dev/null 2>&1
check "-Fc: c0 c1 c2 on three reuses of a 4-tuple" \
  test -f "$WORK/fc/010.000.000.000.01024-192.000.002.001.00080c2" -a -f "$WORK/fc/010.000.000.000.01024-192.000.002.001.00080c0"
"$T" -o "$WORK/nfc" -r "$WORK/reuse.pcap" -r "$WORK/reuse.pcap" >/dev/null 2>&1
check "without -Fc the first has no counter, the second c1" \
  test -f "$WORK/nfc/010.000.000.000.01024-192.000.002.001.00080" -a -f "$WORK/nfc/010.000.000.000.01024-192.000.002.001.00080c1"

# -T with '/' makes directories; %S is shared by both directions.
"$T" -o "$WORK/t" -T '%A/%a/%B/%b/%S' -r "$G" >/dev/null 2>&1
check "-T '/' makes subdirectories" test -f "$WORK/t/052.043.158.010/55634/172.031.021.034/00080/00000000000000000000"
check "-T %S: both directions share the session id" test -f "$WORK/t/172.031.021.034/00080/052.043.158.010/55634/00000000000000000000"
"$T" -o "$WORK/tk" -T 'x%N' -Fk -r "$G" >/dev/null 2>&1
check "-T then -Fk: -T wins, as the manual says (1.6.1 binned)" test -f "$WORK/tk/x000"
"$T" -o "$WORK/kt" -Fk -T 'x%N' -r "$G" >/dev/null 2>&1
check "-Fk then -T: -T wins" test -f "$WORK/kt/x000"
"$T" -o "$WORK/tt" -T 'x%N' -Ft -r "$G" >/dev/null 2>&1
check "-T with -Ft: the time prefix still applies" test -f "$WORK/tt/1510959430Tx000"

# -X, -S enable_report=NO, -FX
(cd "$WORK" && "$T" -o "$WORK/x" -X my.xml -r "$G" >/dev/null 2>&1)
check "-X puts the report where asked" xml_ok "$WORK/my.xml"
check "-X: no report.xml in the output directory" test ! -e "$WORK/x/report.xml"
"$T" -o "$WORK/nr" -S enable_report=NO -r "$G" >/dev/null 2>&1
check "-S enable_report=NO: no report" test ! -e "$WORK/nr/report.xml" -a -f "$WORK/nr/$CF"
"$T" -o "$WORK/fx" -FX -r "$G" >/dev/null 2>&1
check "-FX: report only" test "$(files "$WORK/fx")" = 0 -a -f "$WORK/fx/report.xml"
check "-FX: the report still counts the bytes" grep -q "<filesize>434</filesize>" "$WORK/fx/report.xml"

# -b, -m
"$T" -o "$WORK/b" -b 10 -r "$G" >/dev/null 2>&1
check "-b 10 cuts every flow at 10 bytes" test "$(stat -c %s "$WORK/b/$CF")" = 10
"$T" -o "$WORK/m" -m 100 -r "$C/tf_jpegs.cap" >/dev/null 2>&1
"$T" -o "$WORK/m0" -r "$C/tf_jpegs.cap" >/dev/null 2>&1
check "-m 100 splits flows with holes" test "$(files "$WORK/m")" -gt "$(files "$WORK/m0")"

# -s strips non-printables in files as the manual says (1.6.1 did not).
"$T" -o "$WORK/s" -s -r "$G" >/dev/null 2>&1
check "-s: no non-printable byte left in the server flow (CR and LF kept)" \
  sh -c "! LC_ALL=C tr -d '\\r\\n' <'$WORK/s/$SF' | LC_ALL=C grep -q '[^[:print:]]' && test \$(stat -c %s '$WORK/s/$SF') = 334"
check "-s: without it the gzip body has binary bytes" \
  sh -c "LC_ALL=C tr -d '\\r\\n' <'$WORK/nr/$SF' | LC_ALL=C grep -q '[^[:print:]]'"

# -I: sorted .findx companion
"$T" -o "$WORK/i" -I -r "$C/tf_test1-out-of-order.pcap" >/dev/null 2>&1
fx=$(find "$WORK/i" -name '*.findx' | head -1)
check "-I writes .findx files" test -n "$fx"
check "-I: byte-index|timestamp|length, sorted by index" \
  sh -c "grep -Eq '^[0-9]+\|[0-9]+\.[0-9]{6}\|[0-9]+$' '$fx' && sort -t'|' -n -c -k1,1 '$fx'"
end=$(awk -F'|' '$1 + $3 > e {e = $1 + $3} END {print e}' "$fx")
check "-I: the last indexed byte is the end of the file" test "$end" = "$(stat -c %s "${fx%.findx}")"

# -K: one pcap per flow with the right link type and exactly its packets.
"$T" -o "$WORK/k" -K -r "$G" >/dev/null 2>&1
check "-K writes a pcap per flow" test -f "$WORK/k/$CF.pcap" -a -f "$WORK/k/$SF.pcap"
if command -v tcpdump >/dev/null; then
  n=$(tcpdump -nn -r "$WORK/k/$CF.pcap" 2>/dev/null | wc -l)
  want=$(tcpdump -nn -r "$G" 'src host 52.43.158.10 and src port 55634' 2>/dev/null | wc -l)
  check "-K: the flow's packets, all of them ($n)" test "$n" = "$want" -a "$n" -gt 0
  check "-K: Ethernet link type (1.6.1 wrote 6)" sh -c "tcpdump -r '$WORK/k/$CF.pcap' 2>&1 | grep -q 'EN10MB'"
fi

# -w: unprocessed packets, also from pcapng input (1.6.1 aborted).
"$T" -o "$WORK/w" -w "$WORK/unproc.pcap" -r "$C/gen_http-mixed.pcapng" >/dev/null 2>&1
check "-w on pcapng input works" test -s "$WORK/unproc.pcap"
if command -v tcpdump >/dev/null; then
  check "-w holds no TCP packets of decoded flows" \
    test "$(tcpdump -nn -r "$WORK/unproc.pcap" tcp 2>/dev/null | wc -l)" = 0
  check "-w holds the UDP packets" test "$(tcpdump -nn -r "$WORK/unproc.pcap" udp 2>/dev/null | wc -l)" -gt 0
fi

check "the report counts the frames that were not TCP" \
  grep -q "<frames read='111' not_ip='2' not_tcp='3' malformed='0'" "$WORK/w/report.xml"
"$T" -o "$WORK/mal" -r "$C/td_tcp_header_heapoverflow.pcap" >/dev/null 2>&1
check "the report counts malformed frames" grep -q "malformed='1'" "$WORK/mal/report.xml"

# -l, -r -, -R
"$T" -o "$WORK/l" -l "$G" "$C/tf_test2-vlan.pcap" >/dev/null 2>&1
check "-l: every argument is a file" test "$(files "$WORK/l")" = 4
"$T" -o "$WORK/stdin" -r - <"$G" >/dev/null 2>&1
check "-r - reads standard input" cmp -s "$WORK/stdin/$SF" "$WORK/nr/$SF"
$GEN "$WORK/partA.pcap" --flows 4 --segments 6 --interleave --split "$WORK/partB.pcap"
$GEN "$WORK/whole.pcap" --flows 4 --segments 6 --interleave
$GEN "$WORK/partA2.pcap" --flows 4 --segments 6 --split "$WORK/partB2.pcap"
"$T" -o "$WORK/R" -r "$WORK/partA.pcap" -R "$WORK/partB.pcap" >/dev/null 2>&1
"$T" -o "$WORK/whole" -r "$WORK/whole.pcap" >/dev/null 2>&1
"$T" -o "$WORK/Ronly" -R "$WORK/partB.pcap" >/dev/null 2>&1
check "-R continues flows opened by -r" diff -r -x report.xml "$WORK/R" "$WORK/whole"
check "-R alone creates no flow" test "$(files "$WORK/Ronly")" = 0
"$T" -o "$WORK/R2" -r "$WORK/partA2.pcap" -R "$WORK/partB2.pcap" >/dev/null 2>&1
check "-R ignores connections that start in the -R file" test "$(files "$WORK/R2")" = 2

# -f: a small descriptor cache loses nothing.
$GEN "$WORK/many.pcap" --flows 3000 --segments 3 --interleave
"$T" -o "$WORK/f16" -f 16 -r "$WORK/many.pcap" >/dev/null 2>&1
"$T" -o "$WORK/fall" -r "$WORK/many.pcap" >/dev/null 2>&1
check "-f 16: 3000 interleaved flows equal to an unlimited run" diff -r -x report.xml "$WORK/f16" "$WORK/fall"
check "-f 16: the report says at most 16 were open" grep -Eq "<max_open_flows>(1[0-6]|[0-9])</max_open_flows>" "$WORK/f16/report.xml"
"$T" -o "$WORK/v" -v -r "$G" 2>"$WORK/verr" >/dev/null
check "-v reports the descriptors in use" grep -q "file descriptors available" "$WORK/verr"
"$T" -o "$WORK/d0" -d 0 -r "$WORK/nonexist" 2>"$WORK/derr" >/dev/null
check "-d 0 still shows errors" grep -q "nonexist" "$WORK/derr"

# Settings: tcp_timeout (packet time), tcp_alert_fd, tcp_cmd, tdelta.
# Two connections taking turns every 100 s: each one's packet closes the
# other, idle for longer than the timeout (as 1.6.1, a late packet on a flow
# itself only revives it).
$GEN "$WORK/slow.pcap" --flows 2 --segments 4 --gap 100 --interleave
"$T" -o "$WORK/to" -S tcp_timeout=50 -r "$WORK/slow.pcap" >/dev/null 2>&1
"$T" -o "$WORK/to0" -r "$WORK/slow.pcap" >/dev/null 2>&1
check "without tcp_timeout: one file per connection" test "$(files "$WORK/to0")" = 2
check "-S tcp_timeout=50 closes flows idle for 100 s" test "$(files "$WORK/to")" -gt 2
"$T" -o "$WORK/alert" -S tcp_alert_fd=3 -r "$G" 3>"$WORK/alerts" >/dev/null 2>&1
check "-S tcp_alert_fd: open and close lines" \
  sh -c "grep -q '^open	$WORK/alert/$CF\$' '$WORK/alerts' && grep -q '^close	$WORK/alert/$CF\$' '$WORK/alerts'"
"$T" -o "$WORK/cmd" -S "tcp_cmd=echo TCPCMD >>$WORK/cmdlog" -r "$G" >/dev/null 2>&1
check "-S tcp_cmd runs once per flow file with its path" \
  test "$(grep -c "^TCPCMD $WORK/cmd/" "$WORK/cmdlog")" = 2
# Many flow files: at most 10 tcp_cmd processes at once, and every one has
# ended when tcpflow exits (each is waited for by its own pid).
cat >"$WORK/slowcmd.sh" <<EOF
#!/bin/sh
exec 9>>"$WORK/cmdlock"
flock 9; c=\$(( \$(cat "$WORK/cmdcur" 2>/dev/null || echo 0) + 1 )); echo \$c >"$WORK/cmdcur"
echo \$c >>"$WORK/cmdpeak"; flock -u 9
sleep 0.2
flock 9; echo \$(( \$(cat "$WORK/cmdcur") - 1 )) >"$WORK/cmdcur"; flock -u 9
echo "\$1" >>"$WORK/cmddone"
EOF
chmod +x "$WORK/slowcmd.sh"
$GEN "$WORK/many.pcap" --flows 20 --segments 2
"$T" -o "$WORK/cmdmany" -S "tcp_cmd=$WORK/slowcmd.sh" -r "$WORK/many.pcap" >/dev/null 2>&1
n_files=$(files "$WORK/cmdmany")
check "-S tcp_cmd: every flow file's command has ended when tcpflow exits" \
  test "$(wc -l <"$WORK/cmddone")" = "$n_files" -a "$n_files" -ge 20
peak=$(sort -n "$WORK/cmdpeak" | tail -1)
check "-S tcp_cmd: at most 10 at once, and more than one ($peak)" test "$peak" -le 10 -a "$peak" -ge 2
"$T" -o "$WORK/td" -S tdelta=3600 -T '%t' -r "$G" >/dev/null 2>&1
"$T" -o "$WORK/td0" -T '%t' -r "$G" >/dev/null 2>&1
a=$(ls "$WORK/td0" | grep -v report | sort | head -1)
bb=$(ls "$WORK/td" | grep -v report | sort | head -1)
check "-S tdelta shifts packet times" test "$((bb - a))" = 3600
check "a setting value may contain '='" "$T" -o "$WORK/eq" -S "tcp_cmd=true a=b" -r "$G"

# -P keeps closed flows for straggler detection (no crash, same output)
"$T" -o "$WORK/P" -P -r "$G" >/dev/null 2>&1
check "-P: same output" diff -r -x report.xml "$WORK/P" "$WORK/stdin"

# More than 10,000 files without binning: one warning, silenced by -q and
# not given with -Fk.
$GEN "$WORK/10k.pcap" --flows 10010 --segments 1
"$T" -o "$WORK/w10k" -r "$WORK/10k.pcap" 2>"$WORK/err10k" >/dev/null
check "more than 10,000 files: one warning" test "$(grep -c '10,000 files' "$WORK/err10k")" = 1
"$T" -q -o "$WORK/q10k" -r "$WORK/10k.pcap" 2>"$WORK/errq" >/dev/null
check "-q silences it" sh -c "! grep -q '10,000 files' '$WORK/errq'"
"$T" -Fk -o "$WORK/k10k" -r "$WORK/10k.pcap" 2>"$WORK/errk" >/dev/null
check "-Fk: no warning" sh -c "! grep -q '10,000 files' '$WORK/errk'"
check "-Fk bins into directories of at most 1000 flows" test -d "$WORK/k10k/000" -a "$(ls "$WORK/k10k/000" | wc -l)" -le 1000

# -L: console writes locked by a named semaphore; two at once still give
# every packet's output whole.
"$T" -c -L tftest$$ -r "$G" >"$WORK/l1" 2>/dev/null &
"$T" -c -L tftest$$ -r "$G" >"$WORK/l2" 2>/dev/null
wait
"$T" -c -r "$G" >"$WORK/l0" 2>/dev/null
check "-L: output equal to a run without it" sh -c "cmp -s '$WORK/l0' '$WORK/l1' && cmp -s '$WORK/l0' '$WORK/l2'"
check "-L: the semaphore exists" test -e "/dev/shm/sem.tftest$$"
rm -f "/dev/shm/sem.tftest$$"

(cd "$WORK" && mkdir -p crep && cd crep && "$T" -c -r "$G" >/dev/null 2>&1)
check "console mode writes no report.xml unless -X" test ! -e "$WORK/crep/report.xml"

# -U and -z (root only): privileges dropped and chroot entered after the
# capture is open; output inside the chroot, owned by the user.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  mkdir -p "$WORK/jail"
  chmod 0755 "$WORK" "$WORK/jail"
  # LeakSanitizer reads /proc at exit, which a chroot does not have.
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    "$T" -z "$WORK/jail" -U nobody -o out -r "$G" >/dev/null 2>"$WORK/zerr"
  check "-z -U: exit 0" test $? = 0
  check "-z: output inside the chroot directory" test -f "$WORK/jail/out/$SF"
  check "-U: flow files belong to the user" test "$(stat -c %U "$WORK/jail/out/$SF")" = nobody
  "$T" -z "$WORK/jail" -U nobody -o "$WORK/abs" -r "$G" >/dev/null 2>"$WORK/zerr"
  check "-z with an absolute -o: clear error" grep -q "inside the chroot" "$WORK/zerr"
fi

# ... and before any packet is parsed: a scanner records who it is and what
# it sees at the first packet and at the first flow bytes.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  mkdir -p "$WORK/probe" "$WORK/jail2"
  chmod 0755 "$WORK/jail2"
  cp "$TESTMODS/privprobe.so" "$WORK/probe/privprobe.so"
  : >"$WORK/jail2/.privprobe-jail"
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
    "$T" --plugin-dir "$WORK/probe" -e privprobe -z "$WORK/jail2" -U nobody -o out -r "$G" \
    >/dev/null 2>"$WORK/zerr"
  want="<privprobe packet_euid='$(id -u nobody)' packet_egid='$(id -g nobody)' data_euid='$(id -u nobody)' in_jail='1'/>"
  check "-U -z: the first packet is parsed as the user, inside the chroot" \
    grep -qF "$want" "$WORK/jail2/out/report.xml"
fi

# -e all is -a (seen through the md5 scanner's digests)
if have_plugin md5; then
  "$T" -e all -o "$WORK/all" -r "$G" >/dev/null 2>&1
  check "-e all enables scanners" grep -q "hashdigest" "$WORK/all/report.xml"
else
  echo "# -e all not checked: the md5 scanner is not built (--disable-plugin-md5)"
fi
finish
