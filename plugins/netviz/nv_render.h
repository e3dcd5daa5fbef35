/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz drawing: one US-Letter page (612 x 792 pt) with cairo, as PDF,
 * SVG or PNG.  Everything on it comes from a finished struct nv_stats and
 * the page facts below, so the same capture gives the same bytes: the only
 * clock on the page is `generated`, which the caller takes from
 * SOURCE_DATE_EPOCH when that is set.
 */
#ifndef NV_RENDER_H
#define NV_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nv_stats.h"

enum nv_format { NV_FMT_PDF, NV_FMT_SVG, NV_FMT_PNG };

struct nv_page {
  const char *program;  /* "TCPFLOW 2.0.0" */
  const char *input;    /* "capture.pcap + 2 more", an interface, or "?" */
  int64_t generated;    /* seconds since the epoch */
  size_t top;           /* bars per top chart */
};

/* Draws the page into fp (opened by the caller, binary, which also closes
 * it).  Returns 0, or -1 with a reason in err when cairo fails. */
int Nv_render(const struct nv_stats *st, const struct nv_page *pg, enum nv_format fmt,
              FILE *fp, char *err, size_t errlen);

#endif
