#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The JSON-lines flow log (-S report_format=jsonl|both): valid against
# doc/report-jsonl.schema.json, the same flows and scanner results as
# report.xml (jsonl_compare.py converts both and compares every flow),
# valid UTF-8 whatever the packets hold, written as flows close.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 missing"
python3 -c 'import jsonschema' 2>/dev/null || skip "python3 jsonschema missing (Debian: python3-jsonschema)"
T=$TCPFLOW
C=$CAPTURES
SCHEMA=$TOP_SRCDIR/doc/report-jsonl.schema.json
CMP="python3 $TESTS_SRCDIR/integration/jsonl_compare.py"

# Default: DFXML only.
"$T" -o "$WORK/def" -r "$C/tf_test-gzip.pcap" >/dev/null 2>&1
check "default: report.xml and no report.jsonl" test -f "$WORK/def/report.xml" -a ! -e "$WORK/def/report.jsonl"

# Both reports, every scanner that builds, on every capture: same flows.
for cap in "$C"/*; do
  b=$(basename "$cap")
  case $b in *.pcap | *.pcapng | *.cap) ;; *) continue ;; esac
  "$T" -a -x python -S report_format=both -o "$WORK/both-$b" -r "$cap" >/dev/null 2>&1
  check "both: report.jsonl matches report.xml and the schema: $b" \
    $CMP "$WORK/both-$b/report.xml" "$WORK/both-$b/report.jsonl" "$SCHEMA"
  rm -rf "$WORK/both-$b"
done

# md5 digests also under "digests".
"$T" -e md5 -S md5_extra_digests=sha256 -S report_format=both -o "$WORK/md5" \
  -r "$C/tf_test-gzip.pcap" >/dev/null 2>&1
check "md5 and sha256 digests under \"digests\"" python3 -c "
import json, sys
fl = [json.loads(l) for l in open('$WORK/md5/report.jsonl')][:-1]
ok = [f for f in fl if f.get('filesize') and set(f.get('digests', {})) == {'md5', 'sha256'}]
sys.exit(0 if ok and len(ok) == len([f for f in fl if f.get('filename')]) else 1)"

# jsonl only: no report.xml; -X names the one report.
"$T" -S report_format=jsonl -o "$WORK/only" -r "$C/tf_test-gzip.pcap" >/dev/null 2>&1
check "jsonl only: report.jsonl, no report.xml" \
  test -s "$WORK/only/report.jsonl" -a ! -e "$WORK/only/report.xml"
"$T" -S report_format=jsonl -X "$WORK/flows.log" -o "$WORK/onlyx" -r "$C/tf_test-gzip.pcap" >/dev/null 2>&1
check "jsonl only with -X: the named file" \
  test -s "$WORK/flows.log" -a ! -e "$WORK/onlyx/report.jsonl" -a ! -e "$WORK/onlyx/report.xml"
"$T" -S report_format=both -X "$WORK/named.xml" -o "$WORK/bothx" -r "$C/tf_test-gzip.pcap" >/dev/null 2>&1
check "both with -X: -X is report.xml, report.jsonl in the output directory" \
  $CMP "$WORK/named.xml" "$WORK/bothx/report.jsonl"
"$T" -S report_format=yaml -o "$WORK/bad" -r "$C/tf_test-gzip.pcap" >/dev/null 2>"$WORK/bad.err"
rc=$?
check "report_format=yaml: usage error (exit $rc, 1 expected) naming the choices" \
  sh -c "[ $rc = 1 ] && grep -q 'report_format=yaml: use dfxml, jsonl or both' '$WORK/bad.err'"
check "report_format=yaml: nothing written" test ! -e "$WORK/bad"

# Control characters and invalid UTF-8 (a -T template, a python result).
mkdir -p "$WORK/py"
printf 'def first_line(data):\n    return data.split(b"\\r\\n", 1)[0].decode("latin-1")\n' >"$WORK/py/fl.py"
args=()
if "$T" -hh 2>/dev/null | grep -Eq '^   python '; then
  args=(-e python -S py_path="$WORK/py" -S py_module=fl -S py_function=first_line)
fi
PYTHONDONTWRITEBYTECODE=1 "$T" "${args[@]}" -S report_format=both -T $'k\x01%N\xff\\' \
  -o "$WORK/ctl" -r "$C/nd_KakaoTalk_chat.pcap" >/dev/null 2>&1
check "control characters: valid UTF-8 JSON equal to report.xml" \
  $CMP "$WORK/ctl/report.xml" "$WORK/ctl/report.jsonl" "$SCHEMA"
check "control characters: file names escaped as in report.xml" grep -q 'k\\\\x01' "$WORK/ctl/report.jsonl"

# Streaming: flow lines are in the file while tcpflow still reads.
mkfifo "$WORK/fifo"
# (KakaoTalk's first connections end with FIN long before the capture does.)
(cat "$C/nd_KakaoTalk_chat.pcap"; exec sleep 20) >"$WORK/fifo" &
feeder=$!
"$T" -S report_format=jsonl -o "$WORK/live" -r - <"$WORK/fifo" >/dev/null 2>&1 &
pid=$!
lines=0
for _ in $(seq 100); do
  lines=$(cat "$WORK/live/report.jsonl" 2>/dev/null | wc -l)
  [ "$lines" -gt 0 ] && break
  sleep 0.1
done
check "streaming: flow lines written while the input is still open ($lines)" \
  sh -c "[ $lines -gt 0 ] && kill -0 $pid && ! grep -q summary '$WORK/live/report.jsonl'"
kill "$feeder" 2>/dev/null
wait "$pid"
check "streaming: summary at the end" sh -c "tail -1 '$WORK/live/report.jsonl' | grep -q '\"type\":\"summary\"'"
finish
