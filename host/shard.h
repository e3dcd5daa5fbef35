/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * What a partitioned run (--shard, -j workers, --fanout) was run with, for
 * its report: the options that decide the output, the inputs (name, size,
 * modification time, a digest of their first and last 64 KiB) and K/N.
 * --merge (merge.c) refuses shards that disagree.  Strings given to these
 * functions are borrowed and must outlive the run (argv, optarg).
 */
#ifndef TF_SHARD_H
#define TF_SHARD_H

#include "options.h"

struct tf_shard;
struct tf_report;

/* An empty record of a run with the options at *opt (which must outlive
 * it); NULL when out of memory.  Freed by Tf_shard_free. */
struct tf_shard *Tf_shard_new(const struct tf_options *opt);
/* An option that decides the output, as parsed (letter or long-option id
 * and its argument, or NULL). */
void Tf_shard_add_option(struct tf_shard *sh, const char *name, const char *arg);
/* A capture file in command-line order (-R: continuation). */
void Tf_shard_add_input(struct tf_shard *sh, const char *path, int continuation);
/* The <tcpflow:partition> element: run->provenance, with the record as
 * arg. */
void Tf_shard_write_provenance(struct tf_report *rep, void *arg);
/* Frees the record (nothing for NULL). */
void Tf_shard_free(struct tf_shard *sh);

#endif
