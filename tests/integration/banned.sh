#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright (C) 2026 The tcpflow developers
# The banned functions of STYLE.md fail the build: a file that calls one,
# compiled as the project compiles its sources (-include lib/tfl_banned.h,
# which configure puts into WARN_CFLAGS), does not compile, and the lint
# step (tests/tools/banned-grep.sh) reports it.  The same file with
# snprintf compiles and passes, so the test can tell the two apart.
. "$(dirname "$0")/lib.sh"
: "${CC:=cc}"
command -v "${CC%% *}" >/dev/null || skip "no C compiler ($CC)"
BAN="-DHAVE_CONFIG_H -I$TOP_BUILDDIR -include $TOP_SRCDIR/lib/tfl_banned.h"

cat >"$WORK/good.c" <<'C'
#include <stdio.h>
int good(char *d, size_t n, const char *s);
int good(char *d, size_t n, const char *s) { return snprintf(d, n, "%s", s); }
C
# shellcheck disable=SC2086 # BAN and CC are word lists
$CC $BAN -c -o "$WORK/good.o" "$WORK/good.c" 2>"$WORK/good.err"
check "a file without banned functions compiles with tfl_banned.h" test $? = 0
check "banned-grep.sh passes it" sh "$TESTS_SRCDIR/tools/banned-grep.sh" "$WORK/good.c"

for call in 'strcpy(d, s)' 'strcat(d, s)' 'strncpy(d, s, n)' 'strncat(d, s, n)' \
  'sprintf(d, "%s", s)' 'vsprintf(d, s, ap)' 'gets(d)' 'strtok(d, s)' 'atoi(s)' \
  'atol(s)' 'atoll(s)' 'system(s)' 'tmpnam(d)' 'alloca(n)'; do
  name=${call%%(*}
  cat >"$WORK/planted.c" <<C
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
long planted(char *d, const char *s, size_t n, va_list ap);
long planted(char *d, const char *s, size_t n, va_list ap)
{
  (void)d; (void)s; (void)n; (void)ap;
  return (long)$call;
}
C
  # shellcheck disable=SC2086
  $CC $BAN -c -o "$WORK/planted.o" "$WORK/planted.c" 2>"$WORK/planted.err"
  rc=$?
  check "a planted $name does not compile" test "$rc" != 0
  check "the compiler names sorry_${name}_is_banned" \
    grep -q "sorry_${name}_is_banned_see_STYLE_md" "$WORK/planted.err"
  check "banned-grep.sh finds the planted $name" \
    sh -c '! sh "$1" "$2" 2>/dev/null' sh "$TESTS_SRCDIR/tools/banned-grep.sh" "$WORK/planted.c"
done
finish
