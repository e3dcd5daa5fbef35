/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz axes and number formats (see nv_axis.h).  1.6.1 chose its bar
 * width by dividing the span into a fixed number of bars, which gave
 * widths such as "<1 second intervals" and labels nobody could read off;
 * here every width is a unit a person would pick.
 */
#ifndef _GNU_SOURCE /* timegm; config.h (through tfl_banned.h) may define it already */
#define _GNU_SOURCE
#endif
#include "nv_axis.h"

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "nv_stats.h"

#define US_MS 1000LL
#define US_S 1000000LL
#define US_MIN (60 * US_S)
#define US_H (60 * US_MIN)
#define US_D (24 * US_H)
/* 1970-01-01 was a Thursday: Monday-based weeks start 4 days later. */
#define US_MONDAY (4 * US_D)

static const struct nv_bin nv_bins[] = {
    {NV_BIN_FIXED, 1 * US_MS, 0, 0, "1 ms"},
    {NV_BIN_FIXED, 2 * US_MS, 0, 0, "2 ms"},
    {NV_BIN_FIXED, 5 * US_MS, 0, 0, "5 ms"},
    {NV_BIN_FIXED, 10 * US_MS, 0, 0, "10 ms"},
    {NV_BIN_FIXED, 20 * US_MS, 0, 0, "20 ms"},
    {NV_BIN_FIXED, 50 * US_MS, 0, 0, "50 ms"},
    {NV_BIN_FIXED, 100 * US_MS, 0, 0, "100 ms"},
    {NV_BIN_FIXED, 200 * US_MS, 0, 0, "200 ms"},
    {NV_BIN_FIXED, 500 * US_MS, 0, 0, "500 ms"},
    {NV_BIN_FIXED, 1 * US_S, 0, 0, "1 second"},
    {NV_BIN_FIXED, 2 * US_S, 0, 0, "2 seconds"},
    {NV_BIN_FIXED, 5 * US_S, 0, 0, "5 seconds"},
    {NV_BIN_FIXED, 10 * US_S, 0, 0, "10 seconds"},
    {NV_BIN_FIXED, 15 * US_S, 0, 0, "15 seconds"},
    {NV_BIN_FIXED, 30 * US_S, 0, 0, "30 seconds"},
    {NV_BIN_FIXED, 1 * US_MIN, 0, 0, "1 minute"},
    {NV_BIN_FIXED, 2 * US_MIN, 0, 0, "2 minutes"},
    {NV_BIN_FIXED, 5 * US_MIN, 0, 0, "5 minutes"},
    {NV_BIN_FIXED, 10 * US_MIN, 0, 0, "10 minutes"},
    {NV_BIN_FIXED, 15 * US_MIN, 0, 0, "15 minutes"},
    {NV_BIN_FIXED, 30 * US_MIN, 0, 0, "30 minutes"},
    {NV_BIN_FIXED, 1 * US_H, 0, 0, "1 hour"},
    {NV_BIN_FIXED, 2 * US_H, 0, 0, "2 hours"},
    {NV_BIN_FIXED, 3 * US_H, 0, 0, "3 hours"},
    {NV_BIN_FIXED, 6 * US_H, 0, 0, "6 hours"},
    {NV_BIN_FIXED, 12 * US_H, 0, 0, "12 hours"},
    {NV_BIN_FIXED, 1 * US_D, 0, 0, "1 day"},
    {NV_BIN_FIXED, 2 * US_D, 0, 0, "2 days"},
    {NV_BIN_FIXED, 7 * US_D, US_MONDAY, 0, "1 week"},
    {NV_BIN_FIXED, 14 * US_D, US_MONDAY, 0, "2 weeks"},
    {NV_BIN_MONTHS, 0, 0, 1, "1 month"},
    {NV_BIN_MONTHS, 0, 0, 3, "3 months"},
    {NV_BIN_MONTHS, 0, 0, 6, "6 months"},
    {NV_BIN_YEARS, 0, 0, 1, "1 year"},
    {NV_BIN_YEARS, 0, 0, 2, "2 years"},
    {NV_BIN_YEARS, 0, 0, 5, "5 years"},
    {NV_BIN_YEARS, 0, 0, 10, "10 years"},
    {NV_BIN_YEARS, 0, 0, 20, "20 years"},
    {NV_BIN_YEARS, 0, 0, 50, "50 years"},
    {NV_BIN_YEARS, 0, 0, 100, "100 years"},
    {NV_BIN_YEARS, 0, 0, 250, "250 years"},
    {NV_BIN_YEARS, 0, 0, 500, "500 years"},
    {NV_BIN_YEARS, 0, 0, 1000, "1000 years"},
};
#define NV_NBINS ((int)(sizeof(nv_bins) / sizeof(nv_bins[0])))

static void nv_gmtime(int64_t t_us, struct tm *tm)
{
  time_t s = (time_t)Nv_floordiv(t_us, US_S);
  if (!gmtime_r(&s, tm)) {
    static const struct tm epoch = {.tm_mday = 1, .tm_year = 70};
    *tm = epoch;
  }
}

int64_t Nv_axis_bin_of(const struct nv_bin *b, int64_t t_us)
{
  struct tm tm;
  switch (b->kind) {
  case NV_BIN_MONTHS:
    nv_gmtime(t_us, &tm);
    return Nv_floordiv(((int64_t)tm.tm_year + 1900) * 12 + tm.tm_mon, b->count);
  case NV_BIN_YEARS:
    nv_gmtime(t_us, &tm);
    return Nv_floordiv((int64_t)tm.tm_year + 1900, b->count);
  default:
    return Nv_floordiv(t_us - b->offset_us, b->width_us);
  }
}

int64_t Nv_axis_bin_start(const struct nv_bin *b, int64_t idx)
{
  struct tm tm = {.tm_mday = 1};
  int64_t month;
  switch (b->kind) {
  case NV_BIN_MONTHS:
    month = idx * b->count;
    tm.tm_year = (int)(Nv_floordiv(month, 12) - 1900);
    tm.tm_mon = (int)(month - Nv_floordiv(month, 12) * 12);
    return (int64_t)timegm(&tm) * US_S;
  case NV_BIN_YEARS:
    tm.tm_year = (int)(idx * b->count - 1900);
    return (int64_t)timegm(&tm) * US_S;
  default:
    return idx * b->width_us + b->offset_us;
  }
}

/* Calendar bars need stored buckets that never straddle a day boundary. */
static int nv_bin_fits_storage(const struct nv_bin *b, int64_t storage_us)
{
  if (b->kind != NV_BIN_FIXED)
    return US_D % storage_us == 0;
  return b->width_us % storage_us == 0 && b->offset_us % storage_us == 0;
}

struct nv_bin Nv_axis_choose(int64_t first_us, int64_t last_us, int64_t storage_us,
                             int max_bars, int64_t *nbars)
{
  int i, last_fit = -1;
  for (i = 0; i < NV_NBINS; i++) {
    const struct nv_bin *b = &nv_bins[i];
    /* Calendar bars over buckets wider than a day (spans over 54 years)
     * are allowed: their edges are then off by at most a bucket. */
    if (b->kind == NV_BIN_FIXED && !nv_bin_fits_storage(b, storage_us))
      continue;
    last_fit = i;
    *nbars = Nv_axis_bin_of(b, last_us) - Nv_axis_bin_of(b, first_us) + 1;
    if (*nbars <= max_bars)
      return *b;
  }
  /* Only spans of tens of thousands of years get here (clamped times). */
  i = last_fit >= 0 ? last_fit : NV_NBINS - 1;
  *nbars = Nv_axis_bin_of(&nv_bins[i], last_us) - Nv_axis_bin_of(&nv_bins[i], first_us) + 1;
  return nv_bins[i];
}

int64_t Nv_axis_label_step(const struct nv_bin *b, int64_t nbars, int max_labels)
{
  static const int64_t calendar[] = {1,    2,    3,     6,     12,    24,    60,
                                     120,  240,  600,   1200,  2400,  6000,  12000};
  static const int64_t generic[] = {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 24, 25, 30, 50, 60, 100};
  size_t i;
  /* Fixed bars: label every nice unit that is a whole number of bars and
   * shares their alignment (100 ms bars: every 500 ms, 1 s, 5 s ...). */
  if (b->kind == NV_BIN_FIXED) {
    for (i = 0; i < (size_t)NV_NBINS; i++) {
      const struct nv_bin *u = &nv_bins[i];
      int64_t k;
      if (u->kind != NV_BIN_FIXED || u->width_us < b->width_us || u->width_us % b->width_us ||
          u->offset_us != b->offset_us)
        continue;
      k = u->width_us / b->width_us;
      if ((nbars + k - 1) / k <= max_labels)
        return k;
    }
  } else {
    /* Calendar bars: label every 1, 2, 3, 6, 12, 24, 60 ... months that
     * is a whole number of bars (quarters: every year, not every 18 months). */
    int64_t bar_months = b->kind == NV_BIN_YEARS ? 12LL * b->count : b->count;
    for (i = 0; i < sizeof(calendar) / sizeof(calendar[0]); i++) {
      int64_t k = calendar[i] / bar_months;
      if (calendar[i] % bar_months || k == 0)
        continue;
      if ((nbars + k - 1) / k <= max_labels)
        return k;
    }
  }
  for (i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
    if ((nbars + generic[i] - 1) / generic[i] <= max_labels)
      return generic[i];
  return (nbars + max_labels - 1) / max_labels;
}

void Nv_axis_label(const struct nv_bin *b, int64_t t_us, int multi_day, char *buf, size_t n)
{
  struct tm tm;
  int64_t us = t_us - Nv_floordiv(t_us, US_S) * US_S;
  nv_gmtime(t_us, &tm);
  if (b->kind == NV_BIN_YEARS) {
    snprintf(buf, n, "%d", tm.tm_year + 1900);
  } else if (b->kind == NV_BIN_MONTHS) {
    snprintf(buf, n, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
  } else if (b->width_us >= US_D) {
    snprintf(buf, n, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  } else if (b->width_us >= US_MIN) {
    if (multi_day)
      snprintf(buf, n, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
    else
      snprintf(buf, n, "%02d:%02d", tm.tm_hour, tm.tm_min);
  } else if (b->width_us >= US_S) {
    snprintf(buf, n, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
  } else {
    snprintf(buf, n, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
             (int)(us / US_MS));
  }
}

void Nv_fmt_time(int64_t t_us, int frac, char *buf, size_t n)
{
  struct tm tm;
  int64_t us = t_us - Nv_floordiv(t_us, US_S) * US_S;
  nv_gmtime(t_us, &tm);
  if (frac)
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d.%06d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)us);
  else
    snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void Nv_fmt_bytes(uint64_t bytes, char *buf, size_t n)
{
  static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double v = (double)bytes;
  int u = -1;
  if (bytes < 1000) {
    snprintf(buf, n, "%" PRIu64 " B", bytes);
    return;
  }
  while (v >= 999.5 && u < 5) {
    v /= 1000.0;
    u++;
  }
  if (v < 9.995)
    snprintf(buf, n, "%.2f %s", v, units[u]);
  else if (v < 99.95)
    snprintf(buf, n, "%.1f %s", v, units[u]);
  else
    snprintf(buf, n, "%.0f %s", v, units[u]);
}

void Nv_fmt_duration(int64_t us, char *buf, size_t n)
{
  double v = (double)us;
  if (us <= 0)
    snprintf(buf, n, "a single instant");
  else if (us < US_MS)
    snprintf(buf, n, "%" PRId64 " microseconds", us);
  else if (us < US_S)
    snprintf(buf, n, "%.1f ms", v / US_MS);
  else if (us < US_MIN)
    snprintf(buf, n, "%.1f seconds", v / US_S);
  else if (us < US_H)
    snprintf(buf, n, "%.1f minutes", v / US_MIN);
  else if (us < US_D)
    snprintf(buf, n, "%.1f hours", v / US_H);
  else if (us < 365 * US_D)
    snprintf(buf, n, "%.1f days", v / US_D);
  else
    snprintf(buf, n, "%.1f years", v / (365.2425 * US_D));
}

uint64_t Nv_nice_ceil(uint64_t v)
{
  /* tenths of a power of ten: a scale that leaves the top bar at least
   * 80% of the axis, in round numbers */
  static const uint64_t m[] = {10, 12, 15, 20, 25, 30, 40, 50, 60, 80};
  uint64_t p = 1;
  if (v <= 1)
    return 1;
  for (;;) {
    if (p > UINT64_MAX / 80) /* p * m[i] would overflow */
      return UINT64_MAX;
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
      uint64_t c = p * m[i] / 10;
      if (c * 10 == p * m[i] && c >= v)
        return c;
    }
    p *= 10;
  }
}
