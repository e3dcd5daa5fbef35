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
#include "report.h"
#include "source.h"

#define PROGRESS_EVERY 1024        /* packets between looks at the clock */
#define PROGRESS_INTERVAL_NS 250000000LL

static int shown;                  /* the self-updating line is on */
static int on_screen;              /* a line is drawn and not yet wiped */
static volatile sig_atomic_t requested;
static uint64_t packets;
static uint64_t total_bytes;       /* of all inputs with a size */
static int total_unknown;          /* an input without a size ("-") */
static uint64_t done_bytes;        /* of the inputs read completely */
static uint64_t cur_size;
static const struct tf_source *cur;
static char cur_real[PATH_MAX];    /* the compressed file, to find in /proc */
static int cur_child_fd = -1;      /* the decompressor's descriptor on it */
static struct timespec t_start;
static struct timespec t_last;
static int live_run;               /* a live capture: packets and drops */
static uint64_t live_drops;        /* from pcap_stats, kept after close */

static int64_t ns_between(const struct timespec *a, const struct timespec *b)
{
  return (int64_t)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

void Tf_progress_init(int may_show)
{
  clock_gettime(CLOCK_MONOTONIC, &t_start);
  t_last = t_start;
  /* Console modes print flows to the terminal: a status line would land
   * in the middle of them. */
  shown = may_show && isatty(STDERR_FILENO) && !tf_quiet && tf_opt.console == TF_CONSOLE_OFF &&
          !tf_opt.console_hex && !tf_opt.console_json && !tf_opt.console_binary;
}

void Tf_progress_add_input(const char *path)
{
  struct stat st;
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
    total_bytes += (uint64_t)st.st_size;
  else
    total_unknown = 1;
}

void Tf_progress_file_begin(const struct tf_source *s, const char *path)
{
  struct stat st;
  cur = s;
  live_run = s->live;
  cur_size = 0;
  cur_child_fd = -1;
  cur_real[0] = '\0';
  if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
    cur_size = (uint64_t)st.st_size;
  if (s->child && !realpath(path, cur_real))
    cur_real[0] = '\0';
}

void Tf_progress_file_end(void)
{
  struct pcap_stat ps;
  if (cur && cur->live && cur->pcap && pcap_stats(cur->pcap, &ps) == 0)
    live_drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
  done_bytes += cur_size;
  cur = NULL;
  cur_size = 0;
}

void Tf_progress_request(void)
{
  requested = 1;
}

/* The offset of the decompressor's descriptor on the compressed file. */
static int64_t child_offset(void)
{
  char path[64];
  char line[128];
  FILE *f;
  int64_t pos = -1;
  if (!cur_real[0])
    return -1;
  if (cur_child_fd < 0) {
    DIR *d;
    struct dirent *de;
    snprintf(path, sizeof(path), "/proc/%ld/fd", (long)cur->child);
    d = opendir(path);
    if (!d)
      return -1;
    while ((de = readdir(d)) != NULL && cur_child_fd < 0) {
      char link[PATH_MAX + 1];
      char fdpath[64 + sizeof(de->d_name)];
      ssize_t n;
      snprintf(fdpath, sizeof(fdpath), "%s/%s", path, de->d_name);
      n = readlink(fdpath, link, sizeof(link) - 1);
      if (n <= 0)
        continue;
      link[n] = '\0';
      if (strcmp(link, cur_real) == 0)
        cur_child_fd = (int)strtol(de->d_name, NULL, 10);
    }
    closedir(d);
    if (cur_child_fd < 0)
      return -1;
  }
  snprintf(path, sizeof(path), "/proc/%ld/fdinfo/%d", (long)cur->child, cur_child_fd);
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
static int64_t cur_offset(void)
{
  FILE *fp;
  off_t off;
  if (!cur || cur->live || !cur->pcap)
    return -1;
  if (cur->child)
    return child_offset();
  fp = pcap_file(cur->pcap);
  if (!fp)
    return -1;
  off = lseek(fileno(fp), 0, SEEK_CUR);
  if (off < 0)
    return -1;
  return (uint64_t)off > cur_size && cur_size ? (int64_t)cur_size : (int64_t)off;
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
static void format_line(char *buf, size_t n, int final)
{
  struct tf_run_stats st;
  struct timespec now;
  double elapsed;
  char el[32];
  char eta[32] = "";
  size_t len = 0;
  uint64_t open;
  buf[0] = '\0';
  memset(&st, 0, sizeof(st));
  Tf_demux_stats(&st);
  open = st.flow_map_size;
  clock_gettime(CLOCK_MONOTONIC, &now);
  elapsed = (double)ns_between(&t_start, &now) / 1e9;
  hms(el, sizeof(el), elapsed);
  if (live_run) {
    struct pcap_stat ps;
    put(buf, n, &len, "%llu packets", (unsigned long long)packets);
    if (cur && cur->pcap && pcap_stats(cur->pcap, &ps) == 0)
      live_drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
    put(buf, n, &len, ", %llu dropped", (unsigned long long)live_drops);
  } else {
    int64_t off = final || !cur ? 0 : cur_offset();
    uint64_t bytes = done_bytes + (off > 0 ? (uint64_t)off : 0);
    char b[32];
    /* Standard input has no offset to show: packets only. */
    if (off >= 0 && !(total_unknown && total_bytes == 0)) {
      human_bytes(b, sizeof(b), (double)bytes);
      put(buf, n, &len, "%s", b);
      if (!total_unknown && total_bytes > 0) {
        human_bytes(b, sizeof(b), (double)total_bytes);
        put(buf, n, &len, " of %s (%.1f%%)", b, 100.0 * (double)bytes / (double)total_bytes);
      }
      if (elapsed > 0.05) {
        human_bytes(b, sizeof(b), (double)bytes / elapsed);
        put(buf, n, &len, ", %s/s", b);
      }
      put(buf, n, &len, ", ");
    }
    put(buf, n, &len, "%llu packets", (unsigned long long)packets);
    if (!final && !total_unknown && bytes > 0 && bytes < total_bytes && elapsed > 1)
      hms(eta, sizeof(eta), elapsed * (double)(total_bytes - bytes) / (double)bytes);
  }
  put(buf, n, &len, ", %llu flows open, %llu closed, %s elapsed", (unsigned long long)open,
      (unsigned long long)(st.total_flows - open), el);
  if (eta[0])
    put(buf, n, &len, ", ETA %s", eta);
}

static void draw(int once)
{
  char line[256];
  format_line(line, sizeof(line), 0);
  if (once && !shown) {
    /* SIGUSR1 without a terminal: a plain line, as dd prints. */
    fprintf(stderr, "tcpflow: %s\n", line);
  } else {
    /* A line wider than the terminal would wrap, and "\r" would then only
     * go back to the start of its last row: cut it to the width. */
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10 &&
        strlen(line) + 10 >= ws.ws_col)
      line[ws.ws_col - 10] = '\0';
    /* Back to the line start, the line, then clear what a longer previous
     * line left. */
    fprintf(stderr, "\rtcpflow: %s\033[K", line);
    on_screen = 1;
  }
  fflush(stderr);
}

void Tf_progress_tick(void)
{
  struct timespec now;
  if (requested) {
    requested = 0;
    draw(1);
    return;
  }
  if (!shown)
    return;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (ns_between(&t_last, &now) < PROGRESS_INTERVAL_NS)
    return;
  t_last = now;
  draw(0);
}

void Tf_progress_packet(void)
{
  packets++;
  if (requested || (shown && packets % PROGRESS_EVERY == 0))
    Tf_progress_tick();
}

void Tf_progress_clear(void)
{
  if (!on_screen)
    return;
  fputs("\r\033[K", stderr);
  on_screen = 0;
}

void Tf_progress_finish(void)
{
  char line[256];
  if (requested) {
    requested = 0;
    draw(1);
  }
  if (!shown)
    return;
  format_line(line, sizeof(line), 1);
  Tf_progress_clear();
  fprintf(stderr, "tcpflow: done: %s\n", line);
  fflush(stderr);
}
