#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
#
# -j N beyond scale.sh's equalities (tcpflow(1) PARTITIONING): workers that
# write straight into the output directory give the bytes of -j 1's report,
# not only its content, and its report.jsonl; the other ways -j runs (files in the directory
# already, a template that does not tell connections apart) still equal
# -j 1; SIGINT to the parent mid-run ends with exit 0 and a report of every
# flow written; a full file system ends in exit status 3 and a report; a
# worker killed mid-run makes exit status 4, and the report is still
# well-formed and lists what the others and it finished.
. "$(dirname "$0")/lib.sh"
NORM="$TESTS_SRCDIR/tools/report_norm.py"

# The report's bytes apart from what differs between any two runs.
report_bytes() {
  sed -e '/<command_line>/d' -e '/<start_time>/d' -e '/<rusage>/,/<\/rusage>/d' \
    -e '/<open_fds_at_end>/d' -e '/<max_open_flows>/d' "$1/report.xml" | sed "s#$1/##g"
}
same_bytes() { # same_bytes REF DIR
  diff -r -x 'report.*' "$1" "$2" >/dev/null &&
    report_bytes "$1" >"$WORK/b1" && report_bytes "$2" >"$WORK/b2" && cmp -s "$WORK/b1" "$WORK/b2" &&
    grep -q '<fileobject' "$WORK/b1"
}
same_run() { # same files and the normalised report (where -j falls back or merges trees)
  diff -r -x report.xml "$1" "$2" >/dev/null &&
    python3 "$NORM" --strip-prefix "$1" "$1/report.xml" >"$WORK/r1" &&
    python3 "$NORM" --strip-prefix "$2" "$2/report.xml" >"$WORK/r2" && cmp -s "$WORK/r1" "$WORK/r2"
}

# Straight into an empty directory: byte for byte, scanners' XML included.
cap="$CAPTURES/gen_http-mixed.pcapng"
set --
have_plugin md5 && set -- "$@" -e md5
have_plugin http && set -- "$@" -e http
d="$WORK/direct"
"$TCPFLOW" "$@" -o "$d/one" -r "$cap" -r "$CAPTURES/pp_four_ipv6_http_streams.pcap" 2>/dev/null
for j in 2 3; do
  "$TCPFLOW" "$@" -j $j -d 2 -o "$d/j$j" -r "$cap" -r "$CAPTURES/pp_four_ipv6_http_streams.pcap" \
    2>"$d/err$j"
  check "-j $j into an empty directory: the workers write there" \
    grep -q "workers write into the output directory" "$d/err$j"
  check "-j $j: the report's bytes are -j 1's" same_bytes "$d/one" "$d/j$j"
done

# report.jsonl (alone, and beside report.xml): the flow lines of -j 1 in
# its order, the summary's counts (what differs between runs left out).
jsonl_norm() { # jsonl_norm DIR [FILE]
  sed -e "s#$1/##g" -e 's/"command_line":"[^"]*",//' -e 's/"start_time":"[^"]*",//' \
    -e 's/"open_fds_at_end":[0-9]*,"max_open_flows":[0-9]*,//' -e 's/,"rusage":{[^}]*}//' \
    "${2:-$1/report.jsonl}"
}
same_jsonl() { # same_jsonl REF DIR [FILE]
  diff -r -x 'report.*' "$1" "$2" >/dev/null && jsonl_norm "$1" >"$WORK/j1" &&
    jsonl_norm "$2" "${3:-}" >"$WORK/j2" && cmp -s "$WORK/j1" "$WORK/j2" &&
    [ "$(grep -c '"type":"flow"' "$WORK/j1")" -gt 10 ]
}
d="$WORK/jsonl"
for f in jsonl both; do
  "$TCPFLOW" "$@" -S report_format=$f -o "$d/one$f" -r "$cap" -r "$CAPTURES/tf_jpegs.cap" 2>/dev/null
  "$TCPFLOW" "$@" -S report_format=$f -j 2 -o "$d/j2$f" -r "$cap" -r "$CAPTURES/tf_jpegs.cap" \
    2>"$d/err$f"
  check "report_format=$f: -j 2 runs as -j 2" sh -c "! grep -q 'running as -j 1' '$d/err$f'"
  check "report_format=$f: -j 2 report.jsonl equals -j 1's" same_jsonl "$d/one$f" "$d/j2$f"
done
check "report_format=jsonl: -j 2 writes no report.xml" test ! -e "$d/j2jsonl/report.xml"
check "report_format=both: -j 2 report.xml bytes equal -j 1's" same_bytes "$d/oneboth" "$d/j2both"
"$TCPFLOW" "$@" -S report_format=jsonl -X "$d/flows.log" -j 2 -o "$d/j2x" -r "$cap" \
  -r "$CAPTURES/tf_jpegs.cap" 2>/dev/null
check "report_format=jsonl -X FILE: -j 2 writes FILE" same_jsonl "$d/onejsonl" "$d/j2x" "$d/flows.log"
mkdir -p "$d/full"
echo x >"$d/full/notes.txt"
"$TCPFLOW" -S report_format=jsonl -j 2 -o "$d/full" -r "$cap" 2>"$d/errfull"
check "report_format=jsonl into a directory with files: runs as -j 1, saying so" \
  grep -q "report.jsonl is merged only when" "$d/errfull"

# Many flows in -Fk bins (directories made by both workers at once).
d="$WORK/bins"
mkdir -p "$d"
python3 "$TESTS_SRCDIR/tools/gen_flows.py" "$d/w.pcap" --flows 2500 --segments 2 --interleave
"$TCPFLOW" -Fk -o "$d/one" -r "$d/w.pcap" 2>/dev/null
"$TCPFLOW" -Fk -j 2 -o "$d/j2" -r "$d/w.pcap" 2>/dev/null
check "-Fk, 2500 connections: -j 2 bytes equal -j 1's" same_bytes "$d/one" "$d/j2"

# Files there already (one with the name of a flow: -j 1 counts on to c1),
# and a template that leaves out the VLAN and the ports: -j takes the
# other way, and still equals -j 1.
d="$WORK/other"
for x in one j2; do
  mkdir -p "$d/$x"
  echo notes >"$d/$x/notes.txt"
  echo old >"$d/$x/192.168.007.010.49152-203.000.113.080.00080"
done
"$TCPFLOW" -o "$d/one" -r "$cap" 2>/dev/null
"$TCPFLOW" -j 2 -d 2 -o "$d/j2" -r "$cap" 2>"$d/err"
check "-j 2 into a directory with files: workers use their own" \
  grep -q "workers write directories of their own" "$d/err"
check "-j 2 into a directory with files equals -j 1" same_run "$d/one" "$d/j2"
check "... and leaves what was there" grep -qx old "$d/j2/192.168.007.010.49152-203.000.113.080.00080"
"$TCPFLOW" -T '%T_%A-%B%C%c' -o "$d/t1" -r "$CAPTURES/tf_jpegs.cap" 2>/dev/null
"$TCPFLOW" -T '%T_%A-%B%C%c' -j 2 -d 2 -o "$d/t2" -r "$CAPTURES/tf_jpegs.cap" 2>"$d/err"
check "-j 2, names without ports: workers use their own directories" \
  grep -q "workers write directories of their own" "$d/err"
check "-j 2, names without ports, equals -j 1" same_run "$d/t1" "$d/t2"

# Stopped mid-run.  Enough flows that the run lasts; it is signalled once
# its first files exist (if it ended before, the checks hold all the same).
d="$WORK/stop"
mkdir -p "$d"
python3 "$TESTS_SRCDIR/tools/gen_flows.py" "$d/w.pcap" --flows 8000 --segments 3 --interleave
wait_files() { # wait_files DIR: until DIR has a few entries (at most ~10 s)
  n=0
  while [ "$(ls "$1" 2>/dev/null | head -20 | wc -l)" -lt 20 ] && [ $n -lt 200 ]; do
    sleep 0.05
    n=$((n + 1))
  done
}
listed_and_present() { # every file listed exists, every flow file is listed
  grep -o '<filename>[^<]*' "$1/report.xml" | sed 's/<filename>//' | LC_ALL=C sort >"$WORK/listed"
  find "$1" -type f ! -name 'report.*' | LC_ALL=C sort >"$WORK/present"
  [ -s "$WORK/listed" ] && comm -23 "$WORK/listed" "$WORK/present" | cmp -s - /dev/null &&
    { [ "${2:-}" = some ] || cmp -s "$WORK/listed" "$WORK/present"; }
}
"$TCPFLOW" -S report_format=both -j 2 -o "$d/int" -r "$d/w.pcap" 2>"$d/int.err" &
p=$!
wait_files "$d/int"
kill -INT $p
wait $p
check "SIGINT to the -j parent: exit status 0" test $? -eq 0
check "SIGINT: the report is well-formed" xml_ok "$d/int/report.xml"
check "SIGINT: report.jsonl has a line for every flow of report.xml, then the summary" sh -c \
  "[ \$(grep -c '<fileobject>' '$d/int/report.xml') -eq \$(grep -c '\"type\":\"flow\"' '$d/int/report.jsonl') ] &&
   tail -n 1 '$d/int/report.jsonl' | grep -q '^{\"type\":\"summary\"'"
check "SIGINT: every flow file is in the report, every file it names exists" \
  listed_and_present "$d/int"
check "SIGINT: no worker directory is left" test -z "$(ls -A "$d/int" | grep '^\.tcpflow-jobs')"

# A full file system (no inode left, in a mount namespace of our own): the
# workers stop with an output error where each runs out; exit status 3, as
# -j 1, and the report (-X elsewhere) still lists every flow.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  mkdir -p "$d/small"
  echo nomount >"$d/full.rc"
  unshare -m sh -c "mount -t tmpfs -o size=20m,nr_inodes=300 none '$d/small' || exit
    '$TCPFLOW' -j 2 -o '$d/small/out' -X '$d/full.xml' -r '$d/w.pcap' 2>'$d/full.err'
    echo \$? >'$d/full.rc'; umount '$d/small'" 2>/dev/null
  if [ "$(cat "$d/full.rc")" = nomount ]; then
    echo "# cannot mount a tmpfs: the full file system case not run"
  else
    check "no space left: exit status 3" test "$(cat "$d/full.rc")" = 3
    check "no space left: said" grep -q "No space left on device" "$d/full.err"
    check "no space left: the report is well-formed, with the flows" sh -c \
      "xmllint --noout '$d/full.xml' && [ \$(grep -c '<fileobject>' '$d/full.xml') -gt 100 ]"
  fi
else
  echo "# not root or no mount namespaces: the full file system case not run"
fi

# A worker killed: the real binary, so that its children are the workers.
if [ -r "/proc/$$/task/$$/children" ]; then
  "$TCPFLOW_REAL" -j 2 -o "$d/kill" -r "$d/w.pcap" 2>"$d/kill.err" &
  p=$!
  wait_files "$d/kill"
  w=$(cut -d' ' -f1 "/proc/$p/task/$p/children" 2>/dev/null)
  [ -n "$w" ] && kill -KILL "$w"
  wait $p
  st=$?
  if [ -n "$w" ]; then
    check "a worker killed: exit status 4" test $st -eq 4
    check "a worker killed: said" grep -q "died of signal 9" "$d/kill.err"
  fi
  check "a worker killed: the report is well-formed" xml_ok "$d/kill/report.xml"
  check "a worker killed: every file the report names exists" listed_and_present "$d/kill" some
else
  echo "# /proc/PID/task/PID/children missing: the killed-worker case not run"
fi

finish
