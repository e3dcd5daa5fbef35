#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# bench/scale.sh [PCAPDIR] -- time -j 1, -j 2 and -j 4 on W1..W4 (bench/README.md, Scale-out).
#
# A benchmark, not a test.  For every workload and -j value it runs tcpflow RUNS times
# (W4_RUNS for W4), output on tmpfs, and reports the median wall-clock time, the median
# user and system CPU seconds (all processes), the ratio to -j 1, and the 1-minute load
# average seen before the runs (the machine may be shared).  crit_s is the critical path
# in CPU seconds -- the busiest worker plus the parent's merge, from tcpflow -d 2 (-j 1:
# user + sys) -- and crit_ratio its ratio to -j 1's: what the wall-clock ratio comes to
# with a free core per worker, readable even on a loaded machine.  It also checks, once
# per workload and -j value, that the output equals that of -j 1 (files, bytes,
# normalised report).
#
# Environment: TCPFLOW (default <repo>/host/tcpflow or _build/host/tcpflow), RUNS (3),
# W4_RUNS (1), JOBS ("1 2 4"), OUT (/dev/shm/tfscale), WORKLOADS
# ("w1-bulk w2-many w3-mixed w4-synth"), EXTRA (more tcpflow options, e.g. "-e md5").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
PCAPDIR=${1:-/work/wl}
if [[ -z ${TCPFLOW:-} ]]; then
  TCPFLOW=$repo/host/tcpflow
  [[ -x $TCPFLOW ]] || TCPFLOW=$repo/_build/host/tcpflow
fi
RUNS=${RUNS:-3}
W4_RUNS=${W4_RUNS:-1}
JOBS=${JOBS:-"1 2 4"}
OUT=${OUT:-/dev/shm/tfscale}
WORKLOADS=${WORKLOADS:-"w1-bulk w2-many w3-mixed w4-synth"}
EXTRA=${EXTRA:-}
NORM=$repo/tests/tools/report_norm.py

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# The critical path of one run from its -d 2 lines (see above); $1: the run's stderr,
# $2: its user + sys seconds (for -j 1).
crit() {
  awk -v total="$2" '
    / worker [0-9]+: / { c = $5 + $8; if (c > w) w = c }
    / the parent \(merge included\): / { p = $7 + $10 }
    END { if (w == "") printf "%.3f\n", total; else printf "%.3f\n", w + p }' "$1"
}

printf 'workload\tj\truns\twall_s\tuser_s\tsys_s\tratio\tcrit_s\tcrit_ratio\tload1\tsame_as_j1\n'
for w in $WORKLOADS; do
  pcap=$PCAPDIR/$w.pcap
  [[ -f $pcap ]] || { echo "# $pcap missing" >&2; continue; }
  runs=$RUNS
  [[ $w == w4-* ]] && runs=$W4_RUNS
  base=
  cbase=
  for j in $JOBS; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    : >"$OUT.times"
    : >"$OUT.crit"
    for ((r = 0; r < runs; r++)); do
      rm -rf "$OUT.j$j"
      # shellcheck disable=SC2086
      /usr/bin/time -f '%e %U %S' -o "$OUT.time1" "$TCPFLOW" -d 2 $EXTRA -j "$j" \
        -o "$OUT.j$j" -r "$pcap" 2>"$OUT.err"
      cat "$OUT.time1" >>"$OUT.times"
      crit "$OUT.err" "$(awk '{print $2 + $3}' "$OUT.time1")" >>"$OUT.crit"
    done
    wall=$(cut -d' ' -f1 "$OUT.times" | median)
    user=$(cut -d' ' -f2 "$OUT.times" | median)
    sys=$(cut -d' ' -f3 "$OUT.times" | median)
    cpath=$(median <"$OUT.crit")
    [[ -z $base ]] && base=$wall
    [[ -z $cbase ]] && cbase=$cpath
    same=-
    if [[ $j != 1 && -d $OUT.j1 ]]; then
      if diff -r -q -x report.xml "$OUT.j1" "$OUT.j$j" >/dev/null &&
        cmp -s <(python3 "$NORM" --strip-prefix "$OUT.j1" "$OUT.j1/report.xml") \
          <(python3 "$NORM" --strip-prefix "$OUT.j$j" "$OUT.j$j/report.xml"); then
        same=yes
      else
        same=NO
      fi
      rm -rf "$OUT.j$j"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%.2f\t%s\t%s\n' "$w" "$j" "$runs" "$wall" \
      "$user" "$sys" "$(echo "$wall / $base" | bc -l)" "$cpath" "$(echo "$cpath / $cbase" | bc -l)" \
      "$load" "$same"
  done
  rm -rf "$OUT.j1"
done
rm -f "$OUT.times" "$OUT.time1" "$OUT.crit" "$OUT.err"
