/*
 * Fake tcpflow host for scanner unit tests (see fake_host.h).  Fixed-size
 * buffers are enough for tests; overflowing one aborts so that a test can
 * never pass on a silently truncated record.
 */
#include "fake_host.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_MAX_SETTINGS 32
#define FAKE_MAX_DEPTH 32
#define FAKE_TEXT_SIZE (1u << 20)

struct tfs_ctx {
  const struct tfs_scanner *scanner;
  char *names[FAKE_MAX_SETTINGS];
  char *values[FAKE_MAX_SETTINGS];
  char *xml;
  size_t xml_len;
  char *log;
  size_t log_len;
  const char *stack[FAKE_MAX_DEPTH]; /* element names; the scanner's literals */
  int depth;
  int tag_open; /* the last start tag still takes attributes */
};

static void fake_append(char *buf, size_t *len, const char *s)
{
  size_t n = strlen(s);
  if (*len + n + 1 > FAKE_TEXT_SIZE) {
    fprintf(stderr, "fake_host: record buffer full\n");
    abort();
  }
  memcpy(buf + *len, s, n + 1);
  *len += n;
}

static void fake_xml(tfs_ctx *ctx, const char *s)
{
  fake_append(ctx->xml, &ctx->xml_len, s);
}

static void fake_close_tag(tfs_ctx *ctx)
{
  if (ctx->tag_open)
    fake_xml(ctx, ">");
  ctx->tag_open = 0;
}

static void fake_log(tfs_ctx *ctx, int level, const char *fmt, ...)
{
  static const char levels[] = "EWID";
  char line[4096];
  va_list ap;
  int n = snprintf(line, sizeof(line), "%c: ", level >= 0 && level < 4 ? levels[level] : '?');
  va_start(ap, fmt);
  vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
  va_end(ap);
  strcat(line, "\n");
  fake_append(ctx->log, &ctx->log_len, line);
}

static const char *fake_setting(tfs_ctx *ctx, const char *name)
{
  const struct tfs_setting *s;
  int i;
  for (i = 0; i < FAKE_MAX_SETTINGS; i++)
    if (ctx->names[i] && strcmp(ctx->names[i], name) == 0)
      return ctx->values[i];
  for (s = ctx->scanner->settings; s && s->name; s++)
    if (strcmp(s->name, name) == 0)
      return s->default_value;
  return NULL;
}

static int fake_output_open(tfs_ctx *ctx, const struct tfs_flow_info *flow,
                            const char *suffix, tfs_output **out)
{
  return TFS_ERROR;
}

static int fake_output_write(tfs_output *out, const void *buf, size_t len)
{
  return TFS_ERROR;
}

static const char *fake_output_path(const tfs_output *out)
{
  return NULL;
}

static int fake_output_close(tfs_output *out, int keep)
{
  return TFS_ERROR;
}

static int fake_xml_start(tfs_ctx *ctx, const char *element)
{
  if (ctx->depth == FAKE_MAX_DEPTH)
    return TFS_ERROR;
  fake_close_tag(ctx);
  fake_xml(ctx, "<");
  fake_xml(ctx, element);
  ctx->stack[ctx->depth++] = element;
  ctx->tag_open = 1;
  return TFS_OK;
}

static int fake_xml_attr(tfs_ctx *ctx, const char *name, const char *value)
{
  if (!ctx->tag_open)
    return TFS_ERROR;
  fake_xml(ctx, " ");
  fake_xml(ctx, name);
  fake_xml(ctx, "='");
  fake_xml(ctx, value);
  fake_xml(ctx, "'");
  return TFS_OK;
}

static int fake_xml_text(tfs_ctx *ctx, const char *text)
{
  if (ctx->depth == 0)
    return TFS_ERROR;
  fake_close_tag(ctx);
  fake_xml(ctx, text);
  return TFS_OK;
}

static int fake_xml_end(tfs_ctx *ctx)
{
  if (ctx->depth == 0)
    return TFS_ERROR;
  ctx->depth--;
  if (ctx->tag_open) {
    fake_xml(ctx, "/>");
    ctx->tag_open = 0;
  } else {
    fake_xml(ctx, "</");
    fake_xml(ctx, ctx->stack[ctx->depth]);
    fake_xml(ctx, ">");
  }
  return TFS_OK;
}

static const struct tfs_host fake_api = {
    TFS_ABI_MAJOR,     TFS_ABI_MINOR,     sizeof(struct tfs_host), fake_log,
    fake_setting,      fake_output_open,  fake_output_write,       fake_output_path,
    fake_output_close, fake_xml_start,    fake_xml_attr,           fake_xml_text,
    fake_xml_end,
};

const struct tfs_host *Fake_host_api(void)
{
  return &fake_api;
}

tfs_ctx *Fake_host_new(const struct tfs_scanner *scanner)
{
  tfs_ctx *ctx = calloc(1, sizeof(*ctx));
  if (!ctx)
    abort();
  ctx->scanner = scanner;
  ctx->xml = calloc(1, FAKE_TEXT_SIZE);
  ctx->log = calloc(1, FAKE_TEXT_SIZE);
  if (!ctx->xml || !ctx->log)
    abort();
  return ctx;
}

void Fake_host_free(tfs_ctx *ctx)
{
  int i;
  for (i = 0; i < FAKE_MAX_SETTINGS; i++) {
    free(ctx->names[i]);
    free(ctx->values[i]);
  }
  free(ctx->xml);
  free(ctx->log);
  free(ctx);
}

void Fake_host_set(tfs_ctx *ctx, const char *name, const char *value)
{
  int i, free_slot = -1;
  for (i = 0; i < FAKE_MAX_SETTINGS; i++) {
    if (ctx->names[i] && strcmp(ctx->names[i], name) == 0) {
      free(ctx->names[i]);
      free(ctx->values[i]);
      ctx->names[i] = ctx->values[i] = NULL;
    }
    if (!ctx->names[i] && free_slot < 0)
      free_slot = i;
  }
  if (!value)
    return;
  if (free_slot < 0)
    abort();
  ctx->names[free_slot] = strdup(name);
  ctx->values[free_slot] = strdup(value);
}

const char *Fake_host_xml(const tfs_ctx *ctx)
{
  return ctx->xml;
}

const char *Fake_host_log(const tfs_ctx *ctx)
{
  return ctx->log;
}

void Fake_host_clear(tfs_ctx *ctx)
{
  ctx->xml_len = ctx->log_len = 0;
  ctx->xml[0] = ctx->log[0] = '\0';
  ctx->depth = 0;
  ctx->tag_open = 0;
}

struct tfs_flow_info Fake_host_flow(uint64_t id, const char *path, uint64_t length)
{
  struct tfs_flow_info f;
  memset(&f, 0, sizeof(f));
  f.struct_size = sizeof(f);
  f.flow_id = id;
  f.session_id = id;
  f.family = 4;
  f.vlan = -1;
  f.length = length;
  f.path = path;
  return f;
}
