/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Messages to stderr.  Every message starts with "tcpflow: ".  The debug
 * level (-d, -v) decides what is shown; errors are always shown.
 */
#ifndef TF_LOG_H
#define TF_LOG_H

#include <stdarg.h>

/* The debug level: -d N; 1 by default, 10 with -v. */
void Tf_log_set_level(int debug_level);
int Tf_log_level(void);
/* -q: no warnings. */
void Tf_log_set_quiet(int quiet);
int Tf_log_quiet(void);
/* Draws line as the terminal's status line (progress.c), in place of the
 * one before; the next message wipes it first (Tf_log_status_clear). */
void Tf_log_status(const char *line);
void Tf_log_status_clear(void);

void Tf_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void Tf_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Shown when the debug level is at least level. */
void Tf_log_debug(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void Tf_log_vmsg(const char *prefix, const char *fmt, va_list ap);

#endif
