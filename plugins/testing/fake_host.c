/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Fake tcpflow host for scanner unit tests (see fake_host.h).  Records grow
 * on demand; any allocation failure aborts, since a test must never pass on
 * a silently lost record.
 */
#define _GNU_SOURCE
#include "fake_host.h"

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FAKE_SETTINGS 32
#define FAKE_DEPTH 32

struct fake_text {
  char *buf;
  size_t len, cap;
};

/* One flow handed out by Fake_host_flow: its path and its scanner_state
 * slot, both valid until Fake_host_free. */
struct fake_flow {
  struct fake_flow *next;
  char *path;
  void *slot;
};

struct tfs_ctx {
  const struct tfs_scanner *scanner;
  char dir[4096];
  char *set_name[FAKE_SETTINGS];
  char *set_value[FAKE_SETTINGS];
  struct fake_flow *flows;
  struct fake_text xml, log;
  char *stack[FAKE_DEPTH]; /* names of the open elements */
  int depth;
  int in_tag; /* the last start tag still takes attributes */
  int bad_suffixes;
};

struct tfs_output {
  tfs_ctx *ctx;
  FILE *f;
  char *path;
};

static void *fake_must(void *p)
{
  if (!p) {
    fprintf(stderr, "fake_host: out of memory\n");
    abort();
  }
  return p;
}

static void fake_put(struct fake_text *t, const char *s)
{
  size_t n = strlen(s);
  if (t->len + n + 1 > t->cap) {
    t->cap = (t->len + n + 1) * 2;
    t->buf = fake_must(realloc(t->buf, t->cap));
  }
  memcpy(t->buf + t->len, s, n + 1);
  t->len += n;
}

static void fake_log(tfs_ctx *ctx, int level, const char *fmt, ...)
{
  char line[4096];
  va_list ap;
  snprintf(line, sizeof(line), "%c: ", level >= 0 && level <= 3 ? "EWID"[level] : '?');
  va_start(ap, fmt);
  vsnprintf(line + 3, sizeof(line) - 3, fmt, ap);
  va_end(ap);
  fake_put(&ctx->log, line);
  fake_put(&ctx->log, "\n");
}

static const char *fake_setting(tfs_ctx *ctx, const char *name)
{
  const struct tfs_setting *s;
  int i;
  for (i = 0; i < FAKE_SETTINGS; i++)
    if (ctx->set_name[i] && !strcmp(ctx->set_name[i], name))
      return ctx->set_value[i];
  for (s = ctx->scanner->settings; s && s->name; s++)
    if (!strcmp(s->name, name))
      return s->default_value;
  if (!strcmp(name, "tcpflow.no_decompress"))
    return "0";
  if (!strcmp(name, "tcpflow.outdir"))
    return ctx->dir;
  if (!strcmp(name, "tcpflow.debug"))
    return "1";
  return NULL;
}

static int fake_output_open(tfs_ctx *ctx, const struct tfs_flow_info *flow,
                            const char *suffix, tfs_output **out)
{
  tfs_output *o;
  if (!flow->path || !suffix || !*suffix || strchr(suffix, '/')) {
    ctx->bad_suffixes++;
    return TFS_ERROR;
  }
  o = fake_must(calloc(1, sizeof(*o)));
  o->ctx = ctx;
  if (asprintf(&o->path, "%s%s", flow->path, suffix) < 0)
    abort();
  o->f = fopen(o->path, "wb");
  if (!o->f) {
    free(o->path);
    free(o);
    return TFS_ERROR;
  }
  *out = o;
  return TFS_OK;
}

static int fake_output_write(tfs_output *out, const void *buf, size_t len)
{
  return fwrite(buf, 1, len, out->f) == len ? TFS_OK : TFS_ERROR;
}

static const char *fake_output_path(const tfs_output *out)
{
  return out->path;
}

static int fake_output_close(tfs_output *out, int keep)
{
  int rc = fclose(out->f) == 0 ? TFS_OK : TFS_ERROR;
  if (!keep)
    unlink(out->path);
  free(out->path);
  free(out);
  return rc;
}

static void fake_end_tag(tfs_ctx *ctx)
{
  if (ctx->in_tag)
    fake_put(&ctx->xml, ">");
  ctx->in_tag = 0;
}

static int fake_xml_start(tfs_ctx *ctx, const char *element)
{
  if (ctx->depth == FAKE_DEPTH)
    return TFS_ERROR;
  fake_end_tag(ctx);
  fake_put(&ctx->xml, "<");
  fake_put(&ctx->xml, element);
  ctx->stack[ctx->depth++] = fake_must(strdup(element));
  ctx->in_tag = 1;
  return TFS_OK;
}

static int fake_xml_attr(tfs_ctx *ctx, const char *name, const char *value)
{
  if (!ctx->in_tag)
    return TFS_ERROR;
  fake_put(&ctx->xml, " ");
  fake_put(&ctx->xml, name);
  fake_put(&ctx->xml, "='");
  fake_put(&ctx->xml, value);
  fake_put(&ctx->xml, "'");
  return TFS_OK;
}

static int fake_xml_text(tfs_ctx *ctx, const char *text)
{
  if (!ctx->depth)
    return TFS_ERROR;
  fake_end_tag(ctx);
  fake_put(&ctx->xml, text);
  return TFS_OK;
}

/* An element with nothing inside is written <a/>, otherwise <a>...</a>. */
static int fake_xml_end(tfs_ctx *ctx)
{
  char *name;
  if (!ctx->depth)
    return TFS_ERROR;
  name = ctx->stack[--ctx->depth];
  if (ctx->in_tag) {
    fake_put(&ctx->xml, "/>");
    ctx->in_tag = 0;
  } else {
    fake_put(&ctx->xml, "</");
    fake_put(&ctx->xml, name);
    fake_put(&ctx->xml, ">");
  }
  free(name);
  return TFS_OK;
}

/* A 1.0 host: scanners must find the 1.1 services absent (TFS_HAS_MEMBER). */
static const struct tfs_host fake_api = {
  TFS_ABI_MAJOR, 0, TFS_HOST_SIZE_1_0,
  fake_log, fake_setting, fake_output_open, fake_output_write, fake_output_path,
  fake_output_close, fake_xml_start, fake_xml_attr, fake_xml_text, fake_xml_end,
  NULL, NULL, NULL,
};

const struct tfs_host *Fake_host_api(void)
{
  return &fake_api;
}

tfs_ctx *Fake_host_new(const struct tfs_scanner *scanner)
{
  tfs_ctx *ctx = fake_must(calloc(1, sizeof(*ctx)));
  ctx->scanner = scanner;
  snprintf(ctx->dir, sizeof(ctx->dir), "%s/tfs-fake-XXXXXX", getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  fake_must(mkdtemp(ctx->dir));
  fake_put(&ctx->xml, "");
  fake_put(&ctx->log, "");
  return ctx;
}

static int fake_rm(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void)st;
  (void)type;
  (void)ftw;
  return remove(path);
}

static void fake_forget_stack(tfs_ctx *ctx)
{
  while (ctx->depth)
    free(ctx->stack[--ctx->depth]);
  ctx->in_tag = 0;
}

void Fake_host_free(tfs_ctx *ctx)
{
  int i;
  nftw(ctx->dir, fake_rm, 8, FTW_DEPTH | FTW_PHYS);
  for (i = 0; i < FAKE_SETTINGS; i++) {
    free(ctx->set_name[i]);
    free(ctx->set_value[i]);
  }
  while (ctx->flows) {
    struct fake_flow *next = ctx->flows->next;
    free(ctx->flows->path);
    free(ctx->flows);
    ctx->flows = next;
  }
  fake_forget_stack(ctx);
  free(ctx->xml.buf);
  free(ctx->log.buf);
  free(ctx);
}

const char *Fake_host_dir(const tfs_ctx *ctx)
{
  return ctx->dir;
}

void Fake_host_set(tfs_ctx *ctx, const char *name, const char *value)
{
  int i, slot = -1;
  for (i = 0; i < FAKE_SETTINGS; i++) {
    if (ctx->set_name[i] && !strcmp(ctx->set_name[i], name)) {
      free(ctx->set_name[i]);
      free(ctx->set_value[i]);
      ctx->set_name[i] = ctx->set_value[i] = NULL;
    }
    if (!ctx->set_name[i] && slot < 0)
      slot = i;
  }
  if (!value)
    return;
  if (slot < 0)
    abort();
  ctx->set_name[slot] = fake_must(strdup(name));
  ctx->set_value[slot] = fake_must(strdup(value));
}

const char *Fake_host_xml(const tfs_ctx *ctx)
{
  return ctx->xml.buf;
}

const char *Fake_host_log(const tfs_ctx *ctx)
{
  return ctx->log.buf;
}

void Fake_host_clear(tfs_ctx *ctx)
{
  ctx->xml.len = ctx->log.len = 0;
  ctx->xml.buf[0] = ctx->log.buf[0] = '\0';
  fake_forget_stack(ctx);
}

int Fake_host_bad_suffixes(const tfs_ctx *ctx)
{
  return ctx->bad_suffixes;
}

struct tfs_flow_info Fake_host_flow(tfs_ctx *ctx, uint64_t flow_id, uint64_t session_id,
                                    const char *name, uint64_t length)
{
  struct tfs_flow_info f;
  struct fake_flow *ff = fake_must(calloc(1, sizeof(*ff)));
  if (name && asprintf(&ff->path, "%s/%s", ctx->dir, name) < 0)
    abort();
  ff->next = ctx->flows;
  ctx->flows = ff;
  memset(&f, 0, sizeof(f));
  f.struct_size = sizeof(f);
  f.flow_id = flow_id;
  f.session_id = session_id;
  f.family = 4;
  f.vlan = -1;
  f.length = length;
  f.path = ff->path;
  f.scanner_state = &ff->slot;
  return f;
}

int Fake_host_live_states(const tfs_ctx *ctx)
{
  const struct fake_flow *ff;
  int n = 0;
  for (ff = ctx->flows; ff; ff = ff->next)
    if (ff->slot)
      n++;
  return n;
}

char *Fake_host_slurp(const tfs_ctx *ctx, const char *name, size_t *len)
{
  char path[512];
  char *buf;
  long size;
  FILE *f;
  snprintf(path, sizeof(path), "%s/%s", ctx->dir, name);
  f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  size = ftell(f);
  rewind(f);
  buf = fake_must(malloc((size_t)size + 1));
  if (fread(buf, 1, (size_t)size, f) != (size_t)size)
    abort();
  buf[size] = '\0';
  fclose(f);
  if (len)
    *len = (size_t)size;
  return buf;
}

int Fake_host_files(const tfs_ctx *ctx)
{
  DIR *d = opendir(ctx->dir);
  struct dirent *e;
  int n = 0;
  if (!d)
    return -1;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      n++;
  closedir(d);
  return n;
}

int Fake_host_replay(const struct tfs_scanner *sc, void *state,
                     const struct tfs_flow_info *flow, const void *data, size_t len,
                     size_t step)
{
  const uint8_t *p = data;
  size_t off = 0;
  if (sc->flow_open)
    sc->flow_open(state, flow);
  if (step == 0)
    step = len ? len : 1;
  while (off < len) {
    size_t n = len - off < step ? len - off : step;
    if (sc->flow_data(state, flow, off, p + off, n) != TFS_OK)
      return TFS_ERROR;
    off += n;
  }
  return sc->flow_close(state, flow);
}

int Fake_host_run_suite(Suite *s)
{
  SRunner *sr = srunner_create(s);
  int failed;
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
