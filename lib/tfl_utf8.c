/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Strict UTF-8 decoding (tfl_utf8.h). */
#include "tfl_utf8.h"

long Tfl_utf8_decode(const unsigned char *s, size_t n, size_t *used)
{
  unsigned char c = s[0];
  size_t len;
  long cp;
  long min;
  if (c < 0x80) {
    *used = 1;
    return c;
  }
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return -1; /* continuation byte, C0/C1 (overlong) or F5..FF */
  }
  if (n < len)
    return -1;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return -1;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    return -1;
  *used = len;
  return cp;
}

size_t Tfl_utf8_len(const unsigned char *s, size_t n)
{
  size_t used;
  return Tfl_utf8_decode(s, n, &used) < 0 ? 0 : used;
}
