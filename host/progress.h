/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The status line on standard error: bytes read of the total of all input
 * files, percent, MB/s, packets, open and closed flows, elapsed time and
 * ETA (live capture: packets, flows and drops from pcap_stats).  Shown and
 * redrawn in place at most 4 times a second when stderr is a terminal,
 * unless -q or a console mode prints to the terminal; a final summary line
 * at the end.  SIGUSR1 (and SIGINFO where it exists) prints the line once
 * even when stderr is not a terminal, as dd does.
 *
 * Cost per packet: a counter and a flag test; the clock is read every 1024
 * packets.  Signal handlers only set a flag (Tf_progress_request).
 */
#ifndef TF_PROGRESS_H
#define TF_PROGRESS_H

#include "error.h"

struct tf_run;
struct tf_source;

/* Creates run->progress and decides whether the line is shown (call after
 * options are parsed); may_show 0 for a -j worker, whose parent owns the
 * terminal.  Without it (tests, fuzzers) the functions taking a run do
 * nothing. */
tf_err Tf_progress_init(struct tf_run *run, int may_show);
/* An input file of the run, counted into the total ("-" has no size). */
void Tf_progress_add_input(struct tf_run *run, const char *path);
/* The source about to be read (path as given) and the end of it; the
 * source must stay open between the two calls. */
void Tf_progress_file_begin(struct tf_run *run, const struct tf_source *s, const char *path);
void Tf_progress_file_end(struct tf_run *run);
/* One packet read (source.c). */
void Tf_progress_packet(struct tf_run *run);
/* Redraw if due or asked for; also called when a live capture is idle. */
void Tf_progress_tick(struct tf_run *run);
/* From a signal handler: print the status line at the next packet or tick. */
void Tf_progress_request(void);
/* The final summary line (when the line was shown); frees run->progress. */
void Tf_progress_finish(struct tf_run *run);

#endif
