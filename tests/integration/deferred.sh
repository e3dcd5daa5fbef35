#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Deferred completion (SDK 1.2): a scanner whose flow_close says "later"
# (TFS_FLOW_LATER) and finishes in flow_finish gives the same report.xml
# and report.jsonl, byte for byte and in close order, as one that does all
# in flow_close; a fault or an error in flow_finish is contained (scanner
# disabled, exit 5, every flow reported); SIGTERM finishes the flows that
# wait; a 1.2 scanner without flow_finish that says "later" is disabled.
# The test scanner (deferprobe.c) itself fails when flow_finish comes out
# of close order, without its slot or with another flow's info.
. "$(dirname "$0")/lib.sh"
MODS=$WORK/mods
mkdir -p "$MODS"
cp "$TESTMODS/deferprobe.so" "$MODS/deferprobe.so" || { not_ok "deferprobe.so built"; finish; }
CAP=$CAPTURES/gen_http-mixed.pcapng
# md5 before it: entries mix a scanner that writes at close with one that
# finishes later.
scanners=(-e deferprobe)
have_plugin md5 && scanners=(-e md5 -e deferprobe)

# run NAME MODE [ARGS...]: in $WORK/NAME (output out/, relative, so that
# reports of different runs can be compared), stderr in $WORK/NAME.err,
# status in $rc.
run() {
  name=$1
  mode=$2
  shift 2
  mkdir -p "$WORK/$name"
  (cd "$WORK/$name" && "$TCPFLOW" --plugin-dir "$MODS" "${scanners[@]}" -S report_format=both \
    -S deferprobe_mode="$mode" "$@" -o out -r "$CAP" 2>"$WORK/$name.err")
  rc=$?
}
entries() { sed -n '/<fileobject>/,/<\/fileobject>/p' "$WORK/$1/out/report.xml"; }
flow_lines() { grep '"type":"flow"' "$WORK/$1/out/report.jsonl"; }
count() { grep -c "$1" "$WORK/$2/out/report.xml"; }

run sync sync
check "sync: exit 0 ($rc)" test "$rc" = 0
nflows=$(count '<fileobject>' sync)
check "sync: flows reported ($nflows), each with the probe's XML" \
  test "$nflows" -gt 10 -a "$(count '<deferprobe bytes=' sync)" = "$nflows"

for polls in 0 3 50; do
  run "later$polls" later -S deferprobe_polls=$polls
  check "later (not ready for $polls polls): exit 0 ($rc)" test "$rc" = 0
  check "later ($polls): no scanner complained" test -z "$(grep deferprobe "$WORK/later$polls.err")"
  check "later ($polls): report.xml's flows byte for byte as in the synchronous run" \
    cmp -s <(entries sync) <(entries "later$polls")
  check "later ($polls): report.jsonl's flow lines byte for byte as in the synchronous run" \
    cmp -s <(flow_lines sync) <(flow_lines "later$polls")
  check "later ($polls): the flow files too" diff -r -x 'report.*' "$WORK/sync/out" "$WORK/later$polls/out"
done
# hold: no flow is ready before the end of the input, so every entry waits.
run hold hold
check "hold: exit 0 ($rc)" test "$rc" = 0
check "hold: report.xml's flows as in the synchronous run" cmp -s <(entries sync) <(entries hold)
check "hold: report.jsonl's flow lines as in the synchronous run" \
  cmp -s <(flow_lines sync) <(flow_lines hold)

for how in crash error; do
  run "$how" "$how" -S deferprobe_after=3
  check "$how in flow_finish: exit 5 ($rc)" test "$rc" = 5
  check "$how in flow_finish: report well-formed" xml_ok "$WORK/$how/out/report.xml"
  check "$how in flow_finish: every flow still reported" test "$(count '<fileobject>' "$how")" = "$nflows"
  check "$how in flow_finish: the two flows finished before have the probe's XML, no other" \
    test "$(count '<deferprobe bytes=' "$how")" = 2
  check "$how in flow_finish: <scanner_failure> names the callback" \
    grep -q "<scanner_failure scanner='deferprobe' event='flow_finish'" "$WORK/$how/out/report.xml"
  check "$how in flow_finish: flow lines in report.jsonl for every flow" \
    test "$(flow_lines "$how" | wc -l)" = "$nflows"
done
check "crash in flow_finish: said with the signal" \
  grep -q "scanner 'deferprobe' .* crashed with SIGSEGV.* in flow_finish for out/" "$WORK/crash.err"
check "error in flow_finish: the scanner's reason in the report" \
  grep -q "reason='returned an error: failing flow_finish on purpose'" "$WORK/error/out/report.xml"

DEFERPROBE_NO_FINISH=1 run nofinish later
check "TFS_FLOW_LATER without flow_finish: exit 5 ($rc)" test "$rc" = 5
check "TFS_FLOW_LATER without flow_finish: said in the report" \
  grep -q "event='flow_close' reason='returned TFS_FLOW_LATER without a flow_finish'" \
  "$WORK/nofinish/out/report.xml"
check "TFS_FLOW_LATER without flow_finish: every flow reported" \
  test "$(count '<fileobject>' nofinish)" = "$nflows"

# SIGTERM while flows wait: they are finished and reported before the end.
mkfifo "$WORK/fifo"
(cat "$CAP"; sleep 30) >"$WORK/fifo" &
feeder=$!
mkdir -p "$WORK/term"
(cd "$WORK/term" && exec "$TCPFLOW" --plugin-dir "$MODS" -e deferprobe -S deferprobe_mode=hold \
  -S report_format=both -o out -r - <"$WORK/fifo" 2>"$WORK/term.err") &
pid=$!
sleep 2
waiting=$(grep -c '"type":"flow"' "$WORK/term/out/report.jsonl" 2>/dev/null)
kill -TERM "$pid"
wait "$pid"
rc=$?
kill "$feeder" 2>/dev/null
check "SIGTERM: exit 0 ($rc)" test "$rc" = 0
check "SIGTERM: no flow line written while its flow waited (${waiting:-0})" test "${waiting:-0}" = 0
check "SIGTERM: report well-formed" xml_ok "$WORK/term/out/report.xml"
n=$(count '<fileobject>' term)
check "SIGTERM: the waiting flows were finished ($n flows)" \
  test "$n" -gt 10 -a "$(count '<deferprobe bytes=' term)" = "$n"
finish
