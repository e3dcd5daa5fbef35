/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The struct tfs_host services (see services.h).  Derived outputs are
 * linked to their scanner so that those a crashed scanner can no longer
 * close are closed for it.
 */
#include "config.h"

#include <ctype.h>
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
#include "plugins.h"
#include "report.h"
#include "run.h"
#include "services.h"
#include "settings.h"

/* Open outputs are linked to their scanner, so that those a crashed
 * scanner can no longer close are closed for it. */
struct tfs_output {
  int fd;
  char *path;
  uint64_t written;
  int capped; /* scanner_max_output reached (said once) */
  int registered; /* output_register: listed in the report */
  uint64_t flow_id; /* the flow it derives from, or TFS_NO_FLOW (run output) */
  struct tfs_ctx *owner;
  struct tfl_list node; /* in owner->outputs */
};

struct listed;
struct claim;

/* The services of a run (created with the dispatch stage): what the
 * scanners' calls share.  Owned by the run, freed by Tf_services_shutdown. */
struct tf_services {
  const struct tf_flow *current_flow; /* flow being delivered, for output_open */
  struct tfl_list listed;             /* closed derived files to list (struct listed); owned */
  struct claim *claims;               /* suffix owners; owned */
  size_t nclaims, claims_cap;
  char debug[16];                     /* the tcpflow.debug setting's text */
};

/* Registered outputs closed and kept, waiting to be listed in the report
 * when their flow closes (or at run_end for run outputs).  Owned here. */
struct listed {
  char *path;
  uint64_t size;
  uint64_t flow_id;
  char scanner[TF_MODULE_MAX_NAME];
  struct tfl_list node; /* in the services' listed */
};

/* Which scanner uses which derived-file suffix in this run: the first
 * scanner to use a suffix keeps it, so that all files with one suffix come
 * from one scanner and another scanner's "-HTTP" is refused for every
 * flow, not just where it came second.  Open addressing, grown at half
 * full; entries live until Tf_services_shutdown. */
struct claim {
  char *suffix;
  const struct tfs_ctx *owner;
};

static size_t claim_hash(const char *s)
{
  size_t h = 14695981039346656037ULL;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

static struct claim *claim_slot(struct claim *t, size_t cap, const char *suffix)
{
  size_t i = claim_hash(suffix) & (cap - 1);
  while (t[i].suffix && strcmp(t[i].suffix, suffix) != 0)
    i = (i + 1) & (cap - 1);
  return &t[i];
}

/* The scanner that owns suffix, claiming it for ctx if nobody does yet;
 * NULL when out of memory. */
static const struct tfs_ctx *claim_suffix(const struct tfs_ctx *ctx, const char *suffix)
{
  struct tf_services *sv = ctx->run->services;
  struct claim *c;
  if (2 * (sv->nclaims + 1) > sv->claims_cap) {
    size_t cap = sv->claims_cap ? sv->claims_cap * 2 : 64;
    struct claim *t = calloc(cap, sizeof(*t));
    if (!t)
      return NULL;
    for (size_t i = 0; i < sv->claims_cap; i++)
      if (sv->claims[i].suffix)
        *claim_slot(t, cap, sv->claims[i].suffix) = sv->claims[i];
    free(sv->claims);
    sv->claims = t;
    sv->claims_cap = cap;
  }
  c = claim_slot(sv->claims, sv->claims_cap, suffix);
  if (!c->suffix) {
    if (!(c->suffix = strdup(suffix)))
      return NULL;
    c->owner = ctx;
    sv->nclaims++;
  }
  return c->owner;
}

static void svc_log(tfs_ctx *ctx, int level, const char *fmt, ...)
{
  char prefix[TF_MODULE_MAX_NAME + 16];
  va_list ap;
  int min_level = level == TFS_LOG_ERROR ? 0 : level == TFS_LOG_WARN ? 1
                : level == TFS_LOG_INFO ? 2 : 10;
  if (level == TFS_LOG_WARN && Tf_log_quiet())
    return;
  if (level != TFS_LOG_ERROR && Tf_log_level() < min_level)
    return;
  snprintf(prefix, sizeof(prefix), "%s: ", ctx->name);
  va_start(ap, fmt);
  Tf_log_vmsg(prefix, fmt, ap);
  va_end(ap);
}

static const char *svc_setting(tfs_ctx *ctx, const char *name)
{
  const struct tf_options *opt = ctx->run->opt;
  if (!name)
    return NULL;
  if (strcmp(name, "tcpflow.outdir") == 0)
    return opt->outdir;
  if (strcmp(name, "tcpflow.no_decompress") == 0)
    return opt->no_decompress ? "1" : "0";
  if (strcmp(name, "tcpflow.input") == 0)
    return opt->input_desc;
  if (strcmp(name, "tcpflow.version") == 0)
    return PACKAGE_VERSION;
  if (strcmp(name, "tcpflow.debug") == 0) {
    char *debug = ctx->run->services->debug;
    snprintf(debug, sizeof(ctx->run->services->debug), "%d", Tf_log_level());
    return debug;
  }
  for (const struct tfs_setting *s = ctx->desc->settings; s && s->name; s++) {
    if (strcmp(s->name, name) == 0) {
      const char *v = ctx->run->settings ? Tf_settings_get(ctx->run->settings, name) : NULL;
      return v ? v : s->default_value;
    }
  }
  return NULL;
}

/* Why a suffix is refused, or NULL.  "c<digit>..." would make the derived
 * file carry the name the next connection of the same flow gets (flow
 * files count c1, c2, ... on reuse), shifting that flow's file. */
static const char *suffix_refusal(const char *s)
{
  size_t n;
  if (!s || !*s)
    return "empty";
  n = strnlen(s, 256);
  if (n == 256)
    return "longer than 255 bytes";
  if (strchr(s, '/'))
    return "contains '/'";
  if (s[0] == 'c' && s[1] >= '0' && s[1] <= '9')
    return "starts with c and a digit, the form of the next connection's flow file";
  return NULL;
}

/* A new output at path, created exclusively: a derived file never
 * overwrites a flow file, another scanner's output or its own. */
static struct tfs_output *output_new(tfs_ctx *ctx, char *path, uint64_t flow_id, int *err)
{
  struct tfs_output *o = calloc(1, sizeof(*o));
  if (!o) {
    *err = ENOMEM;
    return NULL;
  }
  o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (o->fd < 0) {
    *err = errno;
    free(o);
    return NULL;
  }
  o->path = path;
  o->flow_id = flow_id;
  o->owner = ctx;
  Tfl_list_push_front(&ctx->outputs, &o->node);
  return o;
}

static int svc_output_open(tfs_ctx *ctx, const struct tfs_flow_info *flow, const char *suffix,
                           tfs_output **out)
{
  const struct tf_flow *cur = ctx->run->services->current_flow;
  struct tfs_output *o;
  const struct tfs_ctx *owner;
  const char *why;
  char *path;
  size_t n;
  int err = 0;
  *out = NULL;
  if (!cur || !flow || flow->flow_id != cur->flow_id || !cur->path || cur->temp_storage) {
    svc_log(ctx, TFS_LOG_ERROR, "output_open outside of a flow that has a file");
    return TFS_ERROR;
  }
  if ((why = suffix_refusal(suffix)) != NULL) {
    svc_log(ctx, TFS_LOG_ERROR, "refused output suffix (%s)", why);
    return TFS_ERROR;
  }
  if ((owner = claim_suffix(ctx, suffix)) != ctx) {
    if (owner)
      svc_log(ctx, TFS_LOG_ERROR, "refused output suffix '%s': scanner '%s' writes files with "
              "it in this run", suffix, owner->name);
    return TFS_ERROR;
  }
  n = strlen(cur->path) + strlen(suffix) + 1;
  if (!(path = malloc(n)))
    return TFS_ERROR;
  snprintf(path, n, "%s%s", cur->path, suffix);
  if (!(o = output_new(ctx, path, cur->flow_id, &err))) {
    if (err == EEXIST)
      svc_log(ctx, TFS_LOG_ERROR, "refused output %s: the file exists already (a flow file, an "
              "output opened before in this run by this or another scanner, or a file of an "
              "earlier run); nothing is overwritten", path);
    else
      svc_log(ctx, TFS_LOG_ERROR, "cannot create %s: %s", path, strerror(err));
    free(path);
    return TFS_ERROR;
  }
  *out = o;
  return TFS_OK;
}

static int run_name_valid(const char *s)
{
  size_t n = 0;
  if (!s || s[0] == '.')
    return 0;
  for (; n <= 64 && s[n]; n++)
    if (!(isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '.' || s[n] == '-'))
      return 0;
  return n > 0 && n <= 64;
}

/* <outdir>/<scanner>.<name>, then .1, .2 ... while the name is taken. */
static int svc_run_output_open(tfs_ctx *ctx, const char *name, tfs_output **out)
{
  const char *dir = ctx->run->opt->outdir ? ctx->run->opt->outdir : ".";
  int err = 0;
  *out = NULL;
  if (!run_name_valid(name)) {
    svc_log(ctx, TFS_LOG_ERROR, "refused run output name (1-64 of A-Z a-z 0-9 _ . -, not "
            "starting with '.')");
    return TFS_ERROR;
  }
  for (unsigned k = 0; k < 1000; k++) {
    size_t n = strlen(dir) + strlen(ctx->name) + strlen(name) + 16;
    char *path = malloc(n);
    if (!path)
      return TFS_ERROR;
    if (k == 0)
      snprintf(path, n, "%s/%s.%s", dir, ctx->name, name);
    else
      snprintf(path, n, "%s/%s.%s.%u", dir, ctx->name, name, k);
    if ((*out = output_new(ctx, path, TFS_NO_FLOW, &err)) != NULL)
      return TFS_OK;
    free(path);
    if (err != EEXIST)
      break;
  }
  svc_log(ctx, TFS_LOG_ERROR, "cannot create run output %s in %s: %s", name, dir, strerror(err));
  return TFS_ERROR;
}

static int svc_error(tfs_ctx *ctx, const char *fmt, ...)
{
  char prefix[TF_MODULE_MAX_NAME + 16];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->error_msg, sizeof(ctx->error_msg), fmt, ap);
  va_end(ap);
  snprintf(prefix, sizeof(prefix), "%s: ", ctx->name);
  Tf_log_error("%s%s", prefix, ctx->error_msg);
  return TFS_ERROR;
}

static int svc_output_register(tfs_output *o)
{
  if (!o)
    return TFS_ERROR;
  o->registered = 1;
  return TFS_OK;
}

static int svc_output_write(tfs_output *o, const void *buf, size_t len)
{
  const uint8_t *p = buf;
  uint64_t max;
  int rc = TFS_OK;
  if (!o || o->fd < 0)
    return TFS_ERROR;
  max = o->owner->run->opt->scanner_max_output;
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
  Tfl_list_remove(&o->node);
  if (close(o->fd) != 0) {
    Tf_log_error("cannot close %s: %s", o->path, strerror(errno));
    rc = TFS_ERROR;
  }
  if (!keep) {
    unlink(o->path);
  } else if (o->registered) {
    struct listed *l = malloc(sizeof(*l));
    if (l) {
      l->path = o->path;
      o->path = NULL;
      l->size = o->written;
      l->flow_id = o->flow_id;
      snprintf(l->scanner, sizeof(l->scanner), "%s", o->owner->name);
      Tfl_list_push_front(&o->owner->run->services->listed, &l->node);
    }
  }
  free(o->path);
  free(o);
  return rc;
}

static void list_one(struct tf_report *rep, const char *scanner, const char *path,
                     uint64_t size)
{
  char num[24];
  snprintf(num, sizeof(num), "%llu", (unsigned long long)size);
  Tf_report_xml_start(rep, "derived_file");
  Tf_report_xml_attr(rep, "scanner", scanner);
  Tf_report_xml_attr(rep, "bytes", num);
  Tf_report_xml_text(rep, path);
  Tf_report_xml_end(rep);
}

void Tf_services_list_outputs(struct tf_run *run, uint64_t flow_id)
{
  struct tfl_list *node, *next;
  int n;
  struct tfs_ctx *mods = Tf_plugins_table(run->plugins, &n);
  TFL_LIST_FOR_EACH_SAFE(node, next, &run->services->listed) {
    struct listed *l = TFL_LIST_ENTRY(node, struct listed, node);
    if (l->flow_id != flow_id)
      continue;
    list_one(run->report, l->scanner, l->path, l->size);
    Tfl_list_remove(node);
    free(l->path);
    free(l);
  }
  /* Registered and still open: listed with what was written so far. */
  for (int i = 0; i < n; i++) {
    const struct tfl_list *on;
    TFL_LIST_FOR_EACH(on, &mods[i].outputs) {
      struct tfs_output *o = TFL_LIST_ENTRY(on, struct tfs_output, node);
      if (o->registered && o->flow_id == flow_id) {
        list_one(run->report, mods[i].name, o->path, o->written);
        o->registered = 0;
      }
    }
  }
}

tf_err Tf_services_init(struct tf_run *run)
{
  int n;
  struct tfs_ctx *mods = Tf_plugins_table(run->plugins, &n);
  for (int i = 0; i < n; i++)
    Tfl_list_init(&mods[i].outputs); /* no scanner has an output open yet */
  run->services = calloc(1, sizeof(*run->services));
  if (!run->services)
    return TF_ERR_NOMEM;
  Tfl_list_init(&run->services->listed);
  return TF_OK;
}

void Tf_services_shutdown(struct tf_run *run)
{
  struct tf_services *sv = run->services;
  if (!sv)
    return;
  run->services = NULL;
  for (size_t i = 0; i < sv->claims_cap; i++)
    free(sv->claims[i].suffix);
  free(sv->claims);
  struct tfl_list *n;
  while ((n = Tfl_list_first(&sv->listed)) != NULL) {
    struct listed *l = TFL_LIST_ENTRY(n, struct listed, node);
    Tfl_list_remove(n);
    free(l->path);
    free(l);
  }
  free(sv);
}

void Tf_services_close_outputs(struct tfs_ctx *m)
{
  struct tfl_list *n;
  /* svc_output_close unlinks and frees o. */
  while ((n = Tfl_list_first(&m->outputs)) != NULL) {
    tfs_output *o = TFL_LIST_ENTRY(n, struct tfs_output, node);
    Tf_log_warn("scanner '%s' left %s open; closed by the host", m->name, o->path);
    svc_output_close(o, 1);
  }
}

static int svc_xml_start(tfs_ctx *ctx, const char *element)
{
  return Tf_report_xml_start(ctx->run->report, element) == 0 ? TFS_OK : TFS_ERROR;
}

static int svc_xml_attr(tfs_ctx *ctx, const char *name, const char *value)
{
  return Tf_report_xml_attr(ctx->run->report, name, value) == 0 ? TFS_OK : TFS_ERROR;
}

static int svc_xml_text(tfs_ctx *ctx, const char *text)
{
  return Tf_report_xml_text(ctx->run->report, text) == 0 ? TFS_OK : TFS_ERROR;
}

static int svc_xml_end(tfs_ctx *ctx)
{
  return Tf_report_xml_end(ctx->run->report) == 0 ? TFS_OK : TFS_ERROR;
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
    .error = svc_error,
    .run_output_open = svc_run_output_open,
    .output_register = svc_output_register,
};

const struct tfs_host *Tf_services_table(void)
{
  return &host_services;
}

void Tf_services_set_flow(struct tf_run *run, const struct tf_flow *f)
{
  run->services->current_flow = f;
}
