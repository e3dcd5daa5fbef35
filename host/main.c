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
#include "settings.h"
#include "shard.h"
#include "source.h"
#include "tfl_parse.h"

struct tf_options tf_opt;

#define MAX_INPUTS 4096

struct input {
  const char *path;
  int continuation; /* -R */
};

static struct input inputs[MAX_INPUTS];
static int ninputs;
static int merge_mode;    /* --merge: the other arguments are shard directories */
static int merge_first;   /* argv index of the first of them */
static int shard_given;   /* --shard K/N */


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

static void usage_more(FILE *out)
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
          Tf_output_fd_budget());
  Tf_plugins_print_help(out);
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

static int add_input(const char *path, int continuation)
{
  if (ninputs == MAX_INPUTS) {
    Tf_log_error("too many input files (at most %d)", MAX_INPUTS);
    return -1;
  }
  inputs[ninputs].path = path;
  inputs[ninputs].continuation = continuation;
  ninputs++;
  Tf_shard_add_input(path, continuation);
  return 0;
}

static int set_template(const char *t)
{
  char *n = strdup(t);
  if (!n)
    return -1;
  free(tf_opt.template_str);
  tf_opt.template_str = n;
  return 0;
}

static int prepend_template(const char *prefix)
{
  size_t n = strlen(prefix) + strlen(tf_opt.template_str) + 1;
  char *s = malloc(n);
  if (!s)
    return -1;
  snprintf(s, n, "%s%s", prefix, tf_opt.template_str);
  free(tf_opt.template_str);
  tf_opt.template_str = s;
  return 0;
}

/* -F prefix letters in command-line order, applied once -T is known. */
static char f_prefixes[64];
static int template_given;

/* The manual: -T ignores -Fk/-Fm/-Fg whatever their order (1.6.1 kept a
 * binning prefix given after -T); -Ft and -FT still prefix the name. */
static int apply_F_prefixes(void)
{
  for (const char *p = f_prefixes; *p; p++) {
    if (template_given && strchr("kmg", *p))
      continue;
    if (prepend_template(Tf_naming_prefix_for(*p)) != 0)
      return -1;
  }
  return 0;
}

static int parse_F(const char *letters)
{
  for (const char *p = letters; *p; p++) {
    if (Tf_naming_prefix_for(*p)) {
      size_t n = strlen(f_prefixes);
      if (n + 1 < sizeof(f_prefixes)) {
        f_prefixes[n] = *p;
        f_prefixes[n + 1] = '\0';
      }
    } else if (*p == 'c') {
      tf_opt.counter_always = 1;
    } else if (*p == 'X') {
      tf_opt.store_output = 0;
    } else if (*p == 'M') {
      Tf_plugins_cmd_enable("md5");
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

static int list_scanners;         /* --list-scanners */
static const char *check_scanner; /* --check-scanner FILE */

/* Shards record the options that decide their output (shard.h); these do
 * not, so shards may differ in them. */
static void record_option(int c, const char *arg)
{
  char name[4];
  if ((c < 256 && strchr("odvqfjrRUzhHVX", c)) || c == OPT_PLUGIN_DIR || c == OPT_SHARD ||
      c == OPT_MERGE || c == OPT_FANOUT || c == OPT_LIST_SCANNERS || c == OPT_CHECK_SCANNER)
    return;
  snprintf(name, sizeof(name), "-%c", c);
  Tf_shard_add_option(name, arg);
}

/* Returns -1 on a usage error, 0 to go on; *exit_now for -h/-V. */
static int parse_args(int argc, char **argv, int *help_level, int *version)
{
  int c, files_mode = 0;
  long long v;
  char err[256];
  while ((c = getopt_long(argc, argv, "aAb:BcCd:De:E:f:F:ghHi:Ij:JKlL:m:o:pPqr:R:sS:T:U:vVw:x:X:z:Z0",
                          long_options, NULL)) != -1) {
    record_option(c, optarg);
    switch (c) {
    case 'a':
    case 'A':
      Tf_plugins_cmd_all();
      break;
    case 'b':
      if (parse_number("-b", optarg, 0, &v))
        return -1;
      tf_opt.max_bytes = (uint64_t)v;
      tf_opt.max_bytes_set = 1;
      break;
    case 'B':
      tf_opt.console_binary = 1;
      break;
    case 'c':
      tf_opt.console = TF_CONSOLE_WITH_HEADER;
      break;
    case 'C':
      tf_opt.console = TF_CONSOLE_NO_HEADER;
      break;
    case 'd':
      if (parse_number("-d", optarg, 0, &v))
        return -1;
      tf_debug_level = (int)v;
      break;
    case 'D':
      tf_opt.console_hex = 1;
      break;
    case 'e':
      Tf_plugins_cmd_enable(optarg);
      break;
    case 'E':
      Tf_plugins_cmd_only(optarg);
      break;
    case 'f':
      if (parse_number("-f", optarg, 1, &v))
        return -1;
      tf_opt.max_fds = (long)v;
      break;
    case 'F':
      if (parse_F(optarg))
        return -1;
      break;
    case 'g':
      tf_opt.console_color = 1;
      break;
    case 'h':
    case 'H':
      (*help_level)++;
      break;
    case 'i':
      tf_opt.interface = optarg;
      tf_opt.live = 1;
      break;
    case 'I':
      tf_opt.findx = 1;
      break;
    case 'J':
      tf_opt.console_json = 1;
      break;
    case 'K':
      tf_opt.per_flow_pcap = 1;
      break;
    case 'l':
      files_mode = 1;
      break;
    case 'L':
      tf_opt.semlock = optarg;
      break;
    case 'm':
      if (parse_number("-m", optarg, 1, &v))
        return -1;
      tf_opt.max_seek = v > INT32_MAX ? INT32_MAX : v;
      break;
    case 'o':
      tf_opt.outdir = optarg;
      break;
    case 'p':
      tf_opt.no_promisc = 1;
      break;
    case 'P':
      tf_opt.no_purge = 1;
      break;
    case 'q':
      tf_quiet = 1;
      break;
    case 'r':
      if (add_input(optarg, 0))
        return -1;
      break;
    case 'R':
      if (add_input(optarg, 1))
        return -1;
      break;
    case 's':
      tf_opt.strip_nonprint = 1;
      break;
    case 'S':
      if (Tf_settings_add_arg(optarg) != TF_OK)
        return -1;
      break;
    case 'T':
      if (set_template(optarg))
        return -1;
      template_given = 1;
      break;
    case 'U':
      tf_opt.run_as_user = optarg;
      break;
    case 'v':
      tf_debug_level = 10;
      break;
    case 'V':
      *version = 1;
      break;
    case 'w':
      tf_opt.unprocessed_pcap = optarg;
      break;
    case 'x':
      Tf_plugins_cmd_disable(optarg);
      break;
    case 'X':
      tf_opt.report_path = optarg;
      break;
    case 'z':
      tf_opt.chroot_dir = optarg;
      break;
    case 'Z':
      tf_opt.no_decompress = 1;
      break;
    case '0':
      tf_opt.console_no_newline = 1;
      break;
    case OPT_PLUGIN_DIR:
      Tf_plugins_add_dir(optarg);
      break;
    case 'j':
      if (parse_number("-j", optarg, 1, &v))
        return -1;
      if (v > TF_PARTITION_MAX) {
        Tf_log_error("-j: at most %d workers", TF_PARTITION_MAX);
        return -1;
      }
      tf_opt.jobs = (int)v;
      break;
    case OPT_SHARD:
      if (Tf_partition_parse(optarg, &tf_opt.part_index, &tf_opt.part_count, err,
                             sizeof(err)) != 0) {
        Tf_log_error("--shard: %s", err);
        return -1;
      }
      shard_given = 1;
      break;
    case OPT_MERGE:
      merge_mode = 1;
      break;
    case OPT_FANOUT:
      if (parse_number("--fanout", optarg, 1, &v))
        return -1;
      if (v > TF_FANOUT_MAX_GROUP) {
        Tf_log_error("--fanout: group is 1 to %d", TF_FANOUT_MAX_GROUP);
        return -1;
      }
      tf_opt.fanout_group = (int)v;
      break;
    case OPT_LIST_SCANNERS:
      list_scanners = 1;
      break;
    case OPT_CHECK_SCANNER:
      check_scanner = optarg;
      break;
    default:
      return -1;
    }
  }
  if (apply_F_prefixes() != 0)
    return -1;
  if (merge_mode) {
    merge_first = optind;
  } else if (files_mode) {
    for (int i = optind; i < argc; i++)
      if (add_input(argv[i], 0))
        return -1;
  } else if (optind < argc) {
    tf_opt.filter = join_args(argc - optind, argv + optind);
  }
  if (tf_opt.part_count == 0)
    tf_opt.part_count = 1;
  return 0;
}

static void add_plugin_path_dirs(void)
{
  static char path_copy[8192];
  const char *env = getenv("TCPFLOW_PLUGIN_PATH");
  if (env && *env) {
    snprintf(path_copy, sizeof(path_copy), "%s", env);
    for (char *save = NULL, *d = strtok_r(path_copy, ":", &save); d;
         d = strtok_r(NULL, ":", &save))
      Tf_plugins_add_dir(d);
  }
  Tf_plugins_add_dir(PLUGINDIR);
}

static int64_t setting_int(const char *name, int64_t dflt)
{
  const char *v = Tf_settings_get(name);
  int64_t n;
  if (!v)
    return dflt;
  if (Tfl_parse_i64(v, INT64_MIN, INT64_MAX, &n) != 0) {
    Tf_log_warn("-S %s=%s is not a number; using %lld", name, v, (long long)dflt);
    return dflt;
  }
  return n;
}

static void apply_host_settings(void)
{
  const char *v;
  /* Unset settings keep the defaults of Tf_options_defaults. */
  tf_opt.tcp_timeout = setting_int("tcp_timeout", tf_opt.tcp_timeout);
  tf_opt.idle_timeout = setting_int("idle_timeout", tf_opt.idle_timeout);
  tf_opt.tcp_alert_fd = (int)setting_int("tcp_alert_fd", tf_opt.tcp_alert_fd);
  tf_opt.tdelta = setting_int("tdelta", tf_opt.tdelta);
  tf_opt.packet_buffer_timeout =
      (int)setting_int("packet-buffer-timeout", tf_opt.packet_buffer_timeout);
  tf_opt.tcp_cmd = Tf_settings_get("tcp_cmd");
  tf_opt.scanner_max_output =
      (uint64_t)setting_int("scanner_max_output", (int64_t)tf_opt.scanner_max_output);
  {
    int64_t t = setting_int("scanner_timeout", tf_opt.scanner_timeout);
    tf_opt.scanner_timeout = t < 0 ? 0 : t > 86400 * 365 ? 86400 * 365 : (unsigned)t;
  }
  v = Tf_settings_get("enable_report");
  if (v)
    tf_opt.enable_report = Tfl_parse_bool(v);
}

static tf_err check_report_format(void)
{
  const char *fmt = Tf_settings_get("report_format");
  if (!fmt)
    return TF_OK;
  if (strcmp(fmt, "dfxml") == 0) {
    tf_opt.report_format = TF_REPORT_DFXML;
  } else if (strcmp(fmt, "jsonl") == 0) {
    tf_opt.report_format = TF_REPORT_JSONL;
  } else if (strcmp(fmt, "both") == 0) {
    tf_opt.report_format = TF_REPORT_BOTH;
  } else {
    Tf_log_error("-S report_format=%s: use dfxml, jsonl or both", fmt);
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

static void list_known_settings(void)
{
  Tf_plugins_list_settings(stderr);
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

static int outdir_created; /* by us: -U hands it to the user */

/* The output directory exists and is writable, before any packet is read. */
static tf_err prepare_outdir(void)
{
  struct stat st;
  const char *d = tf_opt.outdir;
  if (stat(d, &st) != 0) {
    outdir_created = 1;
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

static tf_err drop_privileges(const char *report_path, const char *jsonl_path)
{
  struct passwd *pw;
  if (!tf_opt.run_as_user)
    return TF_OK;
  pw = getpwnam(tf_opt.run_as_user);
  if (!pw) {
    Tf_log_error("-U: no such user '%s'", tf_opt.run_as_user);
    return TF_ERR_USAGE;
  }
  if (report_path && chown(report_path, pw->pw_uid, pw->pw_gid) != 0)
    Tf_log_warn("cannot give %s to %s: %s", report_path, pw->pw_name, strerror(errno));
  if (jsonl_path && chown(jsonl_path, pw->pw_uid, pw->pw_gid) != 0)
    Tf_log_warn("cannot give %s to %s: %s", jsonl_path, pw->pw_name, strerror(errno));
  if (outdir_created && chown(tf_opt.outdir, pw->pw_uid, pw->pw_gid) != 0)
    Tf_log_warn("cannot give %s to %s: %s", tf_opt.outdir, pw->pw_name, strerror(errno));
  if (tf_opt.chroot_dir) {
    if (chroot(".") != 0 || chdir("/") != 0) { /* we are in it already */
      Tf_log_error("cannot chroot to %s: %s", tf_opt.chroot_dir, strerror(errno));
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

static int jobs_worker = -1; /* -j: this process's worker index */

/* What a run split into partitions cannot do, or NULL. */
static const char *scale_obstacle(void)
{
  if (tf_opt.console != TF_CONSOLE_OFF)
    return "console output (-c, -C, -J)";
  if (tf_opt.unprocessed_pcap)
    return "-w (one file of unprocessed packets from every partition)";
  if (tf_opt.chroot_dir || tf_opt.run_as_user)
    return "-U or -z";
  return NULL;
}

/* Every -j worker reads every capture. */
static const char *jobs_obstacle(void)
{
  for (int i = 0; i < ninputs; i++)
    if (strcmp(inputs[i].path, "-") == 0)
      return "standard input can be read once only";
  return NULL;
}

/* Checks -j/--shard/--fanout against the other options and the scanners;
 * -j that cannot work becomes -j 1 with a note, the others are refused. */
static tf_err scale_check(void)
{
  char why[256];
  const char *obstacle;
  int jobs = tf_opt.jobs > 1;
  if (!shard_given && !tf_opt.fanout_group && !jobs)
    return TF_OK;
  if (shard_given && tf_opt.live) {
    Tf_log_error("--shard reads capture files; on an interface use --fanout");
    return TF_ERR_USAGE;
  }
  if (tf_opt.fanout_group && !tf_opt.live) {
    Tf_log_error("--fanout needs a live capture (-i)");
    return TF_ERR_USAGE;
  }
  if (shard_given && (jobs || tf_opt.fanout_group)) {
    Tf_log_error("--shard cannot be combined with -j or --fanout");
    return TF_ERR_USAGE;
  }
  obstacle = scale_obstacle();
  if (!obstacle && jobs && !tf_opt.live)
    obstacle = jobs_obstacle();
  if (!obstacle && Tf_plugins_partition(!tf_opt.live, why, sizeof(why)) != TF_OK)
    obstacle = why;
  if (!obstacle)
    return TF_OK;
  if (jobs && !tf_opt.fanout_group) {
    Tf_log_warn("-j %d: %s; running as -j 1", tf_opt.jobs, obstacle);
    tf_opt.jobs = 1;
    return TF_OK;
  }
  Tf_log_error("%s cannot be used with %s", shard_given ? "--shard" : "--fanout", obstacle);
  return TF_ERR_USAGE;
}

/* Where report.xml and report.jsonl go (NULL: not written); the buffers
 * hold the default names. */
static void report_paths(char *xml_buf, char *jsonl_buf, size_t n, const char **xml_path,
                         const char **jsonl_path)
{
  int plain = strcmp(tf_opt.outdir, ".") == 0;
  int xml = (tf_opt.report_format & TF_REPORT_DFXML) != 0;
  int jsonl = (tf_opt.report_format & TF_REPORT_JSONL) != 0;
  *xml_path = *jsonl_path = NULL;
  if (xml) {
    snprintf(xml_buf, n, "%s%sreport.xml", plain ? "" : tf_opt.outdir, plain ? "" : "/");
    *xml_path = tf_opt.report_path ? tf_opt.report_path : xml_buf;
  }
  if (jsonl) {
    /* -X names the one report there is; beside report.xml, report.jsonl
     * goes to the output directory. */
    snprintf(jsonl_buf, n, "%s%sreport.jsonl", plain ? "" : tf_opt.outdir, plain ? "" : "/");
    *jsonl_path = tf_opt.report_path && !xml ? tf_opt.report_path : jsonl_buf;
  }
}

/* -j N: the parent forks the workers and merges their reports; a worker
 * comes back with jobs_worker set and runs the pipeline. */
static tf_err scale_fork(int *parent_done)
{
  char report_buf[4096];
  char jsonl_buf[4096];
  const char *final_report = NULL;
  const char *final_jsonl = NULL;
  tf_err e;
  *parent_done = 0;
  if (tf_opt.jobs <= 1)
    return TF_OK;
  if ((e = prepare_outdir()) != TF_OK)
    return e;
  if (tf_opt.enable_report)
    report_paths(report_buf, jsonl_buf, sizeof(report_buf), &final_report, &final_jsonl);
  int fallback;
  e = Tf_jobs_run(tf_opt.jobs, final_report, final_jsonl, &jobs_worker, &fallback);
  if (fallback) {
    tf_opt.jobs = 1;
    install_signals();
    return TF_OK; /* this process goes on alone */
  }
  if (jobs_worker >= 0) {
    char why[256];
    /* packet scanners stay in partition 0 only */
    if (!tf_opt.live && Tf_plugins_partition(1, why, sizeof(why)) != TF_OK) {
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

static tf_err process_source(struct tf_source *src, const char *path, int continuation)
{
  tf_err e;
  Tf_demux_set_continuation(continuation);
  Tf_progress_file_begin(src, path);
  e = Tf_source_run(src);
  Tf_progress_file_end();
  Tf_source_close(src);
  return e;
}

/* What the run reads, as 1.6.1's netviz header named it: the interface, or
 * the first file and how many follow.  Scanners see it as tcpflow.input. */
static void describe_input(void)
{
  static char desc[4096];
  if (tf_opt.live)
    snprintf(desc, sizeof(desc), "%s",
             tf_opt.interface ? tf_opt.interface : "(default interface)");
  else if (ninputs > 1)
    snprintf(desc, sizeof(desc), "%s + %d more", inputs[0].path, ninputs - 1);
  else
    snprintf(desc, sizeof(desc), "%s", inputs[0].path);
  tf_opt.input_desc = desc;
}

/* Everything after option parsing; returns the first fatal error. */
static tf_err run(int help_level)
{
  struct tf_source src;
  char report_buf[4096];
  char jsonl_buf[4096];
  const char *report_path = NULL;
  const char *jsonl_path = NULL;
  tf_err e, se, input_err = TF_OK, late_err = TF_OK;
  int first = 0;
  struct tf_run_stats st = {0};

  Tf_settings_load_dir(SYSCONFDIR "/tcpflow/scanners.d");
  add_plugin_path_dirs();
  Tf_plugins_set_host_settings(Tf_options_host_settings);
  if ((e = Tf_plugins_discover()) != TF_OK)
    return e;
  if (list_scanners) {
    Tf_plugins_print_json(stdout);
    return TF_OK;
  }
  if (help_level > 0) {
    Tf_output_init(tf_opt.max_fds);
    usage(stdout);
    if (help_level > 1)
      usage_more(stdout);
    return TF_OK;
  }
  if ((e = Tf_settings_check_known(Tf_plugins_setting_known, list_known_settings)) != TF_OK)
    return e;
  apply_host_settings();
  if ((e = check_report_format()) != TF_OK)
    return e;
  if ((e = Tf_plugins_select()) != TF_OK)
    return e;
  if (tf_opt.chroot_dir && !tf_opt.run_as_user) {
    Tf_log_error("-z requires -U");
    return TF_ERR_USAGE;
  }
  if (tf_opt.chroot_dir && (tf_opt.outdir[0] == '/' ||
                            (tf_opt.report_path && tf_opt.report_path[0] == '/'))) {
    Tf_log_error("-z: -o and -X are inside the chroot directory, give them as relative paths");
    return TF_ERR_USAGE;
  }
  {
    char err[512];
    /* Check what the user wrote before we append to it. */
    if (Tf_naming_check(tf_opt.template_str, err, sizeof(err)) != 0) {
      Tf_log_error("%s", err);
      return TF_ERR_USAGE;
    }
    /* Every name carries the counter, so reused 4-tuples never collide. */
    if (!strstr(tf_opt.template_str, "%c")) {
      size_t n = strlen(tf_opt.template_str) + 5;
      char *t = malloc(n);
      if (!t)
        return TF_ERR_NOMEM;
      snprintf(t, n, "%s%%C%%c", tf_opt.template_str);
      free(tf_opt.template_str);
      tf_opt.template_str = t;
    }
    if (Tf_naming_check(tf_opt.template_str, err, sizeof(err)) != 0) {
      Tf_log_error("%s", err);
      return TF_ERR_USAGE;
    }
  }
  if (ninputs == 0)
    tf_opt.live = 1;
  describe_input();
  {
    int parent_done;
    if ((e = scale_check()) != TF_OK)
      return e;
    if ((e = scale_fork(&parent_done)) != TF_OK || parent_done)
      return e;
    if (tf_opt.part_count > 1 || tf_opt.fanout_group)
      Tf_report_set_provenance(Tf_shard_write_provenance);
  }

  /* Open the first source before creating anything, so that a bad file or
   * filter leaves no output behind. */
  while (first < ninputs && inputs[first].continuation)
    first++;
  if (first == ninputs)
    first = 0; /* only -R files */
  if (tf_opt.live)
    e = Tf_source_open_live(&src, tf_opt.interface);
  else
    e = Tf_source_open_file(&src, inputs[first].path);
  if (e != TF_OK)
    return e;
  /* With -z everything we write lives inside the chroot directory: work
   * from there already, so the paths mean the same before and after. */
  if (tf_opt.chroot_dir && chdir(tf_opt.chroot_dir) != 0) {
    Tf_log_error("-z %s: %s", tf_opt.chroot_dir, strerror(errno));
    Tf_source_close(&src);
    return TF_ERR_USAGE;
  }
  if (tf_opt.console == TF_CONSOLE_OFF && (e = prepare_outdir()) != TF_OK) {
    Tf_source_close(&src);
    return e;
  }
  if ((e = Tf_flowtab_init()) != TF_OK || (e = Tf_output_init(tf_opt.max_fds)) != TF_OK ||
      (e = Tf_demux_init()) != TF_OK || (e = Tf_console_init()) != TF_OK) {
    Tf_source_close(&src);
    return e;
  }
  Tf_log_debug(10, "file descriptors available for flows: %ld", Tf_output_fd_budget());
  if (tf_opt.unprocessed_pcap && (e = Tf_pcapout_unprocessed_open(tf_opt.unprocessed_pcap)) != TF_OK) {
    Tf_source_close(&src);
    return e;
  }
  if ((e = Tf_dispatch_start()) != TF_OK) {
    Tf_source_close(&src);
    return e;
  }
  if ((e = Tf_source_init()) != TF_OK) {
    Tf_source_close(&src);
    return e;
  }
  /* Console output is for reading now: no report.xml dropped in the
   * current directory unless -X asks for one (as upstream did after 1.6.1). */
  if (tf_opt.console != TF_CONSOLE_OFF && !tf_opt.report_path)
    tf_opt.enable_report = 0;
  if (tf_opt.enable_report) {
    report_paths(report_buf, jsonl_buf, sizeof(report_buf), &report_path, &jsonl_path);
    if (jobs_worker >= 0 && Tf_jobs_worker_jsonl())
      jsonl_path = Tf_jobs_worker_jsonl();
    if ((e = Tf_report_open(report_path, jsonl_path)) != TF_OK) {
      Tf_source_close(&src);
      return e;
    }
    if (report_path && jobs_worker < 0)
      Tf_log_debug(1, "report file: %s", report_path);
    if (jsonl_path && jobs_worker < 0)
      Tf_log_debug(1, "flow log: %s", jsonl_path);
  }
  if ((e = drop_privileges(report_path, jsonl_path)) != TF_OK) {
    Tf_source_close(&src);
  } else if (tf_opt.live) {
    Tf_progress_init(jobs_worker < 0);
    e = process_source(&src, tf_opt.interface, 0);
  } else {
    Tf_progress_init(jobs_worker < 0);
    for (int i = 0; i < ninputs; i++)
      Tf_progress_add_input(inputs[i].path);
    /* -r files in order, then the -R files, as 1.6.1 does. */
    for (int pass = 0; pass < 2 && e == TF_OK; pass++) {
      for (int i = 0; i < ninputs && e == TF_OK && !Tf_source_stop_requested(); i++) {
        if (inputs[i].continuation != pass)
          continue;
        if (i != first) { /* the first one is open already */
          tf_err oe = Tf_source_open_file(&src, inputs[i].path);
          if (oe == TF_ERR_USAGE) {
            e = oe;
            break;
          }
          if (oe != TF_OK) {
            input_err = oe; /* go on with the other files */
            continue;
          }
        }
        tf_err re = process_source(&src, inputs[i].path, pass);
        if (re != TF_OK && input_err == TF_OK)
          input_err = re;
        e = Tf_demux_error();
      }
    }
  }
  if (Tf_source_stop_requested())
    Tf_log_debug(1, "terminating orderly");
  Tf_demux_stats(&st);
  Tf_source_stats(&st);
  Tf_demux_close_all();
  Tf_progress_finish();
  if (Tf_report_is_open()) {
    Tf_report_summary_begin();
    Tf_dispatch_run_end();
    Tf_report_summary_end();
  }
  if (e == TF_OK)
    e = Tf_demux_error();
  if (Tf_report_close(&st) != TF_OK && e == TF_OK)
    e = TF_ERR_OUTPUT;
  Tf_plugins_shutdown();
  /* Write errors of -w, -K and the console were said when they happened;
   * they make the exit status unless something came first. */
  if ((se = Tf_pcapout_shutdown()) != TF_OK && late_err == TF_OK)
    late_err = se;
  if ((se = Tf_console_shutdown()) != TF_OK && late_err == TF_OK)
    late_err = se;
  Tf_demux_shutdown();
  Tf_source_shutdown();
  Tf_output_shutdown();
  Tf_flowtab_free();
  if (e != TF_OK)
    return e;
  if (input_err != TF_OK)
    return input_err;
  if (late_err != TF_OK)
    return late_err;
  if (Tf_dispatch_failures() > 0)
    return TF_ERR_SCANNER; /* the flows are complete, a scanner's results are not */
  return TF_OK;
}

int main(int argc, char **argv)
{
  int help_level = 0, version = 0;
  tf_err e;
  Tf_options_defaults(&tf_opt);
  tf_opt.command_line = join_args(argc, argv);
  if (set_template(TF_DEFAULT_TEMPLATE) != 0)
    return TF_EXIT_OUTPUT;
  if (parse_args(argc, argv, &help_level, &version) != 0) {
    fprintf(stderr, "Try 'tcpflow -h' for more information.\n");
    return TF_EXIT_USAGE;
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
    return TF_EXIT_OK;
  }
  if (tf_opt.console_json && tf_opt.console == TF_CONSOLE_OFF)
    tf_opt.console = TF_CONSOLE_WITH_HEADER;
  if (tf_opt.console != TF_CONSOLE_OFF)
    tf_opt.store_output = 0;
  install_signals();
  if (merge_mode) {
    if (help_level || version) {
      Tf_log_error("--merge takes -o outdir, -X report and the shard directories only");
      e = TF_ERR_USAGE;
    } else {
      e = Tf_merge_dirs((const char *const *)argv + merge_first, argc - merge_first,
                        tf_opt.outdir, tf_opt.report_path, 0);
    }
  } else if (check_scanner) {
    e = Tf_conformance_run(check_scanner, stdout);
  } else {
    e = run(help_level);
  }
  Tf_shard_free();
  Tf_settings_free();
  free(tf_opt.template_str);
  free(tf_opt.filter);
  free(tf_opt.command_line);
  return Tf_err_exit_status(e);
}
