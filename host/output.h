/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Flow files: creation with the connection counter, an LRU cache of open
 * descriptors (reopened on demand, so millions of flows work with -f 64),
 * a fixed pool of append buffers (no allocation per packet), the prepend
 * of data that arrives before a flow's first byte, and .findx companions.
 */
#ifndef TF_OUTPUT_H
#define TF_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "flow.h"

struct tf_run;
struct tf_output;

/* max_fds: -f, or 0 for what the OS allows (the soft limit is raised). */
tf_err Tf_output_init(struct tf_run *run, long max_fds);
void Tf_output_shutdown(struct tf_run *run);

/* Descriptors the cache may hold, open now, and the most ever open. */
long Tf_output_fd_budget(const struct tf_output *out);
long Tf_output_open_count(const struct tf_output *out);
long Tf_output_max_open(const struct tf_output *out);

/* Place len bytes at stream offset `offset` of f (creating its file). */
tf_err Tf_output_write(struct tf_output *out, struct tf_flow *f, uint64_t offset,
                       const uint8_t *data, size_t len);
/* Shift the whole file up by `shift` bytes (zeros in front). */
tf_err Tf_output_prepend(struct tf_output *out, struct tf_flow *f, uint64_t shift);
/* Write pending bytes, close the descriptor and set the file times. */
tf_err Tf_output_close(struct tf_output *out, struct tf_flow *f);
/* Read back up to len bytes at offset from a flow's file (for scanners
 * and straggler checks).  Returns bytes read or -1. */
long Tf_output_read(const char *path, uint64_t offset, uint8_t *buf, size_t len);
/* Bytes stored for f: its file's size, pending appends included. */
uint64_t Tf_output_size(const struct tf_flow *f);
/* After Tf_output_close: all Tf_output_size(f) bytes of f in memory (its
 * append buffer, kept until Tf_output_release), or NULL when they must be
 * read from its file. */
const uint8_t *Tf_output_held(const struct tf_flow *f);
/* Read back len bytes at offset of f's file, pending appends included. */
tf_err Tf_output_readback(struct tf_output *out, struct tf_flow *f, uint64_t offset, uint8_t *buf,
                          size_t len);
/* Remove temporary storage (-FX), release the append buffer, path and
 * findx entries. */
void Tf_output_release(struct tf_output *out, struct tf_flow *f);
/* Record a -I entry and write the .findx file at close. */
void Tf_output_findx_add(struct tf_output *out, struct tf_flow *f, uint64_t offset,
                         const struct timeval *ts,
                         uint64_t len);

/* The path of f's file with connection counter `counter`: the output
 * directory prefix and the expanded template.  Returns its length or -1. */
int Tf_output_name(const struct tf_output *out, const struct tf_flow *f, uint32_t counter,
                   char *buf, size_t n);

/* Create the parent directories of path (inside the output directory). */
tf_err Tf_output_mkdirs(const char *path);


#endif
