#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Packets larger than their interface allows, through the pcapng fallback
# reader (tests/tools/mixed_pcapng.py --oversize): a 300,000-byte TSO
# segment (IPv4 total length 0) on an interface with snapshot length 0, and
# a 5,000-byte segment on one with snapshot length 1000.  The reader clamps
# them as libpcap does (256 KiB, the interface's snapshot length); -s strips
# every byte that is written (it once wrote from past a 256 KiB buffer).
. "$TESTS_SRCDIR/integration/lib.sh"
T=$TCPFLOW
command -v python3 >/dev/null || skip "python3 is needed to build the capture"

python3 "$TESTS_SRCDIR/tools/mixed_pcapng.py" --oversize "$WORK/over.pcapng"
F3=010.000.000.003.40003-192.000.002.001.00080
F4=010.000.000.004.40003-192.000.002.001.00080

"$T" -o "$WORK/raw" -r "$WORK/over.pcapng" >/dev/null 2>&1
check "oversize: exit 0" test $? = 0
"$T" -s -o "$WORK/strip" -r "$WORK/over.pcapng" >/dev/null 2>&1
check "oversize -s: exit 0" test $? = 0

# What each file must hold: the payload bytes (7 * i) mod 256 up to the
# clamp (262144 - 40 bytes of headers; 1000 - 40), stripped for -s.
python3 - "$WORK" "$F3" "$F4" >"$WORK/verdict" <<'PY'
import sys
work, f3, f4 = sys.argv[1:]
def want(n, strip):
    b = bytes((7 * k) & 255 for k in range(n))
    if strip:
        b = bytes(c if 32 <= c < 127 or c in (10, 13) else 46 for c in b)
    return b
for tree, strip in (("raw", False), ("strip", True)):
    for name, n in ((f3, 262144 - 40), (f4, 1000 - 40)):
        got = open(f"{work}/{tree}/{name}", "rb").read()
        print(f"{tree}/{name[:15]}", "ok" if got == want(n, strip) else f"wrong ({len(got)} bytes)")
PY
while read -r what verdict; do
  check "oversize: $what holds the clamped payload${verdict#ok}" test "$verdict" = ok
done <"$WORK/verdict"
check "oversize: four files checked" test "$(grep -c . "$WORK/verdict")" = 4
check "oversize: report well-formed" xml_ok "$WORK/strip/report.xml"
finish
