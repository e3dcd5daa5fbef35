#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# A scanner that crashes is contained: whatever the signal and wherever it
# happens in the event order, the host reports it (on stderr and as
# <scanner_failure> in the report), disables the scanner, writes every flow
# file as a run without it would, closes what the scanner left open,
# finishes a well-formed report and exits with 5.  Other scanners carry on.
# A crash in init is a scanner that cannot start (exit 1, before any
# packet); a crash in the entry point is a module that cannot be loaded:
# said before any packet, the run goes on without it (exit 5).  A fault signal sent by another process is
# not taken for a scanner crash.
. "$(dirname "$0")/lib.sh"
MODS=$WORK/mods
mkdir -p "$MODS"
# Built by make check (tests/Makefile.am, check_LTLIBRARIES).
cp "$TESTMODS/crashy.so" "$MODS/crashy.so" || { not_ok "crashy.so built"; finish; }
CAP=$CAPTURES/tf_jpegs.cap
"$TCPFLOW" -o "$WORK/plain" -r "$CAP" 2>/dev/null

# run_crashy NAME ARGS...: output in $WORK/NAME, stderr in $WORK/NAME.err, status in $rc.
run_crashy() {
  name=$1
  shift
  "$TCPFLOW" --plugin-dir "$MODS" -e crashy "$@" -o "$WORK/$name" -r "$CAP" 2>"$WORK/$name.err"
  rc=$?
}

# contained NAME SIGNAL EVENT: the checks every contained crash passes.
contained() {
  name=$1
  sig=$2
  event=$3
  check "$name: exit 5 (got $rc)" test "$rc" = 5
  check "$name: reported with module, signal and callback" \
    grep -q "scanner 'crashy' ($MODS/crashy.so) crashed with $sig .* in $event" "$WORK/$name.err"
  check "$name: report well-formed" xml_ok "$WORK/$name/report.xml"
  check "$name: flow files as without the scanner" \
    diff -r -x report.xml -x '*-crashy' "$WORK/plain" "$WORK/$name"
}

hows="segv fpe bus stack"
# Under the sanitizers SIGABRT is theirs: their reports end in abort().
[ -z "${TESTS_SANITIZED:-}" ] && hows="$hows abort"
for how in $hows; do
  case $how in
  stack) sig=SIGSEGV ;;
  abort) sig=SIGABRT ;;
  *) sig=SIG$(echo "$how" | tr a-z A-Z) ;;
  esac
  run_crashy "how-$how" -S crashy_how="$how"
  contained "how-$how" "$sig" "flow_data for $WORK/how-$how/"
  check "how-$how: <scanner_failure> names event, signal and flow" \
    grep -q "<scanner_failure scanner='crashy' event='flow_data' reason='${sig}[^']*' filename='$WORK/how-$how/" \
    "$WORK/how-$how/report.xml"
  out=$(ls "$WORK/how-$how/"*-crashy 2>/dev/null)
  check "how-$how: the output it left open was closed and kept" test -s "$out"
  check "how-$how: ... and said so" grep -q "left $out open; closed by the host" "$WORK/how-$how.err"
done

for where in packet flow_open flow_close run_end fini; do
  run_crashy "where-$where" -S crashy_where="$where" -S crashy_after=1
  contained "where-$where" SIGSEGV "$where"
done
for where in packet flow_open flow_close run_end; do
  check "where-$where: <scanner_failure> in the report" \
    grep -q "<scanner_failure scanner='crashy' event='$where'" "$WORK/where-$where/report.xml"
done
check "where-flow_close: the element it left open was closed" \
  grep -q "<crashy/>" "$WORK/where-flow_close/report.xml"

# Other scanners are not affected: md5 reports the same digests.
if have_plugin md5; then
  "$TCPFLOW" -e md5 -o "$WORK/md5" -r "$CAP" 2>/dev/null
  run_crashy with-md5 -e md5
  contained with-md5 SIGSEGV flow_data
  digests() { grep -o "<hashdigest type='MD5'>[0-9a-f]*</hashdigest>" "$1" | sort; }
  check "with-md5: every flow still has its MD5" \
    test -n "$(digests "$WORK/md5/report.xml")" -a \
    "$(digests "$WORK/md5/report.xml")" = "$(digests "$WORK/with-md5/report.xml")"
else
  echo "# md5 beside a crashing scanner not checked: --disable-plugin-md5"
fi

# A crash in init stops the run before it starts, naming the module; one
# in the entry point makes the module unusable, and the run goes on.
run_crashy init -S crashy_where=init
check "init: exit 1 (got $rc)" test "$rc" = 1
check "init: reported" grep -q "scanner 'crashy' ($MODS/crashy.so) crashed with SIGSEGV .* in init" \
  "$WORK/init.err"
CRASHY_IN_DESCRIBE=1 run_crashy describe
check "entry point: exit 5, the run went on without it (got $rc)" test "$rc" = 5
check "entry point: <scanner_failure event='load'> in a well-formed report" \
  test -n "$(grep "<scanner_failure scanner='crashy' event='load'" "$WORK/describe/report.xml")" -a \
  -n "$(xml_ok "$WORK/describe/report.xml" && echo ok)"
check "entry point: reported" \
  grep -q "crashy.so: crashed with SIGSEGV .* in tcpflow_scanner_describe" "$WORK/describe.err"
CRASHY_IN_DESCRIBE=1 "$TCPFLOW" --plugin-dir "$MODS" -o "$WORK/unselected" -r "$CAP" 2>/dev/null
check "entry point, scanner not selected: the run is not affected" test $? = 0

# SIGSEGV from another process while tcpflow waits for input: not a crash
# of the scanner, so the default action (or a sanitizer) ends the process.
mkfifo "$WORK/fifo"
"$TCPFLOW" --plugin-dir "$MODS" -e crashy -S crashy_where=none -o "$WORK/killed" \
  -r "$WORK/fifo" 2>"$WORK/killed.err" &
pid=$!
exec 3>"$WORK/fifo"
head -c 24 "$CAP" >&3
sleep 1
kill -SEGV "$pid"
wait "$pid"
rc=$?
exec 3>&-
if [ -n "${TESTS_SANITIZED:-}" ]; then
  check "SIGSEGV sent by kill: not swallowed (exit $rc)" test "$rc" != 0 -a "$rc" != 5
else
  check "SIGSEGV sent by kill: the process dies of it (exit $rc)" test "$rc" = 139
fi
check "SIGSEGV sent by kill: not reported as a scanner crash" \
  test -z "$(grep "crashed with" "$WORK/killed.err")"
finish
