/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Reversible escaping of report text and the XML name check (tfl_escape.h
 * says the rules).  Strict UTF-8 (tfl_utf8.h); the character classes
 * are XML 1.0 fifth edition (sections 2.2 Char and 2.3 Name), which is
 * what libxml2 checks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_escape.h"
#include "tfl_utf8.h"

/* XML 1.0 Char, less what escaping reserves: the backslash. */
static int escape_plain_char(long cp)
{
  if (cp == '\\')
    return 0;
  if (cp < 0x20)
    return cp == 0x09 || cp == 0x0a || cp == 0x0d;
  return cp <= 0xd7ff || (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
}

int Tfl_escape_is_clean(const char *in, size_t len)
{
  const unsigned char *s = (const unsigned char *)in;
  size_t i = 0;
  while (i < len) {
    size_t used;
    long cp = Tfl_utf8_decode(s + i, len - i, &used);
    if (cp < 0 || !escape_plain_char(cp))
      return 0;
    i += used;
  }
  return 1;
}

char *Tfl_escape_text(const char *in, size_t len)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *s = (const unsigned char *)in;
  char *out;
  size_t o = 0;
  size_t i = 0;
  if (len > (SIZE_MAX - 1) / 4)
    return NULL;
  out = malloc(4 * len + 1);
  if (!out)
    return NULL;
  while (i < len) {
    size_t used;
    long cp = Tfl_utf8_decode(s + i, len - i, &used);
    if (cp == '\\') {
      out[o++] = '\\';
      out[o++] = '\\';
    } else if (cp >= 0 && escape_plain_char(cp)) {
      memcpy(out + o, s + i, used);
      o += used;
    } else {
      /* One byte at a time, so a bad sequence costs only its first byte
       * and the rest is looked at again (as a decoder resynchronises). */
      if (cp < 0)
        used = 1;
      for (size_t k = 0; k < used; k++) {
        out[o++] = '\\';
        out[o++] = 'x';
        out[o++] = hex[s[i + k] >> 4];
        out[o++] = hex[s[i + k] & 0x0f];
      }
    }
    i += used;
  }
  out[o] = '\0';
  return out;
}

static int escape_hexval(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

long Tfl_escape_decode(const char *in, size_t len, char *out)
{
  size_t o = 0;
  size_t i = 0;
  while (i < len) {
    if (in[i] != '\\') {
      out[o++] = in[i++];
      continue;
    }
    if (i + 1 < len && in[i + 1] == '\\') {
      out[o++] = '\\';
      i += 2;
      continue;
    }
    if (i + 3 < len && in[i + 1] == 'x') {
      int hi = escape_hexval(in[i + 2]);
      int lo = escape_hexval(in[i + 3]);
      if (hi < 0 || lo < 0)
        return -1;
      out[o++] = (char)(hi << 4 | lo);
      i += 4;
      continue;
    }
    return -1;
  }
  return (long)o;
}

static int escape_name_start(long cp)
{
  return (cp >= 'A' && cp <= 'Z') || cp == '_' || (cp >= 'a' && cp <= 'z') ||
         (cp >= 0xc0 && cp <= 0xd6) || (cp >= 0xd8 && cp <= 0xf6) ||
         (cp >= 0xf8 && cp <= 0x2ff) || (cp >= 0x370 && cp <= 0x37d) ||
         (cp >= 0x37f && cp <= 0x1fff) || (cp >= 0x200c && cp <= 0x200d) ||
         (cp >= 0x2070 && cp <= 0x218f) || (cp >= 0x2c00 && cp <= 0x2fef) ||
         (cp >= 0x3001 && cp <= 0xd7ff) || (cp >= 0xf900 && cp <= 0xfdcf) ||
         (cp >= 0xfdf0 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0xeffff);
}

static int escape_name_char(long cp)
{
  return escape_name_start(cp) || cp == '-' || cp == '.' || (cp >= '0' && cp <= '9') ||
         cp == 0xb7 || (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x203f && cp <= 0x2040);
}

int Tfl_escape_ncname_ok(const char *in, size_t len)
{
  const unsigned char *s = (const unsigned char *)in;
  size_t i = 0;
  if (len == 0)
    return 0;
  while (i < len) {
    size_t used;
    long cp = Tfl_utf8_decode(s + i, len - i, &used);
    if (cp < 0 || !(i == 0 ? escape_name_start(cp) : escape_name_char(cp)))
      return 0;
    i += used;
  }
  return 1;
}
