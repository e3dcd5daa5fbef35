/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * An example tcpflow scanner, built out of tree against the installed SDK:
 *
 *   cc -shared -fPIC $(pkg-config --cflags tcpflow-sdk) -o bytecount.so bytecount.c
 *   tcpflow --plugin-dir . -e bytecount -r capture.pcap
 *
 * For every flow it counts the bytes and how many of them are printable,
 * and adds <bytecount total='N' printable='P'/> to the flow's <fileobject>.
 * A flow whose printable share is at least bytecount_threshold percent is
 * also reported in the log.
 */
#include <stdio.h>
#include <stdlib.h>

#include <tcpflow/scanner.h>

struct bc_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  long threshold;
  uint64_t flow_id, total, printable;
};

static const struct tfs_setting bc_settings[] = {
    {"bytecount_threshold", "90", "log flows that are at least this percent printable"},
    {NULL, NULL, NULL}};

static int bc_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct bc_state *st = calloc(1, sizeof(*st));
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  st->threshold = strtol(host->setting(ctx, "bytecount_threshold"), NULL, 10);
  st->flow_id = UINT64_MAX;
  *state = st;
  return TFS_OK;
}

static int bc_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                   const uint8_t *data, size_t len)
{
  struct bc_state *st = state;
  if (st->flow_id != flow->flow_id) {
    st->flow_id = flow->flow_id;
    st->total = st->printable = 0;
  }
  st->total += len;
  for (size_t i = 0; data && i < len; i++)
    st->printable += data[i] >= 0x20 && data[i] < 0x7f;
  return TFS_OK;
}

static int bc_close(void *state, const struct tfs_flow_info *flow)
{
  struct bc_state *st = state;
  char total[32], printable[32];
  if (st->flow_id != flow->flow_id)
    st->total = st->printable = 0;
  snprintf(total, sizeof(total), "%llu", (unsigned long long)st->total);
  snprintf(printable, sizeof(printable), "%llu", (unsigned long long)st->printable);
  st->host->xml_start(st->ctx, "bytecount");
  st->host->xml_attr(st->ctx, "total", total);
  st->host->xml_attr(st->ctx, "printable", printable);
  st->host->xml_end(st->ctx);
  if (st->total && st->printable * 100 >= (uint64_t)st->threshold * st->total)
    st->host->log(st->ctx, TFS_LOG_INFO, "%s is mostly text", flow->path ? flow->path : "flow");
  st->flow_id = UINT64_MAX;
  return TFS_OK;
}

static void bc_fini(void *state)
{
  free(state);
}

static const struct tfs_scanner bytecount = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "bytecount",
    .version = "1.0",
    .description = "example: bytes and printable bytes per flow",
    .flags = TFS_SCANNER_WANTS_DATA,
    .settings = bc_settings,
    .init = bc_init,
    .flow_data = bc_data,
    .flow_close = bc_close,
    .fini = bc_fini,
};

TFS_SCANNER_ENTRY(bytecount)
