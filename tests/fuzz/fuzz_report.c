/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The report writer (host/report.c) fed packet-derived text and scanner
 * XML calls, then the whole report parsed with libxml2 (xmlReadMemory, no
 * XML_PARSE_HUGE, as xmllint would): anything ill-formed aborts.  Also
 * checks that the escaping (lib/tfl_escape.c) decodes back to every string.
 *
 * Input: the flow's file name (as a -T template could make it) up to the
 * first NUL, then operations: one byte op, then NUL-terminated strings.
 *   op % 6: 0 xml_start(name)  1 xml_attr(name, value)  2 xml_text(text)
 *           3 xml_end()        4 next flow (scope and <fileobject> end,
 *           a new flow begins)  5 scanner failure(reason, flow)
 * Names and text come straight from the input: bad names, control
 * characters and invalid UTF-8 are the point.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tfl_escape.h"
#include "flow.h"
#include "fuzz.h"
#include "log.h"
#include "options.h"
#include "report.h"
#include "run.h"

static struct tf_options tf_opt;
static struct tf_run run;

static char report_path[512];
static char jsonl_path[512];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  const char *dir = Fuzz_scratch_dir("report");
  snprintf(report_path, sizeof(report_path), "%s/report.xml", dir);
  snprintf(jsonl_path, sizeof(jsonl_path), "%s/report.jsonl", dir);
  tf_opt.command_line = "tcpflow -r fuzz";
  Tf_run_init(&run, &tf_opt);
  /* The refused calls are the point; their log lines are noise here. */
  Tf_log_set_quiet(1);
  return 0;
}

/* The next NUL-terminated string of the input (the rest when none), in a
 * malloc'd copy of exactly its size; NULL at the end. */
static char *next_str(const uint8_t *data, size_t size, size_t *pos)
{
  size_t start = *pos;
  size_t end = start;
  char *s;
  if (start >= size)
    return NULL;
  while (end < size && data[end] != 0)
    end++;
  s = malloc(end - start + 1);
  if (!s)
    abort();
  memcpy(s, data + start, end - start);
  s[end - start] = '\0';
  *pos = end < size ? end + 1 : end;
  return s;
}

static void round_trip(const char *s)
{
  size_t n = strlen(s);
  char *e = Tfl_escape_text(s, n);
  char *back;
  if (!e)
    abort();
  back = malloc(strlen(e) + 1);
  if (!back || Tfl_escape_decode(e, strlen(e), back) != (long)n || memcmp(back, s, n) != 0)
    abort();
  free(back);
  free(e);
}

static void flow_begin(struct tf_flow *f, char *path, uint64_t n)
{
  memset(f, 0, sizeof(*f));
  f->key.family = 4;
  f->key.sport = (uint16_t)n;
  f->key.dport = 80;
  f->vlan = n % 2 ? -1 : (int)(n % 4096);
  f->first_ts.tv_sec = (time_t)(n * 1000);
  f->last_ts.tv_usec = (long)(n % 1000000);
  f->path = path;
  Tf_report_flow_begin(run.report, f, n);
  Tf_report_scope_begin(run.report, "fuzz");
}

/* Escaping changes valid UTF-8 only by doubling backslashes: anything
 * else it had to escape was not valid. */
static void valid_utf8(const char *s, size_t n)
{
  char *e = Tfl_escape_text(s, n);
  size_t bs = 0;
  if (!e)
    abort();
  for (size_t i = 0; i < n; i++)
    bs += s[i] == '\\';
  if (strlen(e) != n + bs)
    abort();
  free(e);
}

/* report.jsonl: every line valid UTF-8 without control characters (JSON
 * quoting leaves none raw), starting with '{' and ending with "}\n". */
static void check_jsonl(void)
{
  FILE *fp = fopen(jsonl_path, "rb");
  char *l = NULL;
  size_t cap = 0;
  ssize_t n;
  int lines = 0;
  if (!fp)
    abort();
  while ((n = getline(&l, &cap, fp)) > 0) {
    if (n < 3 || l[0] != '{' || l[n - 2] != '}' || l[n - 1] != '\n')
      abort();
    for (ssize_t i = 0; i < n - 1; i++)
      if ((unsigned char)l[i] < 0x20)
        abort();
    valid_utf8(l, (size_t)n - 1);
    lines++;
  }
  free(l);
  fclose(fp);
  if (lines < 2) /* at least one flow and the summary */
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct tf_flow f;
  struct tf_run_stats st;
  size_t pos = 0;
  uint64_t flows = 0;
  char *path = next_str(data, size, &pos);
  FILE *fp;
  long len;
  char *doc;
  xmlParserCtxtPtr ctxt;
  xmlDocPtr x;
  if (Tf_report_open(&run, report_path, jsonl_path) != TF_OK)
    abort();
  flow_begin(&f, path, flows++);
  if (path)
    round_trip(path);
  while (pos < size) {
    uint8_t op = data[pos++];
    char *a = NULL;
    char *b = NULL;
    switch (op % 6) {
    case 0:
      a = next_str(data, size, &pos);
      (void)Tf_report_xml_start(run.report, a ? a : "");
      break;
    case 1:
      a = next_str(data, size, &pos);
      b = next_str(data, size, &pos);
      (void)Tf_report_xml_attr(run.report, a ? a : "", b);
      break;
    case 2:
      a = next_str(data, size, &pos);
      if (a)
        round_trip(a);
      (void)Tf_report_xml_text(run.report, a);
      break;
    case 3:
      (void)Tf_report_xml_end(run.report);
      break;
    case 4:
      Tf_report_scope_end(run.report);
      Tf_report_flow_end(run.report);
      free(path);
      path = next_str(data, size, &pos);
      flow_begin(&f, path, flows++);
      break;
    default:
      a = next_str(data, size, &pos);
      b = next_str(data, size, &pos);
      Tf_report_scope_end(run.report);
      Tf_report_flow_end(run.report);
      Tf_report_summary_begin(run.report);
      Tf_report_scanner_failure(run.report, "fuzz", "flow_close", a ? a : "", b);
      Tf_report_summary_end(run.report);
      flow_begin(&f, path, flows++);
      break;
    }
    free(a);
    free(b);
  }
  Tf_report_scope_end(run.report);
  Tf_report_flow_end(run.report);
  memset(&st, 0, sizeof(st));
  if (Tf_report_close(&run, &st) != TF_OK)
    abort();
  free(path);

  fp = fopen(report_path, "rb");
  if (!fp || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) <= 0)
    abort();
  rewind(fp);
  doc = malloc((size_t)len);
  if (!doc || fread(doc, 1, (size_t)len, fp) != (size_t)len)
    abort();
  fclose(fp);
  /* Namespace errors too (an undeclared prefix): xmllint fails on them. */
  ctxt = xmlNewParserCtxt();
  if (!ctxt)
    abort();
  x = xmlCtxtReadMemory(ctxt, doc, (int)len, "report.xml", NULL, XML_PARSE_NONET);
  if (!x || !ctxt->wellFormed || !ctxt->nsWellFormed) {
    fprintf(stderr, "fuzz_report: the report is not well-formed\n");
    fwrite(doc, 1, (size_t)len, stderr);
    abort();
  }
  xmlFreeDoc(x);
  xmlFreeParserCtxt(ctxt);
  free(doc);
  check_jsonl();
  return 0;
}
