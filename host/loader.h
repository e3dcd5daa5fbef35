/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Loading scanner modules: the file checks, a probe in a child process
 * that reads the descriptor, the checks of the descriptor against our ABI,
 * and later, for the scanners the run enables only, opening the module in
 * the tcpflow process (libltdl, local scope, immediate binding).  A module
 * that cannot be used is kept with its reason in load_error, so that it is
 * only an error when the run selects it.
 */
#ifndef TF_LOADER_H
#define TF_LOADER_H

#include "error.h"
#include "module.h"

/* Initialises libltdl once.  Errors are logged. */
tf_err Tf_loader_init(void);
/* Fills m (cleared by the caller) from the module file dir/file, whose
 * name without ".so" is stem: m->desc becomes a copy of the descriptor
 * (owned by m until Tf_loader_release), or load_error says why not.  No
 * code of the module runs in this process (but see
 * Tf_loader_set_probe_in_process). */
void Tf_loader_probe(struct tfs_ctx *m, const char *dir, const char *file, const char *stem);
/* Opens a probed module in this process for the run: m->desc becomes the
 * module's own descriptor.  On error load_error says why (the module and,
 * for an unresolved symbol, the symbol) and TF_ERR_PLUGIN is returned. */
tf_err Tf_loader_open(struct tfs_ctx *m);
/* Frees the probe's copy (the module stays mapped until exit). */
void Tf_loader_release(struct tfs_ctx *m);
/* For the descriptor fuzzer: probe in this process (under the crash
 * guard) instead of a child, so that its sanitizers see the reading. */
void Tf_loader_set_probe_in_process(int on);

#endif
