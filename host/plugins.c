/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The scanner registry (see plugins.h): directories, the module table,
 * selection, settings and -hh.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sdk/tcpflow/scanner.h"
#include "dispatch.h"
#include "guard.h"
#include "loader.h"
#include "log.h"
#include "module.h"
#include "options.h"
#include "plugins.h"

#define MAX_DIRS 32
#define MAX_MODULES 128

enum cmd_kind { CMD_ENABLE, CMD_DISABLE, CMD_ONLY, CMD_ALL };
struct cmd {
  enum cmd_kind kind;
  const char *name;
};

/* The scanner registry: the plugin directories, every module found there
 * and what -e/-x/-E/-a asked for.  One for the process (main.c's command
 * line fills it, the run reaches it as run->plugins); modules never move,
 * since scanners keep their tfs_ctx. */
struct tf_plugins {
  const char *dirs[MAX_DIRS];
  int ndirs;
  struct tfs_ctx modules[MAX_MODULES];
  int nmodules;
  struct cmd cmds[256];
  int ncmds;
  const struct tfs_setting *host_settings;
  int nfailed;   /* failed modules, counted when they are released */
  enum tf_probe_where probe_where;
};

struct tf_plugins *Tf_plugins_new(void)
{
  return calloc(1, sizeof(struct tf_plugins));
}

void Tf_plugins_free(struct tf_plugins *pl)
{
  if (!pl)
    return;
  /* A run that ended before Tf_plugins_shutdown (a usage error, a bad
   * capture) still holds the probes' copies of the descriptors. */
  for (int i = 0; i < pl->nmodules; i++)
    Tf_loader_release(&pl->modules[i]);
  free(pl);
}

void Tf_plugins_add_dir(struct tf_plugins *pl, const char *dir)
{
  if (pl->ndirs < MAX_DIRS && dir && *dir)
    pl->dirs[pl->ndirs++] = dir;
}

void Tf_plugins_set_host_settings(struct tf_plugins *pl, const struct tfs_setting *table)
{
  pl->host_settings = table;
}

void Tf_plugins_set_probe_in_process(struct tf_plugins *pl)
{
  pl->probe_where = TF_PROBE_IN_PROCESS;
}

struct tfs_ctx *Tf_plugins_find(struct tf_plugins *pl, const char *name)
{
  for (int i = 0; i < pl->nmodules; i++)
    if (strcmp(pl->modules[i].name, name) == 0)
      return &pl->modules[i];
  return NULL;
}

struct tfs_ctx *Tf_plugins_table(struct tf_plugins *pl, int *count)
{
  *count = pl->nmodules;
  return pl->modules;
}

int Tf_plugins_setting_declared_by_other(struct tf_plugins *pl, const struct tfs_ctx *self,
                                         const char *name)
{
  for (const struct tfs_setting *s = pl->host_settings; s && s->name; s++)
    if (strcmp(s->name, name) == 0)
      return 1;
  for (int i = 0; i < pl->nmodules; i++) {
    const struct tfs_ctx *m = &pl->modules[i];
    if (m == self || !m->desc || m->load_error[0])
      continue;
    for (const struct tfs_setting *s = m->desc->settings; s && s->name; s++)
      if (strcmp(s->name, name) == 0)
        return 1;
  }
  return 0;
}

/* Same names: the first directory searched wins (--plugin-dir, then
 * $TCPFLOW_PLUGIN_PATH, then the built-in directory), and every run says
 * so, so that a module shadowing another (a user's md5.so in front of the
 * installed one) is never silent.  A module whose descriptor declares a
 * name another file already has is unusable, with both files named. */
static void load_module(struct tf_plugins *pl, const char *dir, const char *file)
{
  struct tfs_ctx *m, *other;
  char stem[TF_MODULE_MAX_NAME];
  size_t len = strlen(file) - 3; /* without ".so" */
  if (len == 0 || len >= sizeof(stem) || pl->nmodules == MAX_MODULES)
    return;
  memcpy(stem, file, len);
  stem[len] = '\0';
  if ((other = Tf_plugins_find(pl, stem)) != NULL) {
    Tf_log_warn("scanner '%s': %s/%s is not used, %s comes first in the scanner directories",
                stem, dir, file, other->path);
    if (!other->shadowed[0])
      snprintf(other->shadowed, sizeof(other->shadowed), "%s/%s", dir, file);
    return;
  }
  m = &pl->modules[pl->nmodules++];
  memset(m, 0, sizeof(*m));
  m->registry = pl;
  Tf_loader_probe(m, dir, file, stem, pl->probe_where);
  if (!m->desc || strcmp(m->desc->name, m->name) == 0)
    return;
  if ((other = Tf_plugins_find(pl, m->desc->name)) != NULL) {
    char why[sizeof(m->load_error)];
    snprintf(why, sizeof(why), "%.480s declares the scanner name '%.63s', which %.400s already "
             "has", m->path, m->desc->name, other->path);
    memcpy(m->load_error, why, sizeof(why));
    m->desc = NULL;
    m->enabled = 0;
    return;
  }
  snprintf(m->name, sizeof(m->name), "%s", m->desc->name);
}

static int so_filter(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 3 && strcmp(d->d_name + n - 3, ".so") == 0;
}

tf_err Tf_plugins_discover(struct tf_plugins *pl)
{
  tf_err e;
  if ((e = Tf_guard_init()) != TF_OK)
    return e;
  if ((e = Tf_loader_init()) != TF_OK)
    return e;
  for (int d = 0; d < pl->ndirs; d++) {
    struct dirent **list;
    int n = scandir(pl->dirs[d], &list, so_filter, alphasort);
    if (n < 0)
      continue;
    for (int i = 0; i < n; i++) {
      load_module(pl, pl->dirs[d], list[i]->d_name);
      free(list[i]);
    }
    free(list);
  }
  return TF_OK;
}

/* ------------------------------------------------------------ selection */

static void push_cmd(struct tf_plugins *pl, enum cmd_kind kind, const char *name)
{
  if (pl->ncmds < (int)(sizeof(pl->cmds) / sizeof(pl->cmds[0]))) {
    pl->cmds[pl->ncmds].kind = kind;
    pl->cmds[pl->ncmds].name = name;
    pl->ncmds++;
  }
}

void Tf_plugins_cmd_enable(struct tf_plugins *pl, const char *name)
{
  if (strcmp(name, "all") == 0)
    push_cmd(pl, CMD_ALL, NULL);
  else
    push_cmd(pl, CMD_ENABLE, name);
}

void Tf_plugins_cmd_disable(struct tf_plugins *pl, const char *name)
{
  push_cmd(pl, CMD_DISABLE, name);
}

void Tf_plugins_cmd_only(struct tf_plugins *pl, const char *name)
{
  push_cmd(pl, CMD_ONLY, name);
}

void Tf_plugins_cmd_all(struct tf_plugins *pl)
{
  push_cmd(pl, CMD_ALL, NULL);
}

static void list_names(struct tf_plugins *pl, FILE *out)
{
  for (int i = 0; i < pl->nmodules; i++)
    fprintf(out, "%s%s", i ? ", " : "", pl->modules[i].name);
  if (!pl->nmodules)
    fprintf(out, "none found");
}

/* "not installed", where we looked and, when the build names one
 * (--with-plugin-package), the package that has it. */
static void say_not_installed(struct tf_plugins *pl, const char *name, int fatal)
{
  char pkg[256] = "";
#ifdef TF_PLUGIN_PACKAGE
  const char *pat = TF_PLUGIN_PACKAGE, *at = strstr(pat, "%s");
  if (at)
    snprintf(pkg, sizeof(pkg), "%.*s%s%s", (int)(at - pat), pat, name, at + 2);
#endif
  if (fatal)
    Tf_log_error("scanner '%s' is not installed (no %s.so in the scanner directories)", name,
                 name);
  else
    Tf_log_warn("-x %s: scanner '%s' is not installed; nothing to disable", name, name);
  if (!fatal)
    return;
  fprintf(stderr, "tcpflow: directories searched:");
  for (int d = 0; d < pl->ndirs; d++)
    fprintf(stderr, " %s", pl->dirs[d]);
  fprintf(stderr, "\ntcpflow: scanners found: ");
  list_names(pl, stderr);
  fprintf(stderr, " (see tcpflow -hh)\n");
  if (pkg[0])
    fprintf(stderr, "tcpflow: the scanner '%s' is in the package %s\n", name, pkg);
}

/* "tcpdemux" was 1.6.1's name for the reassembler; it is the host's job
 * here and always runs, so selecting it is accepted and changes nothing. */
static int is_host_name(const char *name)
{
  return strcmp(name, "tcpdemux") == 0;
}

tf_err Tf_plugins_select(struct tf_plugins *pl)
{
  for (int c = 0; c < pl->ncmds; c++) {
    struct tfs_ctx *m = NULL;
    if (pl->cmds[c].name && !is_host_name(pl->cmds[c].name)) {
      m = Tf_plugins_find(pl, pl->cmds[c].name);
      if (!m && pl->cmds[c].kind == CMD_DISABLE) {
        /* Disabling what is not there is what was asked (README: -a -x wifi). */
        say_not_installed(pl, pl->cmds[c].name, 0);
        continue;
      }
      if (!m) {
        say_not_installed(pl, pl->cmds[c].name, 1);
        return TF_ERR_USAGE;
      }
    }
    switch (pl->cmds[c].kind) {
    case CMD_ENABLE:
      if (m)
        m->enabled = 1;
      break;
    case CMD_DISABLE:
      if (m)
        m->enabled = 0;
      break;
    case CMD_ONLY:
      for (int i = 0; i < pl->nmodules; i++)
        pl->modules[i].enabled = 0;
      if (m)
        m->enabled = 1;
      break;
    case CMD_ALL:
      for (int i = 0; i < pl->nmodules; i++) {
        struct tfs_ctx *a = &pl->modules[i];
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
  /* Only now does any code of a module run in this process, and only of
   * the enabled ones. */
  for (int i = 0; i < pl->nmodules; i++) {
    if (pl->modules[i].enabled && !pl->modules[i].load_error[0])
      (void)Tf_loader_open(&pl->modules[i]); /* a failure is in load_error */
    /* An installed module that cannot be used is a fault of the
     * installation, not of the command line: the run goes on without it,
     * so nothing the capture holds is lost, and the report and the exit
     * status (5) say that its results are missing. */
    if (pl->modules[i].enabled && pl->modules[i].load_error[0]) {
      Tf_log_error("scanner '%s' is enabled but unusable: %s; the run goes on without it",
                   pl->modules[i].name, pl->modules[i].load_error);
      pl->modules[i].enabled = 0;
      Tf_dispatch_load_failed(&pl->modules[i]);
    }
  }
  return TF_OK;
}

/* ------------------------------------------------------------ settings */

int Tf_plugins_setting_known(struct tf_plugins *pl, const char *name)
{
  for (const struct tfs_setting *s = pl->host_settings; s && s->name; s++)
    if (strcmp(s->name, name) == 0)
      return 1;
  for (int i = 0; i < pl->nmodules; i++) {
    if (!pl->modules[i].desc)
      continue;
    for (const struct tfs_setting *s = pl->modules[i].desc->settings; s && s->name; s++)
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

void Tf_plugins_list_settings(struct tf_plugins *pl, FILE *out)
{
  fprintf(out, "Known settings (-S name=value):\n");
  for (const struct tfs_setting *s = pl->host_settings; s && s->name; s++)
    print_setting(out, s, "host");
  for (int i = 0; i < pl->nmodules; i++)
    for (const struct tfs_setting *s = pl->modules[i].desc ? pl->modules[i].desc->settings : NULL;
         s && s->name; s++)
      print_setting(out, s, pl->modules[i].name);
}

void Tf_plugins_print_help(struct tf_plugins *pl, FILE *out)
{
  fprintf(out, "Scanner directories searched, in order:\n");
  for (int d = 0; d < pl->ndirs; d++)
    fprintf(out, "   %s\n", pl->dirs[d]);
  fprintf(out, "\nScanners found:\n");
  if (!pl->nmodules)
    fprintf(out, "   none\n");
  for (int i = 0; i < pl->nmodules; i++) {
    const struct tfs_ctx *m = &pl->modules[i];
    if (m->load_error[0]) {
      fprintf(out, "   %-10s UNUSABLE: %s\n", m->name, m->load_error);
      continue;
    }
    fprintf(out, "   %-10s %s, version %s, ABI %u.%u\n", m->name,
            m->enabled ? "enabled by default (disable with -x)" : "disabled (enable with -e)",
            m->desc->version ? m->desc->version : "?", m->desc->abi_major, m->desc->abi_minor);
    fprintf(out, "              %s\n", m->desc->description ? m->desc->description : "");
    fprintf(out, "              file: %s\n", m->path);
    if (m->shadowed[0])
      fprintf(out, "              shadows: %s (same name, later directory)\n", m->shadowed);
    for (const struct tfs_setting *s = m->desc->settings; s && s->name; s++)
      fprintf(out, "              -S %s=%s    %s\n", s->name,
              s->default_value ? s->default_value : "", s->help ? s->help : "");
  }
  fprintf(out, "\n");
  Tf_plugins_list_settings(pl, out);
}

/* A JSON string (RFC 8259): quotes, backslash and control characters
 * escaped; other bytes as they are (module strings are meant to be UTF-8). */
static void json_str(FILE *out, const char *s)
{
  if (!s) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

void Tf_plugins_print_json(struct tf_plugins *pl, FILE *out)
{
  static const struct {
    uint32_t bit;
    const char *name;
  } flags[] = {{TFS_SCANNER_ENABLED_BY_DEFAULT, "enabled_by_default"},
               {TFS_SCANNER_WANTS_DATA, "wants_data"},
               {TFS_SCANNER_WANTS_PACKETS, "wants_packets"},
               {TFS_SCANNER_NOT_IN_ALL, "not_in_all"},
               {TFS_SCANNER_STREAMS, "streams"},
               {TFS_SCANNER_PARALLEL_SAFE, "parallel_safe"}};
  fprintf(out, "{\"abi\": \"%d.%d\", \"directories\": [", TFS_ABI_MAJOR, TFS_ABI_MINOR);
  for (int d = 0; d < pl->ndirs; d++) {
    fputs(d ? ", " : "", out);
    json_str(out, pl->dirs[d]);
  }
  fputs("],\n \"scanners\": [", out);
  for (int i = 0; i < pl->nmodules; i++) {
    const struct tfs_ctx *m = &pl->modules[i];
    const struct tfs_scanner *d = m->desc;
    fputs(i ? ",\n  {" : "\n  {", out);
    fputs("\"name\": ", out);
    json_str(out, m->name);
    fputs(", \"file\": ", out);
    json_str(out, m->path);
    fprintf(out, ", \"usable\": %s", m->load_error[0] ? "false" : "true");
    if (m->load_error[0]) {
      fputs(", \"error\": ", out);
      json_str(out, m->load_error);
    }
    fputs(", \"shadows\": ", out);
    json_str(out, m->shadowed[0] ? m->shadowed : NULL);
    if (d) {
      int first = 1;
      fprintf(out, ", \"abi\": \"%u.%u\", \"version\": ", d->abi_major, d->abi_minor);
      json_str(out, d->version);
      fputs(", \"description\": ", out);
      json_str(out, d->description);
      fprintf(out, ", \"enabled\": %s, \"flags\": [", m->enabled ? "true" : "false");
      for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
        if (!(d->flags & flags[f].bit))
          continue;
        fputs(first ? "" : ", ", out);
        json_str(out, flags[f].name);
        first = 0;
      }
      fputs("], \"settings\": [", out);
      for (const struct tfs_setting *s = d->settings; s && s->name; s++) {
        fputs(s == d->settings ? "{\"name\": " : ", {\"name\": ", out);
        json_str(out, s->name);
        fputs(", \"default\": ", out);
        json_str(out, s->default_value);
        fputs(", \"help\": ", out);
        json_str(out, s->help);
        fputs("}", out);
      }
      fputs("]", out);
    }
    fputs("}", out);
  }
  fputs("\n]}\n", out);
}

/* ------------------------------------------------------------ run */
int Tf_plugins_any_enabled(struct tf_plugins *pl)
{
  for (int i = 0; i < pl->nmodules; i++)
    if (pl->modules[i].enabled)
      return 1;
  return 0;
}

int Tf_plugins_failures(const struct tf_plugins *pl)
{
  int n = pl->nfailed;
  for (int i = 0; i < pl->nmodules; i++)
    n += pl->modules[i].failed;
  return n;
}

void Tf_plugins_shutdown(struct tf_plugins *pl)
{
  /* Modules stay mapped until exit: a scanner (libpython) may have
   * registered atexit handlers that point into its code. */
  for (int i = 0; i < pl->nmodules; i++)
    Tf_loader_release(&pl->modules[i]);
  pl->nfailed = Tf_plugins_failures(pl); /* the exit status still needs it */
  pl->nmodules = 0;
  Tf_guard_shutdown();
}

/* ------------------------------------------------------------ partitions */

/* Whether a flow scanner's results for a flow depend on that flow alone.
 * Until the SDK has the flag, a scanner without run_end and packet
 * callbacks is taken as such. */
static int plugins_parallel_safe(const struct tfs_scanner *d)
{
#ifdef TFS_SCANNER_PARALLEL_SAFE
  return (d->flags & TFS_SCANNER_PARALLEL_SAFE) != 0;
#else
  return !d->run_end && !d->packet;
#endif
}

tf_err Tf_plugins_partition(struct tf_plugins *pl, int sees_every_packet, uint32_t part_index,
                            char *why, size_t n)
{
  for (int i = 0; i < pl->nmodules; i++) {
    struct tfs_ctx *m = &pl->modules[i];
    const struct tfs_scanner *d = m->desc;
    int flows;
    if (!m->enabled || !d)
      continue;
    flows = d->flow_open || d->flow_data || d->flow_close;
    if (!flows) {
      /* A packet scanner summarises every frame: it runs in partition 0,
       * which reads them all; a fanout member sees only its share. */
      if (!sees_every_packet) {
        snprintf(why, n, "scanner '%s' summarises every packet and a fanout member sees only "
                 "its share", m->name);
        return TF_ERR_USAGE;
      }
      if (part_index != 0)
        m->enabled = 0;
      continue;
    }
    if (!plugins_parallel_safe(d)) {
      snprintf(why, n, "scanner '%s' is not marked parallel-safe (its results may depend on "
               "other flows)", m->name);
      return TF_ERR_USAGE;
    }
  }
  return TF_OK;
}
