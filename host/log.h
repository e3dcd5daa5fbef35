/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Messages to stderr.  Every message starts with "tcpflow: ".  The debug
 * level (-d, -v) decides what is shown; errors are always shown.
 */
#ifndef TF_LOG_H
#define TF_LOG_H

#include <stdarg.h>

extern int tf_debug_level; /* -d N; 1 by default, 10 with -v */
extern int tf_quiet;       /* -q: no warnings */

void Tf_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void Tf_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown when the debug level is at least level. */
void Tf_log_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void Tf_log_vmsg(const char *prefix, const char *fmt, va_list ap);

#endif
