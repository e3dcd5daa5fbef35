# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Shared by the integration tests (sourced).  Environment from tests/Makefile.am:
# TCPFLOW, TCPFLOW_PLUGIN_PATH, CAPTURES, TESTS_SRCDIR, TOP_SRCDIR, TOP_BUILDDIR,
# TF_PLUGINS (the scanners this build has).  Scratch space under $TMPDIR.
# shellcheck shell=sh
set -u
: "${TCPFLOW:?run through make check}"
export TCPFLOW_PLUGIN_PATH
# shellcheck disable=SC2034 # read by the scripts that source this file
REF=${REF_TCPFLOW:-/usr/bin/tcpflow}
WORK=$(mktemp -d "${TMPDIR:-/tmp}"/tftest.XXXXXX)
# tools/checked (what $TCPFLOW runs) lists here every ill-formed report.
export TF_BAD_REPORTS=$WORK/.bad-reports
# Fails the test when a run wrote an ill-formed report, whatever else the
# test checked; then removes the scratch directory.
lib_exit() {
  rc=$?
  if [ -s "$TF_BAD_REPORTS" ]; then
    echo "FAIL - ill-formed reports: $(tr '\n' ' ' <"$TF_BAD_REPORTS")"
    rc=1
  fi
  rm -rf "$WORK"
  exit $rc
}
trap lib_exit EXIT
PASS=0
FAIL=0

skip() { echo "SKIP: $*"; exit 77; }
# Is scanner $1 built?  (Unknown when run by hand without TF_PLUGINS: yes.)
have_plugin() { case " ${TF_PLUGINS-md5 http gzip python wifi} " in *" $1 "*) return 0 ;; esac; return 1; }
need_plugin() { # need_plugin NAME... : skip the whole test without them
  for p in "$@"; do
    have_plugin "$p" || skip "the $p scanner is not built (configure --disable-plugin-$p)"
  done
}
need_root() { [ "$(id -u)" = 0 ] || skip "${1:-this test} needs root"; }
# Loopback present, up and usable (chroot builders often leave it down).
need_loopback() {
  [ -e /sys/class/net/lo ] || skip "no loopback interface"
  [ $(( $(cat /sys/class/net/lo/flags 2>/dev/null || echo 0) & 1 )) = 1 ] || skip "loopback interface is down"
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1); c = socket.create_connection(s.getsockname(), 2)' \
      2>/dev/null || skip "cannot connect over 127.0.0.1"
  fi
}
# Network namespaces can be created (unshare -n): needs root or user namespaces.
need_netns() {
  command -v unshare >/dev/null || skip "unshare missing (util-linux)"
  unshare -n true 2>/dev/null || skip "cannot create network namespaces (unshare -n)"
}
# Raw packet capture allowed (root without CAP_NET_RAW, as in some containers, is not enough).
need_capture() {
  command -v python3 >/dev/null || skip "python3 missing"
  python3 -c 'import socket; socket.socket(socket.AF_PACKET, socket.SOCK_RAW)' 2>/dev/null ||
    skip "raw packet capture not permitted (needs CAP_NET_RAW)"
}
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
not_ok() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { # check "description" command...
  desc=$1
  shift
  if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
  exit $?
}
# A manifest of an output tree: "path size sha256" per file, report left out.
manifest() {
  (cd "$1" && find . -type f ! -name report.xml ! -name 'report.pdf' | LC_ALL=C sort |
    while read -r f; do printf '%s %s %s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum <"$f" | cut -c1-64)"; done)
}
xml_ok() { xmllint --noout "$1" 2>/dev/null; }
