/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The one error type of the host.  Functions that can fail return tf_err;
 * TF_OK is zero, every failure is negative.  main.c turns the first fatal
 * error into a message and an exit status (Tf_err_exit_status).
 */
#ifndef TF_ERROR_H
#define TF_ERROR_H

typedef enum {
  TF_OK = 0,
  TF_ERR_USAGE = -1,     /* bad option or setting: exit 1 */
  TF_ERR_INPUT = -2,     /* capture unreadable, truncated, not a capture: exit 2 */
  TF_ERR_OUTPUT = -3,    /* output directory, disk full, write error: exit 3 */
  TF_ERR_NOMEM = -4,     /* out of memory: exit 3 */
  TF_ERR_PLUGIN = -5,    /* a scanner failed to load or start: exit 1 */
  TF_ERR_INTERNAL = -6,  /* a bug: exit 4 */
  TF_ERR_SCANNER = -7    /* a scanner failed or crashed during the run: exit 5 */
} tf_err;

/* Exit statuses documented in the manual page. */
#define TF_EXIT_OK 0
#define TF_EXIT_USAGE 1
#define TF_EXIT_INPUT 2
#define TF_EXIT_OUTPUT 3
#define TF_EXIT_INTERNAL 4
#define TF_EXIT_SCANNER 5
/* A scanner called exit() inside a callback: the report was closed on the
 * way out (dispatch.c), the run did not finish. */
#define TF_EXIT_SCANNER_EXIT 6

int Tf_err_exit_status(tf_err e);

#endif
