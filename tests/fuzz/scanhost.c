/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* The in-memory scanner host of the harnesses (see scanhost.h). */
#define _GNU_SOURCE
#include "scanhost.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SH_SETTINGS 16
#define SH_OUTPUTS 64
#define SH_DEPTH 64

struct tfs_ctx {
  const struct tfs_scanner *sc;
  const char *dir;
  const char *set_name[SH_SETTINGS];
  const char *set_value[SH_SETTINGS];
  int nset;
  int depth, in_tag;
  int open_outputs;
  char paths[8][300];
  uint64_t max_out;
  char max_tail[32];
};

struct tfs_output {
  char path[400];
  uint64_t written;
};

static struct tfs_ctx sh;
static volatile uint8_t sink; /* keeps the byte reads below from being optimised out */

static void sh_log(tfs_ctx *ctx, int level, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  if (ctx != &sh || level < 0 || level > 3)
    abort();
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
}

static const char *sh_setting(tfs_ctx *ctx, const char *name)
{
  if (ctx != &sh || !name)
    abort();
  for (int i = 0; i < sh.nset; i++)
    if (!strcmp(sh.set_name[i], name))
      return sh.set_value[i];
  for (const struct tfs_setting *s = sh.sc->settings; s && s->name; s++)
    if (!strcmp(s->name, name))
      return s->default_value;
  if (!strcmp(name, "tcpflow.outdir"))
    return sh.dir;
  if (!strcmp(name, "tcpflow.no_decompress"))
    return "0";
  if (!strcmp(name, "tcpflow.debug"))
    return "1";
  return NULL;
}

static int sh_output_open(tfs_ctx *ctx, const struct tfs_flow_info *flow, const char *suffix,
                          tfs_output **out)
{
  tfs_output *o;
  if (ctx != &sh || !flow || !out)
    abort();
  /* The real host refuses these; a scanner should never try. */
  if (!flow->path || !suffix || !*suffix || strchr(suffix, '/') || strlen(suffix) > 200)
    return TFS_ERROR;
  o = calloc(1, sizeof(*o));
  if (!o)
    abort();
  snprintf(o->path, sizeof(o->path), "%s%s", flow->path, suffix);
  sh.open_outputs++;
  *out = o;
  return TFS_OK;
}

static int sh_output_write(tfs_output *out, const void *buf, size_t len)
{
  const uint8_t *p = buf;
  uint8_t x = 0;
  if (!out || (!buf && len))
    abort();
  for (size_t i = 0; i < len; i++) /* every byte must be readable */
    x ^= p[i];
  sink ^= x;
  out->written += len;
  return TFS_OK;
}

static const char *sh_output_path(const tfs_output *out)
{
  return out->path;
}

static int sh_output_close(tfs_output *out, int keep)
{
  size_t n = strlen(out->path), t = strlen(sh.max_tail);
  if (t && n >= t && !strcmp(out->path + n - t, sh.max_tail) && out->written > sh.max_out)
    sh.max_out = out->written;
  sh.open_outputs--;
  free(out);
  return TFS_OK;
}

static int sh_xml_start(tfs_ctx *ctx, const char *element)
{
  if (ctx != &sh || !element || !*element)
    abort();
  if (sh.depth == SH_DEPTH)
    return TFS_ERROR;
  sh.depth++;
  sh.in_tag = 1;
  return TFS_OK;
}

static int sh_xml_attr(tfs_ctx *ctx, const char *name, const char *value)
{
  if (ctx != &sh || !name || !value)
    abort();
  sink ^= (uint8_t)strlen(value);
  return sh.in_tag ? TFS_OK : TFS_ERROR;
}

static int sh_xml_text(tfs_ctx *ctx, const char *text)
{
  if (ctx != &sh || !text)
    abort();
  sink ^= (uint8_t)strlen(text);
  sh.in_tag = 0;
  return sh.depth ? TFS_OK : TFS_ERROR;
}

static int sh_xml_end(tfs_ctx *ctx)
{
  if (ctx != &sh)
    abort();
  if (!sh.depth)
    return TFS_ERROR;
  sh.depth--;
  sh.in_tag = 0;
  return TFS_OK;
}

/* A 1.0 host: scanners must find the 1.1 services absent (TFS_HAS_MEMBER). */
static const struct tfs_host sh_api = {
  TFS_ABI_MAJOR, 0, TFS_HOST_SIZE_1_0,
  sh_log, sh_setting, sh_output_open, sh_output_write, sh_output_path,
  sh_output_close, sh_xml_start, sh_xml_attr, sh_xml_text, sh_xml_end,
  NULL, NULL, NULL,
};

void Sh_begin(const struct tfs_scanner *sc, const char *dir)
{
  memset(&sh, 0, sizeof(sh));
  sh.sc = sc;
  sh.dir = dir;
}

void Sh_set(const char *name, const char *value)
{
  if (sh.nset == SH_SETTINGS)
    abort();
  sh.set_name[sh.nset] = name;
  sh.set_value[sh.nset++] = value;
}

int Sh_init(void **state)
{
  *state = NULL;
  return sh.sc->init ? sh.sc->init(&sh_api, &sh, state) : TFS_OK;
}

struct tfs_flow_info Sh_flow(uint64_t flow_id, uint64_t session_id, int reverse)
{
  struct tfs_flow_info f;
  static const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
  memset(&f, 0, sizeof(f));
  f.struct_size = sizeof(f);
  f.flow_id = flow_id;
  f.session_id = session_id;
  f.family = 4;
  f.vlan = -1;
  memcpy(f.src_addr, reverse ? b : a, 4);
  memcpy(f.dst_addr, reverse ? a : b, 4);
  f.src_port = reverse ? 80 : 40000;
  f.dst_port = reverse ? 40000 : 80;
  snprintf(sh.paths[flow_id % 8], sizeof(sh.paths[0]), "%s/flow%llu", sh.dir,
           (unsigned long long)flow_id);
  f.path = sh.paths[flow_id % 8];
  return f;
}

void Sh_replay(void *state, const struct tfs_flow_info *flow, const uint8_t *data, size_t len,
               const uint8_t *plan, size_t plan_len, int gaps)
{
  const struct tfs_scanner *sc = sh.sc;
  struct tfs_flow_info f = *flow;
  uint64_t off = 0;
  size_t pos = 0, pi = 0;
  f.length = len;
  f.packets = 1 + len / 1448;
  if (sc->flow_open)
    sc->flow_open(state, &f);
  while (sc->flow_data && pos < len) {
    size_t step = plan_len ? plan[pi < plan_len ? pi : plan_len - 1] : 0;
    int gap = 0;
    pi++;
    if (step == 0 && gaps && pi < plan_len) {
      gap = 1; /* a hole: the host reports it, the flow file has zeros */
      step = plan[pi++] + 1;
    }
    if (step == 0)
      step = len - pos;
    if (step > len - pos)
      step = len - pos;
    if (gap) {
      if (sc->flow_data(state, &f, off, NULL, step) != TFS_OK)
        break;
    } else {
      /* An exact-size copy so reads past the piece are caught. */
      uint8_t *piece = malloc(step);
      int rc;
      if (!piece)
        abort();
      memcpy(piece, data + pos, step);
      rc = sc->flow_data(state, &f, off, piece, step);
      free(piece);
      if (rc != TFS_OK)
        break;
    }
    off += step;
    pos += step;
  }
  if (sc->flow_close) {
    sh.depth = sh.in_tag = 0; /* the host closes what the scanner left open */
    sc->flow_close(state, &f);
  }
}

void Sh_end(void *state)
{
  if (sh.sc->run_end)
    sh.sc->run_end(state);
  if (sh.sc->fini)
    sh.sc->fini(state);
  if (sh.open_outputs != 0) {
    fprintf(stderr, "scanhost: %d outputs still open after fini\n", sh.open_outputs);
    abort();
  }
}

void Sh_track_output(const char *tail)
{
  snprintf(sh.max_tail, sizeof(sh.max_tail), "%s", tail);
}

uint64_t Sh_max_output(void)
{
  return sh.max_out;
}
