/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* The command line (cli.h). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../sdk/tcpflow/scanner.h"
#include "cli.h"
#include "fanout.h"
#include "log.h"
#include "naming.h"
#include "options.h"
#include "partition.h"
#include "plugins.h"
#include "settings.h"
#include "shard.h"
#include "tfl_parse.h"

static void cli_usage(FILE *out)
{
  fprintf(out,
          "TCPFLOW version %s\n\n"
          "usage: tcpflow [-aBcCDhIJKpPqsvVZ0] [-b max_bytes] [-d debug_level]\n"
          "     [-[eE] scanner] [-f max_fds] [-F[ctTXMkmg]] [-h|--help] [-i iface]\n"
          "     [-l files...] [-L semlock] [-m min_bytes] [-o outdir] [-r file] [-R file]\n"
          "     [-S name=value] [-T template] [-U|--relinquish-privileges user] [-v|--verbose]\n"
          "     [-w file] [-x scanner] [-X xmlfile] [-z|--chroot dir] [--plugin-dir dir]\n"
          "     [expression]\n\n"
          "   -a: enable all scanners (same as -e all)\n"
          "   -b max_bytes: max number of bytes per flow to save\n"
          "   -d debug_level: debug level; default is 1\n"
          "   -e scanner: enable scanner; -x scanner: disable; -E scanner: only this one\n"
          "   -f max_fds: maximum number of file descriptors to use\n"
          "   -h: print this help message (-hh for more help)\n"
          "   -i iface: network interface on which to listen\n"
          "   -I: write for each flow a file *.findx with byte-indexed timestamps\n"
          "   -g: console output in colours by direction\n"
          "   -l: treat non-flag arguments as input files rather than a pcap expression\n"
          "   -L semlock: lock console writes with the named semaphore semlock\n"
          "   -m bytes: a sequence skip this large starts a new flow file (default %d)\n"
          "   -o outdir: output directory (default '.')\n"
          "   -p: don't use promiscuous mode\n"
          "   -P: no purge: remember every closed flow (straggler detection)\n"
          "   -q: quiet mode - do not print warnings\n"
          "   -r file: read packets from a pcap or pcapng file ('-' for stdin; repeatable)\n"
          "   -R file: read packets from a file only to finish open connections\n"
          "   -S name=value: set a setting (-hh lists them)\n"
          "   -T template: file name template (default %s)\n"
          "   -F[ctTXMkmg]: file name options (-hh for details)\n"
          "   -U user: relinquish privileges and become user (when run as root)\n"
          "   -z dir: chroot to dir (requires -U)\n"
          "   -v: verbose operation, same as -d 10\n"
          "   -V: print version number and exit\n"
          "   -w file: write packets that were not processed to file\n"
          "   -X file: DFXML report file (default <outdir>/report.xml)\n"
          "   -Z: do not decompress gzip-compressed HTTP bodies\n"
          "   -K: write one pcap per flow instead of flow files\n"
          "   --plugin-dir dir: also look for scanners in dir\n"
          "   -j N: N worker processes, each on its share of the connections\n"
          "   --shard K/N: only the connections of partition K of N (0 <= K < N)\n"
          "   --merge -o outdir DIR...: join shard directories into one run's output\n"
          "   --fanout group: -i: share the interface with the other members of group\n"
          "   --list-scanners: the scanners found, as JSON\n"
          "   --check-scanner FILE.so: conformance run of a scanner module\n\n"
          "Console output options:\n"
          "   -c: console print only (no files); -C: the same without the flow name\n"
          "   -B: binary output even with -c or -C\n"
          "   -D: output in hex\n"
          "   -0: no newline after each packet\n"
          "   -s: strip non-printable characters (change to '.')\n"
          "   -J: one JSON object per packet\n\n"
          "expression: tcpdump-like filtering expression (pcap-filter(7))\n",
          PACKAGE_VERSION, TF_DEFAULT_MAX_SEEK, TF_DEFAULT_TEMPLATE);
}

static void cli_usage_more(const struct tf_cli *cli, long fd_budget, FILE *out)
{
  fprintf(out,
          "\nFile name options (-F):\n"
          "   -Fc : append the connection counter to ALL file names\n"
          "   -Ft : prepend the time_t UTC timestamp\n"
          "   -FT : prepend the ISO8601 UTC timestamp\n"
          "   -FX : do not output any files (other than the report)\n"
          "   -FM : MD5 of every flow in the report (enables the md5 scanner)\n"
          "   -Fk : bin output in 1K directories\n"
          "   -Fm : bin output in 1M directories (2 levels)\n"
          "   -Fg : bin output in 1G directories (3 levels)\n\n"
          "File name template (-T):\n"
          "  %%A/%%a source address/port; %%B/%%b destination address/port\n"
          "  %%E/%%e source/destination MAC address\n"
          "  %%V/%%v '--' and the VLAN ID when the flow has a VLAN\n"
          "  %%T/%%t first packet time, ISO8601 / unix time\n"
          "  %%c connection counter if > 0; %%C 'c' if counter > 0; %%# counter always\n"
          "  %%N flow number %% 1000; %%K (/1000) %% 1000; %%M (/1e6) %% 1000; %%G (/1e9) %% 1000\n"
          "  %%S session id (shared by both directions); %%%% a '%%'\n"
          "  '/' makes subdirectories; -T ignores -Fk/-Fm/-Fg (not -Ft/-FT).\n\n"
          "Limits:\n"
          "   file descriptors for flow files: %ld\n\n",
          fd_budget);
  Tf_plugins_print_help(cli->plugins, out);
}

static char *cli_join_args(int argc, char **argv)
{
  size_t n = 1, at = 0;
  char *s;
  for (int i = 0; i < argc; i++)
    n += strlen(argv[i]) + 1;
  s = malloc(n);
  if (!s)
    return NULL;
  for (int i = 0; i < argc; i++) {
    size_t len = strlen(argv[i]);
    if (i)
      s[at++] = ' ';
    memcpy(s + at, argv[i], len);
    at += len;
  }
  s[at] = '\0';
  return s;
}

static int cli_add_input(struct tf_cli *cli, const char *path, int continuation)
{
  if (cli->ninputs == TF_CLI_MAX_INPUTS) {
    Tf_log_error("too many input files (at most %d)", TF_CLI_MAX_INPUTS);
    return -1;
  }
  cli->inputs[cli->ninputs].path = path;
  cli->inputs[cli->ninputs].continuation = continuation;
  cli->ninputs++;
  Tf_shard_add_input(cli->shard, path, continuation);
  return 0;
}

static int cli_set_template(struct tf_cli *cli, const char *t)
{
  char *n = strdup(t);
  if (!n)
    return -1;
  free(cli->opt->template_str);
  cli->opt->template_str = n;
  return 0;
}

static int cli_prepend_template(struct tf_cli *cli, const char *prefix)
{
  size_t n = strlen(prefix) + strlen(cli->opt->template_str) + 1;
  char *s = malloc(n);
  if (!s)
    return -1;
  snprintf(s, n, "%s%s", prefix, cli->opt->template_str);
  free(cli->opt->template_str);
  cli->opt->template_str = s;
  return 0;
}

/* The manual: -T ignores -Fk/-Fm/-Fg whatever their order (1.6.1 kept a
 * binning prefix given after -T); -Ft and -FT still prefix the name. */
static int cli_apply_F_prefixes(struct tf_cli *cli)
{
  for (const char *p = cli->f_prefixes; *p; p++) {
    if (cli->template_given && strchr("kmg", *p))
      continue;
    if (cli_prepend_template(cli, Tf_naming_prefix_for(*p)) != 0)
      return -1;
  }
  return 0;
}

static int cli_parse_F(struct tf_cli *cli, const char *letters)
{
  for (const char *p = letters; *p; p++) {
    if (Tf_naming_prefix_for(*p)) {
      size_t n = strlen(cli->f_prefixes);
      if (n + 1 < sizeof(cli->f_prefixes)) {
        cli->f_prefixes[n] = *p;
        cli->f_prefixes[n + 1] = '\0';
      }
    } else if (*p == 'c') {
      cli->opt->counter_always = 1;
    } else if (*p == 'X') {
      cli->opt->store_output = 0;
    } else if (*p == 'M') {
      Tf_plugins_cmd_enable(cli->plugins, "md5");
    } else {
      Tf_log_error("-F: invalid format letter '%c' (valid: c t T X M k m g)", *p);
      return -1;
    }
  }
  return 0;
}

static int cli_number(const char *opt, const char *s, long long min, long long *out)
{
  int64_t v;
  if (Tfl_parse_i64(s, min, INT64_MAX, &v) != 0) {
    Tf_log_error("%s: '%s' is not a number >= %lld", opt, s, min);
    return -1;
  }
  *out = v;
  return 0;
}

enum {
  OPT_PLUGIN_DIR = 1000,
  OPT_SHARD,
  OPT_MERGE,
  OPT_FANOUT,
  OPT_LIST_SCANNERS,
  OPT_CHECK_SCANNER
};

/* getopt's short options; tcpflow(1) describes each. */
#define CLI_SHORT_OPTIONS "aAb:BcCd:De:E:f:F:ghHi:Ij:JKlL:m:o:pPqr:R:sS:T:U:vVw:x:X:z:Z0"

static const struct option cli_long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"verbose", no_argument, NULL, 'v'},
    {"chroot", required_argument, NULL, 'z'},
    {"relinquish-privileges", required_argument, NULL, 'U'},
    {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"merge", no_argument, NULL, OPT_MERGE},
    {"fanout", required_argument, NULL, OPT_FANOUT},
    {"list-scanners", no_argument, NULL, OPT_LIST_SCANNERS},
    {"check-scanner", required_argument, NULL, OPT_CHECK_SCANNER},
    {NULL, 0, NULL, 0}};

/* Shards record the options that decide their output (shard.h); these do
 * not, so shards may differ in them. */
static void cli_record_option(struct tf_cli *cli, int c, const char *arg)
{
  char name[4];
  if ((c < 256 && strchr("odvqfjrRUzhHVX", c)) || c == OPT_PLUGIN_DIR || c == OPT_SHARD ||
      c == OPT_MERGE || c == OPT_FANOUT || c == OPT_LIST_SCANNERS || c == OPT_CHECK_SCANNER)
    return;
  snprintf(name, sizeof(name), "-%c", c);
  Tf_shard_add_option(cli->shard, name, arg);
}

/* Returns -1 on a usage error (said), 0 to go on. */
static int cli_getopt(struct tf_cli *cli, int argc, char **argv)
{
  int c, files_mode = 0;
  long long v;
  char err[256];
  while ((c = getopt_long(argc, argv, CLI_SHORT_OPTIONS, cli_long_options, NULL)) != -1) {
    cli_record_option(cli, c, optarg);
    switch (c) {
    case 'a':
    case 'A':
      Tf_plugins_cmd_all(cli->plugins);
      break;
    case 'b':
      if (cli_number("-b", optarg, 0, &v))
        return -1;
      cli->opt->max_bytes = (uint64_t)v;
      cli->opt->max_bytes_set = 1;
      break;
    case 'B':
      cli->opt->console_binary = 1;
      break;
    case 'c':
      cli->opt->console = TF_CONSOLE_WITH_HEADER;
      break;
    case 'C':
      cli->opt->console = TF_CONSOLE_NO_HEADER;
      break;
    case 'd':
      if (cli_number("-d", optarg, 0, &v))
        return -1;
      Tf_log_set_level((int)v);
      break;
    case 'D':
      cli->opt->console_hex = 1;
      break;
    case 'e':
      Tf_plugins_cmd_enable(cli->plugins, optarg);
      break;
    case 'E':
      Tf_plugins_cmd_only(cli->plugins, optarg);
      break;
    case 'f':
      if (cli_number("-f", optarg, 1, &v))
        return -1;
      cli->opt->max_fds = (long)v;
      break;
    case 'F':
      if (cli_parse_F(cli, optarg))
        return -1;
      break;
    case 'g':
      cli->opt->console_color = 1;
      break;
    case 'h':
    case 'H':
      cli->help_level++;
      break;
    case 'i':
      cli->opt->interface = optarg;
      cli->opt->live = 1;
      break;
    case 'I':
      cli->opt->findx = 1;
      break;
    case 'J':
      cli->opt->console_json = 1;
      break;
    case 'K':
      cli->opt->per_flow_pcap = 1;
      break;
    case 'l':
      files_mode = 1;
      break;
    case 'L':
      cli->opt->semlock = optarg;
      break;
    case 'm':
      if (cli_number("-m", optarg, 1, &v))
        return -1;
      cli->opt->max_seek = v > INT32_MAX ? INT32_MAX : v;
      break;
    case 'o':
      cli->opt->outdir = optarg;
      break;
    case 'p':
      cli->opt->no_promisc = 1;
      break;
    case 'P':
      cli->opt->no_purge = 1;
      break;
    case 'q':
      Tf_log_set_quiet(1);
      break;
    case 'r':
      if (cli_add_input(cli, optarg, 0))
        return -1;
      break;
    case 'R':
      if (cli_add_input(cli, optarg, 1))
        return -1;
      break;
    case 's':
      cli->opt->strip_nonprint = 1;
      break;
    case 'S':
      if (Tf_settings_add_arg(cli->settings, optarg) != TF_OK)
        return -1;
      break;
    case 'T':
      if (cli_set_template(cli, optarg))
        return -1;
      cli->template_given = 1;
      break;
    case 'U':
      cli->opt->run_as_user = optarg;
      break;
    case 'v':
      Tf_log_set_level(10);
      break;
    case 'V':
      cli->version = 1;
      break;
    case 'w':
      cli->opt->unprocessed_pcap = optarg;
      break;
    case 'x':
      Tf_plugins_cmd_disable(cli->plugins, optarg);
      break;
    case 'X':
      cli->opt->report_path = optarg;
      break;
    case 'z':
      cli->opt->chroot_dir = optarg;
      break;
    case 'Z':
      cli->opt->no_decompress = 1;
      break;
    case '0':
      cli->opt->console_no_newline = 1;
      break;
    case OPT_PLUGIN_DIR:
      Tf_plugins_add_dir(cli->plugins, optarg);
      break;
    case 'j':
      if (cli_number("-j", optarg, 1, &v))
        return -1;
      if (v > TF_PARTITION_MAX) {
        Tf_log_error("-j: at most %d workers", TF_PARTITION_MAX);
        return -1;
      }
      cli->opt->jobs = (int)v;
      break;
    case OPT_SHARD:
      if (Tf_partition_parse(optarg, &cli->opt->part_index, &cli->opt->part_count, err,
                             sizeof(err)) != 0) {
        Tf_log_error("--shard: %s", err);
        return -1;
      }
      cli->shard_given = 1;
      break;
    case OPT_MERGE:
      cli->merge_mode = 1;
      break;
    case OPT_FANOUT:
      if (cli_number("--fanout", optarg, 1, &v))
        return -1;
      if (v > TF_FANOUT_MAX_GROUP) {
        Tf_log_error("--fanout: group is 1 to %d", TF_FANOUT_MAX_GROUP);
        return -1;
      }
      cli->opt->fanout_group = (int)v;
      break;
    case OPT_LIST_SCANNERS:
      cli->list_scanners = 1;
      break;
    case OPT_CHECK_SCANNER:
      cli->check_scanner = optarg;
      break;
    default:
      return -1;
    }
  }
  if (cli_apply_F_prefixes(cli) != 0)
    return -1;
  if (cli->merge_mode) {
    cli->merge_first = optind;
  } else if (files_mode) {
    for (int i = optind; i < argc; i++)
      if (cli_add_input(cli, argv[i], 0))
        return -1;
  } else if (optind < argc) {
    cli->opt->filter = cli_join_args(argc - optind, argv + optind);
  }
  if (cli->opt->part_count == 0)
    cli->opt->part_count = 1;
  return 0;
}

static void cli_plugin_path_dirs(struct tf_cli *cli)
{
  char *path_copy = cli->plugin_path;
  const char *env = getenv("TCPFLOW_PLUGIN_PATH");
  if (env && *env) {
    snprintf(path_copy, sizeof(cli->plugin_path), "%s", env);
    for (char *save = NULL, *d = strtok_r(path_copy, ":", &save); d;
         d = strtok_r(NULL, ":", &save))
      Tf_plugins_add_dir(cli->plugins, d);
  }
  Tf_plugins_add_dir(cli->plugins, PLUGINDIR);
}

static int64_t cli_setting_int(struct tf_cli *cli, const char *name, int64_t dflt)
{
  const char *v = Tf_settings_get(cli->settings, name);
  int64_t n;
  if (!v)
    return dflt;
  if (Tfl_parse_i64(v, INT64_MIN, INT64_MAX, &n) != 0) {
    Tf_log_warn("-S %s=%s is not a number; using %lld", name, v, (long long)dflt);
    return dflt;
  }
  return n;
}

static void cli_host_settings(struct tf_cli *cli)
{
  const char *v;
  /* Unset settings keep the defaults of Tf_options_defaults. */
  cli->opt->tcp_timeout = cli_setting_int(cli, "tcp_timeout", cli->opt->tcp_timeout);
  cli->opt->idle_timeout = cli_setting_int(cli, "idle_timeout", cli->opt->idle_timeout);
  cli->opt->tcp_alert_fd = (int)cli_setting_int(cli, "tcp_alert_fd", cli->opt->tcp_alert_fd);
  cli->opt->tdelta = cli_setting_int(cli, "tdelta", cli->opt->tdelta);
  cli->opt->packet_buffer_timeout =
      (int)cli_setting_int(cli, "packet-buffer-timeout", cli->opt->packet_buffer_timeout);
  cli->opt->tcp_cmd = Tf_settings_get(cli->settings, "tcp_cmd");
  cli->opt->scanner_max_output =
      (uint64_t)cli_setting_int(cli, "scanner_max_output", (int64_t)cli->opt->scanner_max_output);
  {
    int64_t t = cli_setting_int(cli, "scanner_timeout", cli->opt->scanner_timeout);
    cli->opt->scanner_timeout = t < 0 ? 0 : t > 86400 * 365 ? 86400 * 365 : (unsigned)t;
  }
  v = Tf_settings_get(cli->settings, "enable_report");
  if (v)
    cli->opt->enable_report = Tfl_parse_bool(v);
}

static tf_err cli_report_format(struct tf_cli *cli)
{
  const char *fmt = Tf_settings_get(cli->settings, "report_format");
  if (!fmt)
    return TF_OK;
  if (strcmp(fmt, "dfxml") == 0) {
    cli->opt->report_format = TF_REPORT_DFXML;
  } else if (strcmp(fmt, "jsonl") == 0) {
    cli->opt->report_format = TF_REPORT_JSONL;
  } else if (strcmp(fmt, "both") == 0) {
    cli->opt->report_format = TF_REPORT_BOTH;
  } else {
    Tf_log_error("-S report_format=%s: use dfxml, jsonl or both", fmt);
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

/* For Tf_settings_check_known: arg is the command line. */
static int cli_setting_known(void *arg, const char *name)
{
  const struct tf_cli *cli = arg;
  return Tf_plugins_setting_known(cli->plugins, name);
}

static void cli_list_settings(void *arg)
{
  const struct tf_cli *cli = arg;
  Tf_plugins_list_settings(cli->plugins, stderr);
}

/* What a run split into partitions cannot do, or NULL. */
static const char *cli_scale_obstacle(struct tf_cli *cli)
{
  if (cli->opt->console != TF_CONSOLE_OFF)
    return "console output (-c, -C, -J)";
  if (cli->opt->unprocessed_pcap)
    return "-w (one file of unprocessed packets from every partition)";
  if (cli->opt->chroot_dir || cli->opt->run_as_user)
    return "-U or -z";
  return NULL;
}

/* Every -j worker reads every capture. */
static const char *cli_jobs_obstacle(struct tf_cli *cli)
{
  for (int i = 0; i < cli->ninputs; i++)
    if (strcmp(cli->inputs[i].path, "-") == 0)
      return "standard input can be read once only";
  return NULL;
}

/* Checks -j/--shard/--fanout against the other options and the scanners;
 * -j that cannot work becomes -j 1 with a note, the others are refused. */
static tf_err cli_scale_check(struct tf_cli *cli)
{
  char why[256];
  const char *obstacle;
  int jobs = cli->opt->jobs > 1;
  if (!cli->shard_given && !cli->opt->fanout_group && !jobs)
    return TF_OK;
  if (cli->shard_given && cli->opt->live) {
    Tf_log_error("--shard reads capture files; on an interface use --fanout");
    return TF_ERR_USAGE;
  }
  if (cli->opt->fanout_group && !cli->opt->live) {
    Tf_log_error("--fanout needs a live capture (-i)");
    return TF_ERR_USAGE;
  }
  if (cli->shard_given && (jobs || cli->opt->fanout_group)) {
    Tf_log_error("--shard cannot be combined with -j or --fanout");
    return TF_ERR_USAGE;
  }
  obstacle = cli_scale_obstacle(cli);
  if (!obstacle && jobs && !cli->opt->live)
    obstacle = cli_jobs_obstacle(cli);
  if (!obstacle && Tf_plugins_partition(cli->plugins, !cli->opt->live, cli->opt->part_index, why,
                                        sizeof(why)) != TF_OK)
    obstacle = why;
  if (!obstacle)
    return TF_OK;
  if (jobs && !cli->opt->fanout_group) {
    Tf_log_warn("-j %d: %s; running as -j 1", cli->opt->jobs, obstacle);
    cli->opt->jobs = 1;
    return TF_OK;
  }
  Tf_log_error("%s cannot be used with %s", cli->shard_given ? "--shard" : "--fanout", obstacle);
  return TF_ERR_USAGE;
}

/* What the run reads, as 1.6.1's netviz header named it: the interface, or
 * the first file and how many follow.  Scanners see it as tcpflow.input. */
static void cli_describe_input(struct tf_cli *cli)
{
  char *desc = cli->input_desc;
  size_t n = sizeof(cli->input_desc);
  if (cli->opt->live)
    snprintf(desc, n, "%s", cli->opt->interface ? cli->opt->interface : "(default interface)");
  else if (cli->ninputs > 1)
    snprintf(desc, n, "%s + %d more", cli->inputs[0].path, cli->ninputs - 1);
  else
    snprintf(desc, n, "%s", cli->inputs[0].path);
  cli->opt->input_desc = desc;
}

tf_err Tf_cli_parse(struct tf_cli *cli, struct tf_options *opt, int argc, char **argv)
{
  memset(cli, 0, sizeof(*cli));
  cli->opt = opt;
  cli->jobs.worker = -1;
  Tf_options_defaults(opt);
  cli->shard = Tf_shard_new(opt);
  cli->plugins = Tf_plugins_new();
  cli->settings = Tf_settings_new();
  if (!cli->shard || !cli->plugins || !cli->settings) {
    Tf_log_error("out of memory");
    return TF_ERR_NOMEM;
  }
  Tf_plugins_set_host_settings(cli->plugins, Tf_options_host_settings);
  opt->command_line = cli_join_args(argc, argv);
  if (!opt->command_line || cli_set_template(cli, TF_DEFAULT_TEMPLATE) != 0) {
    Tf_log_error("out of memory");
    return TF_ERR_NOMEM;
  }
  optind = 0; /* getopt starts afresh (GNU), should a process read a second command line */
  if (cli_getopt(cli, argc, argv) != 0)
    return TF_ERR_USAGE;
  if (opt->console_json && opt->console == TF_CONSOLE_OFF)
    opt->console = TF_CONSOLE_WITH_HEADER;
  if (opt->console != TF_CONSOLE_OFF)
    opt->store_output = 0;
  return TF_OK;
}

void Tf_cli_free(struct tf_cli *cli)
{
  Tf_shard_free(cli->shard);
  free(cli->jobs.names);
  Tf_plugins_free(cli->plugins);
  Tf_settings_free(cli->settings);
  if (cli->opt) {
    free(cli->opt->template_str);
    free(cli->opt->filter);
    free(cli->opt->command_line);
  }
  memset(cli, 0, sizeof(*cli));
}

void Tf_cli_print_version(FILE *out)
{
  /* First line as 1.6.1 words it ("TCPFLOW 1.6.1"), for scripts that read
   * the version; then what tells this program apart from it. */
  fprintf(out,
          "TCPFLOW %s\n"
          "scanner ABI %d.%d (loads scanner modules built for ABI %d.0 to %d.%d)\n"
          "plugin directory %s\n"
          "a re-implementation of tcpflow 1.6.1 as a plugin host; bugs: %s\n",
          PACKAGE_VERSION, TFS_ABI_MAJOR, TFS_ABI_MINOR, TFS_ABI_MAJOR, TFS_ABI_MAJOR,
          TFS_ABI_MINOR, PLUGINDIR, PACKAGE_BUGREPORT);
}

void Tf_cli_print_help(const struct tf_cli *cli, long fd_budget, FILE *out)
{
  cli_usage(out);
  if (cli->help_level > 1)
    cli_usage_more(cli, fd_budget, out);
}

tf_err Tf_cli_find_scanners(struct tf_cli *cli)
{
  Tf_settings_load_dir(cli->settings, SYSCONFDIR "/tcpflow/scanners.d");
  cli_plugin_path_dirs(cli);
  return Tf_plugins_discover(cli->plugins);
}

/* -T as given (or the default) with the -F prefixes, checked; then the
 * connection counter appended when the template lacks it, so that reused
 * 4-tuples never collide. */
static tf_err cli_finish_template(struct tf_cli *cli)
{
  char err[512];
  /* Check what the user wrote before we append to it. */
  if (Tf_naming_check(cli->opt->template_str, err, sizeof(err)) != 0) {
    Tf_log_error("%s", err);
    return TF_ERR_USAGE;
  }
  if (!strstr(cli->opt->template_str, "%c")) {
    size_t n = strlen(cli->opt->template_str) + 5;
    char *t = malloc(n);
    if (!t)
      return TF_ERR_NOMEM;
    snprintf(t, n, "%s%%C%%c", cli->opt->template_str);
    free(cli->opt->template_str);
    cli->opt->template_str = t;
  }
  if (Tf_naming_check(cli->opt->template_str, err, sizeof(err)) != 0) {
    Tf_log_error("%s", err);
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

/* -z: the chroot is entered with -U only, and what we write is named
 * relative to it. */
static tf_err cli_chroot_check(const struct tf_options *opt)
{
  if (!opt->chroot_dir)
    return TF_OK;
  if (!opt->run_as_user) {
    Tf_log_error("-z requires -U");
    return TF_ERR_USAGE;
  }
  if (opt->outdir[0] == '/' || (opt->report_path && opt->report_path[0] == '/')) {
    Tf_log_error("-z: -o and -X are inside the chroot directory, give them as relative paths");
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

tf_err Tf_cli_settle(struct tf_cli *cli)
{
  tf_err e;
  if ((e = Tf_settings_check_known(cli->settings, cli_setting_known, cli_list_settings, cli)) !=
      TF_OK)
    return e;
  cli_host_settings(cli);
  /* Console output is for reading now: no report.xml dropped in the
   * current directory unless -X asks for one (as upstream did after 1.6.1). */
  if (cli->opt->console != TF_CONSOLE_OFF && !cli->opt->report_path)
    cli->opt->enable_report = 0;
  if ((e = cli_report_format(cli)) != TF_OK)
    return e;
  if ((e = Tf_plugins_select(cli->plugins)) != TF_OK)
    return e;
  if ((e = cli_chroot_check(cli->opt)) != TF_OK)
    return e;
  if ((e = cli_finish_template(cli)) != TF_OK)
    return e;
  if (cli->ninputs == 0)
    cli->opt->live = 1;
  cli_describe_input(cli);
  return cli_scale_check(cli);
}
