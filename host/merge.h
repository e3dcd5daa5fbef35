/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * --merge and the end of -j: the reports of partitioned runs (shard.h)
 * made into the one report of a single run -- flows in the order a single
 * run closes them, the summary of partition 0, totals checked to agree --
 * and, for --merge, the shards' files moved into one directory (rename(2),
 * or copy and remove across file systems).  Everything is checked before
 * anything is moved: a missing, repeated or foreign shard, or two files of
 * the same name, leaves every directory as it was.
 */
#ifndef TF_MERGE_H
#define TF_MERGE_H

#include "error.h"

/* A merge -j gives up on, to run as -j 1 instead: (only with strict)
 * a late segment changed the flow numbering, or two partitions' files got
 * the same name, or a name exists already in the output directory. */
#define TF_ERR_MERGE_NUMBERING ((tf_err)-100)

/* Shard directories (each with its report.xml) into outdir; the report
 * goes to out_report (NULL: <outdir>/report.xml; "": none).  strict: -j,
 * see TF_ERR_MERGE_NUMBERING; nothing is moved then and nothing said. */
tf_err Tf_merge_dirs(const char *const *dirs, int n, const char *outdir,
                     const char *out_report, int strict, const char *command_line);

/* -j workers that wrote their files into the output directory: their
 * indexed reports (report.h, opt->report_index) merged into out_report
 * ("": checked only) as a stream -- each flow's bytes copied as written, in
 * close order, without a tree of the flows.  Memory does not grow with the
 * number of flows.  ok[i] is 0 for a worker that failed: its flows are
 * copied as far as its files hold them (the rest of the report comes from
 * the others).  lenient: the workers were stopped early (a signal, a
 * failed worker), each after a packet of its own -- totals are the
 * largest, nothing is refused for numbering.  TF_ERR_MERGE_NUMBERING as
 * for strict Tf_merge_dirs (not lenient; nothing written then); other
 * errors are logged.  jsonls (NULL: none): the workers' report.jsonl, a
 * flow line for each index entry, then a summary line; merged into
 * out_jsonl (NULL: not written) the same way.  command_line: this
 * tcpflow's, for the merged report (both functions). */
tf_err Tf_merge_jobs(const char *const *reports, const char *const *indexes,
                     const char *const *jsonls, const int *ok, int n, int lenient,
                     const char *out_report, const char *out_jsonl, const char *command_line);

#endif
