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

/* Where a probe runs the module's entry point: in a child (always, but
 * for the descriptor fuzzer), or in this process under the crash guard so
 * that the fuzzer's sanitizers see the descriptor being read. */
enum tf_probe_where { TF_PROBE_IN_CHILD, TF_PROBE_IN_PROCESS };

/* Initialises libltdl once per process.  Errors are logged. */
tf_err Tf_loader_init(void);
/* Fills m (cleared by the caller) from the module file dir/file, whose
 * name without ".so" is stem: m->desc becomes a copy of the descriptor
 * (owned by m until Tf_loader_release), or load_error says why not.  With
 * TF_PROBE_IN_CHILD no code of the module runs in this process. */
void Tf_loader_probe(struct tfs_ctx *m, const char *dir, const char *file, const char *stem,
                     enum tf_probe_where where);
/* Opens a probed module in this process for the run: m->desc becomes the
 * module's own descriptor.  On error load_error says why (the module and,
 * for an unresolved symbol, the symbol) and TF_ERR_PLUGIN is returned. */
tf_err Tf_loader_open(struct tfs_ctx *m);
/* Frees the probe's copy (the module stays mapped until exit). */
void Tf_loader_release(struct tfs_ctx *m);

#endif
