#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
#
# Scale-out (tcpflow(1) PARTITIONING): on test captures, the union of
# --shard k/4 merged, and -j 2 / -j 4, equal the single run -- every file
# name and byte, and the report once what differs between any two runs is
# left out (tests/tools/report_norm.py: start time, command line, rusage,
# open_fds_at_end, max_open_flows).  --merge refuses missing, repeated and
# foreign shards and leaves everything in place.  The GNU parallel example
# of doc/scale runs 4 shards; the Slurm and Kubernetes examples parse.
. "$(dirname "$0")/lib.sh"
NORM="$TESTS_SRCDIR/tools/report_norm.py"
EX="$TOP_SRCDIR/doc/scale"

# same_run REF DIR: same files and bytes, same report apart from the above.
same_files() { diff -r -x report.xml "$1" "$2" >/dev/null; }
same_run() {
  same_files "$1" "$2" &&
    python3 "$NORM" --strip-prefix "$1" "$1/report.xml" >"$WORK/r1" &&
    python3 "$NORM" --strip-prefix "$2" "$2/report.xml" >"$WORK/r2" &&
    cmp -s "$WORK/r1" "$WORK/r2" && grep -q '<fileobject' "$WORK/r1"
}

# Several link types, IPv6, VLAN, out of order, a RST, a late segment that
# differs from what its flow saved (pp_example2: -j then runs as -j 1),
# HTTP with the scanners that come with tcpflow.
for c in nd_KakaoTalk_chat.pcap pp_four_ipv6_http_streams.pcap tf_test2-vlan.pcap \
  tf_test1-out-of-order.pcap tf_jpegs.cap pp_example2.pcap gen_http-mixed.pcapng \
  td_tcp_rst_data-trunc.pcap; do
  cap="$CAPTURES/$c"
  d="$WORK/$c"
  mkdir -p "$d"
  "$TCPFLOW" -e md5 -e http -o "$d/one" -r "$cap" 2>/dev/null
  for k in 0 1 2 3; do
    "$TCPFLOW" -e md5 -e http --shard "$k/4" -o "$d/s$k" -r "$cap" 2>/dev/null
  done
  "$TCPFLOW" --merge -o "$d/merged" "$d/s0" "$d/s1" "$d/s2" "$d/s3" 2>"$d/merge.err"
  if [ "$c" = pp_example2.pcap ]; then
    # Its owner alone sees that a late segment differs from its flow's file:
    # the merge says numbering may differ; the files are the same.
    check "$c: --shard k/4 merged has the single run's files" same_files "$d/one" "$d/merged"
    check "$c: --merge warns that numbering may differ" grep -q "flow numbers, session ids" \
      "$d/merge.err"
  else
    check "$c: --shard k/4 merged equals the single run" same_run "$d/one" "$d/merged"
  fi
  for j in 2 4; do
    "$TCPFLOW" -e md5 -e http -j $j -o "$d/j$j" -r "$cap" 2>/dev/null
    check "$c: -j $j equals -j 1" same_run "$d/one" "$d/j$j"
  done
  check "$c: -j leaves no worker directory" test -z "$(ls -A "$d/j2" | grep '^\.tcpflow-jobs')"
done

# Two captures in one run, -Fk bins (flow numbers) and -Fc counters.
d="$WORK/multi"
set -- -Fkc -r "$CAPTURES/gen_http-mixed.pcapng" -r "$CAPTURES/tf_jpegs.cap"
"$TCPFLOW" "$@" -o "$d/one" 2>/dev/null
for k in 0 1 2; do "$TCPFLOW" "$@" --shard "$k/3" -o "$d/s$k" 2>/dev/null; done
"$TCPFLOW" --merge -o "$d/merged" "$d/s0" "$d/s1" "$d/s2" 2>/dev/null
check "two captures, -Fkc: --shard k/3 merged equals the single run" same_run "$d/one" "$d/merged"
"$TCPFLOW" "$@" -j 3 -o "$d/j3" 2>/dev/null
check "two captures, -Fkc: -j 3 equals -j 1" same_run "$d/one" "$d/j3"

# A small W2-like slice: 3000 short connections, interleaved (fd cache under
# pressure with -f 16), in 1000-flow bins; --shard k/4 merged and -j 2 / -j 4.
d="$WORK/w2slice"
mkdir -p "$d"
python3 "$TESTS_SRCDIR/tools/gen_flows.py" "$d/w2.pcap" --flows 3000 --segments 3 --interleave
set -- -Fk -f 16 -e md5 -r "$d/w2.pcap"
"$TCPFLOW" "$@" -o "$d/one" 2>/dev/null
for k in 0 1 2 3; do "$TCPFLOW" "$@" --shard "$k/4" -o "$d/s$k" 2>/dev/null; done
"$TCPFLOW" --merge -o "$d/merged" "$d/s0" "$d/s1" "$d/s2" "$d/s3" 2>/dev/null
check "W2-like slice: --shard k/4 merged equals the single run" same_run "$d/one" "$d/merged"
for j in 2 4; do
  "$TCPFLOW" "$@" -j $j -o "$d/j$j" 2>/dev/null
  check "W2-like slice: -j $j equals -j 1" same_run "$d/one" "$d/j$j"
done

# Refusals: nothing moved, a message naming the problem, exit status 2.
cap="$CAPTURES/gen_http-mixed.pcapng"
d="$WORK/refuse"
for k in 0 1 2; do "$TCPFLOW" --shard "$k/3" -o "$d/s$k" -r "$cap" 2>/dev/null; done
"$TCPFLOW" --shard 1/3 -o "$d/again1" -r "$cap" 2>/dev/null
"$TCPFLOW" -b 10 --shard 2/3 -o "$d/opt2" -r "$cap" 2>/dev/null
"$TCPFLOW" --shard 2/3 -o "$d/other2" -r "$CAPTURES/tf_jpegs.cap" 2>/dev/null
manifest "$d/s0" >"$WORK/before"
refused() { # refused PATTERN DIR...
  pat=$1
  shift
  "$TCPFLOW" --merge -o "$d/out" "$@" 2>"$WORK/err"
  st=$?
  [ $st -eq 2 ] && grep -q "$pat" "$WORK/err" && [ ! -e "$d/out/report.xml" ] &&
    manifest "$d/s0" | cmp -s - "$WORK/before"
}
check "--merge refuses a missing shard" refused "shards missing: 2/3" "$d/s0" "$d/s1"
check "--merge refuses a shard given twice" refused "overlap" "$d/s0" "$d/s1" "$d/again1" "$d/s2"
check "--merge refuses shards of other options" refused "made differently: options" \
  "$d/s0" "$d/s1" "$d/opt2"
check "--merge refuses shards of other captures" refused "read different captures" \
  "$d/s0" "$d/s1" "$d/other2"
check "--merge refuses a directory without a shard report" refused "not a readable" \
  "$d/s0" "$d/s1" "$WORK"
"$TCPFLOW" --shard 4/4 -r "$cap" -o "$d/x" 2>"$WORK/err"
check "--shard 4/4 is a usage error" test $? -eq 1
"$TCPFLOW" --shard 0/2 -c -r "$cap" 2>"$WORK/err" >/dev/null
check "--shard refuses console output" grep -q "cannot be used with console" "$WORK/err"
"$TCPFLOW" -j 2 -o "$d/stdin" -r - <"$cap" 2>"$WORK/err"
check "-j on standard input runs as -j 1, saying so" grep -q "running as -j 1" "$WORK/err"
"$TCPFLOW" --fanout 7 -r "$cap" -o "$d/y" 2>"$WORK/err"
check "--fanout without -i is a usage error" grep -q "needs a live capture" "$WORK/err"

# The shard report says what it was run with.
r="$d/s0/report.xml"
check "shard report records K/N, hash, options and inputs" sh -c \
  "grep -q \"<tcpflow:partition mode='shard' index='0' count='3' hash='tcpflow-fnv1a64-fmix-v1'\" '$r' &&
   grep -q \"<tcpflow:input kind='r' name='gen_http-mixed.pcapng'.* size='[0-9]*' mtime='[0-9.]*' digest='[0-9a-f]\\{16\\}'\" '$r'"

# The GNU parallel example, as documented.
if command -v parallel >/dev/null 2>&1; then
  d="$WORK/par"
  mkdir -p "$d"
  TCPFLOW="$TCPFLOW" sh "$EX/shard-parallel.sh" 4 "$d/out" "$CAPTURES/gen_http-mixed.pcapng" \
    "$CAPTURES/pp_four_ipv6_http_streams.pcap" 2>"$d/err"
  check "GNU parallel example runs" test $? -eq 0
  "$TCPFLOW" -o "$d/one" -r "$CAPTURES/gen_http-mixed.pcapng" \
    -r "$CAPTURES/pp_four_ipv6_http_streams.pcap" 2>/dev/null
  check "GNU parallel: 4 shards merged equal the single run" same_run "$d/one" "$d/out"
else
  echo "# GNU parallel not installed (Debian package parallel): its example not run"
fi

# The Slurm and Kubernetes examples are well-formed.
check "Slurm example: bash -n" bash -n "$EX/tcpflow-shards.sbatch"
check "Slurm example: an array job running --shard" sh -c \
  "grep -q '^#SBATCH' '$EX/tcpflow-shards.sbatch' &&
   grep -q 'tcpflow --shard \"\$K/\$N\"' '$EX/tcpflow-shards.sbatch'"
if python3 -c 'import yaml' 2>/dev/null; then
  check "Kubernetes example: an Indexed Job whose index is the shard" python3 - "$EX/tcpflow-shards-job.yaml" <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))
assert job["apiVersion"] == "batch/v1" and job["kind"] == "Job"
spec = job["spec"]
assert spec["completionMode"] == "Indexed"
n = spec["completions"]
pod = spec["template"]["spec"]
assert pod["restartPolicy"] in ("Never", "OnFailure")
c = pod["containers"][0]
cmd = " ".join(c["command"] + c["args"])
assert f"--shard $JOB_COMPLETION_INDEX/{n}" in cmd, cmd
assert "-o /data/out.shards/$JOB_COMPLETION_INDEX" in cmd, cmd
mounts = {m["name"] for m in c["volumeMounts"]}
assert mounts <= {v["name"] for v in pod["volumes"]}
PY
else
  echo "# python3-yaml not installed: Kubernetes example not parsed"
fi

finish
