#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# End-to-end tests of the wifi and python scanners with the real host.
#
#   TCPFLOW=host/tcpflow TCPFLOW_PLUGIN_PATH=plugins/wifi/.libs:plugins/python/.libs \
#     sh tests/integration/wifi_python.sh
#
# Exit 0 on success, 1 on failure, 77 (automake's "skipped") without a host.

top=$(cd "$(dirname "$0")/../.." && pwd)
captures="$top/tests/captures"
pydir="$top/plugins/python"

if [ -z "$TCPFLOW" ] || [ ! -x "$TCPFLOW" ]; then
  echo "SKIP: \$TCPFLOW is not set to the built host binary"
  exit 77
fi
if ! command -v xmllint >/dev/null 2>&1; then
  echo "SKIP: xmllint not found (Debian: libxml2-utils)"
  exit 77
fi
for p in wifi python; do
  case " ${TF_PLUGINS-wifi python} " in
    *" $p "*) ;;
    *) echo "SKIP: the $p scanner is not built (configure --disable-plugin-$p)"; exit 77 ;;
  esac
done
export TCPFLOW_PLUGIN_PATH
# No __pycache__ litter in the source tree.
export PYTHONDONTWRITEBYTECODE=1

work=$(mktemp -d "${TMPDIR:-/tmp}/wifi_python.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
pass() {
  echo "ok: $*"
}

# xpath EXPR FILE: the string value of an XPath expression.
xpath() {
  xmllint --xpath "$1" "$2" 2>/dev/null
}

# Element tests by local name: the report need not declare the dfxml or
# tcpflow namespaces, and an undeclared prefix keeps its full name.
fo="*[local-name()='fileobject']"
fname="*[local-name()='filename']"
result="*[local-name()='result' or name()='tcpflow:result']"

# ---------------------------------------------------------------- (a) wifi
qos="$captures/pn_80211_qos_data_frame_ipv4_tcp.pcap"
flow=192.168.001.001.05555-192.168.001.002.54036
# What tcpflow 1.6.1 wrote for this capture (one flow of 1371 bytes).
ref_md5=c1c2e9f3b398ca8b3cbea04feee3e978

"$TCPFLOW" -e wifi -o wifi -r "$qos" >wifi.out 2>wifi.err
rc=$?
if [ $rc -ne 0 ]; then
  fail "wifi run exited $rc: $(cat wifi.err)"
else
  pass "wifi run"
fi
if [ -f "wifi/$flow" ]; then
  got=$(md5sum <"wifi/$flow" | cut -d' ' -f1)
  if [ "$got" = "$ref_md5" ] && [ "$(wc -c <"wifi/$flow")" -eq 1371 ]; then
    pass "flow file identical to 1.6.1's"
  else
    fail "flow file differs from 1.6.1's (md5 $got)"
  fi
  if [ -x /usr/bin/tcpflow ]; then
    /usr/bin/tcpflow -o ref -r "$qos" >/dev/null 2>&1
    if cmp -s "ref/$flow" "wifi/$flow"; then
      pass "flow file matches /usr/bin/tcpflow run"
    else
      fail "flow file does not match /usr/bin/tcpflow run"
    fi
  fi
else
  fail "no flow file wifi/$flow: $(ls wifi 2>&1)"
fi
if xmllint --noout wifi/report.xml 2>/dev/null; then
  pass "wifi report.xml is well-formed"
else
  fail "wifi report.xml is not well-formed"
fi
summary="//*[local-name()='summary']"
if [ "$(xpath "count($summary/*[local-name()='ssids'])" wifi/report.xml)" = 1 ] &&
  [ "$(xpath "string($summary/*[local-name()='wifi']/@frames)" wifi/report.xml)" = 1 ] &&
  [ "$(xpath "string($summary//*[local-name()='station']/@mac)" wifi/report.xml)" = cc:61:e5:be:1a:db ] &&
  [ "$(xpath "string($summary//*[local-name()='frame_type']/@subtype)" wifi/report.xml)" = qos_data ]; then
  pass "wifi summary in report.xml"
else
  fail "wifi summary in report.xml: $(xpath "$summary" wifi/report.xml)"
fi
if [ -f wifi/wifi-summary.txt ] &&
  grep -q '^802.11 frames: 1 (malformed 0' wifi/wifi-summary.txt &&
  grep -q '^  cc:61:e5:be:1a:db 90:03:b7:eb:2a:a2 ' wifi/wifi-summary.txt; then
  pass "wifi-summary.txt"
else
  fail "wifi-summary.txt: $(cat wifi/wifi-summary.txt 2>&1)"
fi

# ---------------------------------------------------------------- (b) python sample
gz="$captures/tf_test-gzip.pcap"
"$TCPFLOW" -e python -S py_path="$pydir/examples" -S py_module=sample_plugin \
  -S py_function=sample_function -o py -r "$gz" >py.out 2>py.err
rc=$?
if [ $rc -ne 0 ]; then
  fail "python run exited $rc: $(cat py.err)"
elif ! xmllint --noout py/report.xml 2>/dev/null; then
  fail "python report.xml is not well-formed"
else
  files=$(xpath "count(//${fo}[$fname])" py/report.xml)
  results=$(xpath "count(//${fo}[$fname][$result])" py/report.xml)
  if [ -n "$files" ] && [ "$files" -gt 0 ] && [ "$files" = "$results" ]; then
    pass "tcpflow:result in all $files fileobjects with a filename"
  else
    fail "tcpflow:result in $results of $files fileobjects with a filename"
  fi
  # Each result describes its own flow file: whole length and md5.
  i=1
  while [ "$i" -le "${files:-0}" ]; do
    name=$(xpath "string((//${fo}[$fname])[$i]/$fname)" py/report.xml)
    text=$(xpath "string((//${fo}[$fname])[$i]/$result)" py/report.xml)
    attrs=$(xpath "concat((//${fo}[$fname])[$i]/$result/@module, ' ', (//${fo}[$fname])[$i]/$result/@function)" py/report.xml)
    want="length=$(wc -c <"$name" | tr -d ' ') md5=$(md5sum <"$name" | cut -d' ' -f1)"
    case "$text" in
    "$want"*) pass "result of $name" ;;
    *) fail "result of $name is '$text', want '$want...'" ;;
    esac
    [ "$attrs" = "sample_plugin sample_function" ] || fail "result attributes of $name: $attrs"
    i=$((i + 1))
  done
fi

# C extension modules need libpython loaded with global symbols.
"$TCPFLOW" -e python -S py_path="$pydir/tests" -S py_module=py_extension \
  -S py_function=crc -o ext -r "$gz" >ext.out 2>ext.err
rc=$?
if [ $rc -eq 0 ] && [ "$(xpath "count(//${result}[starts-with(., 'crc32=')])" ext/report.xml)" -gt 0 ] 2>/dev/null; then
  pass "C extension modules import (libpython symbols are global)"
else
  fail "C extension modules (rc $rc): $(cat ext.err)"
fi

# ---------------------------------------------------------------- (c) errors
# expect_error NAME MESSAGE ARGS...: the run must fail and say MESSAGE.
expect_error() {
  name=$1
  message=$2
  shift 2
  "$TCPFLOW" -e python "$@" -o "err_$name" -r "$gz" >"$name.out" 2>"$name.err"
  rc=$?
  if [ $rc -eq 0 ]; then
    fail "$name: exit status 0"
  elif ! grep -qF "$message" "$name.err"; then
    fail "$name: no '$message' in: $(cat "$name.err")"
  else
    pass "$name: exit $rc, '$message'"
  fi
}
expect_error no_settings "python scanner needs -S py_module=MODULE and -S py_function=FUNCTION"
expect_error no_function "python scanner needs -S py_module=MODULE and -S py_function=FUNCTION" \
  -S py_module=sample_plugin
expect_error no_module "python module 'no_such_module' not found" \
  -S py_path="$pydir/examples" -S py_module=no_such_module -S py_function=f
expect_error broken_module "RuntimeError: broken on purpose" \
  -S py_path="$pydir/tests" -S py_module=py_broken -S py_function=f
expect_error missing_function "python module 'sample_plugin' has no function 'nope'" \
  -S py_path="$pydir/examples" -S py_module=sample_plugin -S py_function=nope
expect_error not_callable "'py_types.not_callable' is a int, not a callable function" \
  -S py_path="$pydir/tests" -S py_module=py_types -S py_function=not_callable

# -a must not enable the python scanner (it would fail for lack of settings).
"$TCPFLOW" -a -o all -r "$gz" >all.out 2>all.err
rc=$?
if [ $rc -eq 0 ] && ! grep -q "py_module" all.err; then
  pass "-a runs without the python scanner"
else
  fail "-a (rc $rc): $(cat all.err)"
fi

# Per-flow problems are warnings; the run completes.
"$TCPFLOW" -e python -S py_path="$pydir/tests" -S py_module=py_types \
  -S py_function=returns_int -o int -r "$gz" >int.out 2>int.err
rc=$?
if [ $rc -eq 0 ] && grep -q "py_types.returns_int returned int on flow " int.err &&
  [ "$(xpath "count(//$result)" int/report.xml)" = 0 ]; then
  pass "non-str result: warning, nothing recorded, exit 0"
else
  fail "non-str result (rc $rc): $(cat int.err)"
fi

"$TCPFLOW" -e python -S py_path="$pydir/tests" -S py_module=py_types \
  -S py_function=returns_long -o long -r "$gz" >long.out 2>long.err
rc=$?
if [ $rc -eq 0 ] && xmllint --noout long/report.xml 2>/dev/null &&
  [ "$(xpath "string-length((//$result)[1])" long/report.xml)" = 100003 ]; then
  pass "long result with XML specials is escaped and whole"
else
  fail "long result (rc $rc): $(cat long.err)"
fi

if [ $failures -ne 0 ]; then
  echo "$failures failure(s); kept nothing (work dir removed)"
  exit 1
fi
exit 0
