/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner that misbehaves on purpose, for tests/integration/sdk.sh: it
 * asks for output outside its flow's directory, closes XML elements it never
 * opened, leaves others open, writes 4 MiB into a derived file per flow
 * (for scanner_max_output), and fails flow_data on the second flow.  The
 * host must refuse, contain and report all of it, and its own flow files
 * and report must come out intact.
 */
#include <stdlib.h>

#include <tcpflow/scanner.h>

struct mb_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  int flows;
};

static int mb_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct mb_state *st = calloc(1, sizeof(*st));
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  *state = st;
  return TFS_OK;
}

static int mb_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                   const uint8_t *data, size_t len)
{
  struct mb_state *st = state;
  tfs_output *out = NULL;
  /* Escapes: each must be refused. */
  if (st->host->output_open(st->ctx, flow, "/../../escaped", &out) == TFS_OK && out) {
    st->host->output_write(out, "x", 1);
    st->host->output_close(out, 1);
  }
  if (st->host->output_open(st->ctx, flow, "", &out) == TFS_OK && out)
    st->host->output_close(out, 1);
  /* A runaway writer: 4 MiB into one derived file. */
  if (offset == 0 && st->host->output_open(st->ctx, flow, "-huge", &out) == TFS_OK && out) {
    static const uint8_t block[64 * 1024];
    for (int i = 0; i < 64; i++)
      st->host->output_write(out, block, sizeof(block));
    st->host->output_close(out, 1);
  }
  /* XML outside flow_close is refused too. */
  st->host->xml_start(st->ctx, "too_early");
  return st->flows == 1 ? TFS_ERROR : TFS_OK;
}

static int mb_close(void *state, const struct tfs_flow_info *flow)
{
  struct mb_state *st = state;
  st->flows++;
  st->host->xml_end(st->ctx);
  st->host->xml_end(st->ctx);
  st->host->xml_start(st->ctx, "left_open");
  st->host->xml_attr(st->ctx, "note", "<closed by the host> & \"escaped\"");
  return TFS_OK;
}

static void mb_fini(void *state)
{
  free(state);
}

static const struct tfs_scanner misbehave = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "misbehave",
    .version = "1",
    .description = "test scanner that breaks the rules",
    .flags = TFS_SCANNER_WANTS_DATA,
    .init = mb_init,
    .flow_data = mb_data,
    .flow_close = mb_close,
    .fini = mb_fini,
};

TFS_SCANNER_ENTRY(misbehave)
