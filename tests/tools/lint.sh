#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# lint.sh SRCDIR BUILDDIR: what `make lint` runs (and tests/integration/
# lint.sh in make check): banned functions (banned-grep.sh), cppcheck with
# the reviewed suppressions of tests/cppcheck.supp, the host's mutable
# globals against their reviewed list (globals.sh), and shellcheck on every
# shell script (settings in .shellcheckrc).  Exit 1 when any of them
# complains, 2 when a tool is missing.  Takes well under a minute.
set -u
src=$1
build=$2
status=0
for tool in cppcheck shellcheck; do
  command -v "$tool" >/dev/null 2>&1 ||
    { echo "lint: $tool not found (Debian: apt-get install $tool)" >&2; exit 2; }
done
cd "$src" || exit 2

csrc=$(find host lib plugins sdk tests -name '*.[ch]' ! -path '*/_build*' | LC_ALL=C sort)
echo "lint: banned functions"
# shellcheck disable=SC2086 # file names without spaces, from find above
sh tests/tools/banned-grep.sh $csrc || status=1

echo "lint: cppcheck"
# SHIM_PATH: fuzz_descriptor.c refuses to compile without it.
# shellcheck disable=SC2086
cppcheck -q --std=c99 --enable=warning,portability --inline-suppr --error-exitcode=1 \
  --suppressions-list=tests/cppcheck.supp -DHAVE_CONFIG_H -DSHIM_PATH='"shim.so"' \
  -I "$build" -I host -I lib -I sdk -I plugins/testing $csrc || status=1

echo "lint: host globals"
sh tests/tools/globals.sh "$src" "$build" || status=1

echo "lint: shellcheck"
# Ours only: not libtool's or autoconf's generated ones.
scripts=$( (find . -maxdepth 1 -name '*.sh'; find bench plugins sdk tests -name '*.sh') |
  LC_ALL=C sort)
# shellcheck disable=SC2086
shellcheck -x -S warning -P SCRIPTDIR:tests/integration $scripts .ci/run || status=1
shellcheck -s bash -S warning etc/bash-completion/tcpflow.in || status=1

[ "$status" = 0 ] && echo "lint: clean"
exit "$status"
