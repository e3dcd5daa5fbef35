/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Loading one scanner module (see loader.h).
 */
#include "config.h"

#include <dlfcn.h>
#include <ltdl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../sdk/tcpflow/scanner.h"
#include "guard.h"
#include "loader.h"
#include "log.h"
#include "plugins.h"

#define MAX_SETTINGS_PER_SCANNER 256

/* The first ABI minor and the descriptor size it defined. */
#define MIN_SCANNER_SIZE_1_0 sizeof(struct tfs_scanner)

static int ltdl_ready;

tf_err Tf_loader_init(void)
{
  if (!ltdl_ready) {
    if (lt_dlinit() != 0) {
      Tf_log_error("cannot initialise libltdl: %s", lt_dlerror());
      return TF_ERR_PLUGIN;
    }
    ltdl_ready = 1;
  }
  return TF_OK;
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
    if (Tf_plugins_setting_declared_by_other(m, s->name)) {
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

void Tf_loader_load(struct tfs_ctx *m, const char *dir, const char *file, const char *stem)
{
  lt_dladvise advise;
  tfs_describe_fn describe;
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
  if (strcmp(m->desc->name, m->name) != 0 && !Tf_plugins_find(m->desc->name))
    snprintf(m->name, sizeof(m->name), "%s", m->desc->name);
  if (m->desc->flags & TFS_SCANNER_ENABLED_BY_DEFAULT)
    m->enabled = 1;
}
