#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# globals.sh SRCDIR BUILDDIR: the host's mutable variables outside any run
# context -- file-scope or static-local, found as objects in the .data,
# .bss, .tdata and .tbss sections of its compiled objects, so nothing can
# hide from the check -- must each be listed with a reason in
# tests/tools/host-globals.txt ("file symbol reason").  A listed one that
# is gone must leave the list too, so it only ever shrinks on purpose.
# Exit 1 on a difference, 2 when the objects or objdump are missing.
set -u
src=$1
build=$2
list="$src/tests/tools/host-globals.txt"
command -v objdump >/dev/null 2>&1 || { echo "globals: objdump not found" >&2; exit 2; }
[ -f "$build/host/.libs/libtcpflowhost.a" ] && [ -f "$build/host/tcpflow-main.o" ] ||
  { echo "globals: build the host first" >&2; exit 2; }
found=$(mktemp) listed=$(mktemp)
trap 'rm -f "$found" "$listed"' EXIT
# objdump -t names each object ("libtcpflowhost_la-demux.o:" or
# "tcpflow-main.o:"); a static local is "name.N".
objdump -t "$build/host/.libs/libtcpflowhost.a" "$build/host/tcpflow-main.o" | awk '
  /file format/ { f = $1; sub(/:$/, "", f); sub(/.*-/, "", f); sub(/\.o$/, ".c", f); next }
  $3 == "O" && ($4 == ".bss" || $4 == ".data" || $4 == ".tbss" || $4 == ".tdata") ||
  $2 == "O" && ($3 == ".bss" || $3 == ".data" || $3 == ".tbss" || $3 == ".tdata") {
    s = $NF; sub(/\.[0-9]+$/, "", s); print f " " s }' | LC_ALL=C sort -u >"$found"
grep -v '^#' "$list" | awk 'NF { print $1 " " $2 }' | LC_ALL=C sort -u >"$listed"
status=0
new=$(LC_ALL=C comm -23 "$found" "$listed")
gone=$(LC_ALL=C comm -13 "$found" "$listed")
if [ -n "$new" ]; then
  echo "globals: mutable state outside the run context (put it in the stage's struct, or list it"
  echo "with a reason in tests/tools/host-globals.txt):"
  echo "$new" | sed 's/^/  /'
  status=1
fi
if [ -n "$gone" ]; then
  echo "globals: listed in tests/tools/host-globals.txt but no longer there (remove the line):"
  echo "$gone" | sed 's/^/  /'
  status=1
fi
[ "$status" = 0 ] && echo "globals: $(wc -l <"$found") listed, each with its reason"
exit "$status"
