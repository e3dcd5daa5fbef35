/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The netviz scanner's state (netviz.c), shared with its unit tests so they
 * can look at the counts behind the picture.  init allocates it, fini frees
 * it and everything it points to.
 */
#ifndef NV_NETVIZ_H
#define NV_NETVIZ_H

#include <tcpflow/scanner.h>

#include "nv_render.h"
#include "nv_stats.h"

struct nv_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  enum nv_format fmt;
  int dump;               /* netviz_histogram_dump */
  struct nv_stats *st;
};

#endif
