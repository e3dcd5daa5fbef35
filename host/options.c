/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The defaults of struct tf_options, written once (see options.h).  The
 * program, the unit tests and the fuzz harnesses all start from here; the
 * -S settings the host declares take their defaults from here too (the
 * texts of the settings table in main.c are checked against these by
 * tests/unit/check_options.c).
 */
#include "config.h"

#include <string.h>

#include "../sdk/tcpflow/scanner.h"
#include "options.h"

/* The -S settings the host declares (scanners declare their own); the
 * texts are what -h and --list-settings show as defaults. */
const struct tfs_setting Tf_options_host_settings[] = {
    {"tcp_timeout", "0", "close a flow idle this many seconds of packet time (0: never)"},
    {"idle_timeout", "600", "live capture: close flows idle this many seconds"},
    {"tcp_cmd", "", "command run with the path of every closed flow"},
    {"tcp_alert_fd", "-1", "file descriptor that gets open/close lines for flow files"},
    {"tdelta", "0", "seconds added to every packet time"},
    {"enable_report", "YES", "write the DFXML report"},
    {"report_format", "dfxml", "dfxml (report.xml), jsonl (report.jsonl) or both"},
    {"packet-buffer-timeout", "10", "live capture: milliseconds between deliveries"},
    {"scanner_max_output", "0", "most bytes a scanner may write to one derived file (0: no limit)"},
    {"scanner_timeout", "600", "seconds one scanner call may run before the scanner is stopped (0: no limit)"},
    {NULL, NULL, NULL}};

void Tf_options_defaults(struct tf_options *o)
{
  memset(o, 0, sizeof(*o));
  o->outdir = ".";
  o->store_output = 1;
  o->max_bytes = UINT64_MAX; /* -b not given: no limit */
  o->max_seek = TF_DEFAULT_MAX_SEEK;
  o->console = TF_CONSOLE_OFF;
  o->enable_report = 1;
  o->report_format = TF_REPORT_DFXML;
  o->tcp_timeout = 0;        /* never, by packet time */
  o->idle_timeout = 600;
  o->tcp_alert_fd = -1;      /* none */
  o->packet_buffer_timeout = 10;
  o->scanner_max_output = 0; /* no limit */
  o->scanner_timeout = 600;  /* a hung scanner is stopped after 10 minutes */
}
