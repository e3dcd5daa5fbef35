/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The status line (progress.h).  Bytes read come from the kernel's file
 * offset of the input: lseek on libpcap's stream for a plain file (ahead
 * of the packets by one stdio buffer at most), and for a compressed file
 * the offset of the decompressor's descriptor on that file, read from
 * /proc/<pid>/fdinfo, so the total is the compressed size.  Both only when
 * the line is drawn, never per packet.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "demux.h"
#include "log.h"
#include "options.h"
#include "progress.h"
#include "run.h"
#include "report.h"
#include "source.h"

#define PROGRESS_EVERY 1024        /* packets between looks at the clock */
#define PROGRESS_INTERVAL_NS 250000000LL

/* File scope: set by the SIGUSR1 handler (main.c). */
static volatile sig_atomic_t requested;

/* The status line of a run; owned by the run (Tf_progress_init and
 * Tf_progress_finish). */
struct tf_progress {
  int shown;                  /* the self-updating line is on */
  uint64_t packets;
  uint64_t total_bytes;       /* of all inputs with a size */
  int total_unknown;          /* an input without a size ("-") */
  uint64_t done_bytes;        /* of the inputs read completely */
  uint64_t cur_size;
  const struct tf_source *cur;
  char cur_real[PATH_MAX];    /* the compressed file, to find in /proc */
  int cur_child_fd;           /* the decompressor's descriptor on it */
  struct timespec t_start;
  struct timespec t_last;
  int live_run;               /* a live capture: packets and drops */
  uint64_t live_drops;        /* from pcap_stats, kept after close */
};

static int64_t ns_between(const struct timespec *a, const struct timespec *b)
{
  return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

tf_err Tf_progress_init(struct tf_run *run, int may_show)
{
  struct tf_progress *pg = calloc(1, sizeof(*pg));
  if (!pg)
    return TF_ERR_NOMEM;
  pg->cur_child_fd = -1;
  run->progress = pg;
  clock_gettime(CLOCK_MONOTONIC, &pg->t_start);
  pg->t_last = pg->t_start;
  /* Console modes print flows to the terminal: a status line would land
   * in the middle of them. */
  pg->shown = may_show && isatty(STDERR_FILENO) && !Tf_log_quiet() &&
              run->opt->console == TF_CONSOLE_OFF && !run->opt->console_hex &&
              !run->opt->console_json && !run->opt->console_binary;
  return TF_OK;
}

void Tf_progress_add_input(struct tf_run *run, const char *path)
{
  struct tf_progress *pg = run->progress;
  if (!pg)
    return;
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
    pg->total_bytes += (uint64_t)st.st_size;
  else
    pg->total_unknown = 1;
}

void Tf_progress_file_begin(struct tf_run *run, const struct tf_source *s, const char *path)
{
  struct tf_progress *pg = run->progress;
  if (!pg)
    return;
  struct stat st;
  pg->cur = s;
  pg->live_run = s->live;
  pg->cur_size = 0;
  pg->cur_child_fd = -1;
  pg->cur_real[0] = '\0';
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
    pg->cur_size = (uint64_t)st.st_size;
  if (s->child && !realpath(path, pg->cur_real))
    pg->cur_real[0] = '\0';
}

void Tf_progress_file_end(struct tf_run *run)
{
  struct tf_progress *pg = run->progress;
  if (!pg)
    return;
  struct pcap_stat ps;
  if (pg->cur && pg->cur->live && pg->cur->pcap && pcap_stats(pg->cur->pcap, &ps) == 0)
    pg->live_drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
  pg->done_bytes += pg->cur_size;
  pg->cur = NULL;
  pg->cur_size = 0;
}

void Tf_progress_request(void)
{
  requested = 1;
}

/* The offset of the decompressor's descriptor on the compressed file. */
static int64_t child_offset(struct tf_progress *pg)
{
  char path[64];
  char line[128];
  FILE *f;
  int64_t pos = -1;
  if (!pg->cur_real[0])
    return -1;
  if (pg->cur_child_fd < 0) {
    DIR *d;
    struct dirent *de;
    snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pg->cur->child);
    d = opendir(path);
    if (!d)
      return -1;
    while ((de = readdir(d)) != NULL && pg->cur_child_fd < 0) {
      char link[PATH_MAX + 1];
      char fdpath[64 + sizeof(de->d_name)];
      ssize_t n;
      snprintf(fdpath, sizeof(fdpath), "%s/%s", path, de->d_name);
      n = readlink(fdpath, link, sizeof(link) - 1);
      if (n <= 0)
        continue;
      link[n] = '\0';
      if (strcmp(link, pg->cur_real) == 0)
        pg->cur_child_fd = (int)strtol(de->d_name, NULL, 10);
    }
    closedir(d);
    if (pg->cur_child_fd < 0)
      return -1;
  }
  snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", (long)pg->cur->child, pg->cur_child_fd);
  f = fopen(path, "r");
  if (!f)
    return -1;
  while (fgets(line, sizeof(line), f))
    if (strncmp(line, "pos:", 4) == 0)
      pos = strtoll(line + 4, NULL, 10);
  fclose(f);
  return pos;
}

/* Bytes of the current file read so far, or -1 when unknown. */
static int64_t cur_offset(struct tf_progress *pg)
{
  FILE *fp;
  off_t off;
  if (!pg->cur || pg->cur->live || !pg->cur->pcap)
    return -1;
  if (pg->cur->child)
    return child_offset(pg);
  fp = pcap_file(pg->cur->pcap);
  if (!fp)
    return -1;
  off = lseek(fileno(fp), 0, SEEK_CUR);
  if (off < 0)
    return -1;
  return (uint64_t)off > pg->cur_size && pg->cur_size ? (int64_t)pg->cur_size : (int64_t)off;
}

static void human_bytes(char *buf, size_t n, double v)
{
  static const char *units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (v >= 1000 && u < 5) {
    v /= 1000;
    u++;
  }
  snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void hms(char *buf, size_t n, double s)
{
  long t = s < 0 ? 0 : (long)(s + 0.5);
  snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

/* Appends to buf (of n bytes, *len used) what fmt makes. */
static void put(char *buf, size_t n, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
  va_list ap;
  int r;
  if (*len >= n)
    return;
  va_start(ap, fmt);
  r = vsnprintf(buf + *len, n - *len, fmt, ap);
  va_end(ap);
  if (r > 0)
    *len += (size_t)r;
}

/* The status line, without prefix or line end.  final: after the last
 * input (every byte of every file read). */
static void format_line(const struct tf_run *run, char *buf, size_t n, int final)
{
  struct tf_progress *pg = run->progress;
  struct tf_run_stats st;
  struct timespec now;
  double elapsed;
  char el[32];
  char eta[32] = "";
  size_t len = 0;
  uint64_t open;
  buf[0] = '\0';
  memset(&st, 0, sizeof(st));
  Tf_demux_stats(run, &st);
  open = st.flow_map_size;
  clock_gettime(CLOCK_MONOTONIC, &now);
  elapsed = (double)ns_between(&pg->t_start, &now) / 1e9;
  hms(el, sizeof(el), elapsed);
  if (pg->live_run) {
    struct pcap_stat ps;
    put(buf, n, &len, "%llu packets", (unsigned long long)pg->packets);
    if (pg->cur && pg->cur->pcap && pcap_stats(pg->cur->pcap, &ps) == 0)
      pg->live_drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
    put(buf, n, &len, ", %llu dropped", (unsigned long long)pg->live_drops);
  } else {
    int64_t off = final || !pg->cur ? 0 : cur_offset(pg);
    uint64_t bytes = pg->done_bytes + (off > 0 ? (uint64_t)off : 0);
    char b[32];
    /* Standard input has no offset to show: packets only. */
    if (off >= 0 && !(pg->total_unknown && pg->total_bytes == 0)) {
      human_bytes(b, sizeof(b), (double)bytes);
      put(buf, n, &len, "%s", b);
      if (!pg->total_unknown && pg->total_bytes > 0) {
        human_bytes(b, sizeof(b), (double)pg->total_bytes);
        put(buf, n, &len, " of %s (%.1f%%)", b, 100.0 * (double)bytes / (double)pg->total_bytes);
      }
      if (elapsed > 0.05) {
        human_bytes(b, sizeof(b), (double)bytes / elapsed);
        put(buf, n, &len, ", %s/s", b);
      }
      put(buf, n, &len, ", ");
    }
    put(buf, n, &len, "%llu packets", (unsigned long long)pg->packets);
    if (!final && !pg->total_unknown && bytes > 0 && bytes < pg->total_bytes && elapsed > 1)
      hms(eta, sizeof(eta), elapsed * (double)(pg->total_bytes - bytes) / (double)bytes);
  }
  put(buf, n, &len, ", %llu flows open, %llu closed, %s elapsed", (unsigned long long)open,
      (unsigned long long)(st.total_flows - open), el);
  if (eta[0])
    put(buf, n, &len, ", ETA %s", eta);
}

static void draw(const struct tf_run *run, int once)
{
  struct tf_progress *pg = run->progress;
  char line[256];
  format_line(run, line, sizeof(line), 0);
  if (once && !pg->shown) {
    /* SIGUSR1 without a terminal: a plain line, as dd prints. */
    fprintf(stderr, "tcpflow: %s\n", line);
    fflush(stderr);
  } else {
    /* A line wider than the terminal would wrap, and "\r" would then only
     * go back to the start of its last row: cut it to the width. */
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 &&
        strlen(line) + 10 >= ws.ws_col)
      line[ws.ws_col - 10] = '\0';
    Tf_log_status(line);
  }
}

void Tf_progress_tick(struct tf_run *run)
{
  struct tf_progress *pg = run->progress;
  struct timespec now;
  if (!pg)
    return;
  if (requested) {
    requested = 0;
    draw(run, 1);
    return;
  }
  if (!pg->shown)
    return;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (ns_between(&pg->t_last, &now) < PROGRESS_INTERVAL_NS)
    return;
  pg->t_last = now;
  draw(run, 0);
}

void Tf_progress_packet(struct tf_run *run)
{
  struct tf_progress *pg = run->progress;
  if (!pg)
    return;
  pg->packets++;
  if (requested || (pg->shown && pg->packets % PROGRESS_EVERY == 0))
    Tf_progress_tick(run);
}

void Tf_progress_finish(struct tf_run *run)
{
  struct tf_progress *pg = run->progress;
  char line[256];
  if (!pg)
    return;
  if (requested) {
    requested = 0;
    draw(run, 1);
  }
  if (pg->shown) {
    format_line(run, line, sizeof(line), 1);
    Tf_log_status_clear();
    fprintf(stderr, "tcpflow: done: %s\n", line);
    fflush(stderr);
  }
  run->progress = NULL;
  free(pg);
}
