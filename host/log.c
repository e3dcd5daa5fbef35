/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
#include "config.h"

#include <stdio.h>

#include "error.h"
#include "log.h"
#include "progress.h"

int tf_debug_level = 1;
int tf_quiet = 0;

void Tf_log_vmsg(const char *prefix, const char *fmt, va_list ap)
{
  Tf_progress_clear(); /* a message never lands inside the status line */
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
  if (tf_quiet || tf_debug_level < 1)
    return;
  va_start(ap, fmt);
  Tf_log_vmsg("warning: ", fmt, ap);
  va_end(ap);
}

void Tf_log_debug(int level, const char *fmt, ...)
{
  va_list ap;
  if (tf_debug_level < level)
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
