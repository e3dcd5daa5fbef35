#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# One module cannot change another's evidence or the run (issue 11, items
# 1, 2 and 7), with purpose-built modules (isolation.c): a module merely
# installed that exports EVP_DigestUpdate leaves md5 digests right (and so
# does one that is enabled); two modules that each define helper() each
# call their own; a module with a crashing ELF constructor does not touch
# a run that does not enable it (not even -hh or --list-scanners); one
# with an unresolved symbol (or a crashing constructor), when enabled, is an
# error naming it and the symbol before the run, which goes on without it:
# flows and report as without the module, <scanner_failure event='load'>,
# exit 5; a module of the same name in an earlier directory is
# used, and that is said on every run; a module declaring a name another
# file has is unusable, naming both files.
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || skip "no C compiler"
[ -d "$TOP_BUILDDIR/plugins/md5/.libs" ] || skip "md5 scanner not built"
mod() { # mod DIR FILE NAME VALUE [more cc flags]
  local dir=$1 file=$2 name=$3 value=$4
  shift 4
  mkdir -p "$dir"
  cc -shared -fPIC -I"$TOP_SRCDIR/sdk" -DISO_NAME="$name" -DISO_VALUE="$value" "$@" \
    -o "$dir/$file" "$TESTS_SRCDIR/integration/isolation.c"
}
CAP=$CAPTURES/tf_jpegs.cap
digests() { grep -o "<hashdigest type='MD5'>[0-9a-f]*</hashdigest>" "$1/report.xml" | sort; }

# Item 1: a symbol clash with OpenSSL.
"$TCPFLOW" -e md5 -o "$WORK/ref" -r "$CAP" 2>/dev/null
check "reference run has md5 digests" test -n "$(digests "$WORK/ref")"
mod "$WORK/evp" evp.so evp 1 -DISO_EVP || skip "cannot build test modules"
"$TCPFLOW" --plugin-dir "$WORK/evp" -e md5 -o "$WORK/evp1" -r "$CAP" 2>/dev/null
check "EVP_DigestUpdate in an installed module: md5 digests unchanged" \
  test "$(digests "$WORK/evp1")" = "$(digests "$WORK/ref")"
"$TCPFLOW" --plugin-dir "$WORK/evp" -e md5 -e evp -o "$WORK/evp2" -r "$CAP" 2>/dev/null
check "EVP_DigestUpdate in an enabled module: md5 digests unchanged" \
  test "$(digests "$WORK/evp2")" = "$(digests "$WORK/ref")"

# Item 1: two modules, one function name.
mod "$WORK/two" isoa.so isoa 1
mod "$WORK/two" isob.so isob 2
"$TCPFLOW" --plugin-dir "$WORK/two" -e isoa -e isob -o "$WORK/two-out" -r "$CAP" 2>/dev/null
check "two modules defining helper(): each calls its own" \
  test "$(grep -c "<iso name='isoa' helper='1'/>\|<iso name='isob' helper='2'/>" "$WORK/two-out/report.xml")" = 2

# Item 2: a crashing ELF constructor.
mod "$WORK/ctor" ctor.so ctor 1 -DISO_CTOR_CRASH
"$TCPFLOW" --plugin-dir "$WORK/ctor" -o "$WORK/ctor1" -r "$CAP" 2>"$WORK/err"
check "crashing constructor, module not enabled: exit 0 (got $?)" test $? = 0
check "crashing constructor, module not enabled: report well-formed" xml_ok "$WORK/ctor1/report.xml"
"$TCPFLOW" --plugin-dir "$WORK/ctor" -a -x ctor -o "$WORK/ctor2" -r "$CAP" 2>"$WORK/err"
check "crashing constructor, -a -x ctor: exit 0 (got $?)" test $? = 0
"$TCPFLOW" --plugin-dir "$WORK/ctor" -hh >"$WORK/hh" 2>&1
check "crashing constructor: -hh exits 0 (got $?)" test $? = 0
check "crashing constructor: -hh lists it as unusable, saying why" \
  grep -q "ctor .*UNUSABLE: .*ctor.so: crashed with SIGSEGV while being loaded (in an ELF constructor" "$WORK/hh"
"$TCPFLOW" --plugin-dir "$WORK/ctor" --list-scanners >"$WORK/list.json" 2>/dev/null
check "crashing constructor: --list-scanners exits 0 (got $?)" test $? = 0
check "--list-scanners: valid JSON, the module unusable, md5 usable" python3 - "$WORK/list.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {s["name"]: s for s in d["scanners"]}
assert d["abi"] == "1.2", d["abi"]
assert by["ctor"]["usable"] is False and "crashed with SIGSEGV while being loaded" in by["ctor"]["error"]
assert by["md5"]["usable"] is True and "wants_data" in by["md5"]["flags"]
assert any(s["name"] == "md5_extra_digests" for s in by["md5"]["settings"])
PY
"$TCPFLOW" --plugin-dir "$WORK/ctor" -e ctor -o "$WORK/ctor3" -r "$CAP" 2>"$WORK/err"
check "crashing constructor, enabled: exit 5 (got $?)" test $? = 5
check "crashing constructor, enabled: names the module" grep -q "scanner 'ctor' is enabled but unusable" "$WORK/err"
check "crashing constructor, enabled: the report names it (event load)" \
  grep -q "<scanner_failure scanner='ctor' event='load'" "$WORK/ctor3/report.xml"

# Item 2: an unresolved symbol.
mod "$WORK/unres" unres.so unres 1 -DISO_UNRESOLVED
"$TCPFLOW" --plugin-dir "$WORK/unres" -o "$WORK/unres1" -r "$CAP" 2>"$WORK/err"
check "unresolved symbol, module not enabled: exit 0 (got $?)" test $? = 0
"$TCPFLOW" --plugin-dir "$WORK/unres" -e md5 -e unres -o "$WORK/unres2" -r "$CAP" 2>"$WORK/err"
rc=$?
check "unresolved symbol, enabled: exit 5, not 127 (got $rc)" test "$rc" = 5
check "unresolved symbol: the message names the module and the symbol" \
  grep -q "scanner 'unres' is enabled but unusable: .*unres.so: cannot load: .*undefined symbol: iso_function_nobody_defines; the run goes on without it" "$WORK/err"
check "unresolved symbol: said before the first packet (no flow opened before it)" \
  test "$(head -n 1 "$WORK/err" | grep -c "scanner 'unres' is enabled but unusable")" = 1
check "unresolved symbol: the report is well-formed" xml_ok "$WORK/unres2/report.xml"
check "unresolved symbol: <scanner_failure> names the module, event load, and the symbol" \
  grep -q "<scanner_failure scanner='unres' event='load' reason='.*undefined symbol: iso_function_nobody_defines" "$WORK/unres2/report.xml"
check "unresolved symbol: the flow files are those of a run without the module" \
  test "$(cd "$WORK/unres2" && ls | grep -v report.xml | LC_ALL=C sort)" = "$(cd "$WORK/ref" && ls | grep -v report.xml | LC_ALL=C sort)"
check "unresolved symbol: the other scanner's results are unchanged" \
  test "$(digests "$WORK/unres2")" = "$(digests "$WORK/ref")"
"$TCPFLOW" --plugin-dir "$WORK/unres" -e md5 -e unres -j 2 -o "$WORK/unres3" -r "$CAP" 2>/dev/null
rc=$?
check "unresolved symbol, -j 2: exit 5 and the failure listed once, not per worker (got $rc)" \
  test "$rc" = 5 -a "$(grep -c "<scanner_failure scanner='unres' event='load'" "$WORK/unres3/report.xml")" = 1

# Item 7: same names.
mod "$WORK/shadow" md5.so md5 1
"$TCPFLOW" --plugin-dir "$WORK/shadow" -e md5 -o "$WORK/sh1" -r "$CAP" 2>"$WORK/err"
check "a user module named md5 shadowing the installed one is logged, naming both files" \
  grep -q "scanner 'md5': .*/plugins/md5/.libs/md5.so is not used, $WORK/shadow/md5.so comes first" "$WORK/err"
"$TCPFLOW" --plugin-dir "$WORK/shadow" -hh >"$WORK/hh" 2>&1
check "-hh shows what the module shadows" grep -q "shadows: .*plugins/md5/.libs/md5.so" "$WORK/hh"
mod "$WORK/twice" aaa.so isoz 1
mod "$WORK/twice" bbb.so isoz 2
"$TCPFLOW" --plugin-dir "$WORK/twice" -hh >"$WORK/hh" 2>&1
check "a name declared by two files: the second is unusable, naming both" \
  grep -q "bbb.so declares the scanner name 'isoz', which $WORK/twice/aaa.so already has" "$WORK/hh"

# Issue 16, item 3: a scanner that is not installed.
"$TCPFLOW" -e nosuch -o "$WORK/ni" -r "$CAP" 2>"$WORK/err"
check "-e of a scanner not installed: exit 1 (got $?)" test $? = 1
check "-e of a scanner not installed: says so" \
  grep -q "scanner 'nosuch' is not installed (no nosuch.so in the scanner directories)" "$WORK/err"
check "-e of a scanner not installed: lists the directories searched" \
  grep -q "directories searched: .*plugins/md5/.libs" "$WORK/err"
TCPFLOW_PLUGIN_PATH=$(printf '%s' "$TCPFLOW_PLUGIN_PATH" | tr ':' '\n' | grep -v wifi | paste -sd:) \
  "$TCPFLOW" -a -x wifi -o "$WORK/nowifi" -r "$CAP" 2>"$WORK/err"
check "-a -x wifi without the wifi module: exit 0 (got $?)" test $? = 0
check "-a -x wifi without the wifi module: a note" \
  grep -q -- "-x wifi: scanner 'wifi' is not installed; nothing to disable" "$WORK/err"
finish
