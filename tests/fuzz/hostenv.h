/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The host pipeline set up for a harness as tests/unit/testutil.c does,
 * with limits that keep a long fuzzing run small on disk: -b 1 MiB, a
 * small -m so sparse files stay small, and a recycle step that closes
 * every flow and empties the output directory.
 */
#ifndef TF_FUZZ_HOSTENV_H
#define TF_FUZZ_HOSTENV_H

#include "run.h"

/* The run the harness drives; its options are tf_opt. */
extern struct tf_run he_run;

/* tf_opt, the flow table, output and demux; outdir is a scratch dir. */
void He_setup(const char *tag);
/* Close all flows (the close path runs too) and remove their files. */
void He_recycle(void);

#endif
