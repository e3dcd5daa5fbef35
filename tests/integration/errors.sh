#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Bad input and hostile conditions end in a clear message naming the file, the
# documented exit status, every byte seen so far written and a well-formed
# report -- never a crash.
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (libxml2-utils)"
T=$TCPFLOW
C=$CAPTURES

expect() { # expect "desc" want_rc stderr_regex -- command...
  local desc=$1 want=$2 re=$3 rc
  shift 4
  "$@" >"$WORK/out" 2>"$WORK/err"
  rc=$?
  if [ "$rc" = "$want" ] && grep -Eq -- "$re" "$WORK/err"; then
    ok "$desc"
  else
    not_ok "$desc (exit $rc, stderr: $(head -c 300 "$WORK/err"))"
  fi
}

expect "missing capture: exit 2, names the file" 2 "/nonexistent.pcap" -- \
  "$T" -o "$WORK/o1" -r /nonexistent.pcap
check "missing capture: nothing created" test ! -e "$WORK/o1"

printf 'this is not a capture file at all\n' >"$WORK/junk.pcap"
expect "not a capture: exit 2, names the file" 2 "junk.pcap" -- "$T" -o "$WORK/o2" -r "$WORK/junk.pcap"

expect "bad filter: exit 1, names the expression" 1 "tcp port nonsense" -- \
  "$T" -o "$WORK/o3" -r "$C/tf_test-gzip.pcap" tcp port nonsense
check "bad filter: nothing created" test ! -e "$WORK/o3"

expect "a filter in several words works" 0 "" -- \
  "$T" -o "$WORK/o3b" -r "$C/tf_jpegs.cap" tcp and port 3177
check "filter selects one connection" test "$(find "$WORK/o3b" -type f ! -name report.xml | wc -l)" = 2

expect "unknown -T specifier: exit 1 before reading" 1 "%Q" -- \
  "$T" -o "$WORK/o4" -T 'x%Q' -r "$C/tf_test-gzip.pcap"
check "bad template: nothing created" test ! -e "$WORK/o4"
expect "template leaving the output directory is refused" 1 "inside the output directory" -- \
  "$T" -o "$WORK/o5" -T '../%A' -r "$C/tf_test-gzip.pcap"
expect "absolute template is refused" 1 "inside the output directory" -- \
  "$T" -o "$WORK/o5" -T '/tmp/%A' -r "$C/tf_test-gzip.pcap"

expect "unknown -S name: exit 1 and the known names" 1 "tcp_timeout" -- \
  "$T" -o "$WORK/o6" -S tcp_timout=5 -r "$C/tf_test-gzip.pcap"
expect "scanner not installed: exit 1" 1 "scanner 'nosuch' is not installed" -- \
  "$T" -o "$WORK/o7" -e nosuch -r "$C/tf_test-gzip.pcap"
expect "-z without -U: exit 1" 1 "-z requires -U" -- \
  "$T" -o "$WORK/o8" -z /tmp -r "$C/tf_test-gzip.pcap"

: >"$WORK/afile"
expect "output path is a file: exit 3" 3 "not a directory" -- \
  "$T" -o "$WORK/afile" -r "$C/tf_test-gzip.pcap"

# Write errors of the console and of -w make the exit status 3; a reader
# that closes the pipe early does not.
expect "console to a full device: exit 3" 3 "standard output: No space left" -- \
  sh -c "exec '$T' -c -r '$C/tf_jpegs.cap' >/dev/full"
expect "-w to a full device: exit 3, names it" 3 "/dev/full: No space left" -- \
  "$T" -o "$WORK/o2w" -w /dev/full -r "$C/gen_http-mixed.pcapng"
check "-w to a full device: report well-formed" xml_ok "$WORK/o2w/report.xml"
rc=$("$T" -c -r "$C/tf_jpegs.cap" 2>/dev/null | (head -c 10 >/dev/null; sleep 0.2); echo "${PIPESTATUS[0]}")
check "console into a pipe closed early: exit 0 ($rc)" test "$rc" = 0

# A capture cut in the middle of a record: flows up to the cut are kept.
head -c 200000 "$C/tf_jpegs.cap" >"$WORK/cut.pcap"
expect "truncated capture: exit 2, names file and offset" 2 "cut.pcap.*offset" -- \
  "$T" -o "$WORK/o9" -r "$WORK/cut.pcap"
check "truncated capture: report well-formed" xml_ok "$WORK/o9/report.xml"
check "truncated capture: flows before the cut written" \
  test "$(find "$WORK/o9" -type f ! -name report.xml | wc -l)" -ge 20
"$T" -o "$WORK/o9full" -r "$C/tf_jpegs.cap" >/dev/null 2>&1
n_same=0
for f in "$WORK"/o9/0*; do
  b=$(basename "$f")
  cmp -s "$f" "$WORK/o9full/$b" && n_same=$((n_same + 1))
done
check "truncated capture: most flows equal to the full run ($n_same)" test "$n_same" -ge 10

# Signals: SIGTERM while reading a slow stream finishes the report and keeps
# every flow seen.
mkfifo "$WORK/fifo"
(cat "$C/tf_test-gzip.pcap"; sleep 30) >"$WORK/fifo" &
feeder=$!
"$T" -o "$WORK/o10" -r - <"$WORK/fifo" >/dev/null 2>"$WORK/err" &
pid=$!
sleep 2
kill -TERM "$pid"
wait "$pid"
rc=$?
kill "$feeder" 2>/dev/null
check "SIGTERM: exit 0" test "$rc" = 0
check "SIGTERM: report well-formed" xml_ok "$WORK/o10/report.xml"
check "SIGTERM: flows seen are written" \
  test "$(stat -c %s "$WORK/o10/172.031.021.034.00080-052.043.158.010.55634" 2>/dev/null)" = 334

# SIGHUP and SIGINT stop as orderly as SIGTERM.
for sig in HUP INT; do
  (cat "$C/tf_test-gzip.pcap"; sleep 30) >"$WORK/fifo" &
  feeder=$!
  "$T" -o "$WORK/o11$sig" -r - <"$WORK/fifo" >/dev/null 2>&1 &
  pid=$!
  sleep 2
  kill -$sig "$pid"
  wait "$pid"
  rc=$?
  kill "$feeder" 2>/dev/null
  check "SIG$sig: exit 0" test "$rc" = 0
  check "SIG$sig: report well-formed" xml_ok "$WORK/o11$sig/report.xml"
done

# Too many open files: a descriptor limit far below the flows and a large -f
# lose no byte.  100,000 flows, interleaved (20,000 under the sanitizers, for
# time: there the point is memory safety, not the fd cache).
nflows=100000
[ -n "${TESTS_SANITIZED:-}" ] && nflows=20000
python3 "$TESTS_SRCDIR/tools/gen_flows.py" "$WORK/many.pcap" --flows $nflows --segments 2 --interleave
(ulimit -n 48 && "$T" -f 100000 -o "$WORK/lim" -r "$WORK/many.pcap" >/dev/null 2>"$WORK/limerr")
check "ulimit -n 48 with -f 100000 and $nflows flows: exit 0" test $? = 0
"$T" -o "$WORK/nolim" -r "$WORK/many.pcap" >/dev/null 2>&1
check "ulimit -n 48: every flow file equal to a run without the limit" \
  diff -r -q -x report.xml "$WORK/lim" "$WORK/nolim"
check "ulimit -n 48: all $nflows flow files" \
  test "$(find "$WORK/lim" -type f ! -name report.xml | wc -l)" = $nflows
rm -rf "$WORK/lim"

# SIGINT in the middle of a large capture file: exit 0, a well-formed report
# listing every file written, and every file the start of the full run's.
"$T" -o "$WORK/cut" -r "$WORK/many.pcap" >/dev/null 2>&1 &
pid=$!
# once it is well under way (1,000 files of $nflows), however loaded the machine
for _ in $(seq 600); do
  [ "$(find "$WORK/cut" -maxdepth 1 -type f 2>/dev/null | head -1000 | wc -l)" -ge 1000 ] && break
  sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?
check "SIGINT in a large capture: exit 0" test "$rc" = 0
check "SIGINT in a large capture: report well-formed" xml_ok "$WORK/cut/report.xml"
python3 - "$WORK/cut" "$WORK/nolim" >"$WORK/cut.out" <<'PY'
import os, sys, xml.etree.ElementTree as ET
cut, full = sys.argv[1:]
files = [f for f in os.listdir(cut) if f != "report.xml"]
listed = {os.path.basename(e.text) for e in ET.parse(os.path.join(cut, "report.xml")).iter("filename")}
bad = [f for f in files if not open(os.path.join(full, f), "rb").read().startswith(
    open(os.path.join(cut, f), "rb").read())]
size = lambda d: sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f != "report.xml")
print(len(files), len(set(files) - listed), len(bad), size(cut), size(full))
PY
read -r _nfiles unlisted bad cutbytes fullbytes <"$WORK/cut.out"
check "SIGINT in a large capture: stopped part-way ($cutbytes of $fullbytes bytes)" \
  test "$cutbytes" -gt 0 -a "$cutbytes" -lt "$fullbytes"
check "SIGINT in a large capture: every file in the report ($unlisted missing)" test "$unlisted" = 0
check "SIGINT in a large capture: every file a prefix of the full run's ($bad not)" test "$bad" = 0
rm -rf "$WORK/cut" "$WORK/nolim" "$WORK/many.pcap"

# A pcapng file whose interfaces have different link types: libpcap stops at
# the second interface (1.6.1 gave up there); our own reader reads the rest.
python3 "$TESTS_SRCDIR/tools/mixed_pcapng.py" "$WORK/mixed.pcapng"
"$T" -o "$WORK/mixed" -r "$WORK/mixed.pcapng" >/dev/null 2>"$WORK/err"
check "pcapng with two link types: exit 0" test $? = 0
check "pcapng with two link types: the Ethernet interface's flow" \
  test "$(cat "$WORK/mixed/010.000.000.001.01025-192.000.002.001.00080")" = \
  "$(printf 'flow 1 segment 0 x\nflow 1 segment 1 x')"
check "pcapng with two link types: the raw IP interface's flow" \
  test "$(cat "$WORK/mixed/010.000.000.002.01026-192.000.002.001.00080")" = \
  "$(printf 'flow 2 segment 0 xx\nflow 2 segment 1 xx')"
check "pcapng with two link types: report well-formed" xml_ok "$WORK/mixed/report.xml"
"$T" -o "$WORK/mixedf" -r "$WORK/mixed.pcapng" tcp port 1026 >/dev/null 2>&1
check "pcapng with two link types: the filter applies to both link types" \
  test "$(ls "$WORK/mixedf")" = "$(printf '010.000.000.002.01026-192.000.002.001.00080\nreport.xml')"
check "pcapng with two link types: read from standard input, a clear error (exit 2)" \
  sh -c "'$T' -o '$WORK/mixedin' -r - <'$WORK/mixed.pcapng' 2>&1 | grep -q 'different from the type of the first interface'"
head -c 800 "$WORK/mixed.pcapng" >"$WORK/mixedcut.pcapng" # inside the raw IP part
expect "pcapng with two link types, cut short: exit 2, names file and offset" 2 \
  "mixedcut.pcapng: pcapng block at byte offset [0-9]+: truncated" -- \
  "$T" -o "$WORK/mixedcut" -r "$WORK/mixedcut.pcapng"

# Unreadable inputs.
expect "a directory as capture: exit 2, names it" 2 "$WORK/adir" -- \
  sh -c "mkdir -p '$WORK/adir' && exec '$T' -o '$WORK/o12' -r '$WORK/adir'"
# Needs a binary that "nobody" can reach: a build under a private directory
# (mktemp -d is 0700) cannot be run by another user, whatever tcpflow does.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
  ! setpriv --reuid nobody --regid nogroup --clear-groups test -x "$T"; then
  echo "# skipped: the unreadable-capture checks (user nobody cannot reach $T)"
elif [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
  cp "$C/tf_test-gzip.pcap" "$WORK/secret.pcap"
  chmod 0600 "$WORK/secret.pcap"
  chmod 0755 "$WORK"
  mkdir -m 1777 "$WORK/open" # where nobody could create the output directory
  expect "capture without read permission: exit 2, names it and says why" 2 \
    "secret.pcap.*Permission denied" -- \
    setpriv --reuid nobody --regid nogroup --clear-groups "$T" -o "$WORK/open/tf-never" -r "$WORK/secret.pcap"
  check "capture without read permission: nothing created" test ! -e "$WORK/open/tf-never"
fi

# Names longer than the file system allows: an output error naming the file,
# and the report still well-formed.
long=$(printf 'n%.0s' $(seq 300))
expect "file name over NAME_MAX: exit 3, names it" 3 "File name too long" -- \
  "$T" -o "$WORK/o13" -T "$long%A" -r "$C/tf_test-gzip.pcap"
check "file name over NAME_MAX: report well-formed" xml_ok "$WORK/o13/report.xml"

# Disk full and unwritable directories need a small file system of our own.
if [ "$(id -u)" = 0 ] && mkdir -p "$WORK/small" && mount -t tmpfs -o size=256k tmpfs "$WORK/small" 2>/dev/null; then
  expect "disk full: exit 3, names the file" 3 "No space left on device" -- \
    "$T" -o "$WORK/small/out" -X "$WORK/full.xml" -r "$C/zk_smb2.pcap"
  check "disk full: report well-formed" xml_ok "$WORK/full.xml"
  mount -o remount,ro "$WORK/small"
  expect "read-only output directory: exit 3 before reading" 3 "not writable|Read-only" -- \
    "$T" -o "$WORK/small/out" -X "$WORK/ro.xml" -r "$C/tf_test-gzip.pcap"
  umount "$WORK/small"
else
  echo "# skipped disk-full and read-only checks (needs root and tmpfs mounts)"
fi
finish
