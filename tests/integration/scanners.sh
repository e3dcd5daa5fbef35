#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Scanner selection (-e/-x/-E/-a/-FM) and the md5 scanner: on every capture
# of the corpus each flow's digest equals md5sum of its file.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
D="python3 $(dirname "$0")/digests.py"
T=$TCPFLOW
C=$CAPTURES

need_plugin md5
"$T" -hh >"$WORK/hh" 2>&1
for s in md5 http gzip python wifi; do
  have_plugin "$s" || continue
  check "-hh lists the $s scanner" grep -Eq "^   $s +" "$WORK/hh"
done
check "-hh shows the md5 setting" grep -q "md5_extra_digests" "$WORK/hh"

for cap in "$C"/*.pcap "$C"/*.pcapng "$C"/*.cap; do # not SOURCES
  b=$(basename "$cap")
  "$T" -e md5 -o "$WORK/md5-$b" -r "$cap" >/dev/null 2>&1
  check "-e md5 digests equal md5sum: $b" $D "$WORK/md5-$b/report.xml"
done

G=$C/tf_jpegs.cap
"$T" -FM -o "$WORK/fm" -r "$G" >/dev/null 2>&1
check "-FM enables md5 (1.6.1 silently did not)" $D "$WORK/fm/report.xml"
"$T" -a -x md5 -o "$WORK/ax" -r "$G" >/dev/null 2>&1
check "-x md5 after -a disables it (1.6.1 kept it)" $D "$WORK/ax/report.xml" --expect-none
"$T" -E md5 -o "$WORK/E" -r "$G" >/dev/null 2>&1
check "-E md5 keeps writing flow files (1.6.1 wrote none)" \
  diff -r -x report.xml "$WORK/E" "$WORK/md5-$(basename "$G")"
"$T" -FX -e md5 -o "$WORK/fx" -r "$G" >/dev/null 2>&1
check "-FX writes no flow file" test "$(find "$WORK/fx" -type f ! -name report.xml | wc -l)" = 0
check "-FX leaves no temporary storage" test "$(find "$WORK/fx" -name '.tcpflow-tmp*' | wc -l)" = 0
check "-FX -e md5: digests still right" $D "$WORK/fx/report.xml" --reference "$WORK/fm"
# Flows of up to 64 KiB reach the scanners from memory: with -FX not even a
# hidden file is made for them; a larger one spills to one, removed at the
# end (strace, when installed, sees every open).
if command -v strace >/dev/null 2>&1; then
  L=$C/tf_local2.pcap # 25 KB: every flow is small
  "$T" -e md5 -o "$WORK/l2" -r "$L" >/dev/null 2>&1
  strace -f -e trace=open,openat,creat -o "$WORK/fx.strace" "$T" -FX -e md5 -o "$WORK/fx2" -r "$L" \
    >/dev/null 2>&1
  check "-FX -e md5, small flows: no temporary storage created" \
    test "$(grep -c 'tcpflow-tmp' "$WORK/fx.strace")" = 0
  check "-FX -e md5, small flows from memory: digests right" \
    $D "$WORK/fx2/report.xml" --reference "$WORK/l2"
  strace -f -e trace=open,openat,creat -o "$WORK/fx3.strace" "$T" -FX -e md5 -o "$WORK/fx3" -r "$G" \
    >/dev/null 2>&1
  check "-FX -e md5, a flow over 64 KiB: it spills to temporary storage" \
    grep -q 'tcpflow-tmp' "$WORK/fx3.strace"
fi
"$T" -b 10 -e md5 -o "$WORK/b" -r "$G" >/dev/null 2>&1
check "-b 10 -e md5: digest of the cut file" $D "$WORK/b/report.xml"
"$T" -e md5 -S md5_extra_digests=sha1,sha256 -o "$WORK/sha" -r "$G" >/dev/null 2>&1
check "md5_extra_digests adds SHA1 and SHA256" grep -q "hashdigest type='SHA256'" "$WORK/sha/report.xml"
check "extra digests are right" $D "$WORK/sha/report.xml"
"$T" -e md5 -S md5_extra_digests=crc32 -o "$WORK/bad" -r "$G" >"$WORK/out" 2>&1
check "unknown extra digest: clear error" grep -q "unknown digest 'crc32'" "$WORK/out"
# Hashed inline (md5_thread=0) or by 1 to 3 worker threads, whose flows'
# reports wait for them (SDK 1.2 deferred completion): the same digests,
# the same report entries in the same order.
X=$C/pp_example2.pcap
for how in md5_thread=0 md5_threads=1 md5_threads=3 md5_threads=auto; do
  "$T" -e md5 -S "$how" -S md5_extra_digests=sha1 -o "$WORK/thr-$how" -r "$X" >/dev/null 2>&1
  check "$how: digests equal md5sum" $D "$WORK/thr-$how/report.xml"
  sed -n '/<fileobject>/,/<\/fileobject>/p' "$WORK/thr-$how/report.xml" |
    sed "s|$WORK/thr-$how/||" >"$WORK/thr-$how.entries"
done
check "md5_thread=0: flows with a digest" test "$(grep -c "type='MD5'" "$WORK/thr-md5_thread=0.entries")" -gt 100
for how in md5_threads=1 md5_threads=3 md5_threads=auto; do
  check "$how: report entries byte for byte as md5_thread=0" \
    cmp -s "$WORK/thr-md5_thread=0.entries" "$WORK/thr-$how.entries"
done
"$T" -e md5 -S md5_threads=0 -o "$WORK/thr-bad" -r "$G" >"$WORK/out" 2>&1
check "md5_threads=0: clear error" grep -q "md5_threads: '0' is not 'auto' or a number from 1 to 16" "$WORK/out"
# Small, periodic and duplicate flows are digested too (1.6.1 skipped them).
"$T" -e md5 -o "$WORK/small" -r "$C/td_tcp_rst_data-trunc.pcap" >/dev/null 2>&1
check "small flows get a digest" grep -q "hashdigest" "$WORK/small/report.xml"
finish
