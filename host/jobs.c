/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The -j parent (jobs.h).  Worker reports live in
 * <outdir>/.tcpflow-jobs-<pid>/ until merged (--merge skips such names).
 * A signal to the parent is passed on to the workers, which stop in order
 * and write their reports; the merge then still runs.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "log.h"
#include "merge.h"
#include "options.h"
#include "partition.h"

#define PATH_LEN 4096

static pid_t workers[TF_PARTITION_MAX];
static int nworkers;
static char dir_names[TF_PARTITION_MAX][PATH_LEN + 32];

static void jobs_forward(int sig)
{
  for (int i = 0; i < nworkers; i++)
    if (workers[i] > 0)
      kill(workers[i], sig);
}

static void jobs_handlers(void (*fn)(int))
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
}

/* A worker's exit status back to the error that made it. */
static tf_err jobs_status_err(int status)
{
  if (!WIFEXITED(status))
    return TF_ERR_INTERNAL;
  switch (WEXITSTATUS(status)) {
  case TF_EXIT_OK:
    return TF_OK;
  case TF_EXIT_USAGE:
    return TF_ERR_USAGE;
  case TF_EXIT_INPUT:
    return TF_ERR_INPUT;
  case TF_EXIT_OUTPUT:
    return TF_ERR_OUTPUT;
  case TF_EXIT_SCANNER:
    return TF_ERR_SCANNER;
  default:
    return TF_ERR_INTERNAL;
  }
}

static int jobs_remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void)st;
  (void)ftw;
  if ((type == FTW_DP ? rmdir(path) : unlink(path)) != 0)
    Tf_log_warn("-j: cannot remove %s: %s", path, strerror(errno));
  return 0;
}

static void jobs_remove(const char *dir)
{
  (void)nftw(dir, jobs_remove_one, 16, FTW_DEPTH | FTW_PHYS); /* each failure is said */
}

tf_err Tf_jobs_run(int n, const char *final_report, int *worker, int *fallback)
{
  char dir[PATH_LEN];
  const char *dirs[TF_PARTITION_MAX];
  tf_err e = TF_OK;
  pid_t parent = getpid();
  int group = (int)(parent % 65535) + 1;
  *worker = -1;
  *fallback = 0;
  snprintf(dir, sizeof(dir), "%s/.tcpflow-jobs-%ld", tf_opt.outdir, (long)parent);
  if (mkdir(dir, 0700) != 0) {
    Tf_log_error("-j: cannot create %s: %s", dir, strerror(errno));
    return TF_ERR_OUTPUT;
  }
  fflush(NULL); /* nothing buffered is written twice */
  for (nworkers = 0; nworkers < n; nworkers++) {
    int k = nworkers;
    snprintf(dir_names[k], sizeof(dir_names[k]), "%s/w%d", dir, k);
    dirs[k] = dir_names[k];
    pid_t pid = fork();
    if (pid < 0) {
      Tf_log_error("-j: cannot start worker %d: %s", k, strerror(errno));
      e = TF_ERR_INTERNAL;
      break;
    }
    if (pid == 0) {
      nworkers = 0;
      *worker = k;
      tf_opt.part_index = (uint32_t)k;
      tf_opt.part_count = (uint32_t)n;
      if (tf_opt.live && !tf_opt.fanout_group)
        tf_opt.fanout_group = group;
      if (tf_opt.live)
        tf_opt.part_count = 1; /* the kernel splits; every packet here is ours */
      tf_opt.outdir = dir_names[k];
      tf_opt.report_path = NULL;
      tf_opt.enable_report = 1; /* the merge needs it */
      return TF_OK;
    }
    workers[k] = pid;
  }
  jobs_handlers(jobs_forward);
  if (e != TF_OK)
    jobs_forward(SIGTERM);
  for (int i = 0; i < nworkers; i++) {
    int status;
    pid_t r;
    while ((r = waitpid(workers[i], &status, 0)) < 0 && errno == EINTR)
      ;
    tf_err we = r < 0 ? TF_ERR_INTERNAL : jobs_status_err(status);
    if (r >= 0 && WIFSIGNALED(status))
      Tf_log_error("-j: worker %d died of signal %d", i, WTERMSIG(status));
    if (we != TF_OK && e == TF_OK)
      e = we;
    workers[i] = 0;
  }
  jobs_handlers(SIG_DFL);
  if (nworkers < n || (e != TF_OK && e != TF_ERR_INPUT && e != TF_ERR_SCANNER)) {
    Tf_log_error("-j: a worker failed; what the workers wrote is in %s", dir);
    return e;
  }
  tf_err me = Tf_merge_dirs(dirs, n, tf_opt.outdir, final_report ? final_report : "", 1);
  if (me == TF_ERR_MERGE_NUMBERING && !tf_opt.live) {
    /* Only a single process numbers these flows as -j 1 does. */
    Tf_log_warn("-j %d: the partitions cannot be put together as one run would number them; "
                "running as -j 1", n);
    jobs_remove(dir);
    *fallback = 1;
    return TF_OK;
  }
  if (me != TF_OK) {
    Tf_log_error("-j: what the workers wrote is in %s", dir);
    return e != TF_OK ? e : me;
  }
  jobs_remove(dir);
  return e;
}
