#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Run the binary on real captures and compare the output trees byte for byte
# with the expected manifests in tests/expected/ (file names, sizes, SHA-256).
# The manifests were checked against tcpflow 1.6.1: equal where 1.6.1 is
# right; where it is wrong they hold the truth (see tests/differences.txt).
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (libxml2-utils)"
# The project's own capture is what its generator writes (tests/captures/SOURCES).
if command -v python3 >/dev/null; then
  python3 "$TESTS_SRCDIR/tools/gen_sample.py" "$WORK/gen.pcapng"
  check "gen_http-mixed.pcapng is gen_sample.py's output" cmp -s "$WORK/gen.pcapng" "$CAPTURES/gen_http-mixed.pcapng"
fi
for m in "$TESTS_SRCDIR"/expected/*.manifest; do
  cap=$(basename "$m" .manifest)
  out=$WORK/$cap
  "$TCPFLOW" -o "$out" -r "$CAPTURES/$cap" >"$WORK/log" 2>&1
  rc=$?
  want_rc=$(sed -n 's/^# exit //p' "$m")
  check "$cap: exit status ${want_rc:-0}" test "$rc" = "${want_rc:-0}"
  manifest "$out" >"$WORK/got"
  grep -v '^#' "$m" >"$WORK/want"
  if diff -u "$WORK/want" "$WORK/got" >"$WORK/diff"; then
    ok "$cap: output tree identical"
  else
    not_ok "$cap: output tree differs"
    head -20 "$WORK/diff"
  fi
  check "$cap: report.xml well-formed" xml_ok "$out/report.xml"
done
finish
