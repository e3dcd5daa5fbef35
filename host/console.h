/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Console modes (-c, -C with -D, -B, -g, -0, -J, -s, -L): each packet's
 * payload printed in arrival order to standard output, byte-compatible
 * with tcpflow 1.6.1 where 1.6.1 is right.
 */
#ifndef TF_CONSOLE_H
#define TF_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "flow.h"

struct tf_run;

/* Creates run->console and opens the -L semaphore if asked; call once
 * before the first packet. */
tf_err Tf_console_init(struct tf_run *run);
/* Print len payload bytes of flow f (counted in f->console_bytes, cut at
 * -b).  name is the flow's name as 1.6.1 prints it (outdir prefix included). */
void Tf_console_print(struct tf_run *run, struct tf_flow *f, const char *name,
                      const uint8_t *data, size_t len);
/* Flushes and frees run->console (nothing when there is none);
 * TF_ERR_OUTPUT if standard output could not be written (a closed pipe
 * excepted), said once. */
tf_err Tf_console_shutdown(struct tf_run *run);

#endif
