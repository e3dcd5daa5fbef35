/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ltdl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sdk/tcpflow/scanner.h"
#include "guard.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "packet.h"
#include "plugins.h"
#include "report.h"
#include "settings.h"

#define MAX_DIRS 32
#define MAX_MODULES 128
#define MAX_SETTINGS_PER_SCANNER 256
#define MAX_NAME 64
#define REPLAY_CHUNK (256 * 1024)

/* The first ABI minor and the descriptor size it defined. */
#define MIN_SCANNER_SIZE_1_0 sizeof(struct tfs_scanner)

struct tfs_ctx {
  const struct tfs_scanner *desc;
  char name[MAX_NAME];
  char path[4096];        /* the module file */
  char load_error[1024];  /* why it could not be used, or "" */
  lt_dlhandle handle;
  int enabled;
  int started;
  int failed;             /* disabled after an error during the run */
  int crashed;            /* ... because it faulted (fini is not called) */
  const char *fail_event; /* the callback that failed */
  char fail_reason[128];
  char fail_flow[4096];   /* the flow it failed on, or "" */
  struct tfs_output *outputs; /* open derived files */
  void *state;
  uint32_t nsettings;
};

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

enum cmd_kind { CMD_ENABLE, CMD_DISABLE, CMD_ONLY, CMD_ALL };
struct cmd {
  enum cmd_kind kind;
  const char *name;
};

static const char *dirs[MAX_DIRS];
static int ndirs;
static struct tfs_ctx modules[MAX_MODULES];
static int nmodules;
static struct cmd cmds[256];
static int ncmds;
static const struct tfs_setting *host_settings;
static const struct tf_flow *current_flow; /* flow being closed, for output_open */
static int ltdl_ready;
static uint8_t replay_buf[REPLAY_CHUNK];
/* Asked for every stored segment, so kept up to date (update_active)
 * instead of looping over the modules each time. */
static int data_active;   /* a started scanner wants flow bytes */
static int stream_active; /* ... and takes them while the capture is read */
static int nfailures;     /* scanners disabled during the run (outlives shutdown) */

/* ------------------------------------------------------------ host services */

static void svc_log(tfs_ctx *ctx, int level, const char *fmt, ...)
{
  char prefix[MAX_NAME + 16];
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

/* What a scanner wrote is kept: derived data is never thrown away. */
static void plugins_close_outputs(struct tfs_ctx *m)
{
  while (m->outputs) {
    Tf_log_warn("scanner '%s' left %s open; closed by the host", m->name, m->outputs->path);
    svc_output_close(m->outputs, 1);
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

/* ------------------------------------------------------------ discovery */

void Tf_plugins_add_dir(const char *dir)
{
  if (ndirs < MAX_DIRS && dir && *dir)
    dirs[ndirs++] = dir;
}

void Tf_plugins_set_host_settings(const struct tfs_setting *table)
{
  host_settings = table;
}

/* Formats into a local buffer first: the arguments often live in *m too. */
static void set_error(struct tfs_ctx *m, const char *fmt, ...)
{
  char buf[sizeof(m->load_error)];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  memcpy(m->load_error, buf, sizeof(buf));
}

static struct tfs_ctx *find_module(const char *name)
{
  for (int i = 0; i < nmodules; i++)
    if (strcmp(modules[i].name, name) == 0)
      return &modules[i];
  return NULL;
}

static int name_valid(const char *s)
{
  size_t n = 0;
  if (!s)
    return 0;
  for (; s[n] && n < MAX_NAME; n++)
    if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
      return 0;
  return n > 0 && n < MAX_NAME;
}

static int setting_declared_by_other(const struct tfs_ctx *self, const char *name)
{
  for (const struct tfs_setting *s = host_settings; s && s->name; s++)
    if (strcmp(s->name, name) == 0)
      return 1;
  for (int i = 0; i < nmodules; i++) {
    const struct tfs_ctx *m = &modules[i];
    if (m == self || !m->desc || m->load_error[0])
      continue;
    for (const struct tfs_setting *s = m->desc->settings; s && s->name; s++)
      if (strcmp(s->name, name) == 0)
        return 1;
  }
  return 0;
}

/* Everything about a descriptor that could crash us later is checked here. */
static int check_descriptor(struct tfs_ctx *m)
{
  const struct tfs_scanner *d = m->desc;
  uint32_t n = 0;
  if (d->abi_major != TFS_ABI_MAJOR || d->abi_minor > TFS_ABI_MINOR) {
    set_error(m, "%s was built for scanner ABI %u.%u, but this tcpflow provides ABI %u.%u%s",
             m->path, d->abi_major, d->abi_minor, TFS_ABI_MAJOR, TFS_ABI_MINOR,
             d->abi_major != TFS_ABI_MAJOR ? " (major versions differ: rebuild the scanner)"
                                           : " (the scanner needs a newer tcpflow)");
    return 0;
  }
  if (d->struct_size < MIN_SCANNER_SIZE_1_0) {
    set_error(m, "%s: descriptor size %u is smaller than ABI %u.%u requires (%zu)", m->path,
             d->struct_size, d->abi_major, d->abi_minor, MIN_SCANNER_SIZE_1_0);
    return 0;
  }
  if (!name_valid(d->name)) {
    set_error(m, "%s: scanner name must be 1-63 characters of a-z, 0-9 and _", m->path);
    return 0;
  }
  for (const struct tfs_setting *s = d->settings; s && s->name; s++) {
    if (++n > MAX_SETTINGS_PER_SCANNER || strnlen(s->name, 128) == 128 || !s->name[0] ||
        strchr(s->name, '=')) {
      set_error(m, "%s: invalid settings table", m->path);
      return 0;
    }
    for (const struct tfs_setting *t = d->settings; t != s; t++) {
      if (strcmp(t->name, s->name) == 0) {
        set_error(m, "%s: setting '%s' is declared twice", m->path, s->name);
        return 0;
      }
    }
    if (setting_declared_by_other(m, s->name)) {
      set_error(m,   "%s: setting '%s' is already declared by the host or another scanner", m->path,
               s->name);
      return 0;
    }
  }
  m->nsettings = n;
  return 1;
}

/* Modules from world-writable places can be swapped by any local user. */
static int path_writable_by_others(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX);
}

/* The entry point is module code too: a crash in it makes the module
 * unusable, not the run. */
static const struct tfs_scanner *plugins_describe(struct tfs_ctx *m, tfs_describe_fn describe)
{
  struct tf_guard g;
  const struct tfs_scanner *d;
  if (sigsetjmp(g.env, 0) != 0) {
    char why[128];
    Tf_guard_describe(&g, why, sizeof(why));
    set_error(m, "%s: crashed with %s in %s", m->path, why, TFS_ENTRY_SYMBOL);
    return NULL;
  }
  Tf_guard_enter(&g);
  d = describe();
  Tf_guard_leave();
  return d;
}

static void load_module(const char *dir, const char *file)
{
  struct tfs_ctx *m;
  lt_dladvise advise;
  tfs_describe_fn describe;
  char stem[MAX_NAME];
  size_t len = strlen(file) - 3; /* without ".so" */
  if (len == 0 || len >= sizeof(stem) || nmodules == MAX_MODULES)
    return;
  memcpy(stem, file, len);
  stem[len] = '\0';
  if (find_module(stem))
    return; /* an earlier directory has it: that one wins */
  m = &modules[nmodules++];
  memset(m, 0, sizeof(*m));
  snprintf(m->name, sizeof(m->name), "%s", stem);
  snprintf(m->path, sizeof(m->path), "%s/%s", dir, file);
  if (path_writable_by_others(dir) || path_writable_by_others(m->path)) {
    set_error(m, "%s: refused, the module or its directory is writable by every user", m->path);
    return;
  }
  /* Symbols global: the python scanner's libpython must be visible to the
   * C extension modules user scripts import. */
  lt_dladvise_init(&advise);
  lt_dladvise_global(&advise);
  m->handle = lt_dlopenadvise(m->path, advise);
  lt_dladvise_destroy(&advise);
  if (!m->handle) {
    /* libltdl often says only "file not found"; the dynamic loader itself
     * names the missing library or symbol. */
    const char *why = lt_dlerror();
    void *probe = dlopen(m->path, RTLD_NOW | RTLD_LOCAL);
    if (!probe)
      why = dlerror();
    else
      dlclose(probe);
    set_error(m, "%s: cannot load: %s", m->path, why ? why : "unknown error");
    return;
  }
  describe = (tfs_describe_fn)(uintptr_t)lt_dlsym(m->handle, TFS_ENTRY_SYMBOL);
  if (!describe) {
    set_error(m, "%s: not a tcpflow scanner (no %s symbol)", m->path, TFS_ENTRY_SYMBOL);
    return;
  }
  m->desc = plugins_describe(m, describe);
  if (!m->desc) {
    if (!m->load_error[0])
      set_error(m, "%s: %s returned no descriptor", m->path, TFS_ENTRY_SYMBOL);
    return;
  }
  if (!check_descriptor(m)) {
    m->desc = NULL;
    return;
  }
  if (strcmp(m->desc->name, m->name) != 0 && !find_module(m->desc->name))
    snprintf(m->name, sizeof(m->name), "%s", m->desc->name);
  if (m->desc->flags & TFS_SCANNER_ENABLED_BY_DEFAULT)
    m->enabled = 1;
}

static int so_filter(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

tf_err Tf_plugins_discover(void)
{
  tf_err e;
  if ((e = Tf_guard_init()) != TF_OK)
    return e;
  if (!ltdl_ready) {
    if (lt_dlinit() != 0) {
      Tf_log_error("cannot initialise libltdl: %s", lt_dlerror());
      return TF_ERR_PLUGIN;
    }
    ltdl_ready = 1;
  }
  for (int d = 0; d < ndirs; d++) {
    struct dirent **list;
    int n = scandir(dirs[d], &list, so_filter, alphasort);
    if (n < 0)
      continue;
    for (int i = 0; i < n; i++) {
      load_module(dirs[d], list[i]->d_name);
      free(list[i]);
    }
    free(list);
  }
  return TF_OK;
}

/* ------------------------------------------------------------ selection */

static void push_cmd(enum cmd_kind kind, const char *name)
{
  if (ncmds < (int)(sizeof(cmds) / sizeof(cmds[0]))) {
    cmds[ncmds].kind = kind;
    cmds[ncmds].name = name;
    ncmds++;
  }
}

void Tf_plugins_cmd_enable(const char *name)
{
  if (strcmp(name, "all") == 0)
    push_cmd(CMD_ALL, NULL);
  else
    push_cmd(CMD_ENABLE, name);
}

void Tf_plugins_cmd_disable(const char *name)
{
  push_cmd(CMD_DISABLE, name);
}

void Tf_plugins_cmd_only(const char *name)
{
  push_cmd(CMD_ONLY, name);
}

void Tf_plugins_cmd_all(void)
{
  push_cmd(CMD_ALL, NULL);
}

static void list_names(FILE *out)
{
  for (int i = 0; i < nmodules; i++)
    fprintf(out, "%s%s", i ? ", " : "", modules[i].name);
  if (!nmodules)
    fprintf(out, "none found");
}

/* "tcpdemux" was 1.6.1's name for the reassembler; it is the host's job
 * here and always runs, so selecting it is accepted and changes nothing. */
static int is_host_name(const char *name)
{
  return strcmp(name, "tcpdemux") == 0;
}

tf_err Tf_plugins_select(void)
{
  for (int c = 0; c < ncmds; c++) {
    struct tfs_ctx *m = NULL;
    if (cmds[c].name && !is_host_name(cmds[c].name)) {
      m = find_module(cmds[c].name);
      if (!m) {
        Tf_log_error("unknown scanner '%s'", cmds[c].name);
        fprintf(stderr, "tcpflow: scanners found: ");
        list_names(stderr);
        fprintf(stderr, " (see tcpflow -hh)\n");
        return TF_ERR_USAGE;
      }
    }
    switch (cmds[c].kind) {
    case CMD_ENABLE:
      if (m)
        m->enabled = 1;
      break;
    case CMD_DISABLE:
      if (m)
        m->enabled = 0;
      break;
    case CMD_ONLY:
      for (int i = 0; i < nmodules; i++)
        modules[i].enabled = 0;
      if (m)
        m->enabled = 1;
      break;
    case CMD_ALL:
      for (int i = 0; i < nmodules; i++) {
        struct tfs_ctx *a = &modules[i];
        if (a->load_error[0]) {
          Tf_log_warn("-a: skipping %s", a->load_error);
          continue;
        }
        if (!(a->desc->flags & TFS_SCANNER_NOT_IN_ALL))
          a->enabled = 1;
      }
      break;
    }
  }
  for (int i = 0; i < nmodules; i++) {
    if (modules[i].enabled && modules[i].load_error[0]) {
      Tf_log_error("scanner '%s' is enabled but unusable: %s", modules[i].name,
                   modules[i].load_error);
      return TF_ERR_PLUGIN;
    }
  }
  return TF_OK;
}

/* ------------------------------------------------------------ settings */

int Tf_plugins_setting_known(const char *name)
{
  for (const struct tfs_setting *s = host_settings; s && s->name; s++)
    if (strcmp(s->name, name) == 0)
      return 1;
  for (int i = 0; i < nmodules; i++) {
    if (!modules[i].desc)
      continue;
    for (const struct tfs_setting *s = modules[i].desc->settings; s && s->name; s++)
      if (strcmp(s->name, name) == 0)
        return 1;
  }
  return 0;
}

static void print_setting(FILE *out, const struct tfs_setting *s, const char *owner)
{
  fprintf(out, "   -S %s=%s    %s (%s)\n", s->name, s->default_value ? s->default_value : "",
          s->help ? s->help : "", owner);
}

void Tf_plugins_list_settings(FILE *out)
{
  fprintf(out, "Known settings (-S name=value):\n");
  for (const struct tfs_setting *s = host_settings; s && s->name; s++)
    print_setting(out, s, "host");
  for (int i = 0; i < nmodules; i++)
    for (const struct tfs_setting *s = modules[i].desc ? modules[i].desc->settings : NULL;
         s && s->name; s++)
      print_setting(out, s, modules[i].name);
}

void Tf_plugins_print_help(FILE *out)
{
  fprintf(out, "Scanner directories searched, in order:\n");
  for (int d = 0; d < ndirs; d++)
    fprintf(out, "   %s\n", dirs[d]);
  fprintf(out, "\nScanners found:\n");
  if (!nmodules)
    fprintf(out, "   none\n");
  for (int i = 0; i < nmodules; i++) {
    const struct tfs_ctx *m = &modules[i];
    if (m->load_error[0]) {
      fprintf(out, "   %-10s UNUSABLE: %s\n", m->name, m->load_error);
      continue;
    }
    fprintf(out, "   %-10s %s, version %s, ABI %u.%u\n", m->name,
            m->enabled ? "enabled by default (disable with -x)" : "disabled (enable with -e)",
            m->desc->version ? m->desc->version : "?", m->desc->abi_major, m->desc->abi_minor);
    fprintf(out, "              %s\n", m->desc->description ? m->desc->description : "");
    fprintf(out, "              file: %s\n", m->path);
    for (const struct tfs_setting *s = m->desc->settings; s && s->name; s++)
      fprintf(out, "              -S %s=%s    %s\n", s->name,
              s->default_value ? s->default_value : "", s->help ? s->help : "");
  }
  fprintf(out, "\n");
  Tf_plugins_list_settings(out);
}

/* ------------------------------------------------------------ run */

static void update_active(void);

/* Every call into a scanner goes through plugins_call, under the crash
 * guard (guard.h); the kinds name the callbacks in messages. */
enum call_kind {
  CALL_INIT,
  CALL_PACKET,
  CALL_FLOW_OPEN,
  CALL_FLOW_DATA,
  CALL_FLOW_CLOSE,
  CALL_RUN_END,
  CALL_FINI
};

static const char *const call_names[] = {"init", "packet", "flow_open", "flow_data",
                                         "flow_close", "run_end", "fini"};

struct call {
  enum call_kind kind;
  const struct tfs_flow_info *fi;
  const struct tfs_packet *pkt;
  uint64_t off;
  const uint8_t *data;
  size_t len;
};

#define CALL_CRASHED (-100) /* not a TFS_ code: the scanner faulted */

static int plugins_invoke(struct tfs_ctx *m, const struct call *c)
{
  const struct tfs_scanner *d = m->desc;
  switch (c->kind) {
  case CALL_INIT:
    return d->init(&host_services, m, &m->state);
  case CALL_PACKET:
    d->packet(m->state, c->pkt);
    return TFS_OK;
  case CALL_FLOW_OPEN:
    d->flow_open(m->state, c->fi);
    return TFS_OK;
  case CALL_FLOW_DATA:
    return d->flow_data(m->state, c->fi, c->off, c->data, c->len);
  case CALL_FLOW_CLOSE:
    return d->flow_close(m->state, c->fi);
  case CALL_RUN_END:
    return d->run_end(m->state);
  case CALL_FINI:
    d->fini(m->state);
    return TFS_OK;
  }
  return TFS_ERROR;
}

/* Says why m stops ("scanner 'x' failed", "... crashed with ...") and in
 * which callback and flow, and remembers it for the report's
 * <scanner_failure> and for the exit status. */
static void plugins_disable(struct tfs_ctx *m, enum call_kind kind, const struct tf_flow *f,
                            const char *what, const char *reason)
{
  const char *flow = f && f->path ? f->path : "";
  Tf_log_error("%s in %s%s%s%s", what, call_names[kind], *flow ? " for " : "", flow,
               kind == CALL_INIT ? "" : "; it is disabled for the rest of the run");
  m->failed = 1;
  nfailures++;
  m->fail_event = call_names[kind];
  snprintf(m->fail_reason, sizeof(m->fail_reason), "%s", reason);
  snprintf(m->fail_flow, sizeof(m->fail_flow), "%s", flow);
  update_active();
}

/* Runs one callback of m.  Returns its result, or CALL_CRASHED when the
 * scanner faulted: it is then disabled for good, its state is not touched
 * again (not even by fini), and the run goes on without it. */
static int plugins_call(struct tfs_ctx *m, const struct call *c, const struct tf_flow *f)
{
  struct tf_guard g;
  int rc;
  if (sigsetjmp(g.env, 0) != 0) {
    char why[128], what[MAX_NAME + 4096 + 200];
    Tf_guard_describe(&g, why, sizeof(why));
    snprintf(what, sizeof(what), "scanner '%s' (%s) crashed with %s", m->name, m->path, why);
    m->crashed = 1;
    plugins_disable(m, c->kind, f, what, why);
    plugins_close_outputs(m);
    return CALL_CRASHED;
  }
  Tf_guard_enter(&g);
  rc = plugins_invoke(m, c);
  Tf_guard_leave();
  return rc;
}

/* A callback whose error disables the scanner (all but init). */
static void plugins_run(struct tfs_ctx *m, const struct call *c, const struct tf_flow *f)
{
  char what[MAX_NAME + 32];
  int rc = plugins_call(m, c, f);
  if (rc == TFS_OK || rc == CALL_CRASHED)
    return;
  snprintf(what, sizeof(what), "scanner '%s' failed", m->name);
  plugins_disable(m, c->kind, f, what, "returned an error");
}

tf_err Tf_plugins_start(void)
{
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    struct call c = {.kind = CALL_INIT};
    int rc;
    if (!m->enabled)
      continue;
    if (m->desc->init && (rc = plugins_call(m, &c, NULL)) != TFS_OK) {
      if (rc != CALL_CRASHED)
        Tf_log_error("scanner '%s' (%s) failed to start", m->name, m->path);
      return TF_ERR_PLUGIN;
    }
    m->started = 1;
    Tf_log_debug(2, "scanner %s started", m->name);
  }
  update_active();
  return TF_OK;
}

static int active(const struct tfs_ctx *m, uint32_t flags)
{
  return m->started && !m->failed && (m->desc->flags & flags) == flags;
}

static int any_active(uint32_t flag)
{
  for (int i = 0; i < nmodules; i++)
    if (active(&modules[i], flag))
      return 1;
  return 0;
}

int Tf_plugins_want_data(void)
{
  return data_active;
}

int Tf_plugins_want_packets(void)
{
  return any_active(TFS_SCANNER_WANTS_PACKETS);
}

int Tf_plugins_any_enabled(void)
{
  for (int i = 0; i < nmodules; i++)
    if (modules[i].enabled)
      return 1;
  return 0;
}

int Tf_plugins_failures(void)
{
  return nfailures;
}

static void update_active(void)
{
  data_active = any_active(TFS_SCANNER_WANTS_DATA);
  stream_active = any_active(TFS_SCANNER_WANTS_DATA | TFS_SCANNER_STREAMS);
}

void Tf_plugins_packet(const struct tf_packet *pkt)
{
  struct tfs_packet p = {.struct_size = sizeof(p), .dlt = pkt->dlt, .sec = pkt->ts.tv_sec,
                         .usec = (int32_t)pkt->ts.tv_usec, .caplen = pkt->caplen,
                         .len = pkt->wirelen, .data = pkt->frame};
  struct call c = {.kind = CALL_PACKET, .pkt = &p};
  for (int i = 0; i < nmodules; i++)
    if (active(&modules[i], TFS_SCANNER_WANTS_PACKETS) && modules[i].desc->packet)
      plugins_run(&modules[i], &c, NULL);
}
static void flow_info(const struct tf_flow *f, struct tfs_flow_info *fi)
{
  memset(fi, 0, sizeof(*fi));
  fi->struct_size = sizeof(*fi);
  fi->flow_id = f->flow_id;
  fi->session_id = f->session_id;
  fi->connection_count = f->connection_count;
  fi->family = f->key.family;
  memcpy(fi->src_addr, f->key.src, 16);
  memcpy(fi->dst_addr, f->key.dst, 16);
  fi->src_port = f->key.sport;
  fi->dst_port = f->key.dport;
  fi->vlan = f->vlan;
  fi->first_sec = f->first_ts.tv_sec;
  fi->first_usec = (int32_t)f->first_ts.tv_usec;
  fi->last_sec = f->last_ts.tv_sec;
  fi->last_usec = (int32_t)f->last_ts.tv_usec;
  fi->packets = f->packets;
  fi->length = f->file_size;
  fi->path = f->temp_storage ? NULL : f->path;
}

/* Each scanner sees its own per-flow slot. */
static void set_slot(struct tfs_flow_info *fi, struct tf_flow *f, int i)
{
  fi->scanner_state = f->scanner_slots ? &f->scanner_slots[i] : NULL;
}

int Tf_plugins_want_stream(void)
{
  return stream_active;
}

void Tf_plugins_flow_open(struct tf_flow *f)
{
  struct tfs_flow_info fi;
  struct call c = {.kind = CALL_FLOW_OPEN, .fi = &fi};
  if (!any_active(0))
    return;
  /* One slot per scanner, for the life of the flow (not per packet). */
  f->scanner_slots = calloc((size_t)nmodules, sizeof(void *));
  flow_info(f, &fi);
  for (int i = 0; i < nmodules; i++) {
    if (active(&modules[i], 0) && modules[i].desc->flow_open) {
      set_slot(&fi, f, i);
      plugins_run(&modules[i], &c, f);
    }
  }
}

/* Which data scanners an event is for. */
enum audience { TO_CLOSE_SCANNERS, TO_STREAMERS, TO_ALL };

static int in_audience(const struct tfs_ctx *m, enum audience who)
{
  if (!active(m, TFS_SCANNER_WANTS_DATA) || !m->desc->flow_data)
    return 0;
  return who == TO_ALL || (who == TO_STREAMERS) == ((m->desc->flags & TFS_SCANNER_STREAMS) != 0);
}

static void deliver(struct tfs_flow_info *fi, struct tf_flow *f, enum audience who,
                    uint64_t off, const uint8_t *data, size_t len)
{
  struct call c = {.kind = CALL_FLOW_DATA, .fi = fi, .off = off, .data = data, .len = len};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!in_audience(m, who))
      continue;
    set_slot(fi, f, i);
    plugins_run(m, &c, f);
  }
}
void Tf_plugins_stream(struct tf_flow *f, uint64_t off, const uint8_t *data, size_t len)
{
  struct tfs_flow_info fi;
  flow_info(f, &fi);
  current_flow = f;
  deliver(&fi, f, TO_STREAMERS, off, data, len);
  current_flow = NULL;
}

/* Bytes [from, to) of the file, in chunks. */
static void replay_file_range(int fd, struct tfs_flow_info *fi, struct tf_flow *f,
                              enum audience who, uint64_t from, uint64_t to)
{
  while (from < to) {
    size_t want = to - from > REPLAY_CHUNK ? REPLAY_CHUNK : (size_t)(to - from);
    ssize_t n = pread(fd, replay_buf, want, (off_t)from);
    if (n <= 0) {
      Tf_log_error("cannot read back %s for the scanners: %s", f->path,
                   n < 0 ? strerror(errno) : "file shorter than expected");
      return;
    }
    deliver(fi, f, who, from, replay_buf, (size_t)n);
    from += (uint64_t)n;
  }
}

/* The flow file in order from `from`; ranges never placed are gaps. */
static void replay(struct tfs_flow_info *fi, struct tf_flow *f, enum audience who, uint64_t from)
{
  uint64_t cursor = from, size = f->file_size;
  int fd;
  if (cursor >= size)
    return;
  fd = open(f->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    Tf_log_error("cannot read back %s for the scanners: %s", f->path, strerror(errno));
    return;
  }
  if (!f->seen_overflow) {
    for (uint32_t i = 0; i < f->nseen && cursor < size; i++) {
      uint64_t s = f->seen[i].start, e = f->seen[i].end < size ? f->seen[i].end : size;
      if (e <= cursor)
        continue;
      if (s > cursor) {
        deliver(fi, f, who, cursor, NULL, (size_t)(s - cursor));
        cursor = s;
      }
      replay_file_range(fd, fi, f, who, cursor, e);
      cursor = e;
    }
  }
  replay_file_range(fd, fi, f, who, cursor, size);
  close(fd);
}

void Tf_plugins_flow_close(struct tf_flow *f)
{
  struct tfs_flow_info fi;
  struct call c = {.kind = CALL_FLOW_CLOSE, .fi = &fi};
  flow_info(f, &fi);
  current_flow = f;
  if (f->has_file && f->file_size > 0) {
    /* Scanners that streamed get only what they have not seen, unless
     * what they saw changed: then everyone hears the whole flow. */
    if (f->stream_diverged) {
      replay(&fi, f, TO_ALL, 0);
    } else {
      replay(&fi, f, TO_CLOSE_SCANNERS, 0);
      replay(&fi, f, TO_STREAMERS, f->streamed);
    }
  }
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!active(m, 0) || !m->desc->flow_close)
      continue;
    set_slot(&fi, f, i);
    Tf_report_scope_begin();
    plugins_run(m, &c, f);
    Tf_report_scope_end();
  }
  current_flow = NULL;
  free(f->scanner_slots);
  f->scanner_slots = NULL;
}

void Tf_plugins_run_end(void)
{
  struct call c = {.kind = CALL_RUN_END};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    if (!active(m, 0) || !m->desc->run_end)
      continue;
    Tf_report_scope_begin();
    plugins_run(m, &c, NULL);
    Tf_report_scope_end();
  }
  /* After the run_end calls, so that their failures are listed too. */
  for (int i = 0; i < nmodules; i++) {
    const struct tfs_ctx *m = &modules[i];
    if (m->failed)
      Tf_report_scanner_failure(m->name, m->fail_event, m->fail_reason, m->fail_flow);
  }
}

void Tf_plugins_shutdown(void)
{
  struct call c = {.kind = CALL_FINI};
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
    /* A scanner that crashed is left as it is: its state cannot be trusted. */
    if (m->started && !m->crashed && m->desc->fini)
      plugins_call(m, &c, NULL);
    plugins_close_outputs(m);
    m->started = 0;
    /* Modules stay mapped until exit: a scanner (libpython) may have
     * registered atexit handlers that point into its code. */
  }
  nmodules = 0;
  Tf_guard_shutdown();
}
