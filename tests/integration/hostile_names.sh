#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Nothing an HTTP header says names a file: URIs, Content-Type and
# Content-Disposition with "..", absolute paths, NUL bytes and names far
# over NAME_MAX (tests/tools/hostile_http.py) leave every file inside the
# output directory, named from the flow and a number only, with the bodies
# intact and the report well-formed.  (Templates with ".." or absolute
# paths are refused up front: errors.sh.)
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (libxml2-utils)"
command -v python3 >/dev/null || skip "python3 missing"
need_plugin http
python3 "$TESTS_SRCDIR/tools/hostile_http.py" "$WORK/hostile.pcap"
mkdir -p "$WORK/box"
"$TCPFLOW" -a -o "$WORK/box/out" -r "$WORK/hostile.pcap" >/dev/null 2>"$WORK/err"
check "hostile headers: exit 0" test $? = 0
check "hostile headers: nothing beside the output directory" test "$(ls -A "$WORK/box")" = out
check "hostile headers: no /tmp/evil" test ! -e /tmp/evil
check "hostile headers: no subdirectory" test -z "$(find "$WORK/box/out" -mindepth 1 -type d)"
odd=$(ls -A "$WORK/box/out" | grep -Ev '^[0-9.]+-[0-9.]+(-HTTP|-HTTPBODY-[0-9]{3}(\.[a-z0-9]+)?)?$' |
  grep -Evx 'report.xml|report.pdf|wifi-summary.txt')
check "hostile headers: every name is flow[-HTTP|-HTTPBODY-NNN[.ext]] ($odd)" test -z "$odd"
bodies=$(find "$WORK/box/out" -name '*-HTTPBODY-*' | wc -l)
good=$(for f in "$WORK"/box/out/*-HTTPBODY-*; do grep -l "^body of exchange [0-9]$" "$f"; done | wc -l)
check "hostile headers: bodies recovered whole ($good of $bodies)" test "$bodies" -ge 4 -a "$good" = "$bodies"
check "hostile headers: report well-formed" xml_ok "$WORK/box/out/report.xml"
finish
