/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * An example scanner using SDK 1.1, built out of tree against the
 * installed SDK:
 *
 *   cc -shared -fPIC $(pkg-config --cflags tcpflow-sdk) -o flowends.so flowends.c
 *   tcpflow --plugin-dir . -e flowends -r capture.pcap
 *
 * It streams (flow_data while the capture is read), keeps per-flow state
 * in *flow->scanner_state (allocated in flow_begin, freed by the host's
 * call of flow_state_free on every path), stops the delivery of a flow
 * with the TFS_FLOW_DONE verdict once it has flowends_max_bytes, and at
 * close adds <flowends opener=... end=... peer=... bytes=.../> to the
 * flow's <fileobject> and a line to a per-run output file
 * (<outdir>/flowends.csv) that it registers so the report lists it.
 * Failures are said through host->error, which the report records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpflow/scanner.h>

struct fe_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  unsigned long long max_bytes;
  tfs_output *csv;
};

struct fe_flow {
  unsigned long long bytes;
  int begins; /* flow_begin calls: more than 1 after a whole-flow replay */
};

static const struct tfs_setting fe_settings[] = {
    {"flowends_max_bytes", "1000000", "bytes of a flow looked at; the rest is not delivered"},
    {NULL, NULL, NULL}};

static const char *const fe_ends[] = {"open", "fin", "rst", "timeout", "input", "reused"};
static const char *const fe_openers[] = {"unknown", "this", "peer"};

static int fe_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct fe_state *st;
  static const char header[] = "flow_id,peer_flow_id,opener,end,bytes\n";
  /* A 1.0 host lacks the services this scanner needs: say so and stop. */
  if (!TFS_HAS_MEMBER(host, struct tfs_host, output_register)) {
    host->log(ctx, TFS_LOG_ERROR, "needs a tcpflow with scanner ABI 1.1");
    return TFS_ERROR;
  }
  if (!(st = calloc(1, sizeof(*st))))
    return host->error(ctx, "out of memory");
  st->host = host;
  st->ctx = ctx;
  st->max_bytes = strtoull(host->setting(ctx, "flowends_max_bytes"), NULL, 10);
  if (host->run_output_open(ctx, "csv", &st->csv) != TFS_OK) {
    free(st);
    return host->error(ctx, "cannot create the run output");
  }
  host->output_register(st->csv);
  host->output_write(st->csv, header, sizeof(header) - 1);
  *state = st;
  return TFS_OK;
}

static int fe_begin(void *state, const struct tfs_flow_info *flow)
{
  struct fe_state *st = state;
  struct fe_flow *ff = *flow->scanner_state;
  if (!ff) {
    if (!(ff = calloc(1, sizeof(*ff))))
      return st->host->error(st->ctx, "out of memory");
    *flow->scanner_state = ff;
  }
  ff->bytes = 0; /* a replay starts over */
  ff->begins++;
  return TFS_OK;
}

static int fe_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                   const uint8_t *data, size_t len)
{
  struct fe_state *st = state;
  struct fe_flow *ff = *flow->scanner_state;
  (void)offset;
  (void)data;
  ff->bytes += len;
  return ff->bytes >= st->max_bytes ? TFS_FLOW_DONE : TFS_OK;
}

static int fe_close(void *state, const struct tfs_flow_info *flow)
{
  struct fe_state *st = state;
  struct fe_flow *ff = *flow->scanner_state;
  char bytes[32], peer[32], line[160];
  unsigned end = (unsigned)flow->end_reason, opener = (unsigned)flow->opener;
  int n;
  if (end >= sizeof(fe_ends) / sizeof(fe_ends[0]) || opener > 2)
    return st->host->error(st->ctx, "unknown end reason %u or opener %u", end, opener);
  snprintf(bytes, sizeof(bytes), "%llu", ff ? ff->bytes : 0ULL);
  if (flow->peer_flow_id == TFS_NO_FLOW)
    snprintf(peer, sizeof(peer), "none");
  else
    snprintf(peer, sizeof(peer), "%llu", (unsigned long long)flow->peer_flow_id);
  st->host->xml_start(st->ctx, "flowends");
  st->host->xml_attr(st->ctx, "opener", fe_openers[opener]);
  st->host->xml_attr(st->ctx, "end", fe_ends[end]);
  st->host->xml_attr(st->ctx, "peer", peer);
  st->host->xml_attr(st->ctx, "bytes", bytes);
  st->host->xml_end(st->ctx);
  n = snprintf(line, sizeof(line), "%llu,%s,%s,%s,%s\n", (unsigned long long)flow->flow_id, peer,
               fe_openers[opener], fe_ends[end], bytes);
  return st->host->output_write(st->csv, line, (size_t)n);
}

static void fe_state_free(void *state, const struct tfs_flow_info *flow, void *flow_state)
{
  (void)state;
  (void)flow;
  free(flow_state);
}

static void fe_fini(void *state)
{
  struct fe_state *st = state;
  st->host->output_close(st->csv, 1);
  free(st);
}

static const struct tfs_scanner flowends = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "flowends",
    .version = "1.1",
    .description = "example (SDK 1.1): how and by whom each connection was opened and ended",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS,
    .settings = fe_settings,
    .init = fe_init,
    .flow_data = fe_data,
    .flow_close = fe_close,
    .fini = fe_fini,
    .flow_begin = fe_begin,
    .flow_state_free = fe_state_free,
};

TFS_SCANNER_ENTRY(flowends)
