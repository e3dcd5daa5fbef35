#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# bench/run.sh [PCAPDIR] -- time our tcpflow against tcpflow 1.6.1, side by side in one run.
#
# A benchmark, not a test: it takes a long time (tens of minutes with the default
# RUNS) and needs root (the workload builder creates network namespaces).
#
#  1. Builds the W1-W4 captures with make-workloads.sh into PCAPDIR (default
#     /tmp/tfbench) unless they are there already (REBUILD=1 forces it).
#  2. For every case and workload, runs the shared measure.sh once for our
#     tcpflow and once for 1.6.1, alternating, so both see the same machine state.
#     Flow output goes to OUT on tmpfs (default /dev/shm/tfbench-out).
#  3. Writes RESULTS/results.tsv (one row per tool, case and workload) and prints
#     a side-by-side table; RESULTS defaults to PCAPDIR/results-<date>.
#
# Cases (CASES="default md5 nofiles fk f64"):
#   default  tcpflow -o OUT -r PCAP                      on W1 W2 W3
#   md5      tcpflow -e md5 -o OUT -r PCAP               on W1 W2 W3
#   nofiles  tcpflow -FX -o OUT -r PCAP                  on W1 W2 W3
#   fk       tcpflow -Fk -o OUT -r PCAP                  on W4
#   f64      tcpflow -f 64 -o OUT -r PCAP (fd cache)     on W2 W3, and with -Fk on W4
# plus the I/O floor (cat of the capture) once per workload.
#
# Environment:
#   BENCH_SHARED  directory of make-workloads.sh and measure.sh
#                 (default: <repo>/../shared/bench, i.e. "$(dirname "$0")/../../shared/bench")
#   BUILD_DIR     build tree of our tcpflow (default: the repository root)
#   TCPFLOW       our binary (default: $BUILD_DIR/host/tcpflow); TCPFLOW_PLUGIN_PATH
#                 defaults to $BUILD_DIR/plugins/*/.libs
#   REF_TCPFLOW   the reference (default: /usr/bin/tcpflow, 1.6.1)
#   RUNS          runs per measurement, median reported (default 3); W4_RUNS for W4 (default 1)
#   OUT           output directory, should be on tmpfs (default /dev/shm/tfbench-out)
#   WORKLOADS     subset of "w1-bulk w2-many w3-mixed w4-synth"
#   TIMER         passed through to measure.sh (default: GNU time)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
BENCH_SHARED=${BENCH_SHARED:-"$here/../../shared/bench"}
PCAPDIR=$(realpath -m "${1:-/tmp/tfbench}")
BUILD_DIR=$(realpath -m "${BUILD_DIR:-$repo}")
TCPFLOW=${TCPFLOW:-$BUILD_DIR/host/tcpflow}
REF_TCPFLOW=${REF_TCPFLOW:-/usr/bin/tcpflow}
RUNS=${RUNS:-3}
W4_RUNS=${W4_RUNS:-1}
OUT=${OUT:-/dev/shm/tfbench-out}
CASES=${CASES:-"default md5 nofiles fk f64"}
WORKLOADS=${WORKLOADS:-"w1-bulk w2-many w3-mixed w4-synth"}
RESULTS=$(realpath -m "${RESULTS:-$PCAPDIR/results-$(date +%Y%m%d-%H%M%S)}")

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (make-workloads.sh needs network namespaces)"
[ -x "$BENCH_SHARED/measure.sh" ] || [ -f "$BENCH_SHARED/measure.sh" ] ||
  die "no measure.sh in $BENCH_SHARED (set BENCH_SHARED)"
[ -x "$TCPFLOW" ] || die "our tcpflow not found at $TCPFLOW (build it, or set TCPFLOW / BUILD_DIR)"
[ -x "$REF_TCPFLOW" ] || die "reference tcpflow not found at $REF_TCPFLOW (apt-get install tcpflow)"
if [ -z "${TIMER:-}" ] && ! [ -x /usr/bin/time ]; then
  die "GNU time is needed: apt-get install -y time"
fi
if [ -z "${TCPFLOW_PLUGIN_PATH:-}" ]; then
  plugin_path=''
  for d in "$BUILD_DIR"/plugins/*/.libs; do
    [ -d "$d" ] && plugin_path=${plugin_path:+$plugin_path:}$d
  done
  TCPFLOW_PLUGIN_PATH=$plugin_path
fi
mkdir -p "$OUT"
if [ "$(stat -f -c %T "$OUT")" != tmpfs ]; then
  log "warning: $OUT is not on tmpfs; file-system effects will swamp the comparison"
fi

# ---------------------------------------------------------------- workloads
short_names=''
for w in $WORKLOADS; do
  if [ "${REBUILD:-0}" = 1 ] || [ ! -s "$PCAPDIR/$w.pcap" ] ||
    ! grep -q "^$w	" "$PCAPDIR/workloads.tsv" 2>/dev/null; then
    short_names+="${w%%-*} "
  fi
done
if [ -n "$short_names" ]; then
  log "building workloads: $short_names(this takes a few minutes)"
  WORKLOADS="$short_names" bash "$BENCH_SHARED/make-workloads.sh" "$PCAPDIR"
fi

# ---------------------------------------------------------------- cases
workloads_for() { # case -> the workloads it runs on
  case $1 in
    default | md5 | nofiles) echo "w1-bulk w2-many w3-mixed" ;;
    fk) echo "w4-synth" ;;
    f64) echo "w2-many w3-mixed w4-synth" ;;
    *) die "unknown case $1" ;;
  esac
}
measure_case() { # case -> measure.sh's case that runs it
  case $1 in
    md5) echo md5 ;;
    nofiles) echo nofiles ;;
    *) echo default ;;
  esac
}
extra_args() { # case workload -> options added in front of measure.sh's own
  case $1 in
    fk) echo "-Fk" ;;
    f64) if [ "$2" = w4-synth ]; then echo "-Fk -f 64"; else echo "-f 64"; fi ;;
    *) echo "" ;;
  esac
}
shown_opts() { # measure-case extra-args -> the options as a user would type them
  local o
  case $1 in md5) o="-e md5" ;; nofiles) o="-FX" ;; *) o="" ;; esac
  o="$o${o:+${2:+ }}$2"
  echo "${o:--}"
}
wanted() { case " $WORKLOADS " in *" $1 "*) return 0 ;; esac; return 1; }

mkdir -p "$RESULTS"
printf 'tool\tbench_case\targs\tworkload\tcase\tn\twall_med\twall_min\twall_max\tuser_med\tsys_med\tpeak_mib_med\tMB_per_s\tpkts_per_s\tflows_per_s\tout_files\tout_bytes\n' \
  >"$RESULTS/results.tsv"

# A directory that measure.sh sees as its PCAPDIR: links to one capture and
# to workloads.tsv, so each tool and case gets results.tsv of its own.
stage() { # name workload -> directory
  local d=$RESULTS/$1
  mkdir -p "$d"
  ln -sf "$PCAPDIR/$2.pcap" "$d/$2.pcap"
  ln -sf "$PCAPDIR/workloads.tsv" "$d/workloads.tsv"
  echo "$d"
}

# A wrapper that measure.sh runs as TCPFLOW: it adds the case's options and,
# for our build, the plugin path.  exec keeps it one process for the timer.
wrapper() { # dir binary plugin_path args...
  local d=$1 bin=$2 pp=$3
  shift 3
  {
    echo '#!/bin/sh'
    [ -n "$pp" ] && printf 'TCPFLOW_PLUGIN_PATH=%q; export TCPFLOW_PLUGIN_PATH\n' "$pp"
    printf 'exec %q' "$bin"
    [ $# -gt 0 ] && printf ' %q' "$@"
    printf ' "$@"\n'
  } >"$d/tcpflow"
  chmod +x "$d/tcpflow"
  echo "$d/tcpflow"
}

run_measure() { # tool case workload
  local tool=$1 c=$2 w=$3 d bin pp mc args runs
  mc=$(measure_case "$c")
  args=$(extra_args "$c" "$w")
  d=$(stage "$tool-$c-$w" "$w")
  if [ "$tool" = ours ]; then bin=$TCPFLOW; pp=$TCPFLOW_PLUGIN_PATH; else bin=$REF_TCPFLOW; pp=''; fi
  # shellcheck disable=SC2086  # args are separate words on purpose
  wrap=$(wrapper "$d" "$bin" "$pp" $args)
  runs=$RUNS
  [ "$w" = w4-synth ] && runs=$W4_RUNS
  [ "$tool" = ref ] && [ "$c" = fk ] && log "1.6.1 on W4 -Fk takes about a minute per run"
  log "$tool $c $w: tcpflow $args (measure.sh case $mc, $runs runs)"
  WORKLOADS=$w CASES=$mc RUNS=$runs TCPFLOW=$wrap OUT=$OUT TIMER=${TIMER:-} \
    bash "$BENCH_SHARED/measure.sh" "$d" 2>>"$RESULTS/measure.log"
  tail -n +2 "$d/results.tsv" | while IFS= read -r row; do
    printf '%s\t%s\t%s\t%s\n' "$tool" "$c" "$(shown_opts "$mc" "$args")" "$row"
  done >>"$RESULTS/results.tsv"
}

for w in $WORKLOADS; do
  [ -s "$PCAPDIR/$w.pcap" ] || { log "skip $w: no capture"; continue; }
  d=$(stage "floor-$w" "$w")
  log "floor $w: cat"
  WORKLOADS=$w CASES=cat RUNS=$RUNS OUT=$OUT TIMER=${TIMER:-} \
    bash "$BENCH_SHARED/measure.sh" "$d" 2>>"$RESULTS/measure.log"
  tail -n +2 "$d/results.tsv" | while IFS= read -r row; do
    printf 'cat\tfloor\t-\t%s\n' "$row"
  done >>"$RESULTS/results.tsv"
done

for c in $CASES; do
  for w in $(workloads_for "$c"); do
    wanted "$w" || continue
    [ -s "$PCAPDIR/$w.pcap" ] || continue
    run_measure ours "$c" "$w"
    run_measure ref "$c" "$w"
  done
done
rm -rf "$OUT"

# ---------------------------------------------------------------- table
awk -F'\t' '
  NR == 1 { next }
  $1 == "cat" { floor[$4] = $7; next }
  { key = $2 "\t" $4; if (!(key in seen)) { seen[key] = 1; order[++n] = key; args[key] = $3 }
    wall[$1, key] = $7; mbs[$1, key] = $13; pps[$1, key] = $14; fps[$1, key] = $15
    rss[$1, key] = $12; files[$1, key] = $16 }
  END {
    printf "| case | workload | options | ours wall s | 1.6.1 wall s | 1.6.1/ours | floor s | ours MB/s | ours pkts/s | ours flows/s | 1.6.1 MB/s | ours RSS MiB | 1.6.1 RSS MiB | files ours/1.6.1 |\n"
    printf "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= n; i++) {
      k = order[i]; split(k, p, "\t")
      o = wall["ours", k]; r = wall["ref", k]
      ratio = (o > 0) ? sprintf("%.2f", r / o) : "-"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s/%s |\n",
        p[1], p[2], args[k], o, r, ratio, (p[2] in floor) ? floor[p[2]] : "-",
        mbs["ours", k], pps["ours", k], fps["ours", k], mbs["ref", k],
        rss["ours", k], rss["ref", k], files["ours", k], files["ref", k]
    }
  }' "$RESULTS/results.tsv" | tee "$RESULTS/table.md"
log "results: $RESULTS/results.tsv, table: $RESULTS/table.md, measure.sh log: $RESULTS/measure.log"
