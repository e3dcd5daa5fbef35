/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The struct tfs_host services (see services.h).  Derived outputs are
 * linked to their scanner so that those a crashed scanner can no longer
 * close are closed for it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../sdk/tcpflow/scanner.h"
#include "log.h"
#include "options.h"
#include "report.h"
#include "services.h"
#include "settings.h"

/* Open outputs are linked to their scanner, so that those a crashed
 * scanner can no longer close are closed for it. */
struct tfs_output {
  int fd;
  char *path;
  uint64_t written;
  int capped; /* scanner_max_output reached (said once) */
  struct tfs_ctx *owner;
  struct tfs_output *prev, *next;
};

static const struct tf_flow *current_flow; /* flow being delivered, for output_open */

static void svc_log(tfs_ctx *ctx, int level, const char *fmt, ...)
{
  char prefix[TF_MODULE_MAX_NAME + 16];
  va_list ap;
  int min_level = level == TFS_LOG_ERROR ? 0 : level == TFS_LOG_WARN ? 1
                : level == TFS_LOG_INFO ? 2 : 10;
  if (level == TFS_LOG_WARN && tf_quiet)
    return;
  if (level != TFS_LOG_ERROR && tf_debug_level < min_level)
    return;
  snprintf(prefix, sizeof(prefix), "%s: ", ctx->name);
  va_start(ap, fmt);
  Tf_log_vmsg(prefix, fmt, ap);
  va_end(ap);
}

static const char *svc_setting(tfs_ctx *ctx, const char *name)
{
  static char debug[16];
  if (!name)
    return NULL;
  if (strcmp(name, "tcpflow.outdir") == 0)
    return tf_opt.outdir;
  if (strcmp(name, "tcpflow.no_decompress") == 0)
    return tf_opt.no_decompress ? "1" : "0";
  if (strcmp(name, "tcpflow.input") == 0)
    return tf_opt.input_desc;
  if (strcmp(name, "tcpflow.version") == 0)
    return PACKAGE_VERSION;
  if (strcmp(name, "tcpflow.debug") == 0) {
    snprintf(debug, sizeof(debug), "%d", tf_debug_level);
    return debug;
  }
  for (const struct tfs_setting *s = ctx->desc->settings; s && s->name; s++) {
    if (strcmp(s->name, name) == 0) {
      const char *v = Tf_settings_get(name);
      return v ? v : s->default_value;
    }
  }
  return NULL;
}

static int suffix_safe(const char *s)
{
  size_t n;
  if (!s || !*s)
    return 0;
  n = strnlen(s, 256);
  if (n == 256 || strchr(s, '/'))
    return 0;
  return 1;
}

static int svc_output_open(tfs_ctx *ctx, const struct tfs_flow_info *flow, const char *suffix,
                           tfs_output **out)
{
  struct tfs_output *o;
  size_t n;
  *out = NULL;
  if (!current_flow || !flow || flow->flow_id != current_flow->flow_id || !current_flow->path ||
      current_flow->temp_storage) {
    svc_log(ctx, TFS_LOG_ERROR, "output_open outside of a flow that has a file");
    return TFS_ERROR;
  }
  if (!suffix_safe(suffix)) {
    svc_log(ctx, TFS_LOG_ERROR, "refused output suffix (empty, too long or with '/')");
    return TFS_ERROR;
  }
  o = calloc(1, sizeof(*o));
  n = strlen(current_flow->path) + strlen(suffix) + 1;
  if (!o || !(o->path = malloc(n))) {
    free(o);
    return TFS_ERROR;
  }
  snprintf(o->path, n, "%s%s", current_flow->path, suffix);
  o->fd = open(o->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (o->fd < 0) {
    svc_log(ctx, TFS_LOG_ERROR, "cannot create %s: %s", o->path, strerror(errno));
    free(o->path);
    free(o);
    return TFS_ERROR;
  }
  o->owner = ctx;
  o->next = ctx->outputs;
  if (o->next)
    o->next->prev = o;
  ctx->outputs = o;
  *out = o;
  return TFS_OK;
}

static int svc_output_write(tfs_output *o, const void *buf, size_t len)
{
  const uint8_t *p = buf;
  uint64_t max = tf_opt.scanner_max_output;
  int rc = TFS_OK;
  if (!o || o->fd < 0)
    return TFS_ERROR;
  if (max && len > max - o->written) {
    if (!o->capped)
      svc_log(o->owner, TFS_LOG_ERROR, "%s reached scanner_max_output (%llu bytes); the rest "
              "is not written", o->path, (unsigned long long)max);
    o->capped = 1;
    len = (size_t)(max - o->written);
    rc = TFS_ERROR;
  }
  o->written += len;
  while (len > 0) {
    ssize_t n = write(o->fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      Tf_log_error("cannot write %s: %s", o->path, n < 0 ? strerror(errno) : "no space");
      return TFS_ERROR;
    }
    p += n;
    len -= (size_t)n;
  }
  return rc;
}

static const char *svc_output_path(const tfs_output *o)
{
  return o ? o->path : NULL;
}

static int svc_output_close(tfs_output *o, int keep)
{
  int rc = TFS_OK;
  if (!o)
    return TFS_ERROR;
  if (o->prev)
    o->prev->next = o->next;
  else
    o->owner->outputs = o->next;
  if (o->next)
    o->next->prev = o->prev;
  if (close(o->fd) != 0) {
    Tf_log_error("cannot close %s: %s", o->path, strerror(errno));
    rc = TFS_ERROR;
  }
  if (!keep)
    unlink(o->path);
  free(o->path);
  free(o);
  return rc;
}

void Tf_services_close_outputs(struct tfs_ctx *m)
{
  /* By a saved next pointer: svc_output_close unlinks and frees o (and
   * the loop never reads the list head again, which the clang analyzer
   * could not follow). */
  for (tfs_output *o = m->outputs, *next; o; o = next) {
    next = o->next;
    Tf_log_warn("scanner '%s' left %s open; closed by the host", m->name, o->path);
    svc_output_close(o, 1);
  }
}

static int svc_xml_start(tfs_ctx *ctx, const char *element)
{
  return Tf_report_xml_start(element) == 0 ? TFS_OK : TFS_ERROR;
}

static int svc_xml_attr(tfs_ctx *ctx, const char *name, const char *value)
{
  return Tf_report_xml_attr(name, value) == 0 ? TFS_OK : TFS_ERROR;
}

static int svc_xml_text(tfs_ctx *ctx, const char *text)
{
  return Tf_report_xml_text(text) == 0 ? TFS_OK : TFS_ERROR;
}

static int svc_xml_end(tfs_ctx *ctx)
{
  return Tf_report_xml_end() == 0 ? TFS_OK : TFS_ERROR;
}

static const struct tfs_host host_services = {
    .abi_major = TFS_ABI_MAJOR,
    .abi_minor = TFS_ABI_MINOR,
    .struct_size = sizeof(struct tfs_host),
    .log = svc_log,
    .setting = svc_setting,
    .output_open = svc_output_open,
    .output_write = svc_output_write,
    .output_path = svc_output_path,
    .output_close = svc_output_close,
    .xml_start = svc_xml_start,
    .xml_attr = svc_xml_attr,
    .xml_text = svc_xml_text,
    .xml_end = svc_xml_end,
};

const struct tfs_host *Tf_services_table(void)
{
  return &host_services;
}

void Tf_services_set_flow(const struct tf_flow *f)
{
  current_flow = f;
}
