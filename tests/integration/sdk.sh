#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The plugin ABI as a public contract: install into a scratch DESTDIR, build
# the example scanner out of tree with nothing but
# `pkg-config --cflags tcpflow-sdk`, load it into the installed tcpflow; then
# the clear refusals: another ABI major, no entry symbol, a missing shared
# library, a world-writable module, a scanner that fails to start -- and a
# broken module that is not selected does not stop the run.
. "$(dirname "$0")/lib.sh"
[ -n "${TESTS_SANITIZED:-}" ] && skip "the SDK test runs in the plain build only"
command -v pkg-config >/dev/null || skip "pkg-config missing"
command -v cc >/dev/null || skip "no C compiler"
DEST=$WORK/dest
make -s -C "$TOP_BUILDDIR" install DESTDIR="$DEST" >"$WORK/install.log" 2>&1 ||
  { cat "$WORK/install.log"; not_ok "make install DESTDIR"; finish; }
ok "make install DESTDIR"
pc=$(find "$DEST" -name tcpflow-sdk.pc | head -1)
check "tcpflow-sdk.pc installed" test -n "$pc"
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR=$DEST
cflags=$(pkg-config --cflags tcpflow-sdk)
plugindir=$DEST$(pkg-config --variable=plugindir tcpflow-sdk | sed "s|^$DEST||")
check "plugindir variable points into the install" test -d "$plugindir"
installed=$(find "$DEST" -type f -name tcpflow -perm -u+x | head -1)
check "installed binary" test -x "$installed"
check "man page installed" test -n "$(find "$DEST" -name tcpflow.1)"
check "header installed" test -n "$(find "$DEST" -path '*include/tcpflow/scanner.h')"

mkdir -p "$WORK/mods"
# shellcheck disable=SC2086
cc -shared -fPIC -Wall -Werror $cflags -o "$WORK/mods/bytecount.so" \
  "$TOP_SRCDIR/sdk/examples/bytecount.c" 2>"$WORK/cc.log"
check "example builds out of tree with pkg-config cflags only" test -f "$WORK/mods/bytecount.so"
unset TCPFLOW_PLUGIN_PATH
"$installed" --plugin-dir "$WORK/mods" -hh >"$WORK/hh" 2>&1
check "-hh lists the out-of-tree scanner" grep -q "bytecount" "$WORK/hh"
check "-hh lists its setting" grep -q "bytecount_threshold=90" "$WORK/hh"
"$installed" --plugin-dir "$WORK/mods" -e bytecount -o "$WORK/o1" -r "$CAPTURES/tf_test-gzip.pcap" 2>"$WORK/err"
check "installed tcpflow runs the example" grep -q "<bytecount total='434' printable=" "$WORK/o1/report.xml"

# A real 1.0 module: the example compiled against the stored 1.0 header
# (tests/abi/scanner-1.0.h) loads into this host (1.1, 1.2 ...) and gives the same
# result.
mkdir -p "$WORK/sdk10/tcpflow" "$WORK/mods10"
cp "$TESTS_SRCDIR/abi/scanner-1.0.h" "$WORK/sdk10/tcpflow/scanner.h"
cc -shared -fPIC -Wall -Werror -I"$WORK/sdk10" -o "$WORK/mods10/bytecount.so" \
  "$TOP_SRCDIR/sdk/examples/bytecount.c"
"$installed" --plugin-dir "$WORK/mods10" -hh >"$WORK/hh10" 2>&1
check "a 1.0 binary module is listed as ABI 1.0" grep -q "bytecount .*ABI 1\.0" "$WORK/hh10"
"$installed" --plugin-dir "$WORK/mods10" -e bytecount -o "$WORK/o10a" -r "$CAPTURES/tf_test-gzip.pcap" 2>"$WORK/err"
check "a 1.0 binary module runs in this host" \
  grep -q "<bytecount total='434' printable=" "$WORK/o10a/report.xml"

# The SDK 1.1 example: streaming with per-flow state, verdicts, flow_begin,
# connection-level information, a registered per-run output.
mkdir -p "$WORK/mods11"
# shellcheck disable=SC2086
cc -shared -fPIC -Wall -Wextra -Werror $cflags -o "$WORK/mods11/flowends.so" \
  "$TOP_SRCDIR/sdk/examples/flowends.c" 2>"$WORK/cc.log"
check "1.1 example builds out of tree with pkg-config cflags only" test -f "$WORK/mods11/flowends.so"
"$installed" --plugin-dir "$WORK/mods11" -e flowends -o "$WORK/o11" -r "$CAPTURES/tf_jpegs.cap" 2>"$WORK/err"
check "1.1 example: exit 0" test $? = 0
check "1.1 example: report well-formed" xml_ok "$WORK/o11/report.xml"
check "1.1 example: connection info (opener, end reason, the peer's id) in every flow" \
  test "$(grep -c "<flowends opener='\(this\|peer\)' end='\(fin\|input\)' peer='[0-9]" "$WORK/o11/report.xml")" = \
  "$(grep -c "<fileobject>" "$WORK/o11/report.xml")"
check "1.1 example: flows ended by FIN and by the end of input are told apart" \
  test -n "$(grep "end='fin'" "$WORK/o11/report.xml")" -a -n "$(grep "end='input'" "$WORK/o11/report.xml")"
check "1.1 example: the run output is listed in <summary>" \
  grep -q "<derived_file scanner='flowends' bytes='[1-9][0-9]*'>$WORK/o11/flowends.csv</derived_file>" \
  "$WORK/o11/report.xml"
check "1.1 example: one csv line per flow" \
  test "$(($(wc -l <"$WORK/o11/flowends.csv") - 1))" = "$(grep -c "<fileobject>" "$WORK/o11/report.xml")"
"$installed" --plugin-dir "$WORK/mods11" -e flowends -S flowends_max_bytes=100 -o "$WORK/o12" \
  -r "$CAPTURES/tf_jpegs.cap" 2>"$WORK/err"
check "1.1 verdict: TFS_FLOW_DONE stops delivery of the flow (at most one chunk after 100 bytes)" \
  test -z "$(awk -F, 'NR > 1 && $5 > 100 + 65536' "$WORK/o12/flowends.csv")" -a \
  -n "$(awk -F, 'NR > 1 && $5 >= 100' "$WORK/o12/flowends.csv")"
"$installed" --plugin-dir "$WORK/mods11" -e flowends -o "$WORK/o12" \
  -r "$CAPTURES/tf_jpegs.cap" 2>"$WORK/err"
check "run output never overwrites: the second run into the same directory gets flowends.csv.1" \
  test -s "$WORK/o12/flowends.csv.1"

# The author's kit from the install alone: the SDK man page, both examples
# from the examples directory pkg-config names, built with pkg-config
# flags only, pass the conformance run over the installed captures; a
# scanner that breaks the rules fails it.
check "SDK man page installed" test -n "$(find "$DEST" -name tcpflow-sdk.7)"
exdir=$DEST$(pkg-config --variable=examplesdir tcpflow-sdk | sed "s|^$DEST||")
confdir=$DEST$(pkg-config --variable=conformancedir tcpflow-sdk | sed "s|^$DEST||")
check "pkg-config: ABI 1.2, the drop-in directory" \
  test "$(pkg-config --variable=abi_major tcpflow-sdk).$(pkg-config --variable=abi_minor tcpflow-sdk)" = 1.2 -a \
  -n "$(pkg-config --variable=confdir tcpflow-sdk | grep 'tcpflow/scanners.d$')"
mkdir -p "$WORK/kit"
for ex in bytecount flowends; do
  # shellcheck disable=SC2046,SC2086 # flag lists, split on purpose
  cc $(pkg-config --variable=module_cflags tcpflow-sdk) $(pkg-config --variable=module_ldflags tcpflow-sdk) \
    -Wall -Werror $cflags -o "$WORK/kit/$ex.so" "$exdir/$ex.c"
  TCPFLOW_CONFORMANCE_DIR=$confdir "$installed" --check-scanner "$WORK/kit/$ex.so" >"$WORK/check-$ex" 2>&1
  rc=$?
  check "--check-scanner passes the installed example $ex (exit $rc)" \
    test "$rc" = 0 -a -n "$(grep -c '^ok - ' "$WORK/check-$ex")" -a -z "$(grep '^FAIL' "$WORK/check-$ex")"
done
check "--check-scanner ran over every installed capture" \
  test "$(grep -c 'report.xml is well-formed' "$WORK/check-flowends")" = "$(ls "$confdir" | wc -l)"
# A file named otherwise than the scanner it declares is checked under the
# declared name; a module that cannot be loaded fails, saying why.
cp "$WORK/kit/bytecount.so" "$WORK/kit/counter-v2.so"
TCPFLOW_CONFORMANCE_DIR=$confdir "$installed" --check-scanner "$WORK/kit/counter-v2.so" >"$WORK/check-renamed" 2>&1
rc=$?
check "--check-scanner of a renamed file checks the declared scanner (exit $rc)" \
  test "$rc" = 0 -a -n "$(grep "(scanner 'bytecount')" "$WORK/check-renamed")" -a -z "$(grep '^FAIL' "$WORK/check-renamed")"
printf 'int tcpflow_scanner_describe(void) { return 0; }\n' >"$WORK/kit/empty.c"
cc -shared -fPIC -o "$WORK/kit/empty.so" "$WORK/kit/empty.c"
TCPFLOW_CONFORMANCE_DIR=$confdir "$installed" --check-scanner "$WORK/kit/empty.so" >"$WORK/check-empty" 2>&1
rc=$?
check "--check-scanner of an unusable module: exit 5 and the reason (exit $rc)" \
  test "$rc" = 5 -a -n "$(grep '^FAIL - .*empty.so cannot be used: ' "$WORK/check-empty")"
# shellcheck disable=SC2086
cc -shared -fPIC $cflags -DRUNAWAY_DEFAULT_MODE='"exit"' -o "$WORK/kit/runaway.so" \
  "$TESTS_SRCDIR/integration/runaway.c"
TCPFLOW_CONFORMANCE_DIR=$confdir "$installed" --check-scanner "$WORK/kit/runaway.so" >"$WORK/check-rw" 2>&1
rc=$?
check "--check-scanner fails a scanner that calls exit() (exit $rc)" \
  test "$rc" = 5 -a -n "$(grep '^FAIL - .*exits with 0' "$WORK/check-rw")" -a \
  -n "$(grep '^FAIL - .*no <scanner_failure>' "$WORK/check-rw")"

# Another ABI major: a clear refusal naming the file and both versions.
sed 's/\.abi_major = TFS_ABI_MAJOR/.abi_major = TFS_ABI_MAJOR + 1/; s/bytecount/future/g' \
  "$TOP_SRCDIR/sdk/examples/bytecount.c" >"$WORK/future.c"
# shellcheck disable=SC2086
cc -shared -fPIC $cflags -o "$WORK/mods/future.so" "$WORK/future.c"
"$installed" --plugin-dir "$WORK/mods" -e future -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o2" 2>"$WORK/err"
rc=$?
check "ABI major mismatch: the run goes on without it, exit 5 (got $rc)" \
  test "$rc" = 5 -a -n "$(grep "<scanner_failure scanner='future' event='load'" "$WORK/o2/report.xml")"
check "ABI major mismatch: names the file and both versions" \
  grep -Eq "future.so was built for scanner ABI 2\.[0-9]+, but this tcpflow provides ABI 1\.[0-9]+" "$WORK/err"

# No entry symbol.
printf 'int not_a_scanner(void) { return 1; }\n' >"$WORK/plain.c"
cc -shared -fPIC -o "$WORK/mods/plain.so" "$WORK/plain.c"
"$installed" --plugin-dir "$WORK/mods" -e plain -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o3" 2>"$WORK/err"
check "not a scanner: exit 1 and a clear message" grep -q "plain.so: not a tcpflow scanner (no tcpflow_scanner_describe symbol)" "$WORK/err"

# A missing shared-library dependency: the dynamic loader's text is shown.
printf 'void missing_function(void); void f(void) { missing_function(); }\n' >"$WORK/dep.c"
cc -shared -fPIC -o "$WORK/libtfmissing.so" "$WORK/dep.c"
printf 'void f(void); int tcpflow_scanner_describe(void) { f(); return 0; }\n' >"$WORK/needy.c"
cc -shared -fPIC -o "$WORK/mods/needy.so" "$WORK/needy.c" -L"$WORK" -ltfmissing
"$installed" --plugin-dir "$WORK/mods" -e needy -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o4" 2>"$WORK/err"
check "missing dependency: the loader's reason" grep -q "needy.so: cannot load: .*libtfmissing" "$WORK/err"

# Broken modules that are not selected do not stop the run.
"$installed" --plugin-dir "$WORK/mods" -e bytecount -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o5" 2>"$WORK/err"
check "unselected broken modules do not stop the run" test $? = 0

# A world-writable module is refused.
mkdir -p "$WORK/ww"
cp "$WORK/mods/bytecount.so" "$WORK/ww/"
chmod 0777 "$WORK/ww/bytecount.so"
"$installed" --plugin-dir "$WORK/ww" -e bytecount -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o6" 2>"$WORK/err"
check "world-writable module refused" grep -q "writable by every user" "$WORK/err"

# A scanner that fails to start stops the run before any packet is read.
sed 's/st->threshold = strtol/if (1) return TFS_ERROR; st->threshold = strtol/; s/bytecount/failstart/g' \
  "$TOP_SRCDIR/sdk/examples/bytecount.c" >"$WORK/failstart.c"
# shellcheck disable=SC2086
cc -shared -fPIC $cflags -o "$WORK/mods/failstart.so" "$WORK/failstart.c" 2>/dev/null
"$installed" --plugin-dir "$WORK/mods" -e failstart -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o7" 2>"$WORK/err"
rc=$?
check "failing init: exit 1 naming the module" test "$rc" = 1 -a -n "$(grep "failstart" "$WORK/err")"

# A scanner that breaks the rules is contained: escapes refused, errors
# reported, the host's flow files and report intact.
cp "$TESTMODS/misbehave.so" "$WORK/mods/misbehave.so" # built by make check
"$installed" --plugin-dir "$WORK/mods" -e misbehave -o "$WORK/o8/out" -r "$CAPTURES/tf_jpegs.cap" 2>"$WORK/err"
rc=$?
check "misbehaving scanner: the run completes, exit 5 for the failed scanner (exit $rc)" test "$rc" = 5
check "misbehaving scanner: <scanner_failure> in the report" \
  grep -q "<scanner_failure scanner=.misbehave. event=.flow_data. reason=.returned an error." "$WORK/o8/out/report.xml"
check "misbehaving scanner: no file outside the output directory" \
  test -z "$(find "$WORK/o8" -name '*escaped*')"
check "misbehaving scanner: its failure is reported and it is disabled" \
  grep -q "scanner 'misbehave' failed in flow_data" "$WORK/err"
check "misbehaving scanner: refused suffix reported" grep -q "refused output suffix" "$WORK/err"
check "misbehaving scanner: report well-formed" xml_ok "$WORK/o8/out/report.xml"
check "misbehaving scanner: elements left open were closed, text escaped" \
  grep -q "<left_open note='&lt;closed by the host&gt; &amp; &quot;escaped&quot;'/>" "$WORK/o8/out/report.xml"
"$installed" -o "$WORK/o9" -r "$CAPTURES/tf_jpegs.cap" 2>/dev/null
check "misbehaving scanner: flow files identical to a run without it" \
  diff -r -x report.xml -x '*-huge' "$WORK/o8/out" "$WORK/o9"
huge=$(find "$WORK/o8/out" -name '*-huge' | head -1)
check "runaway output without a limit: all 4 MiB written" test "$(stat -c %s "$huge" 2>/dev/null)" = 4194304
"$installed" --plugin-dir "$WORK/mods" -e misbehave -S scanner_max_output=100000 -o "$WORK/o10" \
  -r "$CAPTURES/tf_jpegs.cap" 2>"$WORK/err"
sizes=$(find "$WORK/o10" -name '*-huge' -exec stat -c %s {} + | sort -u)
check "scanner_max_output: every derived file cut at the limit ($sizes)" test "$sizes" = 100000
check "scanner_max_output: said once per file, naming it" \
  test "$(grep -c "huge reached scanner_max_output (100000 bytes)" "$WORK/err")" = \
  "$(find "$WORK/o10" -name '*-huge' | wc -l)"

# Streaming: bytes reach a streaming scanner while the capture is read
# (first_packets below the flow's final count), contiguously, once each
# (bytes equal to the file size), also on a capture stored out of order.
cp "$TESTMODS/streamprobe.so" "$WORK/mods/streamprobe.so" # built by make check
for cap in tf_jpegs.cap tf_test5-lines-randomized.pcap; do
  "$installed" --plugin-dir "$WORK/mods" -e streamprobe -o "$WORK/sp-$cap" -r "$CAPTURES/$cap" 2>/dev/null
  python3 - "$WORK/sp-$cap/report.xml" >"$WORK/sp.out" <<'PY'
import os, sys, xml.etree.ElementTree as ET
ns = ""
early = total = bad = 0
for fo in ET.parse(sys.argv[1]).getroot().iter(ns + "fileobject"):
    p = fo.find(ns + "streamprobe")
    name = fo.find(ns + "filename")
    if p is None or name is None:
        continue
    total += 1
    if int(p.get("first_packets")) < int(p.get("packets")):
        early += 1
    if p.get("contiguous") != "yes" or int(p.get("bytes")) != os.path.getsize(name.text):
        bad += 1
        print("bad", name.text, p.attrib)
print(total, early, bad)
PY
  read -r total early bad <<<"$(tail -1 "$WORK/sp.out")"
  check "streaming on $cap: every flow's bytes once, in order ($total flows, $bad bad)" \
    test "$total" -gt 0 -a "$bad" = 0
  check "streaming on $cap: bytes arrive while reading ($early of $total flows)" test "$early" -gt 0
done

# Nanosecond timestamps (SDK 1.1): a copy of a capture in the nanosecond
# pcap format, each time moved by 789 ns, gives scanners every digit
# (first, last, and the time of the packet that made bytes available),
# while report.xml keeps microseconds, as libpcap's microsecond mode reads
# them; the microsecond original gives the microseconds x 1000.
python3 - "$CAPTURES/tf_jpegs.cap" "$WORK/ns.pcap" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
magic, = struct.unpack("<I", d[:4])
assert magic == 0xa1b2c3d4, hex(magic)
out = bytearray(struct.pack("<I", 0xa1b23c4d) + d[4:24])
o = 24
while o + 16 <= len(d):
    sec, usec, incl, orig = struct.unpack("<IIII", d[o:o + 16])
    out += struct.pack("<IIII", sec, usec * 1000 + 789, incl, orig) + d[o + 16:o + 16 + incl]
    o += 16 + incl
open(sys.argv[2], "wb").write(out)
PY
for v in us ns; do
  c=$CAPTURES/tf_jpegs.cap
  [ $v = ns ] && c=$WORK/ns.pcap
  "$installed" --plugin-dir "$WORK/mods" -e streamprobe -o "$WORK/time-$v" -r "$c" 2>/dev/null
  python3 - "$WORK/time-$v/report.xml" $v >"$WORK/time-$v.out" <<'PY'
import sys, xml.etree.ElementTree as ET
want = "789" if sys.argv[2] == "ns" else "000"
n = bad = 0
for fo in ET.parse(sys.argv[1]).getroot().iter("fileobject"):
    p = fo.find("streamprobe")
    if p is None:
        continue
    n += 1
    t = fo.find("tcpflow")
    # report.xml: 2009-11-24T10:02:13.123456Z style, microseconds
    us = t.get("startime").split(".")[1].rstrip("Z")
    for k in ("first", "last", "data"):
        if not p.get(k).endswith(want) or len(p.get(k).split(".")[1]) != 9:
            bad += 1
            print("bad", k, p.attrib)
    if p.get("first").split(".")[1][:6] != us:
        bad += 1
        print("first differs from report", us, p.attrib)
print(n, bad)
PY
  read -r total bad <<<"$(tail -1 "$WORK/time-$v.out")"
  what="microseconds x 1000"
  [ $v = ns ] && what="every nanosecond digit"
  check "timestamps ($v capture): scanners get $what, report.xml microseconds ($total flows, $bad bad)" \
    test "$total" -gt 0 -a "$bad" = 0
done
check "a nanosecond capture gives the same flow files and report flows as the microsecond one" \
  test "$(cd "$WORK/time-ns" && find . -type f ! -name report.xml -exec md5sum {} + | sort)" = \
  "$(cd "$WORK/time-us" && find . -type f ! -name report.xml -exec md5sum {} + | sort)"
finish
