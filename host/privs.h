/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * -z and -U: the chroot and giving up root.  The run opens its capture,
 * its output directory and its reports first (as root), then enters the
 * chroot and becomes the user, before the first packet is read.  The
 * option checks are the command line's (cli.c).
 */
#ifndef TF_PRIVS_H
#define TF_PRIVS_H

#include "error.h"
#include "options.h"

/* -z: works from inside the chroot directory already, so that the paths
 * the run opens mean the same before and after the chroot. */
tf_err Tf_privs_enter_dir(const struct tf_options *opt);
/* -U: gives the n files in paths (NULL entries skipped: the reports, the
 * output directory when tcpflow created it) to the user, chroots with
 * -z, then becomes the user and checks that root cannot come back.
 * TF_ERR_USAGE (said) when that fails; nothing without -U. */
tf_err Tf_privs_drop(const struct tf_options *opt, const char *const *paths, int n);

#endif
