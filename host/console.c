/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Console modes (-c, -C, -D, -B, -s, -0, -g, -J, -L): every packet's
 * payload printed as it arrives, without reassembly, in the formats of
 * tcpflow 1.6.1 (checked byte for byte against /usr/bin/tcpflow 1.6.1).
 *
 * One packet is printed as: colour (-g), header "name: " (-c; not with
 * -J; followed by a newline with -D), the body (-D hex dump, else -J JSON,
 * else the text), colour reset, then a newline unless -0.  This order and
 * the precedence of -D over -J are what 1.6.1 does.
 *
 * Kept differences from 1.6.1: -g paints flows whose direction is unknown
 * green (the 1.6.1 manual says so, its code never did); -J takes the
 * addresses from the flow key (1.6.1 re-parsed the flow name and printed
 * garbage with -o and for IPv6); -s strips even with -B (1.6.1 let -B win).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "console.h"
#include "log.h"
#include "options.h"
#include "run.h"

#define CON_HEX_PER_LINE 32
#define CON_COLOUR_RESET "\033[0m"

/* The console stage; one per run, owned by the run (Tf_console_init and
 * Tf_console_shutdown). */
struct tf_console {
  const struct tf_options *opt;
  sem_t *sem;          /* -L: held around each packet's bytes */
  int failed;          /* stdout went bad: stop writing, report at the end */
  int saved_errno;     /* why, when known */
  /* Output goes through a small buffer so a packet costs a few fwrite
   * calls rather than one stdio call per byte. */
  size_t used;
  char buf[8192];
};

static void con_fail(struct tf_console *con)
{
  if (!con->failed)
    con->saved_errno = errno;
  con->failed = 1;
}

static void con_flush(struct tf_console *con)
{
  if (con->used > 0 && fwrite(con->buf, 1, con->used, stdout) != con->used)
    con_fail(con);
  con->used = 0;
}

static void con_put(struct tf_console *con, const char *s, size_t n)
{
  while (n > 0) {
    size_t room = sizeof(con->buf) - con->used;
    size_t take = n < room ? n : room;
    memcpy(con->buf + con->used, s, take);
    con->used += take;
    s += take;
    n -= take;
    if (con->used == sizeof(con->buf))
      con_flush(con);
  }
}

static void con_puts(struct tf_console *con, const char *s)
{
  con_put(con, s, strlen(s));
}

static void con_putc(struct tf_console *con, char c)
{
  if (con->used == sizeof(con->buf))
    con_flush(con);
  con->buf[con->used++] = c;
}

/* isprint() of the C locale, whatever locale the process runs in: 1.6.1
 * never called setlocale, so that is what it tested. */
static int con_printable(uint8_t c)
{
  return c >= 0x20 && c <= 0x7e;
}

tf_err Tf_console_init(struct tf_run *run)
{
  struct tf_console *con = calloc(1, sizeof(*con));
  if (!con)
    return TF_ERR_NOMEM;
  con->opt = run->opt;
  run->console = con;
  if (!con->opt->semlock)
    return TF_OK;
  con->sem = sem_open(con->opt->semlock, O_CREAT, 0644, 1);
  if (con->sem == SEM_FAILED) {
    con->sem = NULL;
    Tf_log_error("-L %s: cannot open the semaphore: %s", con->opt->semlock, strerror(errno));
    return TF_ERR_USAGE;
  }
  return TF_OK;
}

tf_err Tf_console_shutdown(struct tf_run *run)
{
  struct tf_console *con = run->console;
  tf_err e = TF_OK;
  if (!con)
    return TF_OK;
  run->console = NULL;
  if (con->sem)
    (void)sem_close(con->sem); /* never unlinked: other tcpflows may share it */
  con->sem = NULL;
  if (con->opt->console != TF_CONSOLE_OFF) {
    if (fflush(stdout) != 0 || ferror(stdout))
      con_fail(con);
    if (con->failed) {
      Tf_log_error("cannot write the console output to standard output: %s",
                   con->saved_errno ? strerror(con->saved_errno) : "write error");
      /* A reader that went away (tcpflow -c | head) is not a failed write. */
      e = con->saved_errno == EPIPE ? TF_OK : TF_ERR_OUTPUT;
    }
  }
  free(con);
  return e;
}

/* Text: non-printable bytes other than \n and \r become '.' (1.6.1 kept
 * those two so line structure survives), unless -B without -s. */
static void con_text(struct tf_console *con, const uint8_t *p, size_t len)
{
  if (con->opt->console_binary && !con->opt->strip_nonprint) {
    con_put(con, (const char *)p, len);
    return;
  }
  for (size_t i = 0; i < len; i++) {
    uint8_t c = p[i];
    con_putc(con, con_printable(c) || c == '\n' || c == '\r' ? (char)c : '.');
  }
}

/* Lines of up to 32 bytes: "%04x: ", the bytes in pairs ("4865 6c6c 6f"),
 * spaces up to the width of the widest line of this packet, one space, the
 * characters ('.' for non-printables).  1.6.1's offset is at least four hex
 * digits and grows beyond 0xffff. */
static void con_hex(struct tf_console *con, const uint8_t *p, size_t len)
{
  static const char digits[] = "0123456789abcdef";
  size_t first = len < CON_HEX_PER_LINE ? len : CON_HEX_PER_LINE;
  /* the first line is the widest: every other one is the same or shorter */
  size_t widest = first * 2 + first / 2;
  for (size_t line = 0; line < len; line += CON_HEX_PER_LINE) {
    size_t n = len - line < CON_HEX_PER_LINE ? len - line : CON_HEX_PER_LINE;
    char out[32];
    size_t w = 0;
    int k = snprintf(out, sizeof(out), "%04zx: ", line);
    con_put(con, out, (size_t)k);
    for (size_t i = 0; i < n; i++) {
      con_putc(con, digits[p[line + i] >> 4]);
      con_putc(con, digits[p[line + i] & 15]);
      w += 2;
      if (i & 1) {
        con_putc(con, ' ');
        w++;
      }
    }
    for (; w < widest; w++)
      con_putc(con, ' ');
    con_putc(con, ' ');
    for (size_t i = 0; i < n; i++)
      con_putc(con, con_printable(p[line + i]) ? (char)p[line + i] : '.');
    con_putc(con, '\n');
  }
}

/* {"src_host":"10.0.0.1","src_port":40000,"dst_host":"10.0.0.2",
 * "dst_port":80,"payload": [72,105]} with 1.6.1's spacing; no newline of
 * its own (the packet newline ends the line, and -0 drops it). */
static void con_json(struct tf_console *con, const struct tf_flow *f, const uint8_t *p,
                     size_t len)
{
  char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN * 2 + 96];
  int af = f->key.family == 4 ? AF_INET : AF_INET6;
  int n;
  if (!inet_ntop(af, f->key.src, src, sizeof(src)))
    snprintf(src, sizeof(src), "?");
  if (!inet_ntop(af, f->key.dst, dst, sizeof(dst)))
    snprintf(dst, sizeof(dst), "?");
  n = snprintf(out, sizeof(out),
               "{\"src_host\":\"%s\",\"src_port\":%u,\"dst_host\":\"%s\",\"dst_port\":%u,"
               "\"payload\": [",
               src, (unsigned)f->key.sport, dst, (unsigned)f->key.dport);
  con_put(con, out, n > 0 && (size_t)n < sizeof(out) ? (size_t)n : 0);
  for (size_t i = 0; i < len; i++) {
    n = snprintf(out, sizeof(out), i ? ",%u" : "%u", (unsigned)p[i]);
    con_put(con, out, (size_t)n);
  }
  con_puts(con, "]}");
}

static const char *con_colour(const struct tf_flow *f)
{
  switch (f->role) {
  case TF_ROLE_CLIENT:
    return "\033[0;34m"; /* blue: client to server (SYN without ACK seen) */
  case TF_ROLE_SERVER:
    return "\033[0;31m"; /* red: server to client (SYN/ACK seen) */
  default:
    return "\033[0;32m"; /* green: undecided, no SYN seen */
  }
}

/* Returns whether the -L semaphore is now held. */
static int con_lock(struct tf_console *con)
{
  if (!con->sem)
    return 0;
  while (sem_wait(con->sem) != 0) {
    if (errno != EINTR) {
      /* printing unlocked beats losing the output */
      Tf_log_warn("-L %s: cannot take the semaphore: %s", con->opt->semlock, strerror(errno));
      return 0;
    }
  }
  return 1;
}

void Tf_console_print(struct tf_run *run, struct tf_flow *f, const char *name,
                      const uint8_t *data, size_t len)
{
  struct tf_console *con = run->console;
  /* -b counts printed bytes per flow: print only what is below the limit */
  uint64_t max = con->opt->max_bytes;
  uint64_t room = f->console_bytes < max ? max - f->console_bytes : 0;
  if ((uint64_t)len > room)
    len = (size_t)room;
  if (len == 0)
    return;
  f->console_bytes += len;
  if (!con->failed && ferror(stdout)) {
    errno = 0; /* the failed write was earlier: its errno is lost */
    con_fail(con);
  }
  if (con->failed)
    return; /* stdout is gone (EPIPE...): said once at shutdown */

  /* The lock covers the whole packet: taken before the first byte can
   * reach stdout, released once the bytes are out of stdio's buffer. */
  int locked = con_lock(con);
  if (con->opt->console_color)
    con_puts(con, con_colour(f));
  if (con->opt->console == TF_CONSOLE_WITH_HEADER && !con->opt->console_json) {
    con_puts(con, name ? name : "");
    con_puts(con, con->opt->console_hex ? ": \n" : ": ");
  }
  if (con->opt->console_hex)
    con_hex(con, data, len);
  else if (con->opt->console_json)
    con_json(con, f, data, len);
  else
    con_text(con, data, len);
  if (con->opt->console_color)
    con_puts(con, CON_COLOUR_RESET);
  if (!con->opt->console_no_newline)
    con_putc(con, '\n');
  con_flush(con);
  if (locked) {
    if (fflush(stdout) != 0)
      con_fail(con);
    (void)sem_post(con->sem);
  }
}
