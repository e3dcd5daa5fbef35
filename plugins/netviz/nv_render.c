/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz drawing (see nv_render.h).  The layout follows 1.6.1's page: a
 * header, the bandwidth chart with its legend, then four "top" charts in a
 * 2 x 2 grid, each with a cumulative-share line and its top three written
 * out.  Unlike 1.6.1 it uses UTC throughout, nice time units, exact byte
 * counts in the top-three lines, and shrinks or elides long (IPv6) labels
 * instead of letting them run into the next chart.
 */
#include "nv_render.h"

#include <arpa/inet.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nv_axis.h"
#include "tfl_utf8.h"

#define PAGE_W 612.0
#define PAGE_H 792.0
#define MARGIN 40.0
#define PNG_SCALE 2.0
#define MAX_BARS 60
#define FONT "DejaVu Sans"
#define LABEL_MAX 64 /* room for an address label, elided if longer */

struct nv_rgb {
  double r, g, b;
};

/* Stacking colours follow 1.6.1 where it had them (HTTP blue, HTTPS green,
 * SSH purple, FTP red, everything else grey). */
static const struct nv_rgb nv_class_rgb[NV_NCLASS] = {
    {0.16, 0.38, 0.80}, /* HTTP */
    {0.20, 0.63, 0.17}, /* HTTPS */
    {0.55, 0.25, 0.70}, /* SSH */
    {0.85, 0.15, 0.15}, /* FTP */
    {1.00, 0.55, 0.00}, /* mail */
    {0.00, 0.60, 0.60}, /* DNS */
    {0.80, 0.20, 0.60}, /* SMB */
    {0.55, 0.55, 0.55}, /* other TCP */
    {0.80, 0.80, 0.80}, /* not TCP */
};
static const struct nv_rgb nv_addr_rgb = {0.42, 0.52, 0.64};
static const struct nv_rgb nv_ink = {0.10, 0.10, 0.10};
static const struct nv_rgb nv_grey = {0.45, 0.45, 0.45};

/* One bar of a top chart. */
struct nv_item {
  char label[LABEL_MAX];
  char full[64];  /* the unelided text for the top-three lines */
  uint64_t bytes, packets;
  struct nv_rgb rgb;
};

static void nv_set_rgb(cairo_t *cr, struct nv_rgb c)
{
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void nv_font(cairo_t *cr, double size, int bold)
{
  cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                         bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
}


/* cairo refuses text that is not UTF-8 (and then fails the whole page):
 * file names from the command line may be anything, so bytes that are not
 * UTF-8, and control characters, become '?'. */
static void nv_clean(const char *s, char *out, size_t n)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen(s), i = 0, o = 0;
  while (i < len && o + 5 < n) {
    size_t u = Tfl_utf8_len(p + i, len - i);
    if (u == 0 || p[i] < 0x20 || p[i] == 0x7f) {
      out[o++] = '?';
      i += u ? u : 1;
    } else {
      memcpy(out + o, p + i, u);
      o += u;
      i += u;
    }
  }
  out[o] = '\0';
}

static double nv_width(cairo_t *cr, const char *s)
{
  cairo_text_extents_t e;
  char clean[1024];
  nv_clean(s, clean, sizeof(clean));
  cairo_text_extents(cr, clean, &e);
  return e.x_advance;
}

/* Text with its baseline at y; align 0 left, 0.5 centre, 1 right of x. */
static void nv_text(cairo_t *cr, double x, double y, double align, const char *s)
{
  char clean[1024];
  nv_clean(s, clean, sizeof(clean));
  cairo_move_to(cr, x - align * nv_width(cr, clean), y);
  cairo_show_text(cr, clean);
}

/* Keeps the head and the tail of s, joined by an ellipsis, so that it fits
 * maxw at the current font: the ends of an address or a path say the most.
 * Cuts fall between characters, never inside one. */
static void nv_elide(cairo_t *cr, const char *s, double maxw, char *out, size_t n)
{
  char clean[1024];
  size_t len, cut = 0;
  nv_clean(s, clean, sizeof(clean));
  len = strlen(clean);
  if (len >= n) /* callers' buffers hold their text; never cut a character */
    for (len = n - 1; len > 0 && (clean[len] & 0xc0) == 0x80; len--)
      ;
  clean[len] = '\0';
  memcpy(out, clean, len + 1);
  while (nv_width(cr, out) > maxw && cut + 2 < len) {
    size_t keep = len - ++cut, head = (keep + 1) / 2, tail = len - (keep - head);
    while (head > 0 && (clean[head] & 0xc0) == 0x80)
      head--;
    while (tail < len && (clean[tail] & 0xc0) == 0x80)
      tail++;
    snprintf(out, n, "%.*s\xe2\x80\xa6%s", (int)head, clean, clean + tail);
  }
}

/* Font size, between max and min, at which s fits maxw (min if none). */
static double nv_fit_size(cairo_t *cr, const char *s, double maxw, double max, double min,
                          int bold)
{
  double size = max;
  for (;;) {
    nv_font(cr, size, bold);
    if (nv_width(cr, s) <= maxw || size <= min)
      return size;
    size -= 0.25;
  }
}

static void nv_pct(uint64_t part, uint64_t total, char *buf, size_t n)
{
  double p = total ? 100.0 * (double)part / (double)total : 0.0;
  if (part == total && total)
    snprintf(buf, n, "100%%");
  else if (p > 0 && p < 0.1)
    snprintf(buf, n, "<0.1%%");
  else
    snprintf(buf, n, "%.1f%%", p);
}

/* "name 12.5%, name 80.0%" over the non-zero parts. */
static void nv_mix(const char *const *names, const uint64_t *bytes, int n, uint64_t total,
                   char *buf, size_t len)
{
  size_t o = 0;
  buf[0] = '\0';
  for (int i = 0; i < n && o < len; i++) {
    char p[16];
    int w;
    if (!bytes[i])
      continue;
    nv_pct(bytes[i], total, p, sizeof(p));
    w = snprintf(buf + o, len - o, "%s%s %s", o ? ", " : "", names[i], p);
    if (w < 0)
      return;
    o += (size_t)w;
  }
  if (!o)
    snprintf(buf, len, "none");
}

/* ---------------------------------------------------------------- header */

static double nv_header(cairo_t *cr, const struct nv_stats *st, const struct nv_page *pg)
{
  static const char *const net_names[NV_NNET] = {"IPv4", "IPv6", "ARP", "other"};
  static const char *const proto_names[NV_NPROTO] = {"TCP", "UDP", "ICMP", "other IP"};
  char line[512], a[64], b[64], c[64], d[64];
  double y = MARGIN + 10, lh = 11.5;
  double w = PAGE_W - 2 * MARGIN;

  nv_set_rgb(cr, nv_ink);
  nv_font(cr, 12, 1);
  nv_text(cr, MARGIN, y, 0, pg->program);
  y += lh + 3;
  snprintf(line, sizeof(line), "Input: %s", pg->input);
  nv_fit_size(cr, line, w, 8.5, 6, 0);
  {
    char fitted[sizeof(line)];
    nv_elide(cr, line, w, fitted, sizeof(fitted));
    nv_text(cr, MARGIN, y, 0, fitted);
  }
  y += lh;
  nv_font(cr, 8.5, 0);
  Nv_fmt_time(pg->generated * 1000000, 0, a, sizeof(a));
  snprintf(line, sizeof(line), "Generated: %s UTC", a);
  nv_text(cr, MARGIN, y, 0, line);
  y += lh * 1.5;

  if (st->have_time) {
    Nv_fmt_time(st->first_us, 1, a, sizeof(a));
    Nv_fmt_time(st->last_us, 1, b, sizeof(b));
    Nv_fmt_duration(st->last_us - st->first_us, c, sizeof(c));
    snprintf(line, sizeof(line), "Date range: %s -- %s UTC (%s)", a, b, c);
  } else {
    snprintf(line, sizeof(line), "Date range: none (no packets)");
  }
  nv_text(cr, MARGIN, y, 0, line);
  y += lh;
  Nv_fmt_bytes(st->frame_bytes, a, sizeof(a));
  Nv_fmt_bytes(st->flow_bytes, b, sizeof(b));
  snprintf(line, sizeof(line),
           "Packets analyzed: %" PRIu64 " (%s); TCP flows: %" PRIu64 " with %" PRIu64
           " packets (%s)",
           st->frames, a, st->flows, st->flow_packets, b);
  nv_text(cr, MARGIN, y, 0, line);
  y += lh;
  nv_mix(net_names, st->net_bytes, NV_NNET, st->frame_bytes, c, sizeof(c));
  if (st->vlan_bytes) {
    nv_pct(st->vlan_bytes, st->frame_bytes, d, sizeof(d));
    snprintf(line, sizeof(line), "Transports: %s (VLAN-tagged %s)", c, d);
  } else {
    snprintf(line, sizeof(line), "Transports: %s", c);
  }
  nv_text(cr, MARGIN, y, 0, line);
  y += lh;
  nv_mix(proto_names, st->proto_bytes, NV_NPROTO, st->frame_bytes, c, sizeof(c));
  snprintf(line, sizeof(line), "Protocols: %s (shares of bytes on the wire)", c);
  nv_text(cr, MARGIN, y, 0, line);
  return y + lh;
}

/* --------------------------------------------------------- time histogram */

static void nv_frame_note(cairo_t *cr, double x0, double y0, double x1, double y1,
                          const char *title, const char *text)
{
  cairo_set_line_width(cr, 0.6);
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
  cairo_stroke(cr);
  nv_set_rgb(cr, nv_ink);
  nv_font(cr, 13, 1);
  nv_text(cr, (x0 + x1) / 2, (y0 + y1) / 2 - 4, 0.5, title);
  nv_font(cr, 8, 0);
  nv_set_rgb(cr, nv_grey);
  nv_text(cr, (x0 + x1) / 2, (y0 + y1) / 2 + 12, 0.5, text);
}

static void nv_hline(cairo_t *cr, double x0, double x1, double y)
{
  cairo_move_to(cr, x0, y);
  cairo_line_to(cr, x1, y);
}

/* Right-hand 0% .. 100% axis of a cumulative line. */
static void nv_pct_axis(cairo_t *cr, double x, double y0, double y1)
{
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, x, y0);
  cairo_line_to(cr, x, y1);
  nv_hline(cr, x, x + 3, y0);
  nv_hline(cr, x, x + 3, (y0 + y1) / 2);
  nv_hline(cr, x, x + 3, y1);
  cairo_stroke(cr);
  nv_font(cr, 5.5, 0);
  nv_text(cr, x + 5, y0 + 2, 0, "100%");
  nv_text(cr, x + 5, (y0 + y1) / 2 + 2, 0, "50%");
  nv_text(cr, x + 5, y1 + 2, 0, "0%");
}

static double nv_histogram(cairo_t *cr, const struct nv_stats *st, double top)
{
  const double x0 = MARGIN + 40, x1 = PAGE_W - MARGIN - 26;
  const double y0 = top + 18, y1 = top + 148;
  const struct nv_timeline *tl = &st->tl;
  uint64_t (*bins)[NV_NCLASS];
  uint64_t class_total[NV_NCLASS] = {0}, maxbar = 0, step, ymax, cum = 0;
  int64_t nbars = 0, first_bin, lstep;
  struct nv_bin bin;
  char buf[160], b2[64];
  double bw, lx;
  int multi_day, nclasses = 0;

  nv_set_rgb(cr, nv_ink);
  nv_font(cr, 9, 1);
  nv_text(cr, MARGIN, top + 8, 0, "Bandwidth over time (bytes per bar, stacked by service)");
  if (!st->have_time || st->frame_bytes == 0) {
    nv_frame_note(cr, x0, y0, x1, y1, "No packets",
                  "The input held no packets, so there is nothing to chart.");
    return y1 + 20;
  }

  bin = Nv_axis_choose(st->first_us, st->last_us, tl->width_us, MAX_BARS, &nbars);
  first_bin = Nv_axis_bin_of(&bin, st->first_us);
  bins = calloc((size_t)nbars, sizeof(*bins));
  if (!bins)
    return y1 + 20;
  for (size_t i = 0; i < tl->n; i++) {
    int64_t d = Nv_axis_bin_of(&bin, (tl->base + (int64_t)i) * tl->width_us) - first_bin;
    if (d < 0)
      d = 0; /* only with > 54-year spans, where buckets exceed a day */
    if (d >= nbars)
      d = nbars - 1;
    for (int c = 0; c < NV_NCLASS; c++) {
      bins[d][c] += tl->b[i].bytes[c];
      class_total[c] += tl->b[i].bytes[c];
    }
  }
  for (int64_t d = 0; d < nbars; d++) {
    uint64_t sum = 0;
    for (int c = 0; c < NV_NCLASS; c++)
      sum += bins[d][c];
    if (sum > maxbar)
      maxbar = sum;
  }
  step = Nv_nice_ceil((maxbar + 3) / 4);
  ymax = step * 4;

  /* grid and left axis */
  nv_font(cr, 5.5, 0);
  for (int i = 0; i <= 4; i++) {
    double y = y1 - (y1 - y0) * i / 4.0;
    cairo_set_source_rgb(cr, i ? 0.88 : 0.2, i ? 0.88 : 0.2, i ? 0.88 : 0.2);
    cairo_set_line_width(cr, i ? 0.4 : 0.6);
    nv_hline(cr, x0, x1, y);
    cairo_stroke(cr);
    Nv_fmt_bytes(step * (uint64_t)i, buf, sizeof(buf));
    nv_set_rgb(cr, nv_ink);
    nv_text(cr, x0 - 4, y + 2, 1, buf);
  }

  /* stacked bars */
  bw = (x1 - x0) / (double)nbars;
  for (int64_t d = 0; d < nbars; d++) {
    /* a few bars stay bars, not slabs */
    double y = y1, gap = bw > 3 ? bw * 0.12 : 0;
    if (bw - gap > 36)
      gap = bw - 36;
    for (int c = 0; c < NV_NCLASS; c++) {
      double h = (y1 - y0) * (double)bins[d][c] / (double)ymax;
      if (!bins[d][c])
        continue;
      nv_set_rgb(cr, nv_class_rgb[c]);
      cairo_rectangle(cr, x0 + bw * (double)d + gap / 2, y - h, bw - gap, h);
      cairo_fill(cr);
      y -= h;
    }
  }

  /* cumulative share of the bytes, as a step line */
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_set_line_width(cr, 0.7);
  cairo_move_to(cr, x0, y1);
  for (int64_t d = 0; d < nbars; d++) {
    double y;
    for (int c = 0; c < NV_NCLASS; c++)
      cum += bins[d][c];
    y = y1 - (y1 - y0) * (double)cum / (double)st->frame_bytes;
    cairo_line_to(cr, x0 + bw * (double)d, y);
    cairo_line_to(cr, x0 + bw * (double)(d + 1), y);
  }
  cairo_stroke(cr);
  nv_pct_axis(cr, x1 + 2, y0, y1);

  /* time ticks at round bar indexes */
  multi_day = Nv_floordiv(st->first_us, 86400000000LL) != Nv_floordiv(st->last_us, 86400000000LL);
  lstep = Nv_axis_label_step(&bin, nbars, 7);
  nv_font(cr, 5.5, 0);
  nv_set_rgb(cr, nv_ink);
  lx = -1e9;
  for (int64_t d = 0; d <= nbars; d++) {
    double x = x0 + bw * (double)d, w;
    if (Nv_floordiv(first_bin + d, lstep) * lstep != first_bin + d)
      continue;
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, x, y1);
    cairo_line_to(cr, x, y1 + 3);
    cairo_stroke(cr);
    Nv_axis_label(&bin, Nv_axis_bin_start(&bin, first_bin + d), multi_day, buf, sizeof(buf));
    w = nv_width(cr, buf);
    if (x - w / 2 < lx + 4)
      continue; /* would overlap the previous label */
    nv_text(cr, x, y1 + 10, 0.5, buf);
    lx = x + w / 2;
  }
  Nv_fmt_duration(st->last_us - st->first_us, b2, sizeof(b2));
  snprintf(buf, sizeof(buf), "Time (UTC): %" PRId64 " bar%s of %s over %s", nbars,
           nbars == 1 ? "" : "s", bin.name, b2);
  nv_font(cr, 6.5, 0);
  nv_set_rgb(cr, nv_grey);
  nv_text(cr, (x0 + x1) / 2, y1 + 20, 0.5, buf);

  /* legend: the services present, with their share of all bytes */
  {
    double lw = 0, x, y = y1 + 33;
    char items[NV_NCLASS][48];
    nv_font(cr, 6.5, 0);
    for (int c = 0; c < NV_NCLASS; c++) {
      char p[16];
      if (!class_total[c])
        continue;
      nv_pct(class_total[c], st->frame_bytes, p, sizeof(p));
      snprintf(items[c], sizeof(items[c]), "%s %s", Nv_class_name((enum nv_class)c), p);
      lw += 10 + nv_width(cr, items[c]) + 12;
      nclasses++;
    }
    x = (x0 + x1 - lw) / 2;
    for (int c = 0; c < NV_NCLASS; c++) {
      if (!class_total[c])
        continue;
      nv_set_rgb(cr, nv_class_rgb[c]);
      cairo_rectangle(cr, x, y - 6, 7, 7);
      cairo_fill(cr);
      nv_set_rgb(cr, nv_ink);
      nv_text(cr, x + 10, y, 0, items[c]);
      x += 10 + nv_width(cr, items[c]) + 12;
    }
  }
  free(bins);
  return y1 + 44;
}

/* ------------------------------------------------------------ top charts */

/* What a top chart shows besides its bars. */
struct nv_chart_spec {
  const char *title;
  const char *unit, *units; /* "address", "addresses" */
  size_t distinct;          /* keys counted */
  uint64_t total;           /* bytes the shares are of */
};

static void nv_chart(cairo_t *cr, double x, double y, double w, const struct nv_chart_spec *cs,
                     const struct nv_item *items, size_t n, size_t slots)
{
  const double px0 = x + 34, px1 = x + w - 22, py0 = y + 20, py1 = y + 96;
  uint64_t ymax = Nv_nice_ceil(n ? items[0].bytes : 1), cum = 0;
  double slot = (px1 - px0) / (double)slots;
  char buf[256], b1[32], b2[32];
  double ty, label_w = 0;

  nv_set_rgb(cr, nv_ink);
  nv_font(cr, 8.5, 1);
  nv_text(cr, x + w / 2, y + 8, 0.5, cs->title);
  nv_font(cr, 5.5, 0);
  nv_set_rgb(cr, nv_grey);
  snprintf(buf, sizeof(buf), "%zu %s", cs->distinct, cs->distinct == 1 ? cs->unit : cs->units);
  nv_text(cr, px1, py0 - 3, 1, buf);

  /* axes */
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 0.5);
  cairo_move_to(cr, px0, py0);
  cairo_line_to(cr, px0, py1);
  cairo_line_to(cr, px1, py1);
  nv_hline(cr, px0 - 3, px0, py0);
  cairo_stroke(cr);
  nv_set_rgb(cr, nv_ink);
  Nv_fmt_bytes(ymax, buf, sizeof(buf));
  nv_text(cr, px0 - 4, py0 + 2, 1, buf);
  nv_text(cr, px0 - 4, py1 + 2, 1, "0 B");
  nv_pct_axis(cr, px1 + 2, py0, py1);

  for (size_t i = 0; i < n; i++) {
    double h = (py1 - py0) * (double)items[i].bytes / (double)ymax;
    double cx = px0 + slot * ((double)i + 0.5);
    nv_set_rgb(cr, items[i].rgb);
    cairo_rectangle(cr, cx - slot * 0.36, py1 - h, slot * 0.72, h);
    cairo_fill(cr);
    /* label under the bar, rising to the right and ending at the bar */
    cairo_save(cr);
    cairo_translate(cr, cx + 2, py1 + 4);
    cairo_rotate(cr, -M_PI / 4);
    nv_set_rgb(cr, nv_ink);
    nv_fit_size(cr, items[i].label, 58, 6, 4.75, 0);
    nv_elide(cr, items[i].label, 58, buf, sizeof(buf));
    nv_text(cr, 0, 0, 1, buf);
    if (nv_width(cr, buf) > label_w)
      label_w = nv_width(cr, buf);
    cairo_restore(cr);
  }
  /* cumulative share, through the bar centres */
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_set_line_width(cr, 0.7);
  for (size_t i = 0; i < n; i++) {
    double cx = px0 + slot * ((double)i + 0.5), cy;
    cum += items[i].bytes;
    cy = py1 - (py1 - py0) * (double)cum / (double)(cs->total ? cs->total : 1);
    if (i == 0)
      cairo_move_to(cr, cx, cy);
    else
      cairo_line_to(cr, cx, cy);
  }
  cairo_stroke(cr);

  /* the top three, in full, just under the longest label */
  ty = py1 + 4 + label_w * M_SQRT1_2 + 14;
  for (size_t i = 0; i < 3 && i < n; i++) {
    char p[16];
    Nv_fmt_bytes(items[i].bytes, b1, sizeof(b1));
    nv_pct(items[i].bytes, cs->total, p, sizeof(p));
    snprintf(b2, sizeof(b2), "%" PRIu64, items[i].bytes);
    snprintf(buf, sizeof(buf), "%zu) %s - %s (%s): %s bytes, %" PRIu64 " packets", i + 1,
             items[i].full, b1, p, b2, items[i].packets);
    nv_set_rgb(cr, nv_ink);
    nv_fit_size(cr, buf, w - 8, 7, 5.25, 0);
    nv_text(cr, x + 8, ty, 0, buf);
    ty += 9.5;
  }
}

static void nv_addr_text(const struct nv_addr_ent *e, char *buf, size_t n)
{
  if (!inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, e->addr, buf, (socklen_t)n))
    snprintf(buf, n, "?");
}

static size_t nv_addr_items(const struct nv_addr_tab *t, size_t top, struct nv_item *items)
{
  const struct nv_addr_ent **v = Nv_addr_sorted(t);
  size_t n = 0;
  if (!v)
    return 0;
  for (size_t i = 0; i < t->n && n < top; i++) {
    if (!v[i]->c.bytes && !v[i]->c.packets)
      continue;
    nv_addr_text(v[i], items[n].full, sizeof(items[n].full));
    snprintf(items[n].label, sizeof(items[n].label), "%s", items[n].full);
    items[n].bytes = v[i]->c.bytes;
    items[n].packets = v[i]->c.packets;
    items[n].rgb = nv_addr_rgb;
    n++;
  }
  free((void *)v);
  return n;
}

/* Ports: the `top` busiest of 65536, by bytes then packets then number. */
static size_t nv_port_items(const struct nv_count *ports, size_t top, struct nv_item *items,
                            size_t *distinct)
{
  size_t n = 0;
  *distinct = 0;
  for (uint32_t p = 0; p < 65536; p++) {
    size_t at;
    if (!ports[p].packets && !ports[p].bytes)
      continue;
    (*distinct)++;
    for (at = n; at > 0; at--) {
      const struct nv_item *o = &items[at - 1];
      if (o->bytes > ports[p].bytes ||
          (o->bytes == ports[p].bytes && o->packets >= ports[p].packets))
        break;
    }
    if (at >= top)
      continue;
    if (n < top)
      n++;
    memmove(&items[at + 1], &items[at], (n - 1 - at) * sizeof(items[0]));
    snprintf(items[at].label, sizeof(items[at].label), "%u", (unsigned)p);
    if (Nv_class_of_ports((uint16_t)p, (uint16_t)p) != NV_TCP_OTHER)
      snprintf(items[at].full, sizeof(items[at].full), "%u (%s)", (unsigned)p,
               Nv_class_name(Nv_class_of_ports((uint16_t)p, (uint16_t)p)));
    else
      snprintf(items[at].full, sizeof(items[at].full), "%u", (unsigned)p);
    items[at].bytes = ports[p].bytes;
    items[at].packets = ports[p].packets;
    items[at].rgb = nv_class_rgb[Nv_class_of_ports((uint16_t)p, (uint16_t)p)];
  }
  return n;
}

static double nv_tops(cairo_t *cr, const struct nv_stats *st, const struct nv_page *pg,
                      double top)
{
  const double gap = 24, w = (PAGE_W - 2 * MARGIN - gap) / 2, h = 196;
  size_t slots = pg->top, n;
  struct nv_item *items = calloc(slots + 1, sizeof(*items));
  if (!items)
    return top;

  struct nv_chart_spec cs = {"Top Source Addresses", "address", "addresses",
                             st->src.n + (st->src.others_keys ? 1 : 0), st->flow_bytes};
  n = nv_addr_items(&st->src, slots, items);
  nv_chart(cr, MARGIN, top, w, &cs, items, n, slots);
  cs.title = "Top Destination Addresses";
  cs.distinct = st->dst.n + (st->dst.others_keys ? 1 : 0);
  n = nv_addr_items(&st->dst, slots, items);
  nv_chart(cr, MARGIN + w + gap, top, w, &cs, items, n, slots);
  cs.title = "Top Source Ports";
  cs.unit = "port";
  cs.units = "ports";
  n = nv_port_items(st->sport, slots, items, &cs.distinct);
  nv_chart(cr, MARGIN, top + h, w, &cs, items, n, slots);
  cs.title = "Top Destination Ports";
  n = nv_port_items(st->dport, slots, items, &cs.distinct);
  nv_chart(cr, MARGIN + w + gap, top + h, w, &cs, items, n, slots);
  free(items);
  return top + 2 * h;
}

static void nv_footer(cairo_t *cr, const struct nv_stats *st, double y)
{
  char line[256];
  nv_font(cr, 5.75, 0);
  nv_set_rgb(cr, nv_grey);
  nv_text(cr, MARGIN, y, 0,
          "Bandwidth: every frame read, at its length on the wire.  Top charts: the TCP flows "
          "of report.xml, one per direction (its packets and len attributes);");
  y += 7.5;
  nv_text(cr, MARGIN, y, 0,
          "shares are of the bytes of all TCP flows.  Service colours: HTTP 80, 81, 82, 8000, "
          "8080, 8090, 8888; HTTPS 443, 8443; SSH 22; FTP 20, 21; mail; DNS 53; SMB 139, 445.");
  y += 7.5;
  if (st->src.others_keys || st->dst.others_keys) {
    snprintf(line, sizeof(line),
             "More than %zu distinct addresses: flows of later ones are counted together as "
             "others (-S netviz_histogram_size).",
             st->src.max);
    nv_text(cr, MARGIN, y, 0, line);
    y += 7.5;
  }
  if (st->flows_inexact) {
    snprintf(line, sizeof(line),
             "%" PRIu64 " flow%s: the frames behind the byte count could not be matched one by "
             "one; packet counts are exact.",
             st->flows_inexact, st->flows_inexact == 1 ? "" : "s");
    nv_text(cr, MARGIN, y, 0, line);
  }
}

static void nv_page_draw(cairo_t *cr, const struct nv_stats *st, const struct nv_page *pg)
{
  double y;
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  y = nv_header(cr, st, pg);
  y = nv_histogram(cr, st, y + 6);
  if (st->flows == 0) {
    char text[160];
    snprintf(text, sizeof(text),
             "None of the %" PRIu64 " frame%s belonged to a TCP flow, so there are no address "
             "or port charts.",
             st->frames, st->frames == 1 ? "" : "s");
    nv_frame_note(cr, MARGIN, y + 10, PAGE_W - MARGIN, y + 150, "No TCP traffic", text);
  } else {
    nv_tops(cr, st, pg, y + 10);
  }
  nv_footer(cr, st, PAGE_H - MARGIN + 4);
}

/* ------------------------------------------------------------- surfaces */

static cairo_status_t nv_write(void *closure, const unsigned char *data, unsigned int len)
{
  return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

int Nv_render(const struct nv_stats *st, const struct nv_page *pg, enum nv_format fmt,
              FILE *fp, char *err, size_t errlen)
{
  cairo_surface_t *sf;
  cairo_t *cr;
  cairo_status_t s;
  char when[32], date[40];

  switch (fmt) {
  case NV_FMT_SVG:
    sf = cairo_svg_surface_create_for_stream(nv_write, fp, PAGE_W, PAGE_H);
    break;
  case NV_FMT_PNG:
    sf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(PAGE_W * PNG_SCALE),
                                    (int)(PAGE_H * PNG_SCALE));
    break;
  default:
    sf = cairo_pdf_surface_create_for_stream(nv_write, fp, PAGE_W, PAGE_H);
    /* cairo would stamp the wall clock; the page's one time is the header's. */
    Nv_fmt_time(pg->generated * 1000000, 0, when, sizeof(when));
    when[10] = 'T';
    snprintf(date, sizeof(date), "%sZ", when);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, "tcpflow netviz report");
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, pg->program);
    break;
  }
  cr = cairo_create(sf);
  if (fmt == NV_FMT_PNG)
    cairo_scale(cr, PNG_SCALE, PNG_SCALE);
  nv_page_draw(cr, st, pg);
  s = cairo_status(cr);
  cairo_destroy(cr);
  if (s == CAIRO_STATUS_SUCCESS && fmt == NV_FMT_PNG)
    s = cairo_surface_write_to_png_stream(sf, nv_write, fp);
  cairo_surface_finish(sf);
  if (s == CAIRO_STATUS_SUCCESS)
    s = cairo_surface_status(sf);
  cairo_surface_destroy(sf);
  if (s != CAIRO_STATUS_SUCCESS) {
    snprintf(err, errlen, "%s", cairo_status_to_string(s));
    return -1;
  }
  return 0;
}
