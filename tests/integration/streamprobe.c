/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A streaming scanner for tests/integration/sdk.sh: records, per flow, the
 * packet count when its first bytes arrived, how many bytes it got, whether
 * the offsets were contiguous, and how often the host restarted the flow.
 * The report then shows that bytes were streamed while the capture was read
 * (first_packets < packets) and never delivered twice for a clean flow.
 * It also records, as SEC.NANOSECONDS, the flow's first and last packet
 * times and the time of the packet that made its first bytes available
 * (SDK 1.1), so that a nanosecond capture can be seen to keep its digits.
 */
#include <stdio.h>
#include <stdlib.h>

#include <tcpflow/scanner.h>

struct sp_flow {
  uint64_t first_packets, bytes, next, restarts;
  int contiguous;
  char data_time[40]; /* data_sec.data_nsec of the first delivery */
};

static void sp_time(char *buf, size_t n, int64_t sec, uint32_t nsec)
{
  snprintf(buf, n, "%lld.%09u", (long long)sec, nsec);
}

struct sp_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
};

static int sp_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct sp_state *st = calloc(1, sizeof(*st));
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  *state = st;
  return TFS_OK;
}

static int sp_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                   const uint8_t *data, size_t len)
{
  struct sp_flow *f = *flow->scanner_state;
  if (!f) {
    f = calloc(1, sizeof(*f));
    if (!f)
      return TFS_ERROR;
    f->first_packets = flow->packets;
    f->contiguous = 1;
    if (TFS_HAS_MEMBER(flow, struct tfs_flow_info, data_nsec))
      sp_time(f->data_time, sizeof(f->data_time), flow->data_sec, flow->data_nsec);
    *flow->scanner_state = f;
  } else if (offset == 0) {
    f->restarts++;
    f->bytes = f->next = 0;
  }
  if (offset != f->next)
    f->contiguous = 0;
  f->next = offset + len;
  f->bytes += len;
  return TFS_OK;
}

static int sp_close(void *state, const struct tfs_flow_info *flow)
{
  struct sp_state *st = state;
  struct sp_flow *f = *flow->scanner_state;
  char a[32], b[32], c[32], d[32], first[40] = "", last[40] = "";
  if (!f)
    return TFS_OK;
  snprintf(a, sizeof(a), "%llu", (unsigned long long)f->first_packets);
  snprintf(b, sizeof(b), "%llu", (unsigned long long)flow->packets);
  snprintf(c, sizeof(c), "%llu", (unsigned long long)f->bytes);
  snprintf(d, sizeof(d), "%llu", (unsigned long long)f->restarts);
  if (TFS_HAS_MEMBER(flow, struct tfs_flow_info, last_nsec)) {
    sp_time(first, sizeof(first), flow->first_sec, flow->first_nsec);
    sp_time(last, sizeof(last), flow->last_sec, flow->last_nsec);
  }
  st->host->xml_start(st->ctx, "streamprobe");
  st->host->xml_attr(st->ctx, "first_packets", a);
  st->host->xml_attr(st->ctx, "packets", b);
  st->host->xml_attr(st->ctx, "bytes", c);
  st->host->xml_attr(st->ctx, "restarts", d);
  st->host->xml_attr(st->ctx, "contiguous", f->contiguous ? "yes" : "no");
  st->host->xml_attr(st->ctx, "first", first);
  st->host->xml_attr(st->ctx, "last", last);
  st->host->xml_attr(st->ctx, "data", f->data_time);
  st->host->xml_end(st->ctx);
  free(f);
  *flow->scanner_state = NULL;
  return TFS_OK;
}

static void sp_fini(void *state)
{
  free(state);
}

static const struct tfs_scanner streamprobe = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "streamprobe",
    .version = "1",
    .description = "test scanner that records how bytes were streamed",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS,
    .init = sp_init,
    .flow_data = sp_data,
    .flow_close = sp_close,
    .fini = sp_fini,
};

TFS_SCANNER_ENTRY(streamprobe)
