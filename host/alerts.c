/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* The alert fd and tcp_cmd (alerts.h). */
#include "config.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "alerts.h"
#include "log.h"
#include "options.h"

extern char **environ;

#define MAX_CHILDREN 10 /* tcp_cmd processes at once */

/* tcp_cmd processes not yet reaped.  File scope: they are children of
 * the process, which waitpid(-1) reaps whatever run started them. */
static int children;

void Tf_alerts_open(const struct tf_options *opt, const char *path)
{
  if (opt->tcp_alert_fd >= 0)
    dprintf(opt->tcp_alert_fd, "open\t%s\n", path);
}

static void alerts_run_cmd(const struct tf_options *opt, const char *path)
{
  pid_t pid;
  char *script;
  size_t n = strlen(opt->tcp_cmd) + 8;
  while (children > 0 && waitpid(-1, NULL, WNOHANG) > 0)
    children--;
  while (children >= MAX_CHILDREN && waitpid(-1, NULL, 0) > 0)
    children--;
  script = malloc(n);
  if (!script)
    return;
  /* The path is passed as $1, never pasted into the shell text. */
  snprintf(script, n, "%s \"$1\"", opt->tcp_cmd);
  char *argv[] = {"/bin/sh", "-c", script, "tcp_cmd", (char *)path, NULL};
  if (posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ) == 0)
    children++;
  else
    Tf_log_error("cannot run tcp_cmd for %s", path);
  free(script);
}

void Tf_alerts_close(const struct tf_options *opt, const char *path)
{
  if (opt->tcp_alert_fd >= 0)
    dprintf(opt->tcp_alert_fd, "close\t%s\n", path);
  if (opt->tcp_cmd && *opt->tcp_cmd)
    alerts_run_cmd(opt, path);
}

void Tf_alerts_shutdown(void)
{
  while (children > 0 && waitpid(-1, NULL, 0) > 0)
    children--;
}
