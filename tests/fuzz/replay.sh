#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# make check runs each replay-built harness through this: every seed and
# every past crash of that harness, as separate inputs.
: "${srcdir:?set by make check}"
prog=$1
name=$(basename "$prog")
set --
for d in "$srcdir/seeds/$name" "$srcdir/regressions/$name"; do
  test -d "$d" && set -- "$@" "$d"
done
exec "$prog" "$@"
