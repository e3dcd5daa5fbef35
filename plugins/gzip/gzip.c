/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * gzip scanner: a flow that begins with the gzip magic (1f 8b) is inflated
 * into <flow>-GZIP beside the flow file, following multi-member streams and
 * stopping at gzip_max_decompressed.  The fileobject gets
 * <tcpflow:gzip decoded_length='N' encoded_length='M' status='…' file='…'/>.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpflow/scanner.h>

#include "tfl_inflate.h"
#include "tfl_parse.h"

struct gz_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  struct tfl_inflate_limits lim;
  /* the flow being replayed */
  uint64_t flow_id;
  int seen;               /* flow_data has been called for flow_id */
  const struct tfs_flow_info *flow; /* valid during a flow_data call only */
  uint8_t head[2];
  size_t head_len;
  int active;             /* the flow starts with the magic */
  int gap;                /* a hole stopped decoding */
  struct tfl_inflater *inf;
  tfs_output *out;
  char *out_path;
};

static const struct tfs_setting gz_settings[] = {
  {"gzip_max_decompressed", "268435456", "most bytes written to one -GZIP file"},
  {NULL, NULL, NULL},
};

/* A setting's number, or fallback when it is unset or not a number. */
static uint64_t gz_number(const char *s, uint64_t fallback)
{
  uint64_t v;
  return Tfl_parse_u64(s, 0, UINT64_MAX, &v) == 0 ? v : fallback;
}

static int gz_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct gz_state *st = calloc(1, sizeof(*st));
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  st->lim.max_out = gz_number(host->setting(ctx, "gzip_max_decompressed"), 268435456u);
  *state = st;
  return TFS_OK;
}

static void gz_reset(struct gz_state *st)
{
  Tfl_inflate_free(st->inf);
  if (st->out)
    st->host->output_close(st->out, 0);
  free(st->out_path);
  st->inf = NULL;
  st->out = NULL;
  st->out_path = NULL;
  st->seen = st->active = st->gap = 0;
  st->head_len = 0;
}

static int gz_sink(void *arg, const uint8_t *buf, size_t len)
{
  struct gz_state *st = arg;
  if (!st->out) {
    if (!st->flow || !st->flow->path ||
        st->host->output_open(st->ctx, st->flow, "-GZIP", &st->out) != TFS_OK) {
      st->out = NULL;
      return -1;
    }
    st->out_path = strdup(st->host->output_path(st->out));
  }
  return st->host->output_write(st->out, buf, len) == TFS_OK ? 0 : -1;
}

static int gz_start(struct gz_state *st)
{
  st->active = 1;
  st->inf = Tfl_inflate_new(0, &st->lim, gz_sink, st);
  if (!st->inf)
    return TFS_ERROR;
  Tfl_inflate_feed(st->inf, st->head, st->head_len);
  return TFS_OK;
}

static int gz_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                        const uint8_t *data, size_t len)
{
  struct gz_state *st = state;
  int rc = TFS_OK;
  if (!st->seen || st->flow_id != flow->flow_id) {
    gz_reset(st);
    st->seen = 1;
    st->flow_id = flow->flow_id;
  }
  st->flow = flow;
  if (!data) {
    /* Zeros are not what was sent: decoding across a hole would only
     * produce garbage, so the output stops here. */
    if (st->inf && !st->gap)
      st->gap = 1;
    else if (!st->active)
      st->head_len = sizeof(st->head); /* a hole at the start: not gzip */
  } else if (st->active) {
    if (!st->gap)
      Tfl_inflate_feed(st->inf, data, len);
  } else if (st->head_len < sizeof(st->head)) {
    /* The magic may be split over two calls. */
    size_t take = sizeof(st->head) - st->head_len;
    if (take > len)
      take = len;
    memcpy(st->head + st->head_len, data, take);
    st->head_len += take;
    if (st->head_len == sizeof(st->head) && st->head[0] == 0x1f && st->head[1] == 0x8b) {
      rc = gz_start(st);
      if (rc == TFS_OK)
        Tfl_inflate_feed(st->inf, data + take, len - take);
    }
  }
  st->flow = NULL;
  return rc;
}

static void gz_xml_u64(struct gz_state *st, const char *name, uint64_t v)
{
  char num[24];
  snprintf(num, sizeof(num), "%" PRIu64, v);
  st->host->xml_attr(st->ctx, name, num);
}

static int gz_flow_close(void *state, const struct tfs_flow_info *flow)
{
  struct gz_state *st = state;
  enum tfl_inflate_status gs;
  uint64_t decoded;
  if (!st->seen || st->flow_id != flow->flow_id || !st->active) {
    gz_reset(st);
    return TFS_OK;
  }
  gs = Tfl_inflate_finish(st->inf);
  decoded = Tfl_inflate_out(st->inf);
  if (st->out) {
    st->host->output_close(st->out, decoded > 0);
    st->out = NULL;
  }
  st->host->xml_start(st->ctx, "tcpflow:gzip");
  gz_xml_u64(st, "decoded_length", decoded);
  gz_xml_u64(st, "encoded_length", Tfl_inflate_in(st->inf));
  st->host->xml_attr(st->ctx, "status", st->gap && gs == TFL_INFLATE_TRUNCATED ? "gap" : Tfl_inflate_status_name(gs));
  if (st->out_path && decoded > 0)
    st->host->xml_attr(st->ctx, "file", st->out_path);
  st->host->xml_end(st->ctx);
  gz_reset(st);
  return TFS_OK;
}

static void gz_fini(void *state)
{
  struct gz_state *st = state;
  if (!st)
    return;
  gz_reset(st);
  free(st);
}

static const struct tfs_scanner gz_scanner = {
  TFS_ABI_MAJOR, TFS_ABI_MINOR, sizeof(struct tfs_scanner),
  "gzip", "1.0", "inflates flows that are gzip streams into <flow>-GZIP",
  TFS_SCANNER_WANTS_DATA | TFS_SCANNER_PARALLEL_SAFE, gz_settings,
  gz_init, NULL, gz_flow_data, gz_flow_close, NULL, NULL, gz_fini, NULL, NULL, NULL,
};

TFS_SCANNER_ENTRY(gz_scanner)
