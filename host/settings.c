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

static struct setting *settings;
static size_t nsettings, cap;

static tf_err settings_put(const char *name, size_t nlen, const char *value, int from_cli,
                           const char *origin)
{
  for (size_t i = 0; i < nsettings; i++) {
    struct setting *s = &settings[i];
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
  if (nsettings == cap) {
    size_t ncap = cap ? cap * 2 : 16;
    struct setting *n = realloc(settings, ncap * sizeof(*n));
    if (!n)
      return TF_ERR_NOMEM;
    settings = n;
    cap = ncap;
  }
  struct setting *s = &settings[nsettings];
  s->name = strndup(name, nlen);
  s->value = strdup(value);
  s->origin = strdup(origin);
  s->from_cli = from_cli;
  if (!s->name || !s->value || !s->origin)
    return TF_ERR_NOMEM;
  nsettings++;
  return TF_OK;
}

tf_err Tf_settings_add_arg(const char *arg)
{
  const char *eq = strchr(arg, '=');
  if (!eq || eq == arg) {
    Tf_log_error("invalid setting '%s': expected -S name=value", arg);
    return TF_ERR_USAGE;
  }
  return settings_put(arg, (size_t)(eq - arg), eq + 1, 1, "-S");
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

static tf_err settings_load_file(const char *path)
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
    e = settings_put(trim(s), strlen(trim(s)), trim(eq + 1), 0, origin);
  }
  fclose(fp);
  return e;
}

static int conf_filter(const struct dirent *d)
{
  size_t n = strlen(d->d_name);
  return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

tf_err Tf_settings_load_dir(const char *dir)
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
      e = settings_load_file(path);
    free(list[i]);
  }
  free(list);
  return e;
}

const char *Tf_settings_get(const char *name)
{
  for (size_t i = 0; i < nsettings; i++)
    if (strcmp(settings[i].name, name) == 0)
      return settings[i].value;
  return NULL;
}

tf_err Tf_settings_check_known(int (*is_known)(const char *name), void (*list_known)(void))
{
  tf_err e = TF_OK;
  for (size_t i = 0; i < nsettings; i++) {
    if (is_known(settings[i].name))
      continue;
    if (settings[i].from_cli) {
      Tf_log_error("unknown setting -S %s (no scanner or the host declares it)",
                   settings[i].name);
      e = TF_ERR_USAGE;
    } else {
      Tf_log_warn("%s: unknown setting '%s' ignored", settings[i].origin, settings[i].name);
    }
  }
  if (e != TF_OK)
    list_known();
  return e;
}

void Tf_settings_free(void)
{
  for (size_t i = 0; i < nsettings; i++) {
    free(settings[i].name);
    free(settings[i].value);
    free(settings[i].origin);
  }
  free(settings);
  settings = NULL;
  nsettings = cap = 0;
}

