/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * netviz scanner: a one-page picture of the capture, as tcpflow 1.6.1's
 * netviz drew it (report.pdf in the output directory with -a or -e netviz;
 * off by default).  It watches every frame (TFS_SCANNER_WANTS_PACKETS) and
 * every flow the host opens and closes, and draws the page at the end of
 * the run: nv_stats.c counts, nv_axis.c picks units, nv_render.c draws.
 *
 * Settings: netviz_format (pdf, svg, png), netviz_histogram_size (how many
 * distinct addresses are counted one by one), netviz_histogram_dump (print
 * the counts to standard output, as 1.6.1 did).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <sys/socket.h>
#include <tcpflow/scanner.h>

#include "netviz.h"

#define NV_TOP 10
#define NV_SIZE_MAX 10000000ULL

static const struct tfs_setting nv_settings[] = {
    {"netviz_format", "pdf", "picture format: pdf, svg or png (report.<format> in the outdir)"},
    {"netviz_histogram_size", "100000",
     "distinct addresses counted one by one per chart; later ones are counted as others"},
    {"netviz_histogram_dump", "0", "1: also print the address and port counts to stdout"},
    {NULL, NULL, NULL},
};

static const char *const nv_format_names[] = {"pdf", "svg", "png"};

/* A whole decimal number in [lo, hi], or -1. */
static long long nv_number(const char *v, unsigned long long lo, unsigned long long hi)
{
  unsigned long long n;
  char *end;
  if (!v || v[0] < '0' || v[0] > '9')
    return -1;
  errno = 0;
  n = strtoull(v, &end, 10);
  if (errno || *end || n < lo || n > hi)
    return -1;
  return (long long)n;
}

static int nv_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  const char *fmt = host->setting(ctx, "netviz_format");
  const char *size = host->setting(ctx, "netviz_histogram_size");
  const char *dump = host->setting(ctx, "netviz_histogram_dump");
  long long max = nv_number(size, 1, NV_SIZE_MAX);
  struct nv_state *s;
  int f = -1;

  for (int i = 0; i < 3; i++)
    if (fmt && strcmp(fmt, nv_format_names[i]) == 0)
      f = i;
  if (f < 0) {
    host->log(ctx, TFS_LOG_ERROR, "netviz_format must be pdf, svg or png, not '%s'",
              fmt ? fmt : "");
    return TFS_ERROR;
  }
  if (max < 0) {
    host->log(ctx, TFS_LOG_ERROR, "netviz_histogram_size must be a number from 1 to %llu, not '%s'",
              NV_SIZE_MAX, size ? size : "");
    return TFS_ERROR;
  }
  /* Booleans as the host reads them: Y, y, T, t, 1 or N, n, F, f, 0 first. */
  if (!dump || !strchr("YyTt1NnFf0", dump[0]) || !dump[0]) {
    host->log(ctx, TFS_LOG_ERROR, "netviz_histogram_dump must be 0 or 1, not '%s'",
              dump ? dump : "");
    return TFS_ERROR;
  }
  s = calloc(1, sizeof(*s));
  if (!s || !(s->st = Nv_stats_new((size_t)max))) {
    free(s);
    host->log(ctx, TFS_LOG_ERROR, "out of memory");
    return TFS_ERROR;
  }
  s->host = host;
  s->ctx = ctx;
  s->fmt = (enum nv_format)f;
  s->dump = strchr("YyTt1", dump[0]) != NULL;
  *state = s;
  return TFS_OK;
}

static void nv_packet(void *state, const struct tfs_packet *pkt)
{
  struct nv_state *s = state;
  Nv_stats_packet(s->st, pkt);
}

static void nv_flow_open(void *state, const struct tfs_flow_info *fi)
{
  struct nv_state *s = state;
  if (Nv_stats_flow_open(s->st, fi) != 0)
    s->host->log(s->ctx, TFS_LOG_WARN, "out of memory: a flow's bytes go uncounted");
}

static int nv_flow_close(void *state, const struct tfs_flow_info *fi)
{
  struct nv_state *s = state;
  Nv_stats_flow_close(s->st, fi);
  return TFS_OK;
}

/* The one clock on the page: SOURCE_DATE_EPOCH (reproducible builds'
 * convention) when set, so that the same capture gives the same bytes. */
static int64_t nv_generated(struct nv_state *s)
{
  const char *e = getenv("SOURCE_DATE_EPOCH");
  long long v;
  if (!e || !*e)
    return (int64_t)time(NULL);
  v = nv_number(e, 0, 253402300799ULL); /* up to 9999-12-31 */
  if (v < 0) {
    s->host->log(s->ctx, TFS_LOG_WARN, "ignoring SOURCE_DATE_EPOCH='%s': not a time", e);
    return (int64_t)time(NULL);
  }
  return (int64_t)v;
}

static void nv_dump_addrs(const char *what, const struct nv_addr_tab *t)
{
  const struct nv_addr_ent **v = Nv_addr_sorted(t);
  printf("%s addresses: %zu (max %zu, others: %" PRIu64 " packets, %" PRIu64 " bytes)\n", what,
         t->n, t->max, t->others.packets, t->others.bytes);
  for (size_t i = 0; v && i < t->n; i++) {
    char a[64];
    if (!inet_ntop(v[i]->family == 6 ? AF_INET6 : AF_INET, v[i]->addr, a, sizeof(a)))
      snprintf(a, sizeof(a), "?");
    printf("  %s packets=%" PRIu64 " bytes=%" PRIu64 "\n", a, v[i]->c.packets, v[i]->c.bytes);
  }
  free((void *)v);
}

static void nv_dump_ports(const char *what, const struct nv_count *ports)
{
  printf("%s ports:\n", what);
  for (uint32_t p = 0; p < 65536; p++)
    if (ports[p].packets || ports[p].bytes)
      printf("  %u packets=%" PRIu64 " bytes=%" PRIu64 "\n", (unsigned)p, ports[p].packets,
             ports[p].bytes);
}

static void nv_dump(const struct nv_stats *st)
{
  printf("netviz: frames=%" PRIu64 " bytes=%" PRIu64 " flows=%" PRIu64 " flow_packets=%" PRIu64
         " flow_bytes=%" PRIu64 " inexact_flows=%" PRIu64 "\n",
         st->frames, st->frame_bytes, st->flows, st->flow_packets, st->flow_bytes,
         st->flows_inexact);
  printf("time buckets: %zu of %" PRId64 " us\n", st->tl.n, st->tl.width_us);
  nv_dump_addrs("src", &st->src);
  nv_dump_addrs("dst", &st->dst);
  nv_dump_ports("src", st->sport);
  nv_dump_ports("dst", st->dport);
  fflush(stdout);
}

static int nv_run_end(void *state)
{
  struct nv_state *s = state;
  const char *dir = s->host->setting(s->ctx, "tcpflow.outdir");
  const char *input = s->host->setting(s->ctx, "tcpflow.input");
  const char *version = s->host->setting(s->ctx, "tcpflow.version");
  char path[4096], program[128], err[128];
  struct nv_page pg;
  FILE *fp;
  int n, rc;

  Nv_stats_finish(s->st);
  if (s->dump)
    nv_dump(s->st);
  if (!dir || !*dir || strcmp(dir, ".") == 0)
    n = snprintf(path, sizeof(path), "report.%s", nv_format_names[s->fmt]);
  else
    n = snprintf(path, sizeof(path), "%s/report.%s", dir, nv_format_names[s->fmt]);
  if (n < 0 || (size_t)n >= sizeof(path)) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "output directory name too long for report.%s",
                 nv_format_names[s->fmt]);
    return TFS_ERROR;
  }
  snprintf(program, sizeof(program), "TCPFLOW %s", version ? version : PACKAGE_VERSION);
  pg.program = program;
  pg.input = input && *input ? input : "(not known to this host)";
  pg.generated = nv_generated(s);
  pg.top = NV_TOP;

  fp = fopen(path, "wb");
  if (!fp) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "cannot create %s: %s", path, strerror(errno));
    return TFS_ERROR;
  }
  rc = Nv_render(s->st, &pg, s->fmt, fp, err, sizeof(err));
  if (fclose(fp) != 0 && rc == 0) {
    snprintf(err, sizeof(err), "%s", strerror(errno));
    rc = -1;
  }
  if (rc != 0) {
    s->host->log(s->ctx, TFS_LOG_ERROR, "cannot write %s: %s", path, err);
    return TFS_ERROR;
  }
  if (s->st->flows_inexact)
    s->host->log(s->ctx, TFS_LOG_INFO, "%" PRIu64 " flows' bytes could not be matched exactly",
                 s->st->flows_inexact);
  s->host->log(s->ctx, TFS_LOG_INFO, "wrote %s", path);
  return TFS_OK;
}

static void nv_fini(void *state)
{
  struct nv_state *s = state;
  if (!s)
    return;
  Nv_stats_free(s->st);
  free(s);
}

static const struct tfs_scanner nv_scanner = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_scanner),
    .name = "netviz",
    .version = "1.0",
    .description = "one-page picture of the capture (report.pdf): bandwidth, top talkers, ports",
    .flags = TFS_SCANNER_WANTS_PACKETS,
    .settings = nv_settings,
    .init = nv_init,
    .flow_open = nv_flow_open,
    .flow_close = nv_flow_close,
    .packet = nv_packet,
    .run_end = nv_run_end,
    .fini = nv_fini,
};

TFS_SCANNER_ENTRY(nv_scanner)
