#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# `make update-expected` (tests/Makefile.am): rewrites every
# tests/expected/<capture>.manifest from what the built tcpflow writes for
# `tcpflow -o OUT -r <capture>`, the way integration/basic.sh compares them.
# Comment lines are kept; "# exit N" follows the exit status.  Review the
# result with `git diff -- tests/expected` before committing it: a changed
# manifest is a changed behaviour.
. "$TESTS_SRCDIR/integration/lib.sh"
changed=0
for m in "$TESTS_SRCDIR"/expected/*.manifest; do
  cap=$(basename "$m" .manifest)
  out=$WORK/$cap
  "$TCPFLOW" -o "$out" -r "$CAPTURES/$cap" >/dev/null 2>&1
  rc=$?
  {
    grep '^#' "$m" | grep -v '^# exit '
    [ "$rc" = 0 ] || echo "# exit $rc"
    manifest "$out"
  } >"$WORK/new"
  if ! cmp -s "$WORK/new" "$m"; then
    cp "$WORK/new" "$m"
    echo "updated $m"
    changed=$((changed + 1))
  fi
  rm -rf "$out"
done
echo "$changed manifest(s) changed; review them with: git diff -- tests/expected"
