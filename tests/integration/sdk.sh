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

# Another ABI major: a clear refusal naming the file and both versions.
sed 's/\.abi_major = TFS_ABI_MAJOR/.abi_major = TFS_ABI_MAJOR + 1/; s/bytecount/future/g' \
  "$TOP_SRCDIR/sdk/examples/bytecount.c" >"$WORK/future.c"
# shellcheck disable=SC2086
cc -shared -fPIC $cflags -o "$WORK/mods/future.so" "$WORK/future.c"
"$installed" --plugin-dir "$WORK/mods" -e future -r "$CAPTURES/tf_test-gzip.pcap" -o "$WORK/o2" 2>"$WORK/err"
rc=$?
check "ABI major mismatch: exit 1" test "$rc" = 1
check "ABI major mismatch: names the file and both versions" \
  grep -Eq "future.so was built for scanner ABI 2\.0, but this tcpflow provides ABI 1\.0" "$WORK/err"

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
finish
