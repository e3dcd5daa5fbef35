/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The run context: everything one run of tcpflow knows, passed down the
 * pipeline as tcpdump passes its netdissect_options and curl its easy
 * handle.  main.c creates one for the process (a -j worker keeps its copy
 * after fork), the unit tests and fuzzers create their own.
 *
 * Each stage keeps its state in a struct of its own, opaque outside the
 * stage's .c file, created by the stage's init function and freed by its
 * shutdown, which leave the pointer NULL.  A stage reaches another only
 * through that stage's functions, never through its fields.
 *
 * What remains at file scope in host/ is what a signal handler, an
 * atexit handler or the crash guard must reach without a context
 * (source.c's stop request, jobs.c's workers, guard.c, dispatch.c's exit
 * handler), what libltdl's loader callbacks need, the log's verbosity and
 * --merge's scratch buffers, each listed with its reason in
 * tests/tools/host-globals.txt, which make lint checks.
 */
#ifndef TF_RUN_H
#define TF_RUN_H

#include "options.h"

struct tf_alerts;
struct tf_console;
struct tf_dispatch;
struct tf_demux;
struct tf_flowtab;
struct tf_output;
struct tf_pcapout;
struct tf_plugins;
struct tf_settings;
struct tf_progress;
struct tf_report;
struct tf_services;
struct tf_sources;

struct tf_run {
  /* What the command line and -S decided, read-only for the stages:
   * main.c (and a -j worker for its part of the work) writes the options
   * before the stages start. */
  const struct tf_options *opt;
  /* The scanner registry and the settings, which main's command line owns
   * (they are filled while it is read); NULL in tests without scanners. */
  struct tf_plugins *plugins;
  struct tf_settings *settings;

  struct tf_sources *sources;   /* source.c: decoder counters, fragments, BPF state */
  struct tf_flowtab *flows;     /* flowtab.c: the open flows */
  struct tf_output *output;     /* output.c: flow files, their buffers and descriptors */
  struct tf_demux *demux;       /* demux.c: reassembly, stragglers, ids */
  struct tf_console *console;   /* console.c: -c/-C/-D output */
  struct tf_pcapout *pcapout;   /* pcapout.c: -w and -K files */
  struct tf_progress *progress; /* progress.c: the status line (NULL: none) */
  struct tf_dispatch *dispatch; /* dispatch.c: scanner calls (NULL: not started) */
  struct tf_services *services; /* services.c: what scanners' calls share */
  struct tf_report *report;     /* report.c: report.xml, report.jsonl (NULL: none) */
  struct tf_alerts *alerts;     /* alerts.c: tcp_cmd children (NULL: none yet) */
  int scanners_defer;           /* a started scanner may finish flows later:
                                   set by dispatch.c, read by report.c */
  /* A partitioned run's description, written by Tf_report_open before the
   * flows (shard.c); NULL otherwise. */
  void (*provenance)(struct tf_report *rep, void *arg);
  void *provenance_arg;
};

/* A run with the options at *opt (owned by the caller, alive as long as
 * the run) and no stage started. */
static inline void Tf_run_init(struct tf_run *run, const struct tf_options *opt)
{
  *run = (struct tf_run){.opt = opt};
}

#endif
