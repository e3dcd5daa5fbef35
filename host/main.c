/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * tcpflow: command line, wiring of the stages, and the one place where an
 * error becomes a message and an exit status.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../sdk/tcpflow/scanner.h"
#include "conformance.h"
#include "console.h"
#include "demux.h"
#include "dispatch.h"
#include "fanout.h"
#include "flowtab.h"
#include "guard.h"
#include "jobs.h"
#include "log.h"
#include "merge.h"
#include "naming.h"
#include "options.h"
#include "output.h"
#include "partition.h"
#include "pcapout.h"
#include "plugins.h"
#include "progress.h"
#include "run.h"
#include "settings.h"
#include "shard.h"
#include "source.h"
#include "tfl_parse.h"


#define MAX_INPUTS 4096

struct input {
  const char *path;
  int continuation; /* -R */
};

/* The command line, as main() reads it: the options of the stages, and
 * what only main.c acts on.  One for the process, in main(). */
struct main_args {
  struct tf_options *opt;
  struct input inputs[MAX_INPUTS];
  int ninputs;
  int merge_mode;             /* --merge: the other arguments are shard directories */
  int merge_first;            /* argv index of the first of them */
  int shard_given;            /* --shard K/N */
  char f_prefixes[64];        /* -F prefix letters in command-line order */
  int template_given;         /* -T */
  int list_scanners;          /* --list-scanners */
  const char *check_scanner;  /* --check-scanner FILE */
  int outdir_created;         /* by us: -U hands it to the user */
  struct tf_jobs jobs;        /* -j: names of the workers' reports, this process's index */
  struct tf_shard *shard;     /* what a partitioned run records; owned */
  struct tf_plugins *plugins; /* the scanner registry; owned */
  struct tf_settings *settings; /* -S and scanners.d; owned */
  char input_desc[4096];      /* what opt->input_desc points to */
  char plugin_path[8192];     /* $TCPFLOW_PLUGIN_PATH, cut into the plugin directories */
};


static void usage(FILE *out)
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

static void usage_more(struct main_args *args, long fd_budget, FILE *out)
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
  Tf_plugins_print_help(args->plugins, out);
}

static char *join_args(int argc, char **argv)
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

static int add_input(struct main_args *args, const char *path, int continuation)
{
  if (args->ninputs == MAX_INPUTS) {
    Tf_log_error("too many input files (at most %d)", MAX_INPUTS);
    return -1;
  }
  args->inputs[args->ninputs].path = path;
  args->inputs[args->ninputs].continuation = continuation;
  args->ninputs++;
  Tf_shard_add_input(args->shard, path, continuation);
  return 0;
}

static int set_template(struct main_args *args, const char *t)
{
  char *n = strdup(t);
  if (!n)
    return -1;
  free(args->opt->template_str);
  args->opt->template_str = n;
  return 0;
}

static int prepend_template(struct main_args *args, const char *prefix)
{
  size_t n = strlen(prefix) + strlen(args->opt->template_str) + 1;
  char *s = malloc(n);
  if (!s)
    return -1;
  snprintf(s, n, "%s%s", prefix, args->opt->template_str);
  free(args->opt->template_str);
  args->opt->template_str = s;
  return 0;
}


/* The manual: -T ignores -Fk/-Fm/-Fg whatever their order (1.6.1 kept a
 * binning prefix given after -T); -Ft and -FT still prefix the name. */
static int apply_F_prefixes(struct main_args *args)
{
  for (const char *p = args->f_prefixes; *p; p++) {
    if (args->template_given && strchr("kmg", *p))
      continue;
    if (prepend_template(args, Tf_naming_prefix_for(*p)) != 0)
      return -1;
  }
  return 0;
}

static int parse_F(struct main_args *args, const char *letters)
{
  for (const char *p = letters; *p; p++) {
    if (Tf_naming_prefix_for(*p)) {
      size_t n = strlen(args->f_prefixes);
      if (n + 1 < sizeof(args->f_prefixes)) {
        args->f_prefixes[n] = *p;
        args->f_prefixes[n + 1] = '\0';
      }
    } else if (*p == 'c') {
      args->opt->counter_always = 1;
    } else if (*p == 'X') {
      args->opt->store_output = 0;
    } else if (*p == 'M') {
      Tf_plugins_cmd_enable(args->plugins, "md5");
    } else {
      Tf_log_error("-F: invalid format letter '%c' (valid: c t T X M k m g)", *p);
      return -1;
    }
  }
  return 0;
}

static int parse_number(const char *opt, const char *s, long long min, long long *out)
{
  int64_t v;
  if (Tfl_parse_i64(s, min, INT64_MAX, &v) != 0) {
    Tf_log_error("%s: '%s' is not a number >= %lld", opt, s, min);
    return -1;
  }
  *out = v;
  return 0;
}

enum { OPT_PLUGIN_DIR = 1000, OPT_SHARD, OPT_MERGE, OPT_FANOUT, OPT_LIST_SCANNERS, OPT_CHECK_SCANNER };

static const struct option long_options[] = {
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
static void record_option(struct main_args *args, int c, const char *arg)
{
  char name[4];
  if ((c < 256 && strchr("odvqfjrRUzhHVX", c)) || c == OPT_PLUGIN_DIR || c == OPT_SHARD ||
      c == OPT_MERGE || c == OPT_FANOUT || c == OPT_LIST_SCANNERS || c == OPT_CHECK_SCANNER)
    return;
  snprintf(name, sizeof(name), "-%c", c);
  Tf_shard_add_option(args->shard, name, arg);
}

/* Returns -1 on a usage error, 0 to go on; *exit_now for -h/-V. */
static int parse_args(struct main_args *args, int argc, char **argv, int *help_level,
                      int *version)
{
  int c, files_mode = 0;
  long long v;
  char err[256];
  while ((c = getopt_long(argc, argv, "aAb:BcCd:De:E:f:F:ghHi:Ij:JKlL:m:o:pPqr:R:sS:T:U:vVw:x:X:z:Z0",
                          long_options, NULL)) != -1) {
    record_option(args, c, optarg);
    switch (c) {
    case 'a':
    case 'A':
      Tf_plugins_cmd_all(args->plugins);
      break;
    case 'b':
      if (parse_number("-b", optarg, 0, &v))
        return -1;
      args->opt->max_bytes = (uint64_t)v;
      args->opt->max_bytes_set = 1;
      break;
    case 'B':
      args->opt->console_binary = 1;
      break;
    case 'c':
      args->opt->console = TF_CONSOLE_WITH_HEADER;
      break;
    case 'C':
      args->opt->console = TF_CONSOLE_NO_HEADER;
      break;
    case 'd':
      if (parse_number("-d", optarg, 0, &v))
        return -1;
      Tf_log_set_level((int)v);
      break;
    case 'D':
      args->opt->console_hex = 1;
      break;
    case 'e':
      Tf_plugins_cmd_enable(args->plugins, optarg);
      break;
    case 'E':
      Tf_plugins_cmd_only(args->plugins, optarg);
      break;
    case 'f':
      if (parse_number("-f", optarg, 1, &v))
        return -1;
      args->opt->max_fds = (long)v;
      break;
    case 'F':
      if (parse_F(args, optarg))
        return -1;
      break;
    case 'g':
      args->opt->console_color = 1;
      break;
    case 'h':
    case 'H':
      (*help_level)++;
      break;
    case 'i':
      args->opt->interface = optarg;
      args->opt->live = 1;
      break;
    case 'I':
      args->opt->findx = 1;
      break;
    case 'J':
      args->opt->console_json = 1;
      break;
    case 'K':
      args->opt->per_flow_pcap = 1;
      break;
    case 'l':
      files_mode = 1;
      break;
    case 'L':
      args->opt->semlock = optarg;
      break;
    case 'm':
      if (parse_number("-m", optarg, 1, &v))
        return -1;
      args->opt->max_seek = v > INT32_MAX ? INT32_MAX : v;
      break;
    case 'o':
      args->opt->outdir = optarg;
      break;
    case 'p':
      args->opt->no_promisc = 1;
      break;
    case 'P':
      args->opt->no_purge = 1;
      break;
    case 'q':
      Tf_log_set_quiet(1);
      break;
    case 'r':
      if (add_input(args, optarg, 0))
        return -1;
      break;
    case 'R':
      if (add_input(args, optarg, 1))
        return -1;
      break;
    case 's':
      args->opt->strip_nonprint = 1;
      break;
    case 'S':
      if (Tf_settings_add_arg(args->settings, optarg) != TF_OK)
        return -1;
      break;
    case 'T':
      if (set_template(args, optarg))
        return -1;
      args->template_given = 1;
      break;
    case 'U':
      args->opt->run_as_user = optarg;
      break;
    case 'v':
      Tf_log_set_level(10);
      break;
    case 'V':
      *version = 1;
      break;
    case 'w':
      args->opt->unprocessed_pcap = optarg;
      break;
    case 'x':
      Tf_plugins_cmd_disable(args->plugins, optarg);
      break;
    case 'X':
      args->opt->report_path = optarg;
      break;
    case 'z':
      args->opt->chroot_dir = optarg;
      break;
    case 'Z':
      args->opt->no_decompress = 1;
      break;
    case '0':
      args->opt->console_no_newline = 1;
      break;
    case OPT_PLUGIN_DIR:
      Tf_plugins_add_dir(args->plugins, optarg);
      break;
    case 'j':
      if (parse_number("-j", optarg, 1, &v))
        return -1;
      if (v > TF_PARTITION_MAX) {
        Tf_log_error("-j: at most %d workers", TF_PARTITION_MAX);
        return -1;
      }
      args->opt->jobs = (int)v;
      break;
    case OPT_SHARD:
      if (Tf_partition_parse(optarg, &args->opt->part_index, &args->opt->part_count, err,
                             sizeof(err)) != 0) {
        Tf_log_error("--shard: %s", err);
        return -1;
      }
      args->shard_given = 1;
      break;
    case OPT_MERGE:
      args->merge_mode = 1;
      break;
    case OPT_FANOUT:
      if (parse_number("--fanout", optarg, 1, &v))
        return -1;
      if (v > TF_FANOUT_MAX_GROUP) {
        Tf_log_error("--fanout: group is 1 to %d", TF_FANOUT_MAX_GROUP);
        return -1;
      }
      args->opt->fanout_group = (int)v;
      break;
    case OPT_LIST_SCANNERS:
      args->list_scanners = 1;
      break;
    case OPT_CHECK_SCANNER:
      args->check_scanner = optarg;
      break;
    default:
      return -1;
    }
  }
  if (apply_F_prefixes(args) != 0)
    return -1;
  if (args->merge_mode) {
    args->merge_first = optind;
  } else if (files_mode) {
    for (int i = optind; i < argc; i++)
      if (add_input(args, argv[i], 0))
        return -1;
  } else if (optind < argc) {
    args->opt->filter = join_args(argc - optind, argv + optind);
  }
  if (args->opt->part_count == 0)
    args->opt->part_count = 1;
  return 0;
}

static void add_plugin_path_dirs(struct main_args *args)
{
  char *path_copy = args->plugin_path;
  const char *env = getenv("TCPFLOW_PLUGIN_PATH");
  if (env && *env) {
    snprintf(path_copy, sizeof(args->plugin_path), "%s", env);
    for (char *save = NULL, *d = strtok_r(path_copy, ":", &save); d;
         d = strtok_r(NULL, ":", &save))
      Tf_plugins_add_dir(args->plugins, d);
  }
  Tf_plugins_add_dir(args->plugins, PLUGINDIR);
}

static int64_t setting_int(struct main_args *args, const char *name, int64_t dflt)
{
  const char *v = Tf_settings_get(args->settings, name);
  int64_t n;
  if (!v)
    return dflt;
  if (Tfl_parse_i64(v, INT64_MIN, INT64_MAX, &n) != 0) {
    Tf_log_warn("-S %s=%s is not a number; using %lld", name, v, (long long)dflt);
    return dflt;
  }
  return n;
}

static void apply_host_settings(struct main_args *args)
{
  const char *v;
  /* Unset settings keep the defaults of Tf_options_defaults. */
  args->opt->tcp_timeout = setting_int(args, "tcp_timeout", args->opt->tcp_timeout);
  args->opt->idle_timeout = setting_int(args, "idle_timeout", args->opt->idle_timeout);
  args->opt->tcp_alert_fd = (int)setting_int(args, "tcp_alert_fd", args->opt->tcp_alert_fd);
  args->opt->tdelta = setting_int(args, "tdelta", args->opt->tdelta);
  args->opt->packet_buffer_timeout =
      (int)setting_int(args, "packet-buffer-timeout", args->opt->packet_buffer_timeout);
  args->opt->tcp_cmd = Tf_settings_get(args->settings, "tcp_cmd");
  args->opt->scanner_max_output =
      (uint64_t)setting_int(args, "scanner_max_output", (int64_t)args->opt->scanner_max_output);
  {
    int64_t t = setting_int(args, "scanner_timeout", args->opt->scanner_timeout);
    args->opt->scanner_timeout = t < 0 ? 0 : t > 86400 * 365 ? 86400 * 365 : (unsigned)t;
  }
  v = Tf_settings_get(args->settings, "enable_report");
  if (v)
    args->opt->enable_report = Tfl_parse_bool(v);
}

static tf_err check_report_format(struct main_args *args)
{
  const char *fmt = Tf_settings_get(args->settings, "report_format");
  if (!fmt)
    return TF_OK;
  if (strcmp(fmt, "dfxml") == 0) {
    args->opt->report_format = TF_REPORT_DFXML;
  } else if (strcmp(fmt, "jsonl") == 0) {
    args->opt->report_format = TF_REPORT_JSONL;
  } else if (strcmp(fmt, "both") == 0) {
    args->opt->report_format = TF_REPORT_BOTH;
  } else {
    Tf_log_error("-S report_format=%s: use dfxml, jsonl or both", fmt);
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

/* For Tf_settings_check_known: arg is the command line. */
static int setting_known(void *arg, const char *name)
{
  const struct main_args *args = arg;
  return Tf_plugins_setting_known(args->plugins, name);
}

static void list_known_settings(void *arg)
{
  const struct main_args *args = arg;
  Tf_plugins_list_settings(args->plugins, stderr);
}

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
static tf_err prepare_outdir(struct main_args *args)
{
  struct stat st;
  const char *d = args->opt->outdir;
  if (stat(d, &st) != 0) {
    args->outdir_created = 1;
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

static tf_err drop_privileges(struct main_args *args, const char *report_path,
                              const char *jsonl_path)
{
  struct passwd *pw;
  if (!args->opt->run_as_user)
    return TF_OK;
  pw = getpwnam(args->opt->run_as_user);
  if (!pw) {
    Tf_log_error("-U: no such user '%s'", args->opt->run_as_user);
    return TF_ERR_USAGE;
  }
  if (report_path && chown(report_path, pw->pw_uid, pw->pw_gid) != 0)
    Tf_log_warn("cannot give %s to %s: %s", report_path, pw->pw_name, strerror(errno));
  if (jsonl_path && chown(jsonl_path, pw->pw_uid, pw->pw_gid) != 0)
    Tf_log_warn("cannot give %s to %s: %s", jsonl_path, pw->pw_name, strerror(errno));
  if (args->outdir_created && chown(args->opt->outdir, pw->pw_uid, pw->pw_gid) != 0)
    Tf_log_warn("cannot give %s to %s: %s", args->opt->outdir, pw->pw_name, strerror(errno));
  if (args->opt->chroot_dir) {
    if (chroot(".") != 0 || chdir("/") != 0) { /* we are in it already */
      Tf_log_error("cannot chroot to %s: %s", args->opt->chroot_dir, strerror(errno));
      return TF_ERR_USAGE;
    }
  }
  if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
      setuid(pw->pw_uid) != 0) {
    Tf_log_error("cannot become user %s: %s", pw->pw_name, strerror(errno));
    return TF_ERR_USAGE;
  }
  if (setuid(0) == 0) {
    Tf_log_error("privileges could not be dropped");
    return TF_ERR_USAGE;
  }
  Tf_log_debug(2, "now running as %s", pw->pw_name);
  return TF_OK;
}

/* ------------------------------------------------------------ scale-out */


/* What a run split into partitions cannot do, or NULL. */
static const char *scale_obstacle(struct main_args *args)
{
  if (args->opt->console != TF_CONSOLE_OFF)
    return "console output (-c, -C, -J)";
  if (args->opt->unprocessed_pcap)
    return "-w (one file of unprocessed packets from every partition)";
  if (args->opt->chroot_dir || args->opt->run_as_user)
    return "-U or -z";
  return NULL;
}

/* Every -j worker reads every capture. */
static const char *jobs_obstacle(struct main_args *args)
{
  for (int i = 0; i < args->ninputs; i++)
    if (strcmp(args->inputs[i].path, "-") == 0)
      return "standard input can be read once only";
  return NULL;
}

/* Checks -j/--shard/--fanout against the other options and the scanners;
 * -j that cannot work becomes -j 1 with a note, the others are refused. */
static tf_err scale_check(struct main_args *args)
{
  char why[256];
  const char *obstacle;
  int jobs = args->opt->jobs > 1;
  if (!args->shard_given && !args->opt->fanout_group && !jobs)
    return TF_OK;
  if (args->shard_given && args->opt->live) {
    Tf_log_error("--shard reads capture files; on an interface use --fanout");
    return TF_ERR_USAGE;
  }
  if (args->opt->fanout_group && !args->opt->live) {
    Tf_log_error("--fanout needs a live capture (-i)");
    return TF_ERR_USAGE;
  }
  if (args->shard_given && (jobs || args->opt->fanout_group)) {
    Tf_log_error("--shard cannot be combined with -j or --fanout");
    return TF_ERR_USAGE;
  }
  obstacle = scale_obstacle(args);
  if (!obstacle && jobs && !args->opt->live)
    obstacle = jobs_obstacle(args);
  if (!obstacle && Tf_plugins_partition(args->plugins, !args->opt->live, args->opt->part_index, why,
                                        sizeof(why)) != TF_OK)
    obstacle = why;
  if (!obstacle)
    return TF_OK;
  if (jobs && !args->opt->fanout_group) {
    Tf_log_warn("-j %d: %s; running as -j 1", args->opt->jobs, obstacle);
    args->opt->jobs = 1;
    return TF_OK;
  }
  Tf_log_error("%s cannot be used with %s", args->shard_given ? "--shard" : "--fanout", obstacle);
  return TF_ERR_USAGE;
}

/* Where report.xml and report.jsonl go (NULL: not written); the buffers
 * hold the default names. */
static void report_paths(struct main_args *args, char *xml_buf, char *jsonl_buf, size_t n,
                         const char **xml_path, const char **jsonl_path)
{
  int plain = strcmp(args->opt->outdir, ".") == 0;
  int xml = (args->opt->report_format & TF_REPORT_DFXML) != 0;
  int jsonl = (args->opt->report_format & TF_REPORT_JSONL) != 0;
  *xml_path = *jsonl_path = NULL;
  if (xml) {
    snprintf(xml_buf, n, "%s%sreport.xml", plain ? "" : args->opt->outdir, plain ? "" : "/");
    *xml_path = args->opt->report_path ? args->opt->report_path : xml_buf;
  }
  if (jsonl) {
    /* -X names the one report there is; beside report.xml, report.jsonl
     * goes to the output directory. */
    snprintf(jsonl_buf, n, "%s%sreport.jsonl", plain ? "" : args->opt->outdir, plain ? "" : "/");
    *jsonl_path = args->opt->report_path && !xml ? args->opt->report_path : jsonl_buf;
  }
}

/* -j N: the parent forks the workers and merges their reports; a worker
 * comes back with args->jobs.worker set and runs the pipeline. */
static tf_err scale_fork(struct main_args *args, int *parent_done)
{
  char report_buf[4096];
  char jsonl_buf[4096];
  const char *final_report = NULL;
  const char *final_jsonl = NULL;
  tf_err e;
  *parent_done = 0;
  if (args->opt->jobs <= 1)
    return TF_OK;
  if ((e = prepare_outdir(args)) != TF_OK)
    return e;
  if (args->opt->enable_report)
    report_paths(args, report_buf, jsonl_buf, sizeof(report_buf), &final_report, &final_jsonl);
  int fallback;
  e = Tf_jobs_run(args->opt->jobs, final_report, final_jsonl, &args->jobs, args->opt,
                   &fallback);
  if (fallback) {
    args->opt->jobs = 1;
    install_signals();
    return TF_OK; /* this process goes on alone */
  }
  if (args->jobs.worker >= 0) {
    char why[256];
    /* packet scanners stay in partition 0 only */
    if (!args->opt->live &&
        Tf_plugins_partition(args->plugins, 1, args->opt->part_index, why, sizeof(why)) != TF_OK) {
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

/* What the run reads, as 1.6.1's netviz header named it: the interface, or
 * the first file and how many follow.  Scanners see it as tcpflow.input. */
static void describe_input(struct main_args *args)
{
  char *desc = args->input_desc;
  size_t n = sizeof(args->input_desc);
  if (args->opt->live)
    snprintf(desc, n, "%s", args->opt->interface ? args->opt->interface : "(default interface)");
  else if (args->ninputs > 1)
    snprintf(desc, n, "%s + %d more", args->inputs[0].path, args->ninputs - 1);
  else
    snprintf(desc, n, "%s", args->inputs[0].path);
  args->opt->input_desc = desc;
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

/* Everything after option parsing; returns the first fatal error. */
static tf_err main_run(struct main_args *args, struct tf_run *run, int help_level)
{
  struct tf_source src;
  char report_buf[4096];
  char jsonl_buf[4096];
  const char *report_path = NULL;
  const char *jsonl_path = NULL;
  tf_err e, se, input_err = TF_OK, late_err = TF_OK;
  int first = 0;
  struct tf_run_stats st = {0};

  Tf_settings_load_dir(args->settings, SYSCONFDIR "/tcpflow/scanners.d");
  add_plugin_path_dirs(args);
  Tf_plugins_set_host_settings(args->plugins, Tf_options_host_settings);
  if ((e = Tf_plugins_discover(args->plugins)) != TF_OK)
    return e;
  if (args->list_scanners) {
    Tf_plugins_print_json(args->plugins, stdout);
    return TF_OK;
  }
  if (help_level > 0) {
    /* The descriptors flow files may use, as a run would have them. */
    long budget = Tf_output_init(run, args->opt->max_fds) == TF_OK ?
                  Tf_output_fd_budget(run->output) : 0;
    Tf_output_shutdown(run);
    usage(stdout);
    if (help_level > 1)
      usage_more(args, budget, stdout);
    return TF_OK;
  }
  if ((e = Tf_settings_check_known(args->settings, setting_known, list_known_settings, args)) !=
      TF_OK)
    return e;
  apply_host_settings(args);
  if ((e = check_report_format(args)) != TF_OK)
    return e;
  if ((e = Tf_plugins_select(args->plugins)) != TF_OK)
    return e;
  if (args->opt->chroot_dir && !args->opt->run_as_user) {
    Tf_log_error("-z requires -U");
    return TF_ERR_USAGE;
  }
  if (args->opt->chroot_dir && (args->opt->outdir[0] == '/' ||
                            (args->opt->report_path && args->opt->report_path[0] == '/'))) {
    Tf_log_error("-z: -o and -X are inside the chroot directory, give them as relative paths");
    return TF_ERR_USAGE;
  }
  {
    char err[512];
    /* Check what the user wrote before we append to it. */
    if (Tf_naming_check(args->opt->template_str, err, sizeof(err)) != 0) {
      Tf_log_error("%s", err);
      return TF_ERR_USAGE;
    }
    /* Every name carries the counter, so reused 4-tuples never collide. */
    if (!strstr(args->opt->template_str, "%c")) {
      size_t n = strlen(args->opt->template_str) + 5;
      char *t = malloc(n);
      if (!t)
        return TF_ERR_NOMEM;
      snprintf(t, n, "%s%%C%%c", args->opt->template_str);
      free(args->opt->template_str);
      args->opt->template_str = t;
    }
    if (Tf_naming_check(args->opt->template_str, err, sizeof(err)) != 0) {
      Tf_log_error("%s", err);
      return TF_ERR_USAGE;
    }
  }
  if (args->ninputs == 0)
    args->opt->live = 1;
  describe_input(args);
  {
    int parent_done;
    if ((e = scale_check(args)) != TF_OK)
      return e;
    if ((e = scale_fork(args, &parent_done)) != TF_OK || parent_done)
      return e;
    if (args->opt->part_count > 1 || args->opt->fanout_group) {
      run->provenance = Tf_shard_write_provenance;
      run->provenance_arg = args->shard;
    }
  }

  /* Open the first source before creating anything, so that a bad file or
   * filter leaves no output behind. */
  while (first < args->ninputs && args->inputs[first].continuation)
    first++;
  if (first == args->ninputs)
    first = 0; /* only -R files */
  if (args->opt->live)
    e = Tf_source_open_live(run, &src, args->opt->interface);
  else
    e = Tf_source_open_file(run, &src, args->inputs[first].path);
  if (e != TF_OK)
    return e;
  /* With -z everything we write lives inside the chroot directory: work
   * from there already, so the paths mean the same before and after. */
  if (args->opt->chroot_dir && chdir(args->opt->chroot_dir) != 0) {
    Tf_log_error("-z %s: %s", args->opt->chroot_dir, strerror(errno));
    Tf_source_close(&src);
    return TF_ERR_USAGE;
  }
  if (args->opt->console == TF_CONSOLE_OFF && (e = prepare_outdir(args)) != TF_OK) {
    Tf_source_close(&src);
    return e;
  }
  if ((e = Tf_flowtab_init(run)) != TF_OK ||
      (e = Tf_output_init(run, args->opt->max_fds)) != TF_OK ||
      (e = Tf_demux_init(run)) != TF_OK || (e = Tf_console_init(run)) != TF_OK ||
      (e = Tf_pcapout_init(run)) != TF_OK) {
    main_abandon(run, &src);
    return e;
  }
  Tf_log_debug(10, "file descriptors available for flows: %ld",
               Tf_output_fd_budget(run->output));
  if (args->opt->unprocessed_pcap &&
      (e = Tf_pcapout_unprocessed_open(run, args->opt->unprocessed_pcap)) != TF_OK) {
    main_abandon(run, &src);
    return e;
  }
  if ((e = Tf_dispatch_start(run)) != TF_OK) {
    main_abandon(run, &src);
    return e;
  }
  if ((e = Tf_source_init(run)) != TF_OK) {
    main_abandon(run, &src);
    return e;
  }
  /* Console output is for reading now: no report.xml dropped in the
   * current directory unless -X asks for one (as upstream did after 1.6.1). */
  if (args->opt->console != TF_CONSOLE_OFF && !args->opt->report_path)
    args->opt->enable_report = 0;
  if (args->opt->enable_report) {
    report_paths(args, report_buf, jsonl_buf, sizeof(report_buf), &report_path, &jsonl_path);
    if (args->jobs.worker >= 0 && args->jobs.worker_jsonl)
      jsonl_path = args->jobs.worker_jsonl;
    if ((e = Tf_report_open(run, report_path, jsonl_path)) != TF_OK) {
      main_abandon(run, &src);
      return e;
    }
    if (report_path && args->jobs.worker < 0)
      Tf_log_debug(1, "report file: %s", report_path);
    if (jsonl_path && args->jobs.worker < 0)
      Tf_log_debug(1, "flow log: %s", jsonl_path);
  }
  if ((e = drop_privileges(args, report_path, jsonl_path)) != TF_OK) {
    Tf_source_close(&src);
  } else if ((e = Tf_progress_init(run, args->jobs.worker < 0)) != TF_OK) {
    Tf_source_close(&src);
  } else if (args->opt->live) {
    e = process_source(run, &src, args->opt->interface, 0);
  } else {
    for (int i = 0; i < args->ninputs; i++)
      Tf_progress_add_input(run, args->inputs[i].path);
    /* -r files in order, then the -R files, as 1.6.1 does. */
    for (int pass = 0; pass < 2 && e == TF_OK; pass++) {
      for (int i = 0; i < args->ninputs && e == TF_OK && !Tf_source_stop_requested(); i++) {
        if (args->inputs[i].continuation != pass)
          continue;
        if (i != first) { /* the first one is open already */
          tf_err oe = Tf_source_open_file(run, &src, args->inputs[i].path);
          if (oe == TF_ERR_USAGE) {
            e = oe;
            break;
          }
          if (oe != TF_OK) {
            input_err = oe; /* go on with the other files */
            continue;
          }
        }
        tf_err re = process_source(run, &src, args->inputs[i].path, pass);
        if (re != TF_OK && input_err == TF_OK)
          input_err = re;
        e = Tf_demux_error(run);
      }
    }
  }
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
  Tf_plugins_shutdown(args->plugins);
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
  if (Tf_plugins_failures(args->plugins) > 0)
    return TF_ERR_SCANNER; /* the flows are complete, a scanner's results are not */
  return TF_OK;
}

int main(int argc, char **argv)
{
  int help_level = 0, version = 0;
  int status;
  tf_err e;
  /* The process's one command line (a -j worker keeps its copy). */
  struct tf_options options;
  struct main_args margs = {.opt = &options, .jobs.worker = -1};
  struct main_args *args = &margs;
  Tf_options_defaults(args->opt);
  args->shard = Tf_shard_new(args->opt);
  args->plugins = Tf_plugins_new();
  args->settings = Tf_settings_new();
  if (!args->shard || !args->plugins || !args->settings) {
    Tf_log_error("out of memory");
    status = Tf_err_exit_status(TF_ERR_NOMEM);
    goto out;
  }
  args->opt->command_line = join_args(argc, argv);
  if (set_template(args, TF_DEFAULT_TEMPLATE) != 0) {
    status = TF_EXIT_OUTPUT;
    goto out;
  }
  if (parse_args(args, argc, argv, &help_level, &version) != 0) {
    fprintf(stderr, "Try 'tcpflow -h' for more information.\n");
    status = TF_EXIT_USAGE;
    goto out;
  }
  if (version) {
    /* First line as 1.6.1 words it ("TCPFLOW 1.6.1"), for scripts that
       read the version; then what tells this program apart from it. */
    printf("TCPFLOW %s\n"
           "scanner ABI %d.%d (loads scanner modules built for ABI %d.0 to %d.%d)\n"
           "plugin directory %s\n"
           "a re-implementation of tcpflow 1.6.1 as a plugin host; bugs: %s\n",
           PACKAGE_VERSION, TFS_ABI_MAJOR, TFS_ABI_MINOR, TFS_ABI_MAJOR, TFS_ABI_MAJOR,
           TFS_ABI_MINOR, PLUGINDIR, PACKAGE_BUGREPORT);
    status = TF_EXIT_OK;
    goto out;
  }
  if (args->opt->console_json && args->opt->console == TF_CONSOLE_OFF)
    args->opt->console = TF_CONSOLE_WITH_HEADER;
  if (args->opt->console != TF_CONSOLE_OFF)
    args->opt->store_output = 0;
  install_signals();
  if (args->merge_mode) {
    if (help_level || version) {
      Tf_log_error("--merge takes -o outdir, -X report and the shard directories only");
      e = TF_ERR_USAGE;
    } else {
      e = Tf_merge_dirs((const char *const *)argv + args->merge_first,
                        argc - args->merge_first, args->opt->outdir, args->opt->report_path, 0,
                        args->opt->command_line);
    }
  } else if (args->check_scanner) {
    e = Tf_conformance_run(args->check_scanner, stdout);
  } else {
    struct tf_run run;
    Tf_run_init(&run, args->opt);
    run.plugins = args->plugins;
    run.settings = args->settings;
    e = main_run(args, &run, help_level);
  }
  status = Tf_err_exit_status(e);
out:
  Tf_shard_free(args->shard);
  free(args->jobs.names);
  Tf_plugins_free(args->plugins);
  Tf_settings_free(args->settings);
  free(args->opt->template_str);
  free(args->opt->filter);
  free(args->opt->command_line);
  return status;
}
