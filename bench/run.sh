#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# bench/run.sh [PCAPDIR] -- our tcpflow, tcpflow 1.6.1 and the physical floor, side by side.
#
# A benchmark, not a test: never run by `make check` (bench/smoke.sh proves it
# still works, in seconds).  Two parts, chosen with MODE:
#
#  side   (default) For every workload and case, RUNS rounds; each round runs, in
#         turn: our tcpflow, 1.6.1, and the floor.  The floor is the cheapest way
#         to read the same capture and create the same files: `cat PCAP` plus
#         `tar -xf` of a tarball of the very output tree ours wrote in that
#         round.  Medians are reported: wall, user, sys, peak RSS (GNU time %M),
#         ours/floor, 1.6.1/floor, 1.6.1/ours, MB/s and connections/s, and for
#         the md5 case its cost against our own default run.  CPU time (user +
#         sys) of ours and of the floor is shown too: on a busy machine it
#         varies far less than wall time.
#  scale  W4-like synthetic captures (bench/w4gen.c: 8 packets per connection,
#         SCALE_CONC connections open at once) of SCALE_SIZES connections; our
#         tcpflow with -FX (reassembly and report, no files) and with -Fk (a file
#         per direction, binned in directories).  Shows time per connection and
#         peak RSS: the cost is linear in connections and memory is bounded by
#         the connections open at once, not by the total.
#  all    both.
#
# Captures: PCAPDIR (default /tmp/tfbench) holds w1-bulk.pcap w2-many.pcap
# w3-mixed.pcap w4-synth.pcap (and workloads.tsv with their connection counts),
# made by the shared make-workloads.sh (root: it builds network namespaces) when
# missing.  Scaling captures are generated into PCAPDIR/scale-N.pcap and kept.
#
# Environment:
#   MODE          side | scale | all (default side); jobs: -j 1/2/4 on the
#                 workloads through bench/scale.sh, into RESULTS/jobs.tsv
#   BUILD_DIR     build tree of our tcpflow (default: the repository root, or
#                 <repo>/_build when that holds host/tcpflow)
#   TCPFLOW       our binary (default: $BUILD_DIR/host/tcpflow); TCPFLOW_PLUGIN_PATH
#                 defaults to $BUILD_DIR/plugins/*/.libs
#   REF_TCPFLOW   the reference (default /usr/bin/tcpflow, 1.6.1); "none" skips it
#   RUNS          rounds per measurement, medians reported (default 3); W4_RUNS
#                 for W4 (default 1: 1.6.1 takes over a minute there)
#   CASES         subset of "default md5 fk nofiles f64" (default "default md5 fk")
#   WORKLOADS     subset of "w1-bulk w2-many w3-mixed w4-synth"
#   OUT           output directory, on tmpfs (default /dev/shm/tfbench-out); the
#                 floor's tarball goes next to it ($OUT.tar)
#   RESULTS       where results go (default PCAPDIR/results-<date>)
#   SCALE_SIZES   connections per scaling capture (default "10000 100000 1000000 4000000")
#   SCALE_CONC    connections open at once in them (default 50000, as W4)
#   SCALE_CASES   "fx fk" (default); fk is skipped for a size whose files would
#                 not fit in OUT's free space (about 9 KiB per connection on tmpfs)
#   BENCH_SHARED  directory of make-workloads.sh (default <repo>/../shared/bench)
#
# Output: RESULTS/runs.tsv (every timed run), RESULTS/table.md (side by side),
# RESULTS/scale.md (scaling), RESULTS/goals.md (issue 13's goals, met or not).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
MODE=${MODE:-side}
PCAPDIR=$(realpath -m "${1:-/tmp/tfbench}")
if [ -z "${BUILD_DIR:-}" ]; then
  BUILD_DIR=$repo
  [ -x "$repo/host/tcpflow" ] || { [ -x "$repo/_build/host/tcpflow" ] && BUILD_DIR=$repo/_build; }
fi
BUILD_DIR=$(realpath -m "$BUILD_DIR")
TCPFLOW=${TCPFLOW:-$BUILD_DIR/host/tcpflow}
REF_TCPFLOW=${REF_TCPFLOW:-/usr/bin/tcpflow}
RUNS=${RUNS:-3}
W4_RUNS=${W4_RUNS:-1}
CASES=${CASES:-"default md5 fk"}
WORKLOADS=${WORKLOADS:-"w1-bulk w2-many w3-mixed w4-synth"}
OUT=$(realpath -m "${OUT:-/dev/shm/tfbench-out}")
TAR=$OUT.tar
SCALE_SIZES=${SCALE_SIZES:-"10000 100000 1000000 4000000"}
SCALE_CONC=${SCALE_CONC:-50000}
SCALE_CASES=${SCALE_CASES:-"fx fk"}
BENCH_SHARED=${BENCH_SHARED:-"$repo/../shared/bench"}
RESULTS=$(realpath -m "${RESULTS:-$PCAPDIR/results-$(date +%Y%m%d-%H%M%S)}")

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

case $MODE in side | scale | all | jobs) ;; *) die "MODE must be side, scale, jobs or all" ;; esac
[ -x /usr/bin/time ] || die "GNU time is needed for peak RSS: apt-get install -y time"
[ -x "$TCPFLOW" ] || die "our tcpflow not found at $TCPFLOW (build it, or set TCPFLOW / BUILD_DIR)"
if [ "$REF_TCPFLOW" != none ] && ! [ -x "$REF_TCPFLOW" ]; then
  die "reference tcpflow not found at $REF_TCPFLOW (apt-get install tcpflow, or REF_TCPFLOW=none)"
fi
if [ -z "${TCPFLOW_PLUGIN_PATH:-}" ]; then
  TCPFLOW_PLUGIN_PATH=''
  for d in "$BUILD_DIR"/plugins/*/.libs; do
    [ -d "$d" ] && TCPFLOW_PLUGIN_PATH=${TCPFLOW_PLUGIN_PATH:+$TCPFLOW_PLUGIN_PATH:}$d
  done
fi
export TCPFLOW_PLUGIN_PATH
mkdir -p "$OUT" "$RESULTS" "$PCAPDIR"
[ "$(stat -f -c %T "$OUT")" = tmpfs ] ||
  log "warning: $OUT is not on tmpfs; file-system effects will swamp the comparison"
if [ "$MODE" = jobs ]; then # issue 14's -j table (bench/README.md, Scale-out)
  TCPFLOW=$TCPFLOW OUT=$OUT/jobs RUNS=$RUNS W4_RUNS=$W4_RUNS WORKLOADS=$WORKLOADS \
    "$here/scale.sh" "$PCAPDIR" | tee "$RESULTS/jobs.tsv"
  exit "${PIPESTATUS[0]}"
fi
printf 'workload\tcase\ttool\tround\twall_s\tuser_s\tsys_s\tpeak_kib\n' >"$RESULTS/runs.tsv"
: >"$RESULTS/files.tsv"

# Describe the machine once, for bench/README.md.
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) CPUs ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "ours: $TCPFLOW ($(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown commit))"
  echo "1.6.1: $REF_TCPFLOW; output: $OUT ($(stat -f -c %T "$OUT"))"
} >"$RESULTS/machine.txt"

# timed NAME CASE TOOL ROUND CMD... : one run under GNU time, appended to
# runs.tsv.  The wall time is bash's clock around it, to the microsecond:
# GNU time's %e has 10 ms steps, which is 7 % of a 0.15 s run (W3).
timed() {
  local w=$1 c=$2 tool=$3 r=$4 tf t0 t1 wall
  shift 4
  tf=$(mktemp)
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f '%U %S %M' -o "$tf" "$@" >"$RESULTS/last-run.log" 2>&1; then
    log "warning: $tool $c $w round $r exited non-zero (see $RESULTS/last-run.log)"
  fi
  t1=$EPOCHREALTIME
  wall=$(awk -v a="${t0/,/.}" -v b="${t1/,/.}" 'BEGIN { printf "%.4f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$c" "$tool" "$r" "$wall" \
    "$(tail -n1 "$tf" | tr ' ' '\t')" >>"$RESULTS/runs.tsv"
  rm -f "$tf"
}

fresh_out() { rm -rf "$OUT" && mkdir -p "$OUT"; }

# ---------------------------------------------------------------- side by side
case_opts() { # case workload -> our options
  case $1 in
    default) echo "" ;;
    md5) echo "-e md5" ;;
    nofiles) echo "-FX" ;;
    fk) echo "-Fk" ;;
    f64) if [ "$2" = w4-synth ]; then echo "-Fk -f 64"; else echo "-f 64"; fi ;;
    *) die "unknown case $1" ;;
  esac
}
case_applies() { # case workload
  case $1:$2 in
    default:w4-synth | md5:w4-synth | nofiles:w4-synth) return 1 ;;
    fk:w4-synth) return 0 ;;
    fk:*) return 1 ;;
    f64:w1-bulk) return 1 ;;
  esac
  return 0
}

side_by_side() {
  local missing='' w c o n r
  for w in $WORKLOADS; do [ -s "$PCAPDIR/$w.pcap" ] || missing+="${w%%-*} "; done
  if [ -n "$missing" ]; then
    [ "$(id -u)" = 0 ] || die "captures missing ($missing) and building them needs root"
    [ -f "$BENCH_SHARED/make-workloads.sh" ] || die "no make-workloads.sh in $BENCH_SHARED"
    log "building workloads: $missing(a few minutes)"
    WORKLOADS="$missing" bash "$BENCH_SHARED/make-workloads.sh" "$PCAPDIR"
  fi
  # Each round runs every case once, so that a slow spell of a shared
  # machine falls on the cases alike (the md5 case is compared with the
  # default one of the same rounds).
  for w in $WORKLOADS; do
    n=$RUNS
    [ "$w" = w4-synth ] && n=$W4_RUNS
    for r in $(seq "$n"); do
      for c in $CASES; do
        case_applies "$c" "$w" || continue
        o=$(case_opts "$c" "$w")
        log "$w $c round $r/$n: ours${o:+ $o}, 1.6.1, floor"
        # shellcheck disable=SC2086  # the options are separate words on purpose
        {
          fresh_out
          cat "$PCAPDIR/$w.pcap" >/dev/null # the capture in the page cache for all three
          timed "$w" "$c" ours "$r" "$TCPFLOW" $o -o "$OUT" -r "$PCAPDIR/$w.pcap"
          if [ "$r" = 1 ]; then
            printf '%s\t%s\t%s\t%s\n' "$w" "$c" "$(find "$OUT" -type f | wc -l)" \
              "$(du -sb "$OUT" | cut -f1)" >>"$RESULTS/files.tsv"
          fi
          tar -C "$OUT" -cf "$TAR" .
          if [ "$REF_TCPFLOW" != none ]; then
            fresh_out
            timed "$w" "$c" ref "$r" "$REF_TCPFLOW" $o -o "$OUT" -r "$PCAPDIR/$w.pcap"
          fi
          fresh_out
          # shellcheck disable=SC2016  # expanded by that sh, not here
          timed "$w" "$c" floor "$r" sh -c 'cat "$1" >/dev/null && tar -C "$2" -xf "$3"' floor \
            "$PCAPDIR/$w.pcap" "$OUT" "$TAR"
        }
      done
    done
  done
  rm -rf "$OUT" "$TAR"
  side_table
}

# Connections per workload: workloads.tsv when make-workloads.sh wrote it.
connections() {
  awk -F'\t' -v w="$1" '$1 == w { print $4; found = 1 } END { if (!found) print "" }' \
    "$PCAPDIR/workloads.tsv" 2>/dev/null || true
}

side_table() {
  local meta=$RESULTS/meta.tsv w
  : >"$meta"
  for w in $WORKLOADS; do
    [ -s "$PCAPDIR/$w.pcap" ] &&
      printf '%s\t%s\t%s\n' "$w" "$(stat -L -c %s "$PCAPDIR/$w.pcap")" "$(connections "$w")" >>"$meta"
  done
  awk -F'\t' -v ref_name="$REF_TCPFLOW" '
    function median(list,   a, n, i, j, t) {
      n = split(list, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
      return n ? ((n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2) : ""
    }
    function fmt(x, f) { return x == "" ? "-" : sprintf(f, x) }
    function ratio(a, b) { return (a == "" || b == "" || b + 0 <= 0) ? "" : a / b }
    FILENAME ~ /meta.tsv$/ { bytes[$1] = $2; conns[$1] = $3; next }
    FILENAME ~ /files.tsv$/ { files[$1 "\t" $2] = $3; next }
    FNR == 1 { next }
    {
      k = $1 "\t" $2
      if (!(k in seen)) { seen[k] = 1; order[++n] = k }
      wall[k, $3] = wall[k, $3] " " $5; user[k, $3] = user[k, $3] " " $6
      sys[k, $3] = sys[k, $3] " " $7; rss[k, $3] = rss[k, $3] " " $8
    }
    END {
      print "| workload | case | ours s | 1.6.1 s | floor s | ours/floor | 1.6.1/floor | 1.6.1/ours | vs our default | CPU s ours / floor | CPU ours/floor | ours MB/s | ours conn/s | ours MiB | 1.6.1 MiB | files |"
      print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= n; i++) {
        k = order[i]; split(k, p, "\t")
        o = median(wall[k, "ours"]); r = median(wall[k, "ref"]); f = median(wall[k, "floor"])
        cpu = median(user[k, "ours"]) + median(sys[k, "ours"])
        fcpu = median(user[k, "floor"]) + median(sys[k, "floor"])
        d = median(wall[p[1] "\tdefault", "ours"])
        vs = (p[2] != "default" && d != "") ? fmt(ratio(o, d), "%.2f") : "-"
        mbs = (p[1] in bytes) ? fmt(ratio(bytes[p[1]] / 1e6, o), "%.0f") : "-"
        cps = (conns[p[1]] != "") ? fmt(ratio(conns[p[1]], o), "%.0f") : "-"
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s | %s | %s | %s | %s | %s |\n",
          p[1], p[2], fmt(o, "%.3f"), fmt(r, "%.3f"), fmt(f, "%.3f"),
          fmt(ratio(o, f), "%.2f"), fmt(ratio(r, f), "%.2f"), fmt(ratio(r, o), "%.2f"), vs,
          fmt(cpu, "%.2f"), fmt(fcpu, "%.2f"), fmt(ratio(cpu, fcpu), "%.2f"), mbs, cps, fmt(median(rss[k, "ours"]) / 1024, "%.1f"),
          fmt(rss[k, "ref"] == "" ? "" : median(rss[k, "ref"]) / 1024, "%.1f"),
          (k in files) ? files[k] : "-"
        # issue 13 goals
        if (p[2] == "default" && p[1] == "w1-bulk") { goal("W1 ours/floor <= 1.10", ratio(o, f), 1.10); goal("W1 1.6.1/ours >= 1.5", ratio(r, o), 1.5, 1) }
        if (p[2] == "default" && p[1] == "w2-many") { goal("W2 ours/floor <= 1.25", ratio(o, f), 1.25); goal("W2 1.6.1/ours >= 1.7", ratio(r, o), 1.7, 1) }
        if (p[2] == "default" && p[1] == "w3-mixed") goal("W3 ours/floor <= 1.25", ratio(o, f), 1.25)
        if (p[2] == "fk" && p[1] == "w4-synth") { goal("W4 -Fk ours/floor <= 1.15", ratio(o, f), 1.15); goal("W4 -Fk peak RSS <= 64 MiB", median(rss[k, "ours"]) / 1024, 64) }
        if (p[2] == "md5" && d != "") goal(p[1] " -e md5 / our default <= 1.3", ratio(o, d), 1.3)
        if (p[2] == "default" && p[1] != "w4-synth") goal(p[1] " peak RSS <= 24 MiB", median(rss[k, "ours"]) / 1024, 24)
      }
      print "" > goals
      print "| goal (issue 13) | measured | met |" > goals
      print "|---|---:|---|" > goals
      for (i = 1; i <= ng; i++) print gl[i] > goals
    }
    function goal(name, v, limit, atleast) {
      if (v == "") return
      gl[++ng] = sprintf("| %s | %.2f | %s |", name, v, (atleast ? v >= limit : v <= limit) ? "yes" : "no")
    }
  ' goals="$RESULTS/goals.md" "$meta" "$RESULTS/files.tsv" "$RESULTS/runs.tsv" >"$RESULTS/table.md"
  cat "$RESULTS/machine.txt" "$RESULTS/table.md" "$RESULTS/goals.md"
}

# ---------------------------------------------------------------- scaling
scale() {
  local gen=$RESULTS/w4gen n p c o free_kib need_kib
  cc -O2 -o "$gen" "$here/w4gen.c" || die "cannot compile bench/w4gen.c"
  printf 'connections\tcase\tbytes\twall_s\tuser_s\tsys_s\tpeak_kib\n' >"$RESULTS/scale.tsv"
  for n in $SCALE_SIZES; do
    p=$PCAPDIR/scale-$n-c$SCALE_CONC.pcap
    if ! [ -s "$p" ]; then
      log "generating $p"
      "$gen" "$n" "$SCALE_CONC" "$p.part" && mv "$p.part" "$p"
    fi
    for c in $SCALE_CASES; do
      case $c in fx) o="-FX" ;; fk) o="-Fk" ;; *) die "unknown scaling case $c" ;; esac
      fresh_out
      if [ "$c" = fk ]; then
        free_kib=$(df -Pk "$OUT" | awk 'NR == 2 { print $4 }')
        need_kib=$((n * 9))
        if [ "$need_kib" -gt "$free_kib" ]; then
          log "scale $n $c: skipped, the files need about $((need_kib / 1048576)) GiB in $OUT"
          printf '%s\t%s\t%s\tskipped\t\t\t\n' "$n" "$c" "$(stat -c %s "$p")" >>"$RESULTS/scale.tsv"
          continue
        fi
      fi
      cat "$p" >/dev/null
      log "scale $n $c: tcpflow $o"
      # shellcheck disable=SC2086
      timed "scale-$n" "$c" ours 1 "$TCPFLOW" $o -o "$OUT" -r "$p"
      tail -n1 "$RESULTS/runs.tsv" | awk -F'\t' -v n="$n" -v c="$c" -v b="$(stat -c %s "$p")" \
        '{ printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n, c, b, $5, $6, $7, $8 }' >>"$RESULTS/scale.tsv"
    done
  done
  rm -rf "$OUT"
  awk -F'\t' -v conc="$SCALE_CONC" '
    NR == 1 { next }
    { k = $1; if (!(k in seen)) { seen[k] = 1; order[++n] = k; mb[k] = $3 / 1e6 }
      w[k, $2] = $4; cpu[k, $2] = $5 + $6; m[k, $2] = $7 }
    function cell(k, c) {
      if (!((k, c) in w)) return "- | - | - | -"
      if (w[k, c] == "skipped") return "skipped | - | - | -"
      return sprintf("%.2f | %.2f | %.1f | %.1f", w[k, c], cpu[k, c], cpu[k, c] * 1e6 / k,
                     m[k, c] / 1024)
    }
    END {
      printf "Synthetic W4-like captures, %d connections open at once (8 packets each);\n", conc
      print "CPU s = user + sys, us/conn from CPU time (steadier than wall on a shared machine).\n"
      print "| connections | capture MB | -FX s | -FX CPU s | -FX us/conn | -FX MiB | -Fk s | -Fk CPU s | -Fk us/conn | -Fk MiB |"
      print "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
      for (i = 1; i <= n; i++) printf "| %d | %.0f | %s | %s |\n", order[i], mb[order[i]], cell(order[i], "fx"), cell(order[i], "fk")
    }' "$RESULTS/scale.tsv" >"$RESULTS/scale.md"
  cat "$RESULTS/scale.md"
}

case $MODE in
  side) side_by_side ;;
  scale) scale ;;
  all) side_by_side; scale ;;
esac
log "results in $RESULTS (runs.tsv, table.md, goals.md, scale.md)"
