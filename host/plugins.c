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

static const char *dirs[MAX_DIRS];
static int ndirs;
static struct tfs_ctx modules[MAX_MODULES];
static int nmodules;
static struct cmd cmds[256];
static int ncmds;
static const struct tfs_setting *host_settings;

void Tf_plugins_add_dir(const char *dir)
{
  if (ndirs < MAX_DIRS && dir && *dir)
    dirs[ndirs++] = dir;
}

void Tf_plugins_set_host_settings(const struct tfs_setting *table)
{
  host_settings = table;
}

struct tfs_ctx *Tf_plugins_find(const char *name)
{
  for (int i = 0; i < nmodules; i++)
    if (strcmp(modules[i].name, name) == 0)
      return &modules[i];
  return NULL;
}

struct tfs_ctx *Tf_plugins_table(int *count)
{
  *count = nmodules;
  return modules;
}

int Tf_plugins_setting_declared_by_other(const struct tfs_ctx *self, const char *name)
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

/* Same names: the first directory searched wins (--plugin-dir, then
 * $TCPFLOW_PLUGIN_PATH, then the built-in directory), and every run says
 * so, so that a module shadowing another (a user's md5.so in front of the
 * installed one) is never silent.  A module whose descriptor declares a
 * name another file already has is unusable, with both files named. */
static void load_module(const char *dir, const char *file)
{
  struct tfs_ctx *m, *other;
  char stem[TF_MODULE_MAX_NAME];
  size_t len = strlen(file) - 3; /* without ".so" */
  if (len == 0 || len >= sizeof(stem) || nmodules == MAX_MODULES)
    return;
  memcpy(stem, file, len);
  stem[len] = '\0';
  if ((other = Tf_plugins_find(stem)) != NULL) {
    Tf_log_warn("scanner '%s': %s/%s is not used, %s comes first in the scanner directories",
                stem, dir, file, other->path);
    if (!other->shadowed[0])
      snprintf(other->shadowed, sizeof(other->shadowed), "%s/%s", dir, file);
    return;
  }
  m = &modules[nmodules++];
  memset(m, 0, sizeof(*m));
  Tf_loader_probe(m, dir, file, stem);
  if (!m->desc || strcmp(m->desc->name, m->name) == 0)
    return;
  if ((other = Tf_plugins_find(m->desc->name)) != NULL) {
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

tf_err Tf_plugins_discover(void)
{
  tf_err e;
  if ((e = Tf_guard_init()) != TF_OK)
    return e;
  if ((e = Tf_loader_init()) != TF_OK)
    return e;
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

/* "not installed", where we looked and, when the build names one
 * (--with-plugin-package), the package that has it. */
static void say_not_installed(const char *name, int fatal)
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
  for (int d = 0; d < ndirs; d++)
    fprintf(stderr, " %s", dirs[d]);
  fprintf(stderr, "\ntcpflow: scanners found: ");
  list_names(stderr);
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

tf_err Tf_plugins_select(void)
{
  for (int c = 0; c < ncmds; c++) {
    struct tfs_ctx *m = NULL;
    if (cmds[c].name && !is_host_name(cmds[c].name)) {
      m = Tf_plugins_find(cmds[c].name);
      if (!m && cmds[c].kind == CMD_DISABLE) {
        /* Disabling what is not there is what was asked (README: -a -x wifi). */
        say_not_installed(cmds[c].name, 0);
        continue;
      }
      if (!m) {
        say_not_installed(cmds[c].name, 1);
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
  /* Only now does any code of a module run in this process, and only of
   * the enabled ones. */
  for (int i = 0; i < nmodules; i++) {
    if (modules[i].enabled && !modules[i].load_error[0])
      (void)Tf_loader_open(&modules[i]); /* a failure is in load_error */
    /* An installed module that cannot be used is a fault of the
     * installation, not of the command line: the run goes on without it,
     * so nothing the capture holds is lost, and the report and the exit
     * status (5) say that its results are missing. */
    if (modules[i].enabled && modules[i].load_error[0]) {
      Tf_log_error("scanner '%s' is enabled but unusable: %s; the run goes on without it",
                   modules[i].name, modules[i].load_error);
      modules[i].enabled = 0;
      Tf_dispatch_load_failed(&modules[i]);
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
    if (m->shadowed[0])
      fprintf(out, "              shadows: %s (same name, later directory)\n", m->shadowed);
    for (const struct tfs_setting *s = m->desc->settings; s && s->name; s++)
      fprintf(out, "              -S %s=%s    %s\n", s->name,
              s->default_value ? s->default_value : "", s->help ? s->help : "");
  }
  fprintf(out, "\n");
  Tf_plugins_list_settings(out);
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

void Tf_plugins_print_json(FILE *out)
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
  for (int d = 0; d < ndirs; d++) {
    fputs(d ? ", " : "", out);
    json_str(out, dirs[d]);
  }
  fputs("],\n \"scanners\": [", out);
  for (int i = 0; i < nmodules; i++) {
    const struct tfs_ctx *m = &modules[i];
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
int Tf_plugins_any_enabled(void)
{
  for (int i = 0; i < nmodules; i++)
    if (modules[i].enabled)
      return 1;
  return 0;
}

void Tf_plugins_shutdown(void)
{
  Tf_dispatch_fini();
  /* Modules stay mapped until exit: a scanner (libpython) may have
   * registered atexit handlers that point into its code. */
  for (int i = 0; i < nmodules; i++)
    Tf_loader_release(&modules[i]);
  nmodules = 0;
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

tf_err Tf_plugins_partition(int sees_every_packet, char *why, size_t n)
{
  for (int i = 0; i < nmodules; i++) {
    struct tfs_ctx *m = &modules[i];
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
      if (tf_opt.part_index != 0)
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
