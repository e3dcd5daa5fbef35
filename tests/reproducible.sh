#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# Reproducible builds: the release tarball is built twice, in two directories
# of different names and depths, as a distribution builds (prefix /usr,
# -ffile-prefix-map of the build directory, SOURCE_DATE_EPOCH), and every
# installed file must be the same, bit for bit.
#   tests/reproducible.sh TARBALL     (make check-reproducible makes it)
# Exit 0 identical, 1 different, 77 skipped.
set -u
tarball=${1:?usage: reproducible.sh TARBALL}
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
[ -f "$tarball" ] || { echo "FAIL: no tarball $tarball"; exit 1; }
command -v cc >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
jobs=$(nproc 2>/dev/null || echo 2)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tcpflow-repro.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}
export LC_ALL=C TZ=UTC

build() { # build DIR DESTDIR [umask]
  local dir=$1 dest=$2 src
  mkdir -p "$dir"
  tar -xzf "$tarball" -C "$dir" || return 1
  src=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'tcpflow-*')
  (cd "$src" &&
    ./configure -q --prefix=/usr --sysconfdir=/etc \
      CFLAGS="-g -O2 -ffile-prefix-map=$src=. -fstack-protector-strong -Wformat -Werror=format-security" \
      CPPFLAGS="-Wdate-time -D_FORTIFY_SOURCE=2" LDFLAGS="-Wl,-z,relro -Wl,-z,now" &&
    make -s -j"$jobs" >/dev/null &&
    make -s install DESTDIR="$dest" >/dev/null) >"$dir.log" 2>&1 || { tail -20 "$dir.log"; return 1; }
}

# Different names, different depths: nothing of the path may leak.
build "$WORK/first" "$WORK/inst1" || { echo "FAIL: first build"; exit 1; }
build "$WORK/second/a/much/longer/build/path" "$WORK/inst2" || { echo "FAIL: second build"; exit 1; }

status=0
(cd "$WORK/inst1" && find . | LC_ALL=C sort) >"$WORK/list1"
(cd "$WORK/inst2" && find . | LC_ALL=C sort) >"$WORK/list2"
if ! diff -u "$WORK/list1" "$WORK/list2"; then
  echo "FAIL: the two builds install different files"
  status=1
fi
n=0
while read -r f; do
  [ -f "$WORK/inst1/$f" ] && [ ! -L "$WORK/inst1/$f" ] || continue
  n=$((n + 1))
  if ! cmp -s "$WORK/inst1/$f" "$WORK/inst2/$f"; then
    echo "FAIL: $f differs"
    status=1
  fi
done <"$WORK/list1"
for f in $(cd "$WORK/inst1" && find . -type f); do
  if grep -q -a -e "$WORK" "$WORK/inst1/$f"; then
    echo "FAIL: $f contains the build path"
    status=1
  fi
done
[ "$status" = 0 ] && echo "ok - $n installed files identical in two builds from different directories"
echo "# no .la in the plugin directory: $(find "$WORK/inst1" -name '*.la' | wc -l) found"
[ -z "$(find "$WORK/inst1" -name '*.la')" ] || { echo "FAIL: .la files installed"; status=1; }
exit $status
