/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The -j parent (jobs.h).  Worker reports live in
 * <outdir>/.tcpflow-jobs-<pid>/ until merged (--merge skips such names).
 * A signal to the parent is passed on to the workers, which stop in order
 * and write their reports; the merge then still runs.
 *
 * Two ways to run.  Direct (files from capture files, names that tell
 * connections apart, an empty output directory): workers create their
 * flow files in the output directory itself -- names equal -j 1's, since
 * every worker numbers every connection -- and write indexed reports
 * (report.h) that the parent merges as a stream (Tf_merge_jobs).  Else
 * (live capture, other templates, files there already): each worker has
 * a directory of its own, merged as --merge does (Tf_merge_dirs).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "log.h"
#include "merge.h"
#include "options.h"
#include "partition.h"
#include "report.h"

#define PATH_LEN 4096

/* File scope: the parent's SIGINT/SIGTERM handler forwards to them. */
static struct {
  pid_t pids[TF_PARTITION_MAX];
  int n;
  volatile sig_atomic_t signalled; /* the workers were told to stop */
} jobs_workers;

static void jobs_forward(int sig)
{
  jobs_workers.signalled = 1;
  for (int i = 0; i < jobs_workers.n; i++)
    if (jobs_workers.pids[i] > 0)
      kill(jobs_workers.pids[i], sig);
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

/* 1 when file names tell apart every two connections: the template ends
 * with the default's "%A.%a-%B.%b%V%v%C%c" (fixed-width ports and IPv4
 * fields, nothing after the VLAN but the counter), after nothing or a
 * character no address begins with (the -F prefixes end in '/', 'T' or
 * 'Z').  Then flows of different partitions never compete for a name, and
 * workers may create their files side by side in the output directory. */
static int jobs_names_separate(const char *t)
{
  static const char core[] = "%A.%a-%B.%b%V%v%C%c";
  size_t n = strlen(t), k = sizeof(core) - 1;
  if (n < k || strcmp(t + n - k, core) != 0)
    return 0;
  if (n == k)
    return 1;
  char before = t[n - k - 1];
  return before == '/' || !strchr("0123456789abcdefABCDEF:.%", before);
}

/* 1 when dir has no entry: a fallback to -j 1 may then remove whatever the
 * workers put there. */
static int jobs_dir_empty(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  int empty = 1;
  if (!d)
    return 0;
  while (empty && (de = readdir(d)))
    if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
      empty = 0;
  closedir(d);
  return empty;
}

/* Everything in outdir but the jobs directory (a direct run's output, the
 * directory having been empty before it). */
static void jobs_clear_outdir(const char *outdir, const char *keep)
{
  DIR *d = opendir(outdir);
  struct dirent *de;
  const char *base = strrchr(keep, '/');
  base = base ? base + 1 : keep;
  if (!d)
    return;
  while ((de = readdir(d))) {
    char path[PATH_LEN + 256];
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
        strcmp(de->d_name, base) == 0)
      continue;
    snprintf(path, sizeof(path), "%s/%s", outdir, de->d_name);
    jobs_remove(path);
  }
  closedir(d);
}

tf_err Tf_jobs_run(int n, const char *final_report, const char *final_jsonl, struct tf_jobs *jobs,
                   struct tf_options *opt, int *fallback)
{
  struct tf_jobs_names *names;
  char dir[PATH_LEN];
  const char *dirs[TF_PARTITION_MAX];
  const char *idxs[TF_PARTITION_MAX];
  const char *jsonls[TF_PARTITION_MAX];
  int ok[TF_PARTITION_MAX];
  int stopped = 0;
  tf_err e = TF_OK;
  pid_t parent = getpid();
  int group = (int)(parent % 65535) + 1;
  /* Straight into outdir: what any run but a live one does, unless names
   * could collide across partitions or a fallback could not tell the
   * workers' files from what was there. */
  int direct = !opt->live && jobs_names_separate(opt->template_str) &&
               jobs_dir_empty(opt->outdir);
  jobs->worker = -1;
  jobs->worker_jsonl = NULL;
  *fallback = 0;
  if (final_jsonl && !direct) {
    Tf_log_warn("-j %d: report.jsonl is merged only when the workers write into a new or empty "
                "output directory with the default names; running as -j 1", n);
    *fallback = 1;
    return TF_OK;
  }
  free(jobs->names);
  jobs->names = names = calloc((size_t)n, sizeof(*names));
  if (!names) {
    Tf_log_error("-j: out of memory");
    return TF_ERR_NOMEM;
  }
  snprintf(dir, sizeof(dir), "%s/.tcpflow-jobs-%ld", opt->outdir, (long)parent);
  if (mkdir(dir, 0700) != 0) {
    Tf_log_error("-j: cannot create %s: %s", dir, strerror(errno));
    return TF_ERR_OUTPUT;
  }
  Tf_log_debug(2, "-j %d: workers write %s", n,
               direct ? "into the output directory" : "directories of their own");
  fflush(NULL); /* nothing buffered is written twice */
  for (jobs_workers.n = 0; jobs_workers.n < n; jobs_workers.n++) {
    int k = jobs_workers.n;
    struct tf_jobs_names *nm = &names[k];
    if (direct) {
      snprintf(nm->report, sizeof(nm->report), "%s/w%d.xml", dir, k);
      snprintf(nm->index, sizeof(nm->index), "%s/w%d.idx", dir, k);
      snprintf(nm->jsonl, sizeof(nm->jsonl), "%s/w%d.jsonl", dir, k);
    } else {
      snprintf(nm->report, sizeof(nm->report), "%s/w%d", dir, k);
    }
    dirs[k] = nm->report;
    idxs[k] = nm->index;
    jsonls[k] = nm->jsonl;
    pid_t pid = fork();
    if (pid < 0) {
      Tf_log_error("-j: cannot start worker %d: %s", k, strerror(errno));
      e = TF_ERR_INTERNAL;
      break;
    }
    if (pid == 0) {
      jobs_workers.n = 0;
      jobs->worker = k;
      opt->part_index = (uint32_t)k;
      opt->part_count = (uint32_t)n;
      if (opt->live && !opt->fanout_group)
        opt->fanout_group = group;
      if (opt->live)
        opt->part_count = 1; /* the kernel splits; every packet here is ours */
      if (direct) {
        opt->report_path = nm->report;
        opt->report_index = nm->index;
        /* report.xml always: the merge reads the run's frame from it */
        opt->report_format = TF_REPORT_DFXML;
        if (final_jsonl) {
          opt->report_format = TF_REPORT_BOTH;
          jobs->worker_jsonl = nm->jsonl;
        }
      } else {
        opt->outdir = nm->report;
        opt->report_path = NULL;
      }
      opt->enable_report = 1; /* the merge needs it */
      return TF_OK;
    }
    jobs_workers.pids[k] = pid;
  }
  jobs_handlers(jobs_forward);
  if (e != TF_OK)
    jobs_forward(SIGTERM);
  for (int i = 0; i < jobs_workers.n; i++) {
    int status;
    pid_t r;
    struct rusage ru;
    while ((r = wait4(jobs_workers.pids[i], &status, 0, &ru)) < 0 && errno == EINTR)
      ;
    if (r >= 0) /* what each worker cost: the run takes the longest */
      Tf_log_debug(2, "-j: worker %d: %.3f s user, %.3f s system, %ld KiB resident at most", i,
                   ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
                   ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ru.ru_maxrss);
    tf_err we = r < 0 ? TF_ERR_INTERNAL : jobs_status_err(status);
    if (r >= 0 && WIFSIGNALED(status))
      Tf_log_error("-j: worker %d died of signal %d", i, WTERMSIG(status));
    if (we != TF_OK && e == TF_OK)
      e = we;
    /* A worker that exited closed its report, whatever its error: the
     * merge reads it (and, if it is not whole after all, only its flows). */
    ok[i] = r >= 0 && WIFEXITED(status) && we != TF_ERR_INTERNAL;
    /* An output error stops a worker where it happens; input errors are
     * the same in every worker (one capture), scanner errors stop nothing. */
    stopped |= we != TF_OK && we != TF_ERR_SCANNER && we != TF_ERR_INPUT;
    jobs_workers.pids[i] = 0;
  }
  for (int i = jobs_workers.n; i < n; i++)
    ok[i] = 0;
  int all_ok = 1;
  for (int i = 0; i < n; i++)
    all_ok &= ok[i];
  if ((!all_ok || stopped) && !direct) {
    jobs_handlers(SIG_DFL);
    Tf_log_error("-j: a worker failed; what the workers wrote is in %s", dir);
    return e;
  }
  if (!all_ok)
    Tf_log_error("-j: a worker failed; the report lists the flows it finished");
  /* Signals now reach no worker and are ignored: the report is finished. */
  tf_err me = direct ? Tf_merge_jobs(dirs, idxs, final_jsonl ? jsonls : NULL, ok, n,
                                     jobs_workers.signalled || !all_ok || stopped,
                                     final_report ? final_report : "", final_jsonl,
                                     opt->command_line)
                     : Tf_merge_dirs(dirs, n, opt->outdir, final_report ? final_report : "", 1,
                                     opt->command_line);
  jobs_handlers(SIG_DFL);
  if (Tf_log_level() >= 2) {
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    Tf_log_debug(2, "-j: the parent (merge included): %.3f s user, %.3f s system",
                 self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6,
                 self.ru_stime.tv_sec + self.ru_stime.tv_usec / 1e6);
  }
  if (me == TF_ERR_MERGE_NUMBERING && !opt->live) {
    /* Only a single process numbers these flows as -j 1 does. */
    Tf_log_warn("-j %d: the partitions cannot be put together as one run would number them; "
                "running as -j 1", n);
    if (direct)
      jobs_clear_outdir(opt->outdir, dir);
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
