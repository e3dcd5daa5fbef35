/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz axes and numbers: which time unit a bar of the bandwidth chart
 * covers (from a millisecond to a millennium, always a nice unit: 1, 2 or
 * 5 ms..., 15 s, 5 min, 6 h, a week, a calendar month or quarter, a year),
 * how its ticks are labelled, and how bytes and durations are written.
 * All times are microseconds since the epoch, shown in UTC.  Pure
 * functions, no allocation.
 */
#ifndef NV_AXIS_H
#define NV_AXIS_H

#include <stddef.h>
#include <stdint.h>

enum nv_bin_kind { NV_BIN_FIXED, NV_BIN_MONTHS, NV_BIN_YEARS };

/* The width of one bar. */
struct nv_bin {
  enum nv_bin_kind kind;
  int64_t width_us;  /* NV_BIN_FIXED */
  int64_t offset_us; /* NV_BIN_FIXED: weeks start on Monday, not Thursday */
  int count;         /* NV_BIN_MONTHS / NV_BIN_YEARS: months or years a bar */
  const char *name;  /* "1 minute", "1 week", "3 months" ... */
};

/* The narrowest nice bar width that shows [first_us, last_us] in at most
 * max_bars bars and is a whole multiple of the stored width storage_us
 * (so bars are exact sums of stored buckets).  Sets *nbars. */
struct nv_bin Nv_axis_choose(int64_t first_us, int64_t last_us, int64_t storage_us,
                             int max_bars, int64_t *nbars);

/* Absolute index of the bar holding t_us, and the start time of bar idx. */
int64_t Nv_axis_bin_of(const struct nv_bin *b, int64_t t_us);
int64_t Nv_axis_bin_start(const struct nv_bin *b, int64_t idx);

/* Every how many bars a tick label goes, so that bars from first_idx to
 * last_idx get at most max_labels labels at round indexes. */
int64_t Nv_axis_label_step(const struct nv_bin *b, int64_t nbars, int max_labels);

/* Tick label for the bar starting at t_us, precise enough for the unit;
 * multi_day: the span crosses midnight, so sub-day labels carry the date. */
void Nv_axis_label(const struct nv_bin *b, int64_t t_us, int multi_day, char *buf, size_t n);

/* "2010-04-07 17:29:29.589296" (UTC), without the fraction when frac is 0. */
void Nv_fmt_time(int64_t t_us, int frac, char *buf, size_t n);
/* "652.2 kB" (decimal units, three significant digits; "0 B" .. "999 B"). */
void Nv_fmt_bytes(uint64_t bytes, char *buf, size_t n);
/* "2.7 seconds", "14 minutes", "3.2 hours", "5.1 days", "2.3 years". */
void Nv_fmt_duration(int64_t us, char *buf, size_t n);
/* The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k that is a whole
 * number >= v (1 for v <= 1). */
uint64_t Nv_nice_ceil(uint64_t v);

#endif
