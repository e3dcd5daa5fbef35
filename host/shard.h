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

/* An option that decides the output, as parsed (letter or long-option id
 * and its argument, or NULL). */
void Tf_shard_add_option(const char *name, const char *arg);
/* A capture file in command-line order (-R: continuation). */
void Tf_shard_add_input(const char *path, int continuation);
/* The <tcpflow:partition> element (run by Tf_report_open). */
void Tf_shard_write_provenance(void);
void Tf_shard_free(void);

#endif
