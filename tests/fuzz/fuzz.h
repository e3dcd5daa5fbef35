/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * What every harness provides, and helpers they share (fuzz_common.c):
 * a scratch directory that is emptied now and then so a long run cannot
 * fill the disk.
 */
#ifndef TF_FUZZ_H
#define TF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A new directory under $TMPDIR (or /tmp), removed at exit. */
const char *Fuzz_scratch_dir(const char *tag);
/* Remove everything below dir, keeping dir itself. */
void Fuzz_empty_dir(const char *dir);

#endif
