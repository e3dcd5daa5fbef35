/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Loading scanner modules (see loader.h), in two steps:
 *
 *  - Probe: every module found is opened in a short-lived child process,
 *    which calls its entry point and sends back a copy of the descriptor
 *    (ABI, name, flags, settings) through a pipe.  A module's ELF
 *    constructors and entry point thus never run in the tcpflow process
 *    just because it is installed, and a module that crashes, hangs or
 *    calls exit() while being loaded is reported, not fatal (-hh and
 *    --list-scanners list it as unusable).
 *  - Open: only the scanners the run enables are opened in the tcpflow
 *    process, and their descriptor must match what the probe saw.
 *
 * Both open through libltdl with a loader of our own (loader_vtable) that
 * calls dlopen with RTLD_NOW | RTLD_LOCAL, and libltdl's own dlopen loader
 * is removed: libltdl has no way to ask for immediate binding, and its
 * loader would open with lazy binding when ours fails.  RTLD_NOW makes an
 * unresolved symbol an error naming the module and the symbol at load time
 * instead of a later exit 127; RTLD_LOCAL keeps every module's symbols out
 * of the global scope, so no module can interpose on another or on the
 * libraries the host and other modules use.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <ltdl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../sdk/tcpflow/scanner.h"
#include "guard.h"
#include "loader.h"
#include "log.h"
#include "plugins.h"

#define MAX_SETTINGS_PER_SCANNER 256
#define PROBE_MAX_STR 4096       /* longer strings are cut in the copy */
#define PROBE_TIMEOUT_MS 30000   /* a module that loads longer is refused */
#define PROBE_MAX_RECORD (4u << 20)

/* The smallest descriptor we accept is the one ABI 1.0 defined: a frozen
 * size from the SDK, never sizeof of the current struct (which grows with
 * every minor and would refuse every older module). */
#define MIN_SCANNER_SIZE_1_0 TFS_SCANNER_SIZE_1_0

/* What dlopen said last, for messages.  libltdl calls loader_open without
 * any context of ours, and its vtable (with its one data pointer) is
 * registered once per process. */
static char loader_dlerror[1024];

static lt_module loader_open(lt_user_data data, const char *filename, lt_dladvise advise)
{
  void *h;
  (void)data;
  (void)advise;
  h = dlopen(filename, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(loader_dlerror, sizeof(loader_dlerror), "%s", e ? e : "unknown error");
  }
  return h;
}

static int loader_close(lt_user_data data, lt_module module)
{
  (void)data;
  return dlclose(module);
}

static void *loader_sym(lt_user_data data, lt_module module, const char *name)
{
  (void)data;
  return dlsym(module, name);
}

static const lt_dlvtable loader_vtable = {
    "tcpflow_now_local", NULL, loader_open, loader_close, loader_sym, NULL, NULL, NULL,
    LT_DLLOADER_PREPEND};

tf_err Tf_loader_init(void)
{
  /* libltdl's own state says whether this process has set it up. */
  if (lt_dlloader_find(loader_vtable.name))
    return TF_OK;
  if (lt_dlinit() != 0) {
    Tf_log_error("cannot initialise libltdl: %s", lt_dlerror());
    return TF_ERR_PLUGIN;
  }
  if (lt_dlloader_add(&loader_vtable) != 0) {
    Tf_log_error("cannot register the module loader with libltdl: %s", lt_dlerror());
    return TF_ERR_PLUGIN;
  }
  /* Without it libltdl would retry a module our loader refused with lazy
   * binding.  Absent in some builds of libltdl: then nothing to remove.
   * The removed vtable is handed back to us to free. */
  free(lt_dlloader_remove("lt_dlopen"));
  return TF_OK;
}

/* Opens path (the module file) with local scope and immediate binding;
 * NULL with *why set to what the dynamic loader said. */
static lt_dlhandle loader_dlopen(const char *path, const char **why)
{
  lt_dladvise advise;
  lt_dlhandle h;
  loader_dlerror[0] = '\0';
  lt_dladvise_init(&advise);
  lt_dladvise_local(&advise);
  h = lt_dlopenadvise(path, advise);
  lt_dladvise_destroy(&advise);
  if (!h)
    *why = loader_dlerror[0] ? loader_dlerror : lt_dlerror();
  return h;
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

static int name_valid(const char *s)
{
  size_t n = 0;
  if (!s)
    return 0;
  for (; n < TF_MODULE_MAX_NAME && s[n]; n++)
    if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
      return 0;
  return n > 0 && n < TF_MODULE_MAX_NAME;
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
    if (m->registry && Tf_plugins_setting_declared_by_other(m->registry, m, s->name)) {
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

/* ------------------------------------------------------------ the probe record
 * What the probe sends: a kind byte, then for 'D' the descriptor as
 * u32 abi_major, abi_minor, struct_size, flags, nsettings (UINT32_MAX for
 * no table) and strings (u32 length or UINT32_MAX for NULL, the bytes, a
 * NUL): name, version, description, then name, default and help of each
 * setting.  For 'E' (cannot load), 'N' (no entry symbol), 'X' (NULL
 * descriptor) the rest is a message. */

struct record {
  uint8_t *p;
  size_t len, cap;
  int oom;
};

static void rec_put(struct record *r, const void *data, size_t n)
{
  if (r->oom)
    return;
  if (r->len + n > r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 4096;
    uint8_t *p;
    while (cap < r->len + n)
      cap *= 2;
    if (cap > PROBE_MAX_RECORD || !(p = realloc(r->p, cap))) {
      r->oom = 1;
      return;
    }
    r->p = p;
    r->cap = cap;
  }
  memcpy(r->p + r->len, data, n);
  r->len += n;
}

static void rec_u32(struct record *r, uint32_t v)
{
  rec_put(r, &v, sizeof(v));
}

static void rec_str(struct record *r, const char *s)
{
  uint32_t n;
  if (!s) {
    rec_u32(r, UINT32_MAX);
    return;
  }
  n = (uint32_t)strnlen(s, PROBE_MAX_STR);
  rec_u32(r, n);
  rec_put(r, s, n);
  rec_put(r, "", 1);
}

/* Copies what the host reads of a descriptor; reads no member beyond the
 * struct_size the module claims. */
static void rec_descriptor(struct record *r, const struct tfs_scanner *d)
{
  struct tfs_scanner c;
  uint32_t n = 0;
  memset(&c, 0, sizeof(c));
  memcpy(&c, d, offsetof(struct tfs_scanner, name));
  memcpy(&c, d, c.struct_size < sizeof(c) ? c.struct_size : sizeof(c));
  rec_put(r, "D", 1);
  rec_u32(r, c.abi_major);
  rec_u32(r, c.abi_minor);
  rec_u32(r, c.struct_size);
  if (c.struct_size < MIN_SCANNER_SIZE_1_0)
    return; /* refused by check_descriptor: nothing more to read */
  rec_u32(r, c.flags);
  for (const struct tfs_setting *s = c.settings; s && s->name && n <= MAX_SETTINGS_PER_SCANNER;
       s++)
    n++;
  rec_u32(r, c.settings ? n : UINT32_MAX);
  rec_str(r, c.name);
  rec_str(r, c.version);
  rec_str(r, c.description);
  for (uint32_t i = 0; i < n; i++) {
    rec_str(r, c.settings[i].name);
    rec_str(r, c.settings[i].default_value);
    rec_str(r, c.settings[i].help);
  }
}

/* Opens the module and records its descriptor (or why there is none).  In
 * the child, a crash just ends the child; in process, the entry point is
 * called under the crash guard. */
static void probe_module(struct tfs_ctx *m, struct record *r, enum tf_probe_where where)
{
  const char *why = NULL;
  lt_dlhandle h = loader_dlopen(m->path, &why);
  tfs_describe_fn describe;
  const struct tfs_scanner *d;
  if (!h) {
    rec_put(r, "E", 1);
    rec_put(r, why ? why : "unknown error", strlen(why ? why : "unknown error"));
    return;
  }
  describe = (tfs_describe_fn)(uintptr_t)lt_dlsym(h, TFS_ENTRY_SYMBOL);
  if (!describe) {
    rec_put(r, "N", 1);
    return;
  }
  if (where == TF_PROBE_IN_PROCESS) {
    struct tf_guard g;
    m->handle = h;
    g.sig = 0; /* set by the handler before it jumps back here */
    g.addr = NULL;
    if (sigsetjmp(g.env, 0) != 0) {
      char text[128];
      Tf_guard_describe(&g, text, sizeof(text));
      rec_put(r, "C", 1);
      rec_put(r, text, strlen(text));
      return;
    }
    Tf_guard_enter(&g);
    d = describe();
    Tf_guard_leave();
  } else {
    d = describe();
  }
  if (!d)
    rec_put(r, "X", 1);
  else
    rec_descriptor(r, d);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

/* The name of sig, in buf when it has no name of its own. */
static const char *signal_name(int sig, char *buf, size_t n)
{
  switch (sig) {
  case SIGSEGV:
    return "SIGSEGV";
  case SIGBUS:
    return "SIGBUS";
  case SIGFPE:
    return "SIGFPE";
  case SIGILL:
    return "SIGILL";
  case SIGABRT:
    return "SIGABRT";
  default:
    snprintf(buf, n, "signal %d", sig);
    return buf;
  }
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs probe_module in a child; the record arrives in r.  Returns 0, or -1
 * with m->load_error set (the child crashed, hung or exited). */
static int probe_in_child(struct tfs_ctx *m, struct record *r)
{
  int fds[2], status = 0, timed_out = 0;
  long long deadline;
  pid_t pid;
  if (pipe(fds) != 0) {
    set_error(m, "%s: cannot probe: %s", m->path, strerror(errno));
    return -1;
  }
  fflush(NULL); /* nothing buffered is written twice */
  pid = fork();
  if (pid < 0) {
    set_error(m, "%s: cannot probe: %s", m->path, strerror(errno));
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    static const int faults[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    struct record mine = {0};
    close(fds[0]);
    /* A fault ends the child with its own signal: not through the crash
     * guard (no call to return to) nor a sanitizer's report. */
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
      signal(faults[i], SIG_DFL);
    probe_module(m, &mine, TF_PROBE_IN_CHILD);
    _exit(mine.oom || write_all(fds[1], mine.p, mine.len) != 0 ? 3 : 0);
  }
  close(fds[1]);
  deadline = now_ms() + PROBE_TIMEOUT_MS;
  for (;;) {
    struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
    uint8_t buf[4096];
    long long left = deadline - now_ms();
    ssize_t n;
    int pr;
    if (left <= 0) {
      timed_out = 1;
      break;
    }
    pr = poll(&pfd, 1, (int)left);
    if (pr < 0 && errno == EINTR)
      continue;
    if (pr <= 0) {
      timed_out = pr == 0;
      break;
    }
    n = read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    rec_put(r, buf, (size_t)n);
  }
  close(fds[0]);
  if (timed_out)
    kill(pid, SIGKILL);
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (timed_out) {
    set_error(m, "%s: did not finish loading within %d seconds (an ELF constructor or %s "
              "that does not return)", m->path, PROBE_TIMEOUT_MS / 1000, TFS_ENTRY_SYMBOL);
    return -1;
  }
  if (WIFSIGNALED(status)) {
    char sig[32];
    set_error(m, "%s: crashed with %s while being loaded (in an ELF constructor or in %s)",
              m->path, signal_name(WTERMSIG(status), sig, sizeof(sig)), TFS_ENTRY_SYMBOL);
    return -1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || r->oom) {
    set_error(m, "%s: ended the process with status %d while being loaded (exit() in an ELF "
              "constructor or in %s)", m->path, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
              TFS_ENTRY_SYMBOL);
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------ reading a record */

struct reader {
  const uint8_t *p;
  size_t left;
  int bad;
};

static uint32_t rd_u32(struct reader *rd)
{
  uint32_t v = 0;
  if (rd->left < sizeof(v)) {
    rd->bad = 1;
    return 0;
  }
  memcpy(&v, rd->p, sizeof(v));
  rd->p += sizeof(v);
  rd->left -= sizeof(v);
  return v;
}

/* A string of the record (pointing into it: the record is kept), or NULL. */
static const char *rd_str(struct reader *rd)
{
  uint32_t n = rd_u32(rd);
  const char *s;
  if (n == UINT32_MAX || rd->bad)
    return NULL;
  if (n > PROBE_MAX_STR || rd->left < (size_t)n + 1 || rd->p[n] != '\0') {
    rd->bad = 1;
    return NULL;
  }
  s = (const char *)rd->p;
  rd->p += n + 1;
  rd->left -= n + 1;
  return s;
}

/* Builds m's copy of the descriptor from the record (which m keeps). */
static int read_descriptor(struct tfs_ctx *m, struct record *r)
{
  struct reader rd = {r->p + 1, r->len - 1, 0};
  struct tfs_scanner *d = calloc(1, sizeof(*d));
  uint32_t n;
  if (!d) {
    set_error(m, "%s: out of memory", m->path);
    return -1;
  }
  m->probe_record = r->p;
  r->p = NULL;
  m->probe_desc = d;
  d->abi_major = (uint16_t)rd_u32(&rd);
  d->abi_minor = (uint16_t)rd_u32(&rd);
  d->struct_size = rd_u32(&rd);
  if (!rd.bad && d->struct_size >= MIN_SCANNER_SIZE_1_0) {
    d->flags = rd_u32(&rd);
    n = rd_u32(&rd);
    d->name = rd_str(&rd);
    d->version = rd_str(&rd);
    d->description = rd_str(&rd);
    if (n != UINT32_MAX && !rd.bad && n <= MAX_SETTINGS_PER_SCANNER + 1) {
      struct tfs_setting *t = calloc((size_t)n + 1, sizeof(*t));
      if (!t) {
        set_error(m, "%s: out of memory", m->path);
        return -1;
      }
      for (uint32_t i = 0; i < n; i++) {
        t[i].name = rd_str(&rd);
        t[i].default_value = rd_str(&rd);
        t[i].help = rd_str(&rd);
        if (!t[i].name) /* a NULL name would end the table early */
          t[i].name = "";
      }
      m->probe_settings = t;
      d->settings = t;
    }
  }
  if (rd.bad) {
    set_error(m, "%s: the probe of the module sent a malformed descriptor", m->path);
    return -1;
  }
  m->desc = d;
  return 0;
}

/* The probe's verdict on m: 0 with m->desc set to the copy, or -1 with
 * m->load_error. */
static int probe(struct tfs_ctx *m, enum tf_probe_where where)
{
  struct record r = {0};
  int rc = -1;
  if (where == TF_PROBE_IN_PROCESS)
    probe_module(m, &r, where);
  else if (probe_in_child(m, &r) != 0)
    goto out;
  if (r.oom || r.len == 0) {
    set_error(m, "%s: cannot probe: %s", m->path, r.oom ? "descriptor too large" : "no answer");
    goto out;
  }
  switch (r.p[0]) {
  case 'D':
    rc = read_descriptor(m, &r);
    break;
  case 'E':
    set_error(m, "%s: cannot load: %.*s", m->path, (int)(r.len - 1), (const char *)r.p + 1);
    break;
  case 'N':
    set_error(m, "%s: not a tcpflow scanner (no %s symbol)", m->path, TFS_ENTRY_SYMBOL);
    break;
  case 'C':
    set_error(m, "%s: crashed with %.*s in %s", m->path, (int)(r.len - 1),
              (const char *)r.p + 1, TFS_ENTRY_SYMBOL);
    break;
  default:
    set_error(m, "%s: %s returned no descriptor", m->path, TFS_ENTRY_SYMBOL);
    break;
  }
out:
  free(r.p);
  return rc;
}

void Tf_loader_probe(struct tfs_ctx *m, const char *dir, const char *file, const char *stem,
                     enum tf_probe_where where)
{
  snprintf(m->name, sizeof(m->name), "%s", stem);
  snprintf(m->path, sizeof(m->path), "%s/%s", dir, file);
  if (path_writable_by_others(dir) || path_writable_by_others(m->path)) {
    set_error(m, "%s: refused, the module or its directory is writable by every user", m->path);
    return;
  }
  if (probe(m, where) != 0 || !check_descriptor(m)) {
    m->desc = NULL;
    return;
  }
  if (m->desc->flags & TFS_SCANNER_ENABLED_BY_DEFAULT)
    m->enabled = 1;
}

/* The entry point is module code too: a crash in it makes the module
 * unusable, not the run. */
static const struct tfs_scanner *loader_describe(struct tfs_ctx *m, tfs_describe_fn describe)
{
  struct tf_guard g;
  const struct tfs_scanner *d;
  g.sig = 0; /* set by the handler before it jumps back here */
  g.addr = NULL;
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

static int same_string(const char *a, const char *b)
{
  return (!a && !b) || (a && b && strncmp(a, b, PROBE_MAX_STR) == 0);
}

/* What the probe saw is what the run gets. */
static int same_descriptor(const struct tfs_scanner *p, const struct tfs_scanner *d)
{
  const struct tfs_setting *s = d->settings, *t = p->settings;
  if (p->abi_major != d->abi_major || p->abi_minor != d->abi_minor ||
      p->struct_size != d->struct_size || p->flags != d->flags || !same_string(p->name, d->name))
    return 0;
  for (; s && s->name && t && t->name; s++, t++)
    if (!same_string(s->name, t->name))
      return 0;
  return !(s && s->name) == !(t && t->name);
}

tf_err Tf_loader_open(struct tfs_ctx *m)
{
  const char *why = NULL;
  tfs_describe_fn describe;
  const struct tfs_scanner *d;
  if (!m->handle && !(m->handle = loader_dlopen(m->path, &why))) {
    set_error(m, "%s: cannot load: %s", m->path, why ? why : "unknown error");
    return TF_ERR_PLUGIN;
  }
  describe = (tfs_describe_fn)(uintptr_t)lt_dlsym(m->handle, TFS_ENTRY_SYMBOL);
  if (!describe) {
    set_error(m, "%s: not a tcpflow scanner (no %s symbol)", m->path, TFS_ENTRY_SYMBOL);
    return TF_ERR_PLUGIN;
  }
  if (!(d = loader_describe(m, describe))) {
    if (!m->load_error[0])
      set_error(m, "%s: %s returned no descriptor", m->path, TFS_ENTRY_SYMBOL);
    return TF_ERR_PLUGIN;
  }
  if (!same_descriptor(m->desc, d)) {
    set_error(m, "%s: its descriptor differs from the one it gave when listed", m->path);
    return TF_ERR_PLUGIN;
  }
  m->desc = d;
  return TF_OK;
}

void Tf_loader_release(struct tfs_ctx *m)
{
  free(m->probe_record);
  free(m->probe_settings);
  free(m->probe_desc);
  m->probe_record = NULL;
  m->probe_settings = NULL;
  m->probe_desc = NULL;
}
