#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Captures compressed as a whole (.gz .bz2 .xz .lzma .zip) are read through
# their decompressor, as tcpflow 1.6.1 does: the output equals that of the
# uncompressed file (and 1.6.1's on the .gz); a truncated or corrupt file,
# or a missing decompressor, is a clear input error (exit 2) with the flows
# up to there kept.  A compressed pcapng of several link types is read to
# the end like an uncompressed one.
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (libxml2-utils)"
T=$TCPFLOW
cp "$CAPTURES/tf_jpegs.cap" "$WORK/j.cap"
"$T" -o "$WORK/plain" -r "$WORK/j.cap" >/dev/null 2>&1

# compressed SUFFIX TOOL COMMAND...: compress j.cap into j.cap.SUFFIX and compare.
compressed() {
  local suffix=$1 tool=$2
  shift 2
  if ! command -v "$tool" >/dev/null; then
    echo "# $tool missing: .$suffix not checked"
    return
  fi
  "$@"
  "$T" -o "$WORK/out-$suffix" -r "$WORK/j.cap.$suffix" >/dev/null 2>"$WORK/err-$suffix"
  check ".$suffix: exit 0" test $? = 0
  check ".$suffix: output equal to the uncompressed capture's" \
    diff -r -x report.xml "$WORK/plain" "$WORK/out-$suffix"
}
compressed gz gzip sh -c "gzip -c '$WORK/j.cap' >'$WORK/j.cap.gz'"
compressed bz2 bzip2 sh -c "bzip2 -c '$WORK/j.cap' >'$WORK/j.cap.bz2'"
compressed xz xz sh -c "xz -c '$WORK/j.cap' >'$WORK/j.cap.xz'"
compressed lzma xz sh -c "xz -c --format=lzma '$WORK/j.cap' >'$WORK/j.cap.lzma'"
compressed zip zip sh -c "cd '$WORK' && zip -q j.cap.zip j.cap"

# The same as 1.6.1 on a .gz (without Ethernet padding, where 1.6.1 errs).
if [ -x "$REF" ] && [ -x "$TOP_BUILDDIR/tests/tools/depad" ]; then
  "$TOP_BUILDDIR/tests/tools/depad" "$CAPTURES/tf_jpegs.cap" "$WORK/d.cap" 2>/dev/null
  gzip -c "$WORK/d.cap" >"$WORK/d.cap.gz"
  "$REF" -o "$WORK/ref" -r "$WORK/d.cap.gz" >/dev/null 2>&1
  "$T" -o "$WORK/ours" -r "$WORK/d.cap.gz" >/dev/null 2>&1
  check ".gz: output equal to 1.6.1's" diff -r -x report.xml -x report.pdf "$WORK/ref" "$WORK/ours"
fi

# A compressed pcapng whose interfaces have different link types is read
# to the end too (the fallback reader runs the decompressor again).
python3 "$TESTS_SRCDIR/tools/mixed_pcapng.py" "$WORK/mixed.pcapng"
"$T" -o "$WORK/mixed" -r "$WORK/mixed.pcapng" >/dev/null 2>&1
gzip -c "$WORK/mixed.pcapng" >"$WORK/mixed.pcapng.gz"
"$T" -o "$WORK/mixedgz" -r "$WORK/mixed.pcapng.gz" >/dev/null 2>"$WORK/err"
check "compressed pcapng with two link types: exit 0" test $? = 0
check "compressed pcapng with two link types: both flows, as uncompressed" \
  sh -c "diff -r -x report.xml '$WORK/mixed' '$WORK/mixedgz' && test \$(ls '$WORK/mixedgz' | wc -l) = 3"

# Cut short: the flows up to the cut, an input error naming the file.
head -c 100000 "$WORK/j.cap.gz" >"$WORK/cut.cap.gz"
"$T" -o "$WORK/cut" -r "$WORK/cut.cap.gz" >/dev/null 2>"$WORK/err"
check "truncated .gz: exit 2" test $? = 2
check "truncated .gz: names the file" grep -q "cut.cap.gz: " "$WORK/err"
check "truncated .gz: flows before the cut written" \
  test "$(find "$WORK/cut" -type f ! -name report.xml | wc -l)" -ge 20
check "truncated .gz: report well-formed" xml_ok "$WORK/cut/report.xml"

printf 'not compressed at all' >"$WORK/bad.gz"
"$T" -o "$WORK/bad" -r "$WORK/bad.gz" >/dev/null 2>"$WORK/err"
check "not gzip data: exit 2, names the file" sh -c "test $? = 2 && grep -q 'bad.gz: ' '$WORK/err'"

# A gzip stream that decompresses to a valid capture but then fails.
{ gzip -c "$WORK/j.cap"; printf 'trailing garbage'; } >"$WORK/trail.cap.gz"
"$T" -o "$WORK/trail" -r "$WORK/trail.cap.gz" >/dev/null 2>"$WORK/err"
rc=$?
check "decompressor failing at the end: exit 2 ($rc)" test "$rc" = 2
check "decompressor failing at the end: says so" grep -q "trail.cap.gz: the decompressor exited" "$WORK/err"
check "decompressor failing at the end: every flow kept" \
  diff -r -x report.xml "$WORK/plain" "$WORK/trail"

PATH=/nonexistent "$T" -o "$WORK/nopath" -r "$WORK/j.cap.gz" >/dev/null 2>"$WORK/err"
check "no decompressor: exit 2 and the command" sh -c "test $? = 2 && grep -q 'cannot run gzip -dc' '$WORK/err'"

"$T" -o "$WORK/missing" -r "$WORK/missing.gz" >/dev/null 2>"$WORK/err"
check "missing .gz: exit 2, names the file" sh -c "test $? = 2 && grep -q 'missing.gz: No such file' '$WORK/err'"
finish
