/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * A scanner that finishes flows later (SDK 1.2 TFS_FLOW_LATER), for
 * tests/integration/deferred.sh.  For every flow it writes
 *   <deferprobe bytes='N'><fnv>hex</fnv></deferprobe>
 * (the byte count and FNV-1a of its bytes), in flow_close or in
 * flow_finish, so that the reports of both ways can be compared byte for
 * byte.
 *
 *   -S deferprobe_mode=sync    everything in flow_close
 *                     =later   flow_close returns TFS_FLOW_LATER; flow_finish
 *                              says "not yet" to the first deferprobe_polls
 *                              polls of a flow (default 3), then finishes
 *                     =hold    flow_finish finishes only when told to wait
 *                     =crash   as later, a fault in the deferprobe_after-th
 *                              flow_finish that would finish (default 3)
 *                     =error   as later, TFS_ERROR there instead
 *   DEFERPROBE_NO_FINISH=1 (environment): a 1.2 descriptor without
 *   flow_finish (its TFS_FLOW_LATER is an error).
 *
 * It checks what the host promises and fails (TFS_ERROR, with the reason)
 * when it does not: flow_finish comes in close order, with the flow info
 * flow_close saw (id and path) and the slot flow_close left.  Per-flow state
 * lives in the slot and is given back by flow_state_free (a slot given back
 * twice or never is an error at the end of the run).  All memory is static:
 * a crashed scanner's states are never freed, and a sanitized host must
 * not see a leak that is the test's own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tcpflow/scanner.h>

#define DP_RING 4096 /* flows closed and not yet finished, at most */
#define DP_FLOWS 1024 /* flows with state at once, at most */

static volatile int dp_zero;

struct dp_flow {
  uint64_t flow_id;
  uint64_t bytes;
  uint32_t fnv;
  int polls;
  int used;
  char path[512];
};

static struct dp_flow dp_pool[DP_FLOWS];

struct dp_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  char mode[16];
  long polls, after, finished;
  uint64_t order[DP_RING]; /* ids of flows closed and not finished, oldest first */
  size_t head, n;
};

static struct dp_state dp_st;

static const struct tfs_setting dp_settings[] = {
    {"deferprobe_mode", "later", "sync, later, hold, crash or error"},
    {"deferprobe_polls", "3", "polls a flow is not ready for (later)"},
    {"deferprobe_after", "3", "the flow_finish that fails (crash, error)"},
    {NULL, NULL, NULL}};

static int dp_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct dp_state *st = &dp_st;
  const char *v;
  st->host = host;
  st->ctx = ctx;
  v = host->setting(ctx, "deferprobe_mode");
  snprintf(st->mode, sizeof(st->mode), "%s", v ? v : "later");
  v = host->setting(ctx, "deferprobe_polls");
  st->polls = v ? strtol(v, NULL, 10) : 3;
  v = host->setting(ctx, "deferprobe_after");
  st->after = v ? strtol(v, NULL, 10) : 3;
  *state = st;
  return TFS_OK;
}

static void dp_fini(void *state)
{
  struct dp_state *st = state;
  for (int i = 0; i < DP_FLOWS; i++)
    if (dp_pool[i].used)
      st->host->log(st->ctx, TFS_LOG_ERROR, "the state of flow %llu was never given back",
                    (unsigned long long)dp_pool[i].flow_id);
}

static struct dp_flow *dp_flow_get(const struct tfs_flow_info *flow)
{
  struct dp_flow *f = *flow->scanner_state;
  int i = 0;
  if (f)
    return f;
  while (i < DP_FLOWS && dp_pool[i].used)
    i++;
  if (i == DP_FLOWS)
    return NULL;
  f = &dp_pool[i];
  memset(f, 0, sizeof(*f));
  f->used = 1;
  f->fnv = 2166136261u;
  f->flow_id = flow->flow_id;
  *flow->scanner_state = f;
  return f;
}

static int dp_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                        const uint8_t *data, size_t len)
{
  struct dp_flow *f = dp_flow_get(flow);
  (void)state;
  (void)offset;
  if (!f)
    return TFS_ERROR;
  for (size_t i = 0; i < len; i++)
    f->fnv = (f->fnv ^ (data ? data[i] : 0)) * 16777619u;
  f->bytes += len;
  return TFS_OK;
}

static int dp_write(struct dp_state *st, const struct dp_flow *f)
{
  char num[32], hex[16];
  snprintf(num, sizeof(num), "%llu", (unsigned long long)f->bytes);
  snprintf(hex, sizeof(hex), "%08x", f->fnv);
  if (st->host->xml_start(st->ctx, "deferprobe") != TFS_OK ||
      st->host->xml_attr(st->ctx, "bytes", num) != TFS_OK ||
      st->host->xml_start(st->ctx, "fnv") != TFS_OK ||
      st->host->xml_text(st->ctx, hex) != TFS_OK || st->host->xml_end(st->ctx) != TFS_OK ||
      st->host->xml_end(st->ctx) != TFS_OK)
    return TFS_ERROR;
  return TFS_OK;
}

static int dp_flow_close(void *state, const struct tfs_flow_info *flow)
{
  struct dp_state *st = state;
  struct dp_flow *f = dp_flow_get(flow);
  if (!f)
    return TFS_ERROR;
  if (strcmp(st->mode, "sync") == 0)
    return dp_write(st, f);
  if (st->n == DP_RING)
    return st->host->error(st->ctx, "more than %d flows waiting", DP_RING);
  st->order[(st->head + st->n++) % DP_RING] = flow->flow_id;
  snprintf(f->path, sizeof(f->path), "%s", flow->path ? flow->path : "");
  return TFS_FLOW_LATER;
}

/* The fault is the point: UBSan must not turn the store through NULL into
 * an abort first (see crashy.c). */
__attribute__((no_sanitize("undefined"))) static void dp_crash(void)
{
  *(volatile int *)(uintptr_t)dp_zero = 1;
}

static int dp_flow_finish(void *state, const struct tfs_flow_info *flow, int wait)
{
  struct dp_state *st = state;
  struct dp_flow *f = *flow->scanner_state;
  if (!f || f->flow_id != flow->flow_id)
    return st->host->error(st->ctx, "flow_finish without the slot flow_close left");
  if (strcmp(f->path, flow->path ? flow->path : "") != 0)
    return st->host->error(st->ctx, "flow_finish with another path: %s", f->path);
  if (st->n == 0 || st->order[st->head] != flow->flow_id)
    return st->host->error(st->ctx, "flow %llu finished out of close order",
                           (unsigned long long)flow->flow_id);
  if (!wait && (strcmp(st->mode, "hold") == 0 || f->polls++ < st->polls))
    return TFS_FLOW_LATER;
  if (++st->finished == st->after && strcmp(st->mode, "crash") == 0)
    dp_crash(); /* a fault of ours, not a signal sent */
  if (st->finished == st->after && strcmp(st->mode, "error") == 0)
    return st->host->error(st->ctx, "failing flow_finish on purpose");
  st->head = (st->head + 1) % DP_RING;
  st->n--;
  return dp_write(st, f);
}

static void dp_flow_state_free(void *state, const struct tfs_flow_info *flow, void *flow_state)
{
  struct dp_state *st = state;
  struct dp_flow *f = flow_state;
  (void)flow;
  if (!f->used)
    st->host->log(st->ctx, TFS_LOG_ERROR, "flow_state_free twice for flow %llu",
                  (unsigned long long)f->flow_id);
  f->used = 0;
}

static const struct tfs_scanner dp_scanner = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "deferprobe",
    .version = "1.0",
    .description = "test scanner: finishes flows later (SDK 1.2)",
    .flags = TFS_SCANNER_WANTS_DATA | TFS_SCANNER_NOT_IN_ALL,
    .settings = dp_settings,
    .init = dp_init,
    .flow_data = dp_flow_data,
    .flow_close = dp_flow_close,
    .fini = dp_fini,
    .flow_state_free = dp_flow_state_free,
    .flow_finish = dp_flow_finish,
};

static struct tfs_scanner dp_no_finish;

const struct tfs_scanner *tcpflow_scanner_describe(void) __attribute__((visibility("default")));
const struct tfs_scanner *tcpflow_scanner_describe(void)
{
  const char *e = getenv("DEFERPROBE_NO_FINISH");
  if (!e || strcmp(e, "1") != 0)
    return &dp_scanner;
  dp_no_finish = dp_scanner;
  dp_no_finish.flow_finish = NULL;
  return &dp_no_finish;
}
