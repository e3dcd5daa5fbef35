/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <stdio.h>

#include "error.h"
#include "log.h"

/* stderr is one per process, and messages come from every stage, from
 * scanner threads and from the crash guard, none of which need hold a
 * run: what is shown, and whether the status line is on the screen, are
 * the process's. */
static struct {
  int debug_level;  /* -d N; 1 by default, 10 with -v */
  int quiet;        /* -q: no warnings */
  int status_shown; /* a status line is drawn and not yet wiped */
} log_stderr = {1, 0, 0};

void Tf_log_set_level(int debug_level)
{
  log_stderr.debug_level = debug_level;
}

void Tf_log_set_quiet(int quiet)
{
  log_stderr.quiet = quiet;
}

int Tf_log_level(void)
{
  return log_stderr.debug_level;
}

int Tf_log_quiet(void)
{
  return log_stderr.quiet;
}

void Tf_log_status(const char *line)
{
  /* Back to the line start, the line, then clear what a longer previous
   * line left. */
  fprintf(stderr, "\rtcpflow: %s\033[K", line);
  log_stderr.status_shown = 1;
  fflush(stderr);
}

void Tf_log_status_clear(void)
{
  if (!log_stderr.status_shown)
    return;
  fputs("\r\033[K", stderr);
  log_stderr.status_shown = 0;
}

void Tf_log_vmsg(const char *prefix, const char *fmt, va_list ap)
{
  Tf_log_status_clear(); /* a message never lands inside the status line */
  fputs("tcpflow: ", stderr);
  if (prefix)
    fputs(prefix, stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

void Tf_log_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  Tf_log_vmsg("error: ", fmt, ap);
  va_end(ap);
}

void Tf_log_warn(const char *fmt, ...)
{
  va_list ap;
  if (log_stderr.quiet || log_stderr.debug_level < 1)
    return;
  va_start(ap, fmt);
  Tf_log_vmsg("warning: ", fmt, ap);
  va_end(ap);
}

void Tf_log_debug(int level, const char *fmt, ...)
{
  va_list ap;
  if (log_stderr.debug_level < level)
    return;
  va_start(ap, fmt);
  Tf_log_vmsg(NULL, fmt, ap);
  va_end(ap);
}

int Tf_err_exit_status(tf_err e)
{
  switch (e) {
  case TF_OK:
    return TF_EXIT_OK;
  case TF_ERR_USAGE:
  case TF_ERR_PLUGIN:
    return TF_EXIT_USAGE;
  case TF_ERR_INPUT:
    return TF_EXIT_INPUT;
  case TF_ERR_OUTPUT:
  case TF_ERR_NOMEM:
    return TF_EXIT_OUTPUT;
  case TF_ERR_SCANNER:
    return TF_EXIT_SCANNER;
  default:
    return TF_EXIT_INTERNAL;
  }
}
