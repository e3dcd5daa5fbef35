#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# A scanner cannot end or hold up the run behind the host's back, and its
# derived files cannot take the place of flow files or of other outputs
# (issue 11, items 4 and 5): exit() inside a callback, an endless loop
# ended by the watchdog or by a second SIGINT, and the colliding suffixes
# of the issue (the same one twice, another scanner's "-HTTP", "c1").
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || skip "no C compiler"
mkdir -p "$WORK/mods"
cc -shared -fPIC -I"$TOP_SRCDIR/sdk" -o "$WORK/mods/runaway.so" "$TESTS_SRCDIR/integration/runaway.c" ||
  skip "cannot build the test scanner"
CAP=$CAPTURES/tf_jpegs.cap
run() { # run OUTDIR ARGS...: tcpflow with the test scanner after the others
  local out=$1
  shift
  TCPFLOW_PLUGIN_PATH="$TCPFLOW_PLUGIN_PATH:$WORK/mods" timeout 120 "$TCPFLOW" -o "$out" -r "$CAP" "$@"
}

# exit() in flow_close: status 6, the report closed and naming the scanner.
run "$WORK/exit" -e runaway -S runaway_mode=exit 2>"$WORK/err"
rc=$?
check "exit() in a scanner: exit status 6 (got $rc)" test "$rc" = 6
check "exit() in a scanner: the report is well-formed" xml_ok "$WORK/exit/report.xml"
check "exit() in a scanner: <scanner_failure> says so" \
  grep -q "<scanner_failure scanner='runaway' event='flow_close' reason='called exit()" "$WORK/exit/report.xml"
check "exit() in a scanner: the log names it" grep -q "scanner 'runaway' (.*) called exit() in flow_close" "$WORK/err"

# An endless loop ended by the watchdog: the scanner is stopped, the run
# completes without it (every flow in the report), status 5.
run "$WORK/base" 2>/dev/null
run "$WORK/hang" -e runaway -S runaway_mode=loop -S runaway_marker="$WORK/marker1" \
  -S scanner_timeout=1 2>"$WORK/err"
rc=$?
check "hung scanner, watchdog: exit status 5 (got $rc)" test "$rc" = 5
check "hung scanner, watchdog: the report is well-formed" xml_ok "$WORK/hang/report.xml"
check "hung scanner, watchdog: <scanner_failure> with the reason" \
  grep -q "<scanner_failure scanner='runaway' event='flow_data' reason='no return within 1 seconds (scanner_timeout)'" \
  "$WORK/hang/report.xml"
check "hung scanner, watchdog: every flow is still written" \
  test "$(manifest "$WORK/hang")" = "$(manifest "$WORK/base")"

# The same loop without a watchdog, ended by the user: the first SIGINT
# asks for an orderly stop (which waits for the scanner), the second one
# leaves the scanner's call.  Exit 5, a closed report.
TCPFLOW_PLUGIN_PATH="$TCPFLOW_PLUGIN_PATH:$WORK/mods" "$TCPFLOW" -o "$WORK/int" -r "$CAP" \
  -e runaway -S runaway_mode=loop -S runaway_marker="$WORK/marker2" -S scanner_timeout=0 2>"$WORK/err" &
pid=$!
for _ in $(seq 1 600); do [ -e "$WORK/marker2" ] && break; sleep 0.1; done
kill -INT "$pid"
sleep 0.3
kill -INT "$pid"
# A safety net, not an assertion: a tcpflow that ignored both is killed.
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL "$pid" 2>/dev/null
wait "$pid"
rc=$?
check "hung scanner, second SIGINT: exit status 5 (got $rc)" test "$rc" = 5
check "hung scanner, second SIGINT: the report is well-formed" xml_ok "$WORK/int/report.xml"
check "hung scanner, second SIGINT: <scanner_failure> with the reason" \
  grep -q "<scanner_failure scanner='runaway' event='flow_data' reason='a second SIGINT while it ran'" \
  "$WORK/int/report.xml"

# The same suffix twice on one flow: the second open is refused, the first
# file keeps what was written to it.
run "$WORK/twice" -e runaway -S runaway_mode=twice 2>"$WORK/err"
f=$(find "$WORK/twice" -name '*-RUNAWAY' | head -1)
check "same suffix twice: the first file is kept whole" test "$(cat "$f" 2>/dev/null)" = first
check "same suffix twice: the second open is refused, naming the file" \
  grep -q "runaway: refused output .*-RUNAWAY: the file exists already" "$WORK/err"

# Another scanner's suffix: the first scanner to use a suffix keeps it for
# the run (here http, which comes first in the plugin path and writes on
# the first flow); http's -HTTP files are byte-identical to a run without
# the intruder, whose opens are refused.
run "$WORK/http" -e http 2>/dev/null
run "$WORK/both" -e http -e runaway -S runaway_mode=suffix -S runaway_suffix=-HTTP 2>"$WORK/err"
check "-HTTP from another scanner: every file of http's run is there, unchanged" \
  test -z "$(comm -23 <(manifest "$WORK/http") <(manifest "$WORK/both"))"
check "-HTTP from another scanner: refused with a message naming the owner" \
  grep -q "runaway: refused output suffix '-HTTP': scanner 'http' writes files with it in this run" "$WORK/err"

# "c1" would take the name of the next connection's flow file.
run "$WORK/c1" -e runaway -S runaway_mode=suffix -S runaway_suffix=c1 2>"$WORK/err"
check "suffix c1: refused, saying why" grep -q "refused output suffix (starts with c and a digit" "$WORK/err"
check "suffix c1: flow files named as without the scanner" \
  test "$(manifest "$WORK/c1")" = "$(manifest "$WORK/base")"

# SDK 1.1 per-flow state: the example scanner keeps state per flow and
# relies on flow_state_free on every path -- delivery stopped by its
# TFS_FLOW_DONE verdict, flows ended by FIN and by the end of input, a
# capture cut short.  Under the sanitizer runs a state never freed fails
# the run (leak check); here the report and the run output must agree.
cc -shared -fPIC -I"$TOP_SRCDIR/sdk" -o "$WORK/mods/flowends.so" "$TOP_SRCDIR/sdk/examples/flowends.c"
for cap in tf_jpegs.cap tf_test5-lines-randomized.pcap td_tcp_rst_data-trunc.pcap; do
  TCPFLOW_PLUGIN_PATH="$TCPFLOW_PLUGIN_PATH:$WORK/mods" "$TCPFLOW" -e flowends \
    -S flowends_max_bytes=200 -o "$WORK/fe-$cap" -r "$CAPTURES/$cap" 2>/dev/null
  rc=$?
  check "flowends on $cap: exit 0, or 2 for a cut capture (exit $rc)" test "$rc" = 0 -o "$rc" = 2
  check "flowends on $cap: report well-formed" xml_ok "$WORK/fe-$cap/report.xml"
  check "flowends on $cap: one csv line per flow of the report" \
    test "$(($(wc -l <"$WORK/fe-$cap/flowends.csv") - 1))" = "$(grep -c "<flowends " "$WORK/fe-$cap/report.xml")"
done
finish
