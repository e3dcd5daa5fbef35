/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The command line: what tcpflow was asked to do, read into the options
 * the stages share (options.h) and what only main.c acts on (struct
 * tf_cli).  Reading it is two steps, because the scanners' settings are
 * known only once the scanner modules have been found:
 *
 *   Tf_cli_parse          argv -> cli and *opt; usage errors said here
 *   Tf_cli_find_scanners  scanners.d, $TCPFLOW_PLUGIN_PATH, discovery
 *   Tf_cli_settle         -S checked and applied, scanners selected, the
 *                         template completed, option combinations checked
 *
 * after which *opt is final and main.c wires the stages.  -h/-V/
 * --list-scanners are answered by main.c between the steps.
 */
#ifndef TF_CLI_H
#define TF_CLI_H

#include <stdio.h>

#include "error.h"
#include "jobs.h"
#include "options.h"

#define TF_CLI_MAX_INPUTS 4096

struct tf_cli_input {
  const char *path;  /* argv's */
  int continuation;  /* -R */
};

/* One for the process, in main(): Tf_cli_parse fills it, Tf_cli_free
 * frees what it owns (and the strings it put into *opt). */
struct tf_cli {
  struct tf_options *opt;       /* the caller's, filled by Tf_cli_parse */
  struct tf_cli_input inputs[TF_CLI_MAX_INPUTS];
  int ninputs;
  int help_level;               /* -h: 1, -hh: 2 */
  int version;                  /* -V */
  int merge_mode;               /* --merge: the other arguments are shard directories */
  int merge_first;              /* argv index of the first of them */
  int shard_given;              /* --shard K/N */
  char f_prefixes[64];          /* -F prefix letters in command-line order */
  int template_given;           /* -T */
  int list_scanners;            /* --list-scanners */
  const char *check_scanner;    /* --check-scanner FILE */
  int outdir_created;           /* by us: -U hands it to the user */
  struct tf_jobs jobs;          /* -j: names of the workers' reports, this process's index */
  struct tf_shard *shard;       /* what a partitioned run records; owned */
  struct tf_plugins *plugins;   /* the scanner registry; owned */
  struct tf_settings *settings; /* -S and scanners.d; owned */
  char input_desc[4096];        /* what opt->input_desc points to */
  char plugin_path[8192];       /* $TCPFLOW_PLUGIN_PATH, cut into the plugin directories */
};

/* Reads argv into *cli (any content: it is cleared) and *opt (set to the
 * defaults first).  TF_ERR_USAGE after saying why, or TF_ERR_NOMEM; cli
 * must be freed with Tf_cli_free whatever the result. */
tf_err Tf_cli_parse(struct tf_cli *cli, struct tf_options *opt, int argc, char **argv);
void Tf_cli_free(struct tf_cli *cli);

/* -V: the version, the scanner ABI, the plugin directory. */
void Tf_cli_print_version(FILE *out);
/* -h (and with -hh the file name options, the limits with fd_budget
 * descriptors for flow files, and the scanners' settings). */
void Tf_cli_print_help(const struct tf_cli *cli, long fd_budget, FILE *out);

/* Reads scanners.d and finds the scanner modules in the plugin
 * directories (--plugin-dir, $TCPFLOW_PLUGIN_PATH, the built-in one). */
tf_err Tf_cli_find_scanners(struct tf_cli *cli);
/* Everything left that decides *opt: -S names checked and the host's
 * settings applied, the scanners selected (-e/-x/-E), the template
 * checked and completed, what the run reads, and the combinations of
 * options that cannot work refused (TF_ERR_USAGE, said).  A -j that
 * cannot work becomes -j 1 with a warning. */
tf_err Tf_cli_settle(struct tf_cli *cli);

#endif
