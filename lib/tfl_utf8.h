/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Strict UTF-8 decoding (RFC 3629: no overlong forms, no surrogates, nothing
 * above U+10FFFF), for every place that must tell text from bytes: the
 * report's escaping, SSIDs, the picture's labels.
 */
#ifndef TFL_UTF8_H
#define TFL_UTF8_H

#include <stddef.h>

/* The code point of the well-formed sequence at s (n >= 1 bytes left) and
 * its length in *used, or -1 (*used untouched) when the bytes there are not
 * one: a continuation byte, an overlong or surrogate form, F5..FF, or a
 * sequence cut short by the end. */
long Tfl_utf8_decode(const unsigned char *s, size_t n, size_t *used);

/* The length of the well-formed sequence at s (1 for ASCII), or 0. */
size_t Tfl_utf8_len(const unsigned char *s, size_t n);

#endif
