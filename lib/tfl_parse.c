/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Numbers and booleans of option and setting values (see tfl_parse.h).
 * strtoll/strtoull would accept leading blanks, a '+', and (strtoull) a
 * '-' that wraps around; checking the characters first leaves them only
 * the conversion and the overflow check.
 */
#include "tfl_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* 1 when s is one or more decimal digits and nothing else. */
static int parse_digits(const char *s)
{
  if (*s == '\0')
    return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return 0;
  return 1;
}

int Tfl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
  unsigned long long v;
  if (!s || !parse_digits(s))
    return -1;
  errno = 0;
  v = strtoull(s, NULL, 10);
  if (errno == ERANGE || v < min || v > max)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

int Tfl_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
  long long v;
  if (!s || !parse_digits(s[0] == '-' && min < 0 ? s + 1 : s))
    return -1;
  errno = 0;
  v = strtoll(s, NULL, 10);
  if (errno == ERANGE || v < min || v > max)
    return -1;
  *out = (int64_t)v;
  return 0;
}

int Tfl_parse_bool(const char *s)
{
  return s && s[0] != '\0' && strchr("YyTt1", s[0]) != NULL;
}
