# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Shared by the integration tests (sourced).  Environment from tests/Makefile.am:
# TCPFLOW, TCPFLOW_PLUGIN_PATH, CAPTURES, TESTS_SRCDIR, TOP_SRCDIR, TOP_BUILDDIR.
# shellcheck shell=sh
set -u
: "${TCPFLOW:?run through make check}"
export TCPFLOW_PLUGIN_PATH
# shellcheck disable=SC2034 # read by the scripts that source this file
REF=${REF_TCPFLOW:-/usr/bin/tcpflow}
WORK=$(mktemp -d /tmp/tftest.XXXXXX)
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
