#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# `make lint` as part of make check: banned functions, cppcheck with the
# reviewed suppressions, shellcheck on every script (tests/tools/lint.sh).
# Once per CI run is enough: the sanitizer pass skips it.
. "$(dirname "$0")/lib.sh"
[ -n "${TESTS_SANITIZED:-}" ] && skip "lint runs in the plain build only"
for tool in cppcheck shellcheck; do
  command -v "$tool" >/dev/null || skip "$tool missing (Debian: apt-get install $tool)"
done
sh "$TESTS_SRCDIR/tools/lint.sh" "$TOP_SRCDIR" "$TOP_BUILDDIR" >"$WORK/lint.log" 2>&1
rc=$?
check "make lint is clean" test "$rc" = 0
[ "$rc" = 0 ] || cat "$WORK/lint.log"
finish
