/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "settings.h"

struct setting {
  char *name;
  char *value;
  int from_cli;
  char *origin; /* the file and line, or "-S" */
};

/* The -S settings and those of scanners.d, in the order given; one for the
 * process (main.c's command line), reached as run->settings. */
struct tf_settings {
  struct setting *list;     /* owned, grows */
  size_t nsettings, cap;
};

struct tf_settings *Tf_settings_new(void)
{
  return calloc(1, sizeof(struct tf_settings));
}

static tf_err settings_put(struct tf_settings *st, const char *name, size_t nlen,
                           const char *value, int from_cli,
                           const char *origin)
{
  for (size_t i = 0; i < st->nsettings; i++) {
    struct setting *s = &st->list[i];
    if (strlen(s->name) == nlen && strncmp(s->name, name, nlen) == 0) {
      if (s->from_cli && !from_cli)
        return TF_OK; /* the command line wins over configuration files */
      char *v = strdup(value), *o = strdup(origin);
      if (!v || !o) {
        free(v);
        free(o);
        return TF_ERR_NOMEM;
      }
      free(s->value);
      free(s->origin);
      s->value = v;
      s->origin = o;
      s->from_cli = from_cli;
      return TF_OK;
    }
  }
  if (st->nsettings == st->cap) {
    size_t ncap = st->cap ? st->cap * 2 : 16;
    struct setting *n = realloc(st->list, ncap * sizeof(*n));
    if (!n)
      return TF_ERR_NOMEM;
    st->list = n;
    st->cap = ncap;
  }
  struct setting *s = &st->list[st->nsettings];
  s->name = strndup(name, nlen);
  s->value = strdup(value);
  s->origin = strdup(origin);
  s->from_cli = from_cli;
  if (!s->name || !s->value || !s->origin)
    return TF_ERR_NOMEM;
  st->nsettings++;
  return TF_OK;
}

tf_err Tf_settings_add_arg(struct tf_settings *st, const char *arg)
{
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg) {
    Tf_log_error("invalid setting '%s': expected -S name=value", arg);
    return TF_ERR_USAGE;
  }
  return settings_put(st, arg, (size_t)(eq - arg), eq + 1, 1, "-S");
}

static char *trim(char *s)
{
  char *e;
  while (*s == ' ' || *s == '\t')
    s++;
  e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
    *--e = '\0';
  return s;
}

static tf_err settings_load_file(struct tf_settings *st, const char *path)
{
  FILE *fp = fopen(path, "r");
  char line[4096], origin[4200];
  unsigned lineno = 0;
  tf_err e = TF_OK;
  if (!fp) {
    Tf_log_warn("cannot read %s: %s", path, strerror(errno));
    return TF_OK;
  }
  while (e == TF_OK && fgets(line, sizeof(line), fp)) {
    char *s = trim(line), *eq;
    lineno++;
    if (*s == '\0' || *s == '#')
      continue;
    eq = strchr(s, '=');
    if (!eq || eq == s) {
      Tf_log_warn("%s:%u: ignored, expected name=value", path, lineno);
      continue;
    }
    *eq = '\0';
    snprintf(origin, sizeof(origin), "%s:%u", path, lineno);
    e = settings_put(st, trim(s), strlen(trim(s)), trim(eq + 1), 0, origin);
  }
  fclose(fp);
  return e;
}

static int conf_filter(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

tf_err Tf_settings_load_dir(struct tf_settings *st, const char *dir)
{
  struct dirent **list;
  int n = scandir(dir, &list, conf_filter, alphasort);
  tf_err e = TF_OK;
  if (n < 0)
    return TF_OK;
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
    if (e == TF_OK)
      e = settings_load_file(st, path);
    free(list[i]);
  }
  free(list);
  return e;
}

const char *Tf_settings_get(const struct tf_settings *st, const char *name)
{
  for (size_t i = 0; i < st->nsettings; i++)
    if (strcmp(st->list[i].name, name) == 0)
      return st->list[i].value;
  return NULL;
}

tf_err Tf_settings_check_known(const struct tf_settings *st,
                               int (*is_known)(void *arg, const char *name),
                               void (*list_known)(void *arg), void *arg)
{
  tf_err e = TF_OK;
  for (size_t i = 0; i < st->nsettings; i++) {
    if (is_known(arg, st->list[i].name))
      continue;
    if (st->list[i].from_cli) {
      Tf_log_error("unknown setting -S %s (no scanner or the host declares it)",
                   st->list[i].name);
      e = TF_ERR_USAGE;
    } else {
      Tf_log_warn("%s: unknown setting '%s' ignored", st->list[i].origin, st->list[i].name);
    }
  }
  if (e != TF_OK)
    list_known(arg);
  return e;
}

void Tf_settings_free(struct tf_settings *st)
{
  if (!st)
    return;
  for (size_t i = 0; i < st->nsettings; i++) {
    free(st->list[i].name);
    free(st->list[i].value);
    free(st->list[i].origin);
  }
  free(st->list);
  free(st);
}

