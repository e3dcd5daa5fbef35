/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* The alert fd and tcp_cmd (alerts.h). */
#include "config.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "alerts.h"
#include "log.h"
#include "options.h"
#include "run.h"

extern char **environ;

#define MAX_CHILDREN 10 /* tcp_cmd processes at once */

/* The run's tcp_cmd processes not yet reaped: created with the first,
 * freed by Tf_alerts_shutdown.  Each is waited for by its pid, so that no
 * other child of the process (a -j worker, a module probe, a
 * decompressor) is reaped in passing. */
struct tf_alerts {
  pid_t children[MAX_CHILDREN];
  int n;
};

void Tf_alerts_open(const struct tf_options *opt, const char *path)
{
  if (opt->tcp_alert_fd >= 0)
    dprintf(opt->tcp_alert_fd, "open\t%s\n", path);
}

/* Forgets child k (reaped). */
static void alerts_forget(struct tf_alerts *al, int k)
{
  al->children[k] = al->children[--al->n];
}

/* Waits for child k to end (a signal does not cut the wait short). */
static void alerts_wait(const struct tf_alerts *al, int k)
{
  while (waitpid(al->children[k], NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Reaps the children that ended; when all MAX_CHILDREN still run, waits
 * for the oldest. */
static void alerts_reap(struct tf_alerts *al)
{
  for (int k = al->n - 1; k >= 0; k--)
    if (waitpid(al->children[k], NULL, WNOHANG) != 0)
      alerts_forget(al, k); /* ended, or not ours to wait for (-1) */
  if (al->n == MAX_CHILDREN) {
    alerts_wait(al, 0);
    alerts_forget(al, 0);
  }
}

static void alerts_run_cmd(struct tf_run *run, const char *path)
{
  const char *cmd = run->opt->tcp_cmd;
  struct tf_alerts *al = run->alerts;
  pid_t pid;
  char *script;
  size_t n = strlen(cmd) + 8;
  if (!al && (al = run->alerts = calloc(1, sizeof(*al))) == NULL) {
    Tf_log_error("cannot run tcp_cmd for %s: out of memory", path);
    return;
  }
  alerts_reap(al);
  script = malloc(n);
  if (!script) {
    Tf_log_error("cannot run tcp_cmd for %s: out of memory", path);
    return;
  }
  /* The path is passed as $1, never pasted into the shell text. */
  snprintf(script, n, "%s \"$1\"", cmd);
  char *argv[] = {"/bin/sh", "-c", script, "tcp_cmd", (char *)path, NULL};
  if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0)
    al->children[al->n++] = pid;
  else
    Tf_log_error("cannot run tcp_cmd for %s", path);
  free(script);
}

void Tf_alerts_close(struct tf_run *run, const char *path)
{
  if (run->opt->tcp_alert_fd >= 0)
    dprintf(run->opt->tcp_alert_fd, "close\t%s\n", path);
  if (run->opt->tcp_cmd && *run->opt->tcp_cmd)
    alerts_run_cmd(run, path);
}

void Tf_alerts_shutdown(struct tf_run *run)
{
  struct tf_alerts *al = run->alerts;
  if (!al)
    return;
  run->alerts = NULL;
  for (int k = 0; k < al->n; k++)
    alerts_wait(al, k);
  free(al);
}
