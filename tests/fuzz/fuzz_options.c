/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The whole per-run pipeline with options taken from the input: -s, -K,
 * -I, -b, -Fc, -FX, the console modes (-c, -C, -J, -D, -B, -0), -F binning
 * prefixes and a -T template read from the input.  Each input is one run
 * of its own: the command line the input asks for, read by tcpflow's own
 * reader (cli.c; an input whose template tcpflow refuses is skipped), flow table, output, demux, console and report set up, the frames fed
 * through link -> IP -> demux, every flow closed, the report finished and
 * then parsed with libxml2: a report that is not well-formed, or whose
 * root is not <dfxml>, aborts.  The fixed-option harnesses could not find
 * the -s over-read (a segment over 256 KiB); this one varies what they fix.
 *
 * Input: byte 0 options, byte 1 console options, byte 2 template choice,
 * byte 3 -b (bytes, 0..255 times 64), byte 4 link type, byte 5 template
 * length n, n template bytes; then frames, each a 2-byte big-endian length
 * and that many bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cli.h"
#include "console.h"
#include "tfl_defrag.h"
#include "demux.h"
#include "flowtab.h"
#include "fuzz.h"
#include "tfl_ip.h"
#include "tfl_link.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "tfl_packet.h"
#include "pcapout.h"
#include "report.h"
#include "run.h"

/* The options of the harness's run (the program keeps its own in main()). */
static struct tf_options tf_opt;
static struct tf_cli cli;
static struct tf_run run;

/* Byte 0. */
#define OPT_STRIP 0x01   /* -s */
#define OPT_KPCAP 0x02   /* -K */
#define OPT_FINDX 0x04   /* -I */
#define OPT_MAXB 0x08    /* -b */
#define OPT_NOSTORE 0x10 /* -FX */
#define OPT_COUNTER 0x20 /* -Fc */
#define OPT_CONSOLE 0xc0 /* off, -c, -C, -J */
/* Byte 1. */
#define CON_HEX 0x01     /* -D */
#define CON_BINARY 0x02  /* -B */
#define CON_NONL 0x04    /* -0 */
#define CON_COLOR 0x08   /* -g */

static const int dlts[] = {1, 113, 276, 12, 0, 108, 9, 51, 105, 127, 119, 163};
#define NDLTS (sizeof(dlts) / sizeof(dlts[0]))

/* Byte 2: the template; 0 gives no -T (the default), values past the
 * table take the input's -T. */
static const char *const templates[] = {
    NULL, "%T_%A-%B%C%c", "%t.%a.%b.%#", "%N/%A%C%c", "%K/%G/%E%e%%%#", "flow%#"};
#define NTEMPLATES (sizeof(templates) / sizeof(templates[0]))

static const char *dir;
static char report_path[512];
static struct tfl_defrag *defrag;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  dir = Fuzz_scratch_dir("options");
  snprintf(report_path, sizeof(report_path), "%s.report.xml", dir);
  Tf_log_set_quiet(1);
  /* Console modes print the flows: keep them off the terminal. */
  if (!freopen("/dev/null", "w", stdout))
    abort();
  defrag = Tfl_defrag_new();
  if (!defrag)
    abort();
  return 0;
}

/* The command line the input asks for, as argv[]: read by the program's
 * own reader (cli.c), so that the run gets exactly what tcpflow would
 * make of it (the console modes' implications, -T against -Fk/-Fm/-Fg,
 * the template completed or refused).  Byte 2's low bits pick a template
 * (0: none, the default with any -F binning; past the table: the
 * input's), bits 3..7 add -Fk, -Fm, -Fg, -Ft, -FT. */
struct fuzz_argv {
  char *v[48];
  int n;
  char bytes[16], tmpl[256];
};

static void arg(struct fuzz_argv *a, const char *s)
{
  if (a->n < (int)(sizeof(a->v) / sizeof(a->v[0])) - 1)
    a->v[a->n++] = (char *)s;
  a->v[a->n] = NULL;
}

/* 0, or -1 when the input's template cannot be an argument (a NUL). */
static int make_argv(struct fuzz_argv *a, const uint8_t *h, const uint8_t *tbytes, size_t tlen)
{
  static const char *const prefixes[] = {"-Fk", "-Fm", "-Fg", "-Ft", "-FT"};
  static const uint8_t bits[] = {0x08, 0x10, 0x20, 0x40, 0x80};
  static const char *const consoles[] = {NULL, "-c", "-C", "-J"};
  a->n = 0;
  arg(a, "tcpflow");
  arg(a, "-o");
  arg(a, dir);
  arg(a, "-X");
  arg(a, report_path);
  arg(a, "-m");
  arg(a, "65536"); /* sparse files stay small */
  arg(a, "-S");
  arg(a, "tcp_timeout=30"); /* packet-time expiry runs too */
  /* -b: up to 16 KiB; without it a 1 MiB cap keeps a run small on disk. */
  snprintf(a->bytes, sizeof(a->bytes), "%u", (h[0] & OPT_MAXB) ? h[3] * 64u : 1u << 20);
  arg(a, "-b");
  arg(a, a->bytes);
  if (h[0] & OPT_STRIP)
    arg(a, "-s");
  if (h[0] & OPT_KPCAP)
    arg(a, "-K");
  if (h[0] & OPT_FINDX)
    arg(a, "-I");
  if (h[0] & OPT_NOSTORE)
    arg(a, "-FX");
  if (h[0] & OPT_COUNTER)
    arg(a, "-Fc");
  if (consoles[(h[0] & OPT_CONSOLE) >> 6])
    arg(a, consoles[(h[0] & OPT_CONSOLE) >> 6]);
  if (h[1] & CON_HEX)
    arg(a, "-D");
  if (h[1] & CON_BINARY)
    arg(a, "-B");
  if (h[1] & CON_NONL)
    arg(a, "-0");
  if (h[1] & CON_COLOR)
    arg(a, "-g");
  for (size_t i = 0; i < sizeof(bits); i++)
    if (h[2] & bits[i])
      arg(a, prefixes[i]);
  if ((h[2] & 7) >= 1 && (h[2] & 7) < NTEMPLATES) {
    arg(a, "-T");
    arg(a, templates[h[2] & 7]);
  } else if ((h[2] & 7) >= NTEMPLATES) {
    if (tlen == 0 || memchr(tbytes, '\0', tlen) || tlen >= sizeof(a->tmpl))
      return -1;
    memcpy(a->tmpl, tbytes, tlen);
    a->tmpl[tlen] = '\0';
    arg(a, "-T");
    arg(a, a->tmpl);
  }
  arg(a, "-r");
  arg(a, "fuzz-input"); /* never opened: the harness feeds the frames */
  return 0;
}

/* The report must parse, with <dfxml> at the root. */
static void check_report(void)
{
  xmlDocPtr doc = xmlReadFile(report_path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                     XML_PARSE_NOWARNING | XML_PARSE_HUGE);
  xmlNodePtr root;
  if (!doc) {
    fprintf(stderr, "fuzz_options: %s is not well-formed XML\n", report_path);
    abort();
  }
  root = xmlDocGetRootElement(doc);
  if (!root || strcmp((const char *)root->name, "dfxml") != 0) {
    fprintf(stderr, "fuzz_options: %s: the root is not <dfxml>\n", report_path);
    abort();
  }
  xmlFreeDoc(doc);
}

static void feed(int dlt, const uint8_t *p, size_t n)
{
  long t = 1000000;
  while (n >= 2) {
    size_t len = ((size_t)p[0] << 8) | p[1];
    struct tfl_packet pkt;
    uint8_t *frame;
    p += 2;
    n -= 2;
    if (len > n)
      len = n;
    /* An exact-size copy: the decoders must not read past caplen. */
    frame = malloc(len ? len : 1);
    if (!frame)
      abort();
    memcpy(frame, p, len);
    memset(&pkt, 0, sizeof(pkt));
    pkt.dlt = dlt;
    pkt.ts.tv_sec = t++;
    pkt.caplen = pkt.wirelen = (uint32_t)len;
    pkt.frame = frame;
    if (Tfl_link_decode(pkt.dlt, frame, len, &pkt.link) == TFL_LINK_OK &&
        Tfl_ip_decode(defrag, &pkt) == TFL_IP_TCP)
      Tf_demux_packet(&run, &pkt);
    Tf_demux_expire(&run, pkt.ts.tv_sec);
    free(frame);
    p += len;
    n -= len;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct tf_run_stats st;
  struct fuzz_argv a;
  size_t tlen;
  tf_err e;
  if (size < 6)
    return 0;
  tlen = data[5] < size - 6 ? data[5] : size - 6;
  if (tlen > 200)
    tlen = 200;
  if (make_argv(&a, data, data + 6, tlen) != 0)
    return 0;
  e = Tf_cli_parse(&cli, &tf_opt, a.n, a.v);
  if (e == TF_OK)
    e = Tf_cli_settle(&cli);
  if (e != TF_OK) { /* a template tcpflow refuses */
    Tf_cli_free(&cli);
    return 0;
  }
  Tf_run_init(&run, &tf_opt);
  if (Tf_flowtab_init(&run) != TF_OK || Tf_output_init(&run, 64) != TF_OK ||
      Tf_demux_init(&run) != TF_OK ||
      Tf_console_init(&run) != TF_OK || Tf_pcapout_init(&run) != TF_OK ||
      Tf_report_open(&run, report_path, NULL) != TF_OK)
    abort();
  feed(dlts[data[4] % NDLTS], data + 6 + tlen, size - 6 - tlen);
  memset(&st, 0, sizeof(st));
  Tf_demux_stats(&run, &st);
  Tf_demux_close_all(&run);
  Tf_report_summary_begin(run.report);
  Tf_report_summary_end(run.report);
  if (Tf_report_close(&run, &st) != TF_OK)
    abort();
  (void)Tf_pcapout_shutdown(&run); /* a full disk is not what this harness looks for */
  (void)Tf_console_shutdown(&run);
  Tf_demux_shutdown(&run);
  Tf_output_shutdown(&run);
  Tf_flowtab_free(&run);
  check_report();
  Tf_cli_free(&cli);
  Fuzz_empty_dir(dir);
  (void)unlink(report_path);
  return 0;
}
