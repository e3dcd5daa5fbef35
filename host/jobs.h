/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * -j N: N worker processes, each running the whole pipeline on its
 * partition (partition.h) of the same captures -- or, on an interface, on
 * its share of a fanout group -- writing flow files (straight into the
 * output directory when it can, see jobs.c) and a report of its own, which
 * the parent merges (merge.h).  Processes, not threads: the host keeps
 * state per process.
 */
#ifndef TF_JOBS_H
#define TF_JOBS_H

#include "error.h"
#include "options.h"

/* Where a worker writes: its directory or (written into the output
 * directory) its report, its report's index and its report.jsonl. */
struct tf_jobs_names {
  char report[4096 + 32];
  char index[4096 + 32];
  char jsonl[4096 + 32];
};

/* A -j run as its command line keeps it: a worker's options point into
 * names, so the caller keeps it as long as it runs and frees names. */
struct tf_jobs {
  struct tf_jobs_names *names; /* one per worker; owned (free()) */
  int worker;                  /* this process's worker index, -1 in the parent */
  /* In a worker whose report.jsonl the parent merges: where it writes it
   * (below the jobs directory); NULL otherwise. */
  const char *worker_jsonl;
};

/* Forks n workers.  In a worker returns TF_OK with jobs->worker set to its
 * index and *opt set up for it (partition or fanout group; its report
 * <outdir>/.tcpflow-jobs-<pid>/w<k>.xml, indexed, or its own directory
 * .../w<k> and report there).  In the parent returns, once every worker
 * ended and their reports were merged into final_report and final_jsonl
 * (NULL: not written; report.jsonl only when workers write into outdir),
 * the first error, with jobs->worker = -1; *fallback = 1 when the run
 * cannot equal -j 1 (see TF_ERR_MERGE_NUMBERING; or report.jsonl in the
 * other way): nothing was kept, run as -j 1. */
tf_err Tf_jobs_run(int n, const char *final_report, const char *final_jsonl, struct tf_jobs *jobs,
                   struct tf_options *opt, int *fallback);

#endif
