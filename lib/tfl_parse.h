/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The one parser of numbers and booleans in option and setting values,
 * shared by the host (command line, -S) and the scanners (their settings).
 * Strict on purpose: a value is a decimal number or it is not; "12k",
 * " 5", "" and "0x10" are not numbers, and a number outside the caller's
 * range is refused rather than cut.
 */
#ifndef TFL_PARSE_H
#define TFL_PARSE_H

#include <stdint.h>

/* s: optional '-' (only when min < 0), then decimal digits, nothing else.
 * Sets *out and returns 0 when s is such a number in [min, max]; returns
 * -1 (leaving *out alone) when s is NULL, empty, not a number, does not
 * fit in 64 bits or lies outside the range. */
int Tfl_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* The same for unsigned values: decimal digits only, no sign. */
int Tfl_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* YES/NO as tcpflow 1.6.1 reads it: true when the first character is Y, y,
 * T, t or 1 ("YES", "true", "1"); false otherwise, and for NULL. */
int Tfl_parse_bool(const char *s);

#endif
