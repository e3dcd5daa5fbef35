#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# bench/smoke.sh [BUILD_DIR] -- prove in seconds that bench/run.sh still works.
#
# Runs both modes of run.sh on tiny synthetic captures (bench/w4gen.c) and
# checks that every table has its rows, that the numbers are numbers and that
# the runs wrote the files they should.  It asserts nothing about speed: it is
# for CI (`setup.sh check`), never for timing.  Exit 77 (skipped) when GNU time
# or a C compiler is missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
BUILD_DIR=${1:-${BUILD_DIR:-}}
command -v cc >/dev/null 2>&1 || { echo "smoke: skipped, no C compiler (cc)"; exit 77; }
[ -x /usr/bin/time ] || { echo "smoke: skipped, GNU time (/usr/bin/time) is not installed"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpflow-bench-smoke.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "smoke: FAIL: $*" >&2; exit 1; }

# Captures: 2,000 connections, 500 open at once, as W2 and as W4.
cc -O2 -o "$tmp/w4gen" "$here/w4gen.c"
mkdir -p "$tmp/pcaps"
"$tmp/w4gen" 2000 500 "$tmp/pcaps/w4-synth.pcap"
cp "$tmp/pcaps/w4-synth.pcap" "$tmp/pcaps/w2-many.pcap"
printf 'name\tbytes\tpackets\ttcp_connections\n' >"$tmp/pcaps/workloads.tsv"
for w in w2-many w4-synth; do
  printf '%s\t%s\t16000\t2000\n' "$w" "$(stat -c %s "$tmp/pcaps/$w.pcap")" >>"$tmp/pcaps/workloads.tsv"
done

ref=/usr/bin/tcpflow
[ -x "$ref" ] || ref=none
out=/dev/shm
[ -d "$out" ] && [ -w "$out" ] || out=$tmp
MODE=all RUNS=1 W4_RUNS=1 CASES="default md5 fk" WORKLOADS="w2-many w4-synth" \
  SCALE_SIZES="1000 2000" SCALE_CONC=500 REF_TCPFLOW=$ref \
  OUT="$out/tcpflow-bench-smoke-$$" RESULTS="$tmp/results" BUILD_DIR=${BUILD_DIR:-} \
  bash "$here/run.sh" "$tmp/pcaps" >"$tmp/run.log" 2>&1 || { cat "$tmp/run.log"; fail "run.sh failed"; }

r=$tmp/results
row() { grep -E "^\| $1 \| $2 \|" "$r/table.md" || fail "no $1 $2 row in table.md"; }
num='[0-9]+(\.[0-9]+)?'
for c in default md5; do
  row w2-many "$c" | grep -Eq "^\| w2-many \| $c \| $num \| ($num|-) \| $num \| $num \|" ||
    fail "w2-many $c: times missing: $(row w2-many "$c")"
done
# -Fk: a file per direction plus report.xml, in ours' tree (and so in the floor's).
row w4-synth fk | grep -Eq '\| 4001 \|$' || fail "w4-synth fk did not write 4001 files: $(row w4-synth fk)"
row w2-many md5 | awk -F'|' '{ exit !($10 + 0 > 0 && $12 + 0 > 0) }' || fail "no md5 / default or CPU ratio"
grep -q 'W4 -Fk peak RSS' "$r/goals.md" || fail "goals.md lacks the W4 memory goal"
for n in 1000 2000; do
  grep -Eq "^\| $n( \| $num){9} \|$" "$r/scale.md" ||
    fail "scale.md has no complete row for $n connections"
done
[ "$(awk -F'\t' 'NR > 1 && $5 !~ /^[0-9.]+$/' "$r/runs.tsv" | wc -l)" = 0 ] || fail "runs.tsv has runs without a time"
cat "$r/table.md" "$r/goals.md" "$r/scale.md"
echo "smoke: bench/run.sh works (side by side and scaling)"
