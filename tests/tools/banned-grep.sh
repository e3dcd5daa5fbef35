#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# banned-grep.sh FILE...: lists calls of the functions STYLE.md bans
# (lib/tfl_banned.h makes them build errors; this finds them without a
# build, e.g. in a file no configuration compiles).  Text inside /* */ on
# one line and string literals are ignored, so comments may name them.
# Exit 1 when one is found, 0 otherwise.
set -u
banned='strcpy|strcat|strncpy|strncat|v?sprintf|gets|strtok|atoi|atol|atoll|system|tmpnam|alloca'
found=0
for f in "$@"; do
  case $f in */tfl_banned.h) continue ;; esac
  if sed -e 's|/\*.*\*/||g' -e 's|"\([^"\\]\|\\.\)*"|""|g' -e 's|^[[:space:]]*\*.*||' "$f" |
    grep -nE "(^|[^A-Za-z0-9_.>])($banned)[[:space:]]*\(" >"${TMPDIR:-/tmp}/banned.$$"; then
    sed "s|^|$f:|" "${TMPDIR:-/tmp}/banned.$$" >&2
    found=1
  fi
done
rm -f "${TMPDIR:-/tmp}/banned.$$"
if [ "$found" = 1 ]; then
  echo "banned functions used (STYLE.md, \"Banned functions\")" >&2
  exit 1
fi
exit 0
