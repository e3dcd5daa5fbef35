/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * tcpflow: the wiring of the stages (the order they start and stop in,
 * see run.h), the signals, and the one place where an error becomes an
 * exit status.  The command line is cli.c's, the chroot and -U privs.c's.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "conformance.h"
#include "console.h"
#include "demux.h"
#include "dispatch.h"
#include "flowtab.h"
#include "guard.h"
#include "jobs.h"
#include "log.h"
#include "merge.h"
#include "options.h"
#include "output.h"
#include "pcapout.h"
#include "plugins.h"
#include "privs.h"
#include "progress.h"
#include "report.h"
#include "run.h"
#include "shard.h"
#include "source.h"

/* The first signal asks for an orderly stop; a second one while a scanner
 * call has not returned (a hung scanner) leaves that call too. */
static void on_signal(int sig)
{
  if (Tf_source_stop_requested())
    Tf_guard_interrupt(sig);
  Tf_source_request_stop();
}

static void on_status_signal(int sig)
{
  Tf_progress_request();
}

static void install_signals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* The status line on request, as dd does; SA_RESTART so that the read
   * it interrupts goes on. */
  sa.sa_handler = on_status_signal;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
#ifdef SIGINFO
  sigaction(SIGINFO, &sa, NULL);
#endif
}

/* The output directory exists and is writable, before any packet is read. */
static tf_err prepare_outdir(struct tf_cli *cli)
{
  struct stat st;
  const char *d = cli->opt->outdir;
  if (stat(d, &st) != 0) {
    cli->outdir_created = 1;
    char probe[4096];
    snprintf(probe, sizeof(probe), "%s/", d);
    if (Tf_output_mkdirs(probe) != TF_OK)
      return TF_ERR_OUTPUT;
    if (stat(d, &st) != 0) {
      Tf_log_error("cannot create output directory %s: %s", d, strerror(errno));
      return TF_ERR_OUTPUT;
    }
  }
  if (!S_ISDIR(st.st_mode)) {
    Tf_log_error("output directory %s is not a directory", d);
    return TF_ERR_OUTPUT;
  }
  if (access(d, W_OK | X_OK) != 0) {
    Tf_log_error("output directory %s is not writable: %s", d, strerror(errno));
    return TF_ERR_OUTPUT;
  }
  return TF_OK;
}

/* Where report.xml and report.jsonl go (NULL: not written); the buffers
 * hold the default names. */
static void report_paths(struct tf_cli *cli, char *xml_buf, char *jsonl_buf, size_t n,
                         const char **xml_path, const char **jsonl_path)
{
  int plain = strcmp(cli->opt->outdir, ".") == 0;
  int xml = (cli->opt->report_format & TF_REPORT_DFXML) != 0;
  int jsonl = (cli->opt->report_format & TF_REPORT_JSONL) != 0;
  *xml_path = *jsonl_path = NULL;
  if (xml) {
    snprintf(xml_buf, n, "%s%sreport.xml", plain ? "" : cli->opt->outdir, plain ? "" : "/");
    *xml_path = cli->opt->report_path ? cli->opt->report_path : xml_buf;
  }
  if (jsonl) {
    /* -X names the one report there is; beside report.xml, report.jsonl
     * goes to the output directory. */
    snprintf(jsonl_buf, n, "%s%sreport.jsonl", plain ? "" : cli->opt->outdir, plain ? "" : "/");
    *jsonl_path = cli->opt->report_path && !xml ? cli->opt->report_path : jsonl_buf;
  }
}

/* -j N: the parent forks the workers and merges their reports; a worker
 * comes back with cli->jobs.worker set and runs the pipeline. */
static tf_err scale_fork(struct tf_cli *cli, int *parent_done)
{
  char report_buf[4096];
  char jsonl_buf[4096];
  const char *final_report = NULL;
  const char *final_jsonl = NULL;
  tf_err e;
  *parent_done = 0;
  if (cli->opt->jobs <= 1)
    return TF_OK;
  if ((e = prepare_outdir(cli)) != TF_OK)
    return e;
  if (cli->opt->enable_report)
    report_paths(cli, report_buf, jsonl_buf, sizeof(report_buf), &final_report, &final_jsonl);
  int fallback;
  e = Tf_jobs_run(cli->opt->jobs, final_report, final_jsonl, &cli->jobs, cli->opt,
                   &fallback);
  if (fallback) {
    cli->opt->jobs = 1;
    install_signals();
    return TF_OK; /* this process goes on alone */
  }
  if (cli->jobs.worker >= 0) {
    char why[256];
    /* packet scanners stay in partition 0 only */
    if (!cli->opt->live &&
        Tf_plugins_partition(cli->plugins, 1, cli->opt->part_index, why, sizeof(why)) != TF_OK) {
      Tf_log_error("%s", why);
      return TF_ERR_USAGE;
    }
    return TF_OK;
  }
  *parent_done = 1;
  if (final_report)
    Tf_log_debug(1, "report file: %s", final_report);
  if (final_jsonl)
    Tf_log_debug(1, "flow log: %s", final_jsonl);
  return e;
}

static tf_err process_source(struct tf_run *run, struct tf_source *src, const char *path,
                             int continuation)
{
  tf_err e;
  Tf_demux_set_continuation(run, continuation);
  Tf_progress_file_begin(run, src, path);
  e = Tf_source_run(src);
  Tf_progress_file_end(run);
  Tf_source_close(src);
  return e;
}

/* A run that stops before its first packet: the capture is closed, the
 * scanners that started are finished, and what the stages hold is freed;
 * no report is written. */
static void main_abandon(struct tf_run *run, struct tf_source *src)
{
  Tf_source_close(src);
  Tf_dispatch_fini(run);
  (void)Tf_pcapout_shutdown(run); /* a -w file holds no frame: nothing to lose */
  (void)Tf_console_shutdown(run);
  Tf_demux_shutdown(run);
  Tf_source_shutdown(run);
  Tf_output_shutdown(run);
  Tf_flowtab_free(run);
}

/* Where the reports of this process go (main_start fills it). */
struct main_reports {
  char xml_buf[4096];
  char jsonl_buf[4096];
  const char *xml;   /* NULL: none */
  const char *jsonl; /* NULL: none */
};

/* Opens the first capture, the output directory and the stages, in that
 * order: a bad file or filter leaves no output behind.  *first is the
 * input open in *src.  On error everything started is stopped again. */
static tf_err main_start(struct tf_cli *cli, struct tf_run *run, struct tf_source *src,
                         struct main_reports *rp, int *first)
{
  const struct tf_options *opt = cli->opt;
  tf_err e;
  *first = 0;
  while (*first < cli->ninputs && cli->inputs[*first].continuation)
    (*first)++;
  if (*first == cli->ninputs)
    *first = 0; /* only -R files */
  if (opt->live)
    e = Tf_source_open_live(run, src, opt->interface);
  else
    e = Tf_source_open_file(run, src, cli->inputs[*first].path);
  if (e != TF_OK)
    return e;
  if ((e = Tf_privs_enter_dir(opt)) != TF_OK ||
      (opt->console == TF_CONSOLE_OFF && (e = prepare_outdir(cli)) != TF_OK)) {
    Tf_source_close(src);
    return e;
  }
  if ((e = Tf_flowtab_init(run)) != TF_OK || (e = Tf_output_init(run, opt->max_fds)) != TF_OK ||
      (e = Tf_demux_init(run)) != TF_OK || (e = Tf_console_init(run)) != TF_OK ||
      (e = Tf_pcapout_init(run)) != TF_OK)
    goto fail;
  Tf_log_debug(10, "file descriptors available for flows: %ld", Tf_output_fd_budget(run->output));
  if (opt->unprocessed_pcap &&
      (e = Tf_pcapout_unprocessed_open(run, opt->unprocessed_pcap)) != TF_OK)
    goto fail;
  if ((e = Tf_dispatch_start(run)) != TF_OK || (e = Tf_source_init(run)) != TF_OK)
    goto fail;
  rp->xml = rp->jsonl = NULL;
  if (opt->enable_report) {
    report_paths(cli, rp->xml_buf, rp->jsonl_buf, sizeof(rp->xml_buf), &rp->xml, &rp->jsonl);
    if (cli->jobs.worker >= 0 && cli->jobs.worker_jsonl)
      rp->jsonl = cli->jobs.worker_jsonl;
    if ((e = Tf_report_open(run, rp->xml, rp->jsonl)) != TF_OK)
      goto fail;
    if (rp->xml && cli->jobs.worker < 0)
      Tf_log_debug(1, "report file: %s", rp->xml);
    if (rp->jsonl && cli->jobs.worker < 0)
      Tf_log_debug(1, "flow log: %s", rp->jsonl);
  }
  return TF_OK;
fail:
  main_abandon(run, src);
  return e;
}

/* Reads the inputs: the interface, or the -r files in order and then the
 * -R files, as 1.6.1 does; the first is open in *src already.  A file that
 * cannot be read is skipped (*input_err says so); returns a fatal error. */
static tf_err main_read(struct tf_cli *cli, struct tf_run *run, struct tf_source *src,
                        int first, tf_err *input_err)
{
  tf_err e = TF_OK;
  if (cli->opt->live)
    return process_source(run, src, cli->opt->interface, 0);
  for (int i = 0; i < cli->ninputs; i++)
    Tf_progress_add_input(run, cli->inputs[i].path);
  for (int pass = 0; pass < 2 && e == TF_OK; pass++) {
    for (int i = 0; i < cli->ninputs && e == TF_OK && !Tf_source_stop_requested(); i++) {
      if (cli->inputs[i].continuation != pass)
        continue;
      if (i != first) { /* the first one is open already */
        tf_err oe = Tf_source_open_file(run, src, cli->inputs[i].path);
        if (oe == TF_ERR_USAGE)
          return oe;
        if (oe != TF_OK) {
          *input_err = oe; /* go on with the other files */
          continue;
        }
      }
      tf_err re = process_source(run, src, cli->inputs[i].path, pass);
      if (re != TF_OK && *input_err == TF_OK)
        *input_err = re;
      e = Tf_demux_error(run);
    }
  }
  return e;
}

/* Closes the flows still open, finishes the report and stops the stages;
 * returns the run's result: the first fatal error e, else an input that
 * could not be read, else a late write error, else a scanner's failure. */
static tf_err main_finish(struct tf_cli *cli, struct tf_run *run, tf_err e, tf_err input_err)
{
  struct tf_run_stats st = {0};
  tf_err se, late_err = TF_OK;
  if (Tf_source_stop_requested())
    Tf_log_debug(1, "terminating orderly");
  Tf_demux_stats(run, &st);
  Tf_source_stats(run, &st);
  Tf_demux_close_all(run);
  Tf_progress_finish(run);
  if (Tf_report_is_open(run->report)) {
    Tf_report_summary_begin(run->report);
    Tf_dispatch_run_end(run);
    Tf_report_summary_end(run->report);
  }
  if (e == TF_OK)
    e = Tf_demux_error(run);
  if (Tf_report_close(run, &st) != TF_OK && e == TF_OK)
    e = TF_ERR_OUTPUT;
  Tf_dispatch_fini(run);
  Tf_plugins_shutdown(cli->plugins);
  /* Write errors of -w, -K and the console were said when they happened;
   * they make the exit status unless something came first. */
  if ((se = Tf_pcapout_shutdown(run)) != TF_OK && late_err == TF_OK)
    late_err = se;
  if ((se = Tf_console_shutdown(run)) != TF_OK && late_err == TF_OK)
    late_err = se;
  Tf_demux_shutdown(run);
  Tf_source_shutdown(run);
  Tf_output_shutdown(run);
  Tf_flowtab_free(run);
  if (e != TF_OK)
    return e;
  if (input_err != TF_OK)
    return input_err;
  if (late_err != TF_OK)
    return late_err;
  if (Tf_plugins_failures(cli->plugins) > 0)
    return TF_ERR_SCANNER; /* the flows are complete, a scanner's results are not */
  return TF_OK;
}

/* Everything after the command line is read; returns the first fatal
 * error. */
static tf_err main_run(struct tf_cli *cli, struct tf_run *run)
{
  struct tf_source src;
  struct main_reports rp;
  const char *owned[3];
  int first, parent_done;
  tf_err e, input_err = TF_OK;
  if ((e = Tf_cli_find_scanners(cli)) != TF_OK)
    return e;
  if (cli->list_scanners) {
    Tf_plugins_print_json(cli->plugins, stdout);
    return TF_OK;
  }
  if (cli->help_level > 0) {
    /* The descriptors flow files may use, as a run would have them. */
    long budget = Tf_output_init(run, cli->opt->max_fds) == TF_OK ?
                  Tf_output_fd_budget(run->output) : 0;
    Tf_output_shutdown(run);
    Tf_cli_print_help(cli, budget, stdout);
    return TF_OK;
  }
  if ((e = Tf_cli_settle(cli)) != TF_OK)
    return e;
  if ((e = scale_fork(cli, &parent_done)) != TF_OK || parent_done)
    return e;
  if (cli->opt->part_count > 1 || cli->opt->fanout_group) {
    run->provenance = Tf_shard_write_provenance;
    run->provenance_arg = cli->shard;
  }
  if ((e = main_start(cli, run, &src, &rp, &first)) != TF_OK)
    return e;
  owned[0] = rp.xml;
  owned[1] = rp.jsonl;
  owned[2] = cli->outdir_created ? cli->opt->outdir : NULL;
  if ((e = Tf_privs_drop(cli->opt, owned, 3)) != TF_OK ||
      (e = Tf_progress_init(run, cli->jobs.worker < 0)) != TF_OK)
    Tf_source_close(&src);
  else
    e = main_read(cli, run, &src, first, &input_err);
  return main_finish(cli, run, e, input_err);
}

int main(int argc, char **argv)
{
  struct tf_options options; /* the process's one command line */
  struct tf_cli cli;
  tf_err e = Tf_cli_parse(&cli, &options, argc, argv);
  int status;
  if (e == TF_ERR_USAGE)
    fprintf(stderr, "Try 'tcpflow -h' for more information.\n");
  if (e != TF_OK) {
    status = Tf_err_exit_status(e);
  } else if (cli.version) {
    Tf_cli_print_version(stdout);
    status = TF_EXIT_OK;
  } else {
    install_signals();
    if (cli.merge_mode) {
      if (cli.help_level) {
        Tf_log_error("--merge takes -o outdir, -X report and the shard directories only");
        e = TF_ERR_USAGE;
      } else {
        e = Tf_merge_dirs((const char *const *)argv + cli.merge_first, argc - cli.merge_first,
                          options.outdir, options.report_path, 0, options.command_line);
      }
    } else if (cli.check_scanner) {
      e = Tf_conformance_run(cli.check_scanner, stdout);
    } else {
      struct tf_run run;
      Tf_run_init(&run, &options);
      run.plugins = cli.plugins;
      run.settings = cli.settings;
      e = main_run(&cli, &run);
    }
    status = Tf_err_exit_status(e);
  }
  Tf_cli_free(&cli);
  return status;
}
