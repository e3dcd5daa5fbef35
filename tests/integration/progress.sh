#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The status line: shown under a pseudo-terminal (script(1)) with bytes of
# the total of all inputs (compressed: the compressed size), packets and
# flows, and a final summary line; nothing without a terminal, with -q or
# in console mode; SIGUSR1 prints it once even without a terminal.  The
# figures of the final line are checked against the report, never times.
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null || skip "script(1) missing (Debian: bsdutils)"
command -v python3 >/dev/null || skip "python3 missing"
T=$TCPFLOW
C=$CAPTURES
K=$C/nd_KakaoTalk_chat.pcap
G=$C/tf_test-gzip.pcap

# The size as the status line prints it.
human() {
  python3 -c '
import sys
v = float(sys.argv[1]); u = 0
units = ["B", "kB", "MB", "GB", "TB", "PB"]
while v >= 1000 and u < 5: v /= 1000; u += 1
print(("%.1f %s" if u else "%.0f %s") % (v, units[u]))' "$1"
}
frames() { sed -n "s/.*<frames read='\([0-9]*\)'.*/\1/p" "$1"; }
# Run tcpflow with stderr (and stdout) on a pseudo-terminal; the terminal's
# output goes to $1.
on_tty() {
  local out=$1
  shift
  script -qec "$(printf '%q ' "$@")" /dev/null >"$out" 2>&1 </dev/null
}

on_tty "$WORK/tty1.out" "$T" -o "$WORK/tty1" -r "$K"
check "terminal: exit 0" test $? = 0
size=$(human "$(stat -c %s "$K")")
n=$(frames "$WORK/tty1/report.xml")
check "terminal: final line with bytes of the total, packets and flows" \
  grep -aq "tcpflow: done: $size of $size (100.0%), .*$n packets, 0 flows open, [0-9]* closed, [0-9:]* elapsed" \
  "$WORK/tty1.out"
"$T" -o "$WORK/notty" -r "$K" 2>"$WORK/notty.err"
check "no terminal: no status line" sh -c "! grep -aq 'done:\|packets' '$WORK/notty.err'"
check "no terminal: no carriage return on stderr" sh -c "! grep -aq \$'\\r' '$WORK/notty.err'"
check "the status line changes no output" diff -r -x report.xml "$WORK/tty1" "$WORK/notty"

# Several inputs: the total is their sum.
on_tty "$WORK/tty2.out" "$T" -o "$WORK/tty2" -r "$K" -r "$G"
sum=$(human $(($(stat -c %s "$K") + $(stat -c %s "$G"))))
n=$(frames "$WORK/tty2/report.xml")
check "two files: the total is the sum of both ($sum)" \
  grep -aq "tcpflow: done: $sum of $sum (100.0%), .*$n packets," "$WORK/tty2.out"

# A compressed input counts its compressed bytes.
if command -v gzip >/dev/null; then
  gzip -c "$K" >"$WORK/k.pcap.gz"
  on_tty "$WORK/tty3.out" "$T" -o "$WORK/tty3" -r "$WORK/k.pcap.gz"
  gz=$(human "$(stat -c %s "$WORK/k.pcap.gz")")
  check "compressed: the total is the compressed size ($gz)" \
    grep -aq "tcpflow: done: $gz of $gz (100.0%)" "$WORK/tty3.out"
fi

# Quiet and console modes print nothing of it.
on_tty "$WORK/tty4.out" "$T" -q -o "$WORK/tty4" -r "$K"
check "-q on a terminal: no status line" sh -c "! grep -aq 'done:' '$WORK/tty4.out'"
on_tty "$WORK/tty5.out" "$T" -c -r "$G"
check "-c on a terminal: no status line" sh -c "! grep -aq 'done:' '$WORK/tty5.out'"
check "-c on a terminal: the console output is there" grep -aq "POST " "$WORK/tty5.out"

# SIGUSR1 without a terminal: one plain status line, as dd prints.
# The report's first lines are written when it is opened: then the handler
# is in place.  The feeder is stopped (EOF) only once both copies are sent.
mkfifo "$WORK/fifo"
(cat "$K"; sleep 2; tail -c +25 "$K"; : >"$WORK/fed"; exec sleep 30) >"$WORK/fifo" &
feeder=$!
"$T" -o "$WORK/usr1" -r - <"$WORK/fifo" >/dev/null 2>"$WORK/usr1.err" &
pid=$!
for _ in $(seq 100); do [ -s "$WORK/usr1/report.xml" ] && break; sleep 0.1; done
kill -USR1 "$pid"
for _ in $(seq 150); do grep -aq ' packets, ' "$WORK/usr1.err" && break; sleep 0.1; done
for _ in $(seq 150); do [ -e "$WORK/fed" ] && break; sleep 0.1; done
kill "$feeder" 2>/dev/null
wait "$pid"
rc=$?
check "SIGUSR1: exit 0 (the run goes on)" test "$rc" = 0
check "SIGUSR1: one status line with packets and flows" \
  grep -aq '^tcpflow: [0-9]* packets, [0-9]* flows open, [0-9]* closed, [0-9:]* elapsed$' "$WORK/usr1.err"
check "SIGUSR1: no final line without a terminal" sh -c "! grep -aq 'done:' '$WORK/usr1.err'"
check "SIGUSR1: every packet read (both copies)" \
  test "$(frames "$WORK/usr1/report.xml")" = $((2 * $(frames "$WORK/notty/report.xml")))
finish
