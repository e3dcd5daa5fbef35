/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Everything the command line and -S decide, in one struct filled by
 * main.c and read (never written) by the other stages.
 */
#ifndef TF_OPTIONS_H
#define TF_OPTIONS_H

#include <stdint.h>

#include "../sdk/tcpflow/scanner.h"

#define TF_DEFAULT_TEMPLATE "%A.%a-%B.%b%V%v%C%c"
#define TF_DEFAULT_MAX_SEEK (16 * 1024 * 1024)

/* -S report_format: which reports are written (bits). */
enum tf_report_format {
  TF_REPORT_DFXML = 1, /* report.xml */
  TF_REPORT_JSONL = 2, /* report.jsonl */
  TF_REPORT_BOTH = 3
};

enum tf_console_mode {
  TF_CONSOLE_OFF = 0,
  TF_CONSOLE_WITH_HEADER, /* -c */
  TF_CONSOLE_NO_HEADER    /* -C */
};

struct tf_options {
  /* output */
  const char *outdir;       /* "." unless -o */
  char *template_str;       /* -T or -F prefixes + default; owned */
  int store_output;         /* 0 with -FX */
  int counter_always;       /* -Fc: the counter on every name */
  uint64_t max_bytes;       /* -b; UINT64_MAX for unlimited */
  int max_bytes_set;
  int64_t max_seek;         /* -m */
  int strip_nonprint;       /* -s */
  int findx;                /* -I */
  int per_flow_pcap;        /* -K */
  const char *unprocessed_pcap; /* -w */
  long max_fds;             /* -f; 0 = what the OS allows */
  int no_purge;             /* -P */
  int no_decompress;        /* -Z */
  /* console */
  enum tf_console_mode console;
  int console_hex;          /* -D */
  int console_binary;       /* -B */
  int console_color;        /* -g */
  int console_no_newline;   /* -0 */
  int console_json;         /* -J */
  const char *semlock;      /* -L */
  /* report */
  const char *report_path;  /* -X, or NULL for <outdir>/report.xml */
  int enable_report;        /* -S enable_report */
  enum tf_report_format report_format; /* -S report_format */
  /* input */
  const char *interface;    /* -i */
  const char *input_desc;   /* "file", "file + N more" or the interface */
  int live;                 /* capture from an interface */
  int no_promisc;           /* -p */
  char *filter;             /* BPF expression; owned */
  /* settings */
  int64_t tdelta;           /* -S tdelta */
  int64_t tcp_timeout;      /* -S tcp_timeout, seconds of packet time */
  unsigned scanner_timeout;   /* -S scanner_timeout: seconds one scanner call may take; 0 = no limit */
  uint64_t scanner_max_output; /* -S scanner_max_output, bytes per derived file; 0 = no limit */
  int64_t idle_timeout;     /* -S idle_timeout, live capture only */
  const char *tcp_cmd;      /* -S tcp_cmd */
  int tcp_alert_fd;         /* -S tcp_alert_fd */
  int packet_buffer_timeout; /* -S packet-buffer-timeout (ms) */
  /* privileges */
  const char *run_as_user;  /* -U */
  const char *chroot_dir;   /* -z */
  /* scale-out (partition.h): this process writes the connections of
   * partition part_index of part_count, or what the kernel's fanout group
   * fanout_group hands it; part_count is 1 and fanout_group 0 otherwise */
  uint32_t part_index;
  uint32_t part_count;
  int fanout_group;
  int jobs;                 /* -j */
  const char *report_index; /* a -j worker's report index (report.h), or NULL */
  /* the real command line, for the report */
  char *command_line;
};

/* Fills *o with the defaults of every option (what tcpflow does with no
 * option and no -S), the one place they are written.  template_str,
 * filter and command_line are left NULL: their owner (main.c, a test)
 * sets them.  May be called at any time; *o owns nothing afterwards. */
void Tf_options_defaults(struct tf_options *o);

/* The -S settings of the host, NULL-terminated; their default texts say
 * what Tf_options_defaults sets (tests/unit/check_options.c checks). */
extern const struct tfs_setting Tf_options_host_settings[];

#endif
