#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# One-command set-up on a fresh Debian 12 machine (run as root, or with sudo
# available):
#   ./setup.sh demo    install build dependencies, build, run tcpflow on a
#                      sample capture and show where the flows went
#   ./setup.sh check   the same set-up, then the whole test suite: unit and
#                      integration tests, a sanitizer (ASan+UBSan) build of the
#                      suite, and short fuzzing runs
set -eu
cd "$(dirname "$0")"
top=$(pwd)
mode=${1:-demo}
jobs=$(nproc 2>/dev/null || echo 2)

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
  # Build: autotools, libpcap, libltdl, zlib, libxml2, check, libcrypto,
  # http-parser, python3-embed, cairo (netviz).  Tests: the tcpflow 1.6.1
  # reference, real servers and clients (nginx, curl, tcpdump, iproute2),
  # xmllint, clang for the fuzzers, poppler-utils for netviz's pictures,
  # cppcheck and shellcheck (make lint), scan-build (make analyze); dpkg-dev,
  # debhelper, fakeroot and lintian for the reference Debian packaging
  # (make deb-check).
  pkgs="build-essential autoconf automake libtool libltdl-dev pkg-config \
    libpcap-dev zlib1g-dev libxml2-dev libxml2-utils check libssl-dev \
    libhttp-parser-dev libpython3-dev libcairo2-dev"
  if [ "$mode" = check ]; then
    pkgs="$pkgs python3 tcpflow nginx curl tcpdump iproute2 clang libclang-rt-14-dev \
      bash-completion groff-base media-types bzip2 xz-utils unzip zip poppler-utils \
      cppcheck shellcheck clang-tools parallel python3-yaml python3-jsonschema time strace \
      dpkg-dev debhelper fakeroot lintian"
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
}

# The failing tests' own logs, for a CI log that has only what was printed
# (a make distcheck tree is deleted by the next make dist).
show_failures() { # show_failures DIR
  find "$1" -name 'test-suite.log' -exec grep -l '^FAIL' {} + 2>/dev/null |
    while read -r log; do
      echo "==== $log"
      grep -v '^ok - ' "$log" | head -n 200
    done
}

build() { # build DIR [configure options]
  dir=$1
  shift
  mkdir -p "$dir"
  (cd "$dir" && "$top/configure" -q "$@" && make -s -j"$jobs")
}

install_deps
./autogen.sh >/dev/null 2>&1
build _build

case $mode in
demo)
  out=$(mktemp -d /tmp/tcpflow-demo.XXXXXX)
  TCPFLOW_PLUGIN_PATH=$(ls -d "$top"/_build/plugins/*/.libs | paste -sd:) \
    _build/host/tcpflow -a -o "$out" -r tests/captures/tf_test-gzip.pcap
  echo "tcpflow wrote these files into $out:"
  ls -l "$out"
  ;;
check)
  status=0
  (cd _build && make -s -j"$jobs" check) || { status=1; show_failures _build; }
  # make lint ran inside make check (and gates it).  The static analyzer
  # is separate and, for now, advisory: its reports are printed and kept in
  # _build/analyze/report, not turned into a failed run.
  (cd _build && make -s analyze) || echo "make analyze: scan-build reported bugs (see _build/analyze/report)"
  # Release checks on the tarball: made from this used tree, it builds
  # out of tree and passes the whole suite (distcheck); two builds are
  # bit-identical; the Debian packages are built, linted and exercised.
  (cd _build && make -s -j"$jobs" distcheck) || { status=1; show_failures _build/tcpflow-*/_build; }
  (cd _build && make -s check-reproducible) || status=1
  (cd _build && make -s deb-check) || status=1
  # The benchmark still runs (seconds, tiny captures; no timing asserted).
  rc=0
  bash bench/smoke.sh "$top/_build" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 77 ] || status=1
  # The same suite with AddressSanitizer and UndefinedBehaviorSanitizer.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
  export LSAN_OPTIONS=suppressions=$top/tests/lsan.supp:print_suppressions=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  build _build-asan --enable-sanitizers
  (cd _build-asan && make -s -j"$jobs" check TESTS_SANITIZED=1) || { status=1; show_failures _build-asan; }
  unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
  # Short, time-bounded fuzzing runs of every harness.
  if command -v clang >/dev/null 2>&1; then
    build _build-fuzz --enable-fuzzing CC=clang
    (cd _build-fuzz/tests/fuzz && make -s fuzz-smoke) || status=1
  fi
  exit $status
  ;;
*)
  echo "usage: $0 demo|check" >&2
  exit 2
  ;;
esac
