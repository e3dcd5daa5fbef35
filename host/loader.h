/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Loading one scanner module: the file checks, libltdl, the entry point
 * (called under the crash guard) and the checks of its descriptor against
 * our ABI.  A module that cannot be used is kept with its reason in
 * load_error, so that it is only an error when the run selects it.
 */
#ifndef TF_LOADER_H
#define TF_LOADER_H

#include "error.h"
#include "module.h"

/* Initialises libltdl once.  Errors are logged. */
tf_err Tf_loader_init(void);
/* Fills m (cleared by the caller) from the module file dir/file, whose
 * name without ".so" is stem. */
void Tf_loader_load(struct tfs_ctx *m, const char *dir, const char *file, const char *stem);

#endif
