/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * report.jsonl (jsonl.h).  Written by hand rather than with a JSON library:
 * the host only writes JSON, never reads it, the output is flat objects of
 * strings and integers, and the one subtle part -- strings from packets
 * that are not UTF-8 -- needs the report's own escaping (tfl_tfl_escape.h) before
 * any library would accept them.  Scanner XML is kept as a small tree per
 * flow and written when the flow closes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

#include "tfl_escape.h"
#include "jsonl.h"
#include "log.h"
#include "options.h"
#include "report.h"

/* A growing output buffer; on allocation failure it stops growing and
 * the line is dropped with an error (never a half-written line). */
struct jbuf {
  char *p;
  size_t len, cap;
  int failed;
};

/* One element a scanner wrote.  Owned by its parent (or scanner entry). */
struct jnode {
  char *name;
  char **attrs; /* name, value, name, value ... */
  size_t nattrs;
  struct jbuf text;
  struct jnode *first, *last, *next, *parent;
};

/* The elements one scanner wrote for the current flow or the summary. */
struct jscanner {
  char *name;
  struct jnode *first, *last;
};

static FILE *jf;
static char *jpath;
static int write_failed;
static struct timeval open_tv;
static struct jbuf line;     /* the current flow's fields */
static int in_flow;
static int in_summary;
static struct jscanner *scanners; /* results of the flow or the summary */
static size_t nscanners, cap_scanners;
static struct jscanner *cur;      /* the scanner in scope, or NULL */
static struct jnode *open_node;   /* innermost element open, or NULL */
static struct jbuf failures;      /* the summary's scanner_failures items */

static void jb_put(struct jbuf *b, const char *s, size_t n)
{
  if (b->failed)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    char *p;
    while (cap < b->len + n + 1)
      cap *= 2;
    p = realloc(b->p, cap);
    if (!p) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void jb_puts(struct jbuf *b, const char *s)
{
  jb_put(b, s, strlen(s));
}

static void jb_u64(struct jbuf *b, uint64_t v)
{
  char num[24];
  snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
  jb_puts(b, num);
}

/* s as a JSON string: the report's escaping (tfl_tfl_escape.h) first, so invalid
 * UTF-8 and control characters read the same as in report.xml, then
 * JSON's quoting of '"', '\' and the three controls escaping leaves. */
static void jb_str(struct jbuf *b, const char *s)
{
  char *e = Tfl_escape_text(s, strlen(s));
  size_t start = 0;
  size_t i;
  if (!e) {
    b->failed = 1;
    return;
  }
  jb_put(b, "\"", 1);
  for (i = 0; e[i]; i++) {
    const char *q;
    switch (e[i]) {
    case '"': q = "\\\""; break;
    case '\\': q = "\\\\"; break;
    case '\t': q = "\\t"; break;
    case '\n': q = "\\n"; break;
    case '\r': q = "\\r"; break;
    default: continue;
    }
    jb_put(b, e + start, i - start);
    jb_puts(b, q);
    start = i + 1;
  }
  jb_put(b, e + start, i - start);
  jb_put(b, "\"", 1);
  free(e);
}

/* ,"key": -- every field after the first starts with the comma. */
static void jb_key(struct jbuf *b, const char *key)
{
  jb_puts(b, ",\"");
  jb_puts(b, key);
  jb_puts(b, "\":");
}

static void jb_free(struct jbuf *b)
{
  free(b->p);
  memset(b, 0, sizeof(*b));
}

/* Times as RFC 3339 in UTC, always with microseconds. */
static void jb_time(struct jbuf *b, const struct timeval *tv)
{
  char buf[64];
  struct tm tm;
  time_t t = tv->tv_sec;
  size_t n;
  gmtime_r(&t, &tm);
  n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof(buf) - n, ".%06ldZ", (long)tv->tv_usec);
  jb_puts(b, "\"");
  jb_puts(b, buf);
  jb_puts(b, "\"");
}

static void write_line(struct jbuf *b)
{
  if (b->failed) {
    Tf_log_error("%s: out of memory, a line is missing", jpath);
    write_failed = 1;
    return;
  }
  if (write_failed)
    return;
  if (fwrite(b->p, 1, b->len, jf) != b->len || fflush(jf) != 0) {
    Tf_log_error("cannot write %s: %s", jpath, strerror(errno));
    write_failed = 1;
  }
}

tf_err Tf_jsonl_open(const char *path)
{
  gettimeofday(&open_tv, NULL);
  jf = fopen(path, "w");
  if (!jf) {
    Tf_log_error("cannot create report %s: %s", path, strerror(errno));
    return TF_ERR_OUTPUT;
  }
  jpath = strdup(path);
  if (!jpath) {
    fclose(jf);
    jf = NULL;
    return TF_ERR_NOMEM;
  }
  write_failed = 0;
  return TF_OK;
}

int Tf_jsonl_is_open(void)
{
  return jf != NULL;
}

static void node_free(struct jnode *n)
{
  while (n) {
    struct jnode *next = n->next;
    node_free(n->first);
    for (size_t i = 0; i < n->nattrs; i++)
      free(n->attrs[i]);
    free(n->attrs);
    free(n->name);
    jb_free(&n->text);
    free(n);
    n = next;
  }
}

static void scanners_clear(void)
{
  for (size_t i = 0; i < nscanners; i++) {
    node_free(scanners[i].first);
    free(scanners[i].name);
  }
  nscanners = 0;
  cur = NULL;
  open_node = NULL;
}

static void attr_hex(struct jbuf *b, const char *key, const uint8_t *m)
{
  char buf[24];
  snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  jb_key(b, key);
  jb_str(b, buf);
}

void Tf_jsonl_flow_begin(const struct tf_flow *f, uint64_t filesize)
{
  static const uint8_t zero[6];
  char buf[INET6_ADDRSTRLEN];
  int af = f->key.family == 4 ? AF_INET : AF_INET6;
  if (!jf)
    return;
  line.len = 0;
  line.failed = 0;
  scanners_clear();
  in_flow = 1;
  /* The fields and their conditions are those of Tf_report_flow_begin. */
  jb_puts(&line, "{\"type\":\"flow\"");
  if (f->path && !f->temp_storage) {
    jb_key(&line, "filename");
    jb_str(&line, f->path);
  }
  jb_key(&line, "filesize");
  jb_u64(&line, filesize);
  jb_key(&line, "startime");
  jb_time(&line, &f->first_ts);
  jb_key(&line, "endtime");
  jb_time(&line, &f->last_ts);
  if (f->have_macs && !(memcmp(f->mac_dst, zero, 6) == 0 && memcmp(f->mac_src, zero, 6) == 0)) {
    attr_hex(&line, "mac_daddr", f->mac_dst);
    attr_hex(&line, "mac_saddr", f->mac_src);
  }
  jb_key(&line, "family");
  jb_u64(&line, f->key.family == 4 ? 2 : 10);
  inet_ntop(af, f->key.src, buf, sizeof(buf));
  jb_key(&line, "src_ipn");
  jb_str(&line, buf);
  inet_ntop(af, f->key.dst, buf, sizeof(buf));
  jb_key(&line, "dst_ipn");
  jb_str(&line, buf);
  jb_key(&line, "srcport");
  jb_u64(&line, f->key.sport);
  jb_key(&line, "dstport");
  jb_u64(&line, f->key.dport);
  jb_key(&line, "packets");
  jb_u64(&line, f->packets);
  if (f->out_of_order_count) {
    jb_key(&line, "out_of_order_count");
    jb_u64(&line, f->out_of_order_count);
  }
  if (f->violations) {
    jb_key(&line, "violations");
    jb_u64(&line, f->violations);
  }
  jb_key(&line, "len");
  jb_u64(&line, f->len);
  if (f->caplen != f->len) {
    jb_key(&line, "caplen");
    jb_u64(&line, f->caplen);
  }
  if (f->vlan >= 0) {
    jb_key(&line, "vlan");
    jb_u64(&line, (uint64_t)f->vlan);
  }
  jb_key(&line, "session_id");
  jb_u64(&line, f->session_id);
}

static void node_write(struct jbuf *b, const struct jnode *n)
{
  jb_puts(b, "{\"element\":");
  jb_str(b, n->name);
  if (n->nattrs) {
    jb_puts(b, ",\"attributes\":{");
    for (size_t i = 0; i + 1 < n->nattrs; i += 2) {
      if (i)
        jb_puts(b, ",");
      jb_str(b, n->attrs[i]);
      jb_puts(b, ":");
      jb_str(b, n->attrs[i + 1]);
    }
    jb_puts(b, "}");
  }
  if (n->text.len) {
    jb_puts(b, ",\"text\":");
    jb_str(b, n->text.p);
  }
  if (n->first) {
    jb_puts(b, ",\"children\":[");
    for (const struct jnode *c = n->first; c; c = c->next) {
      node_write(b, c);
      if (c->next)
        jb_puts(b, ",");
    }
    jb_puts(b, "]");
  }
  jb_puts(b, "}");
}

static const char *node_attr(const struct jnode *n, const char *name)
{
  for (size_t i = 0; i + 1 < n->nattrs; i += 2)
    if (strcmp(n->attrs[i], name) == 0)
      return n->attrs[i + 1];
  return NULL;
}

/* "digests": {"md5": "...", ...} from the <hashdigest type=...> elements
 * scanners put directly in the flow (the md5 scanner's). */
static void digests_write(struct jbuf *b)
{
  int any = 0;
  for (size_t i = 0; i < nscanners; i++) {
    for (const struct jnode *n = scanners[i].first; n; n = n->next) {
      const char *type = node_attr(n, "type");
      char key[64];
      size_t k;
      if (strcmp(n->name, "hashdigest") != 0 || !type || !n->text.len || n->first)
        continue;
      for (k = 0; type[k] && k + 1 < sizeof(key); k++)
        key[k] = (char)(type[k] >= 'A' && type[k] <= 'Z' ? type[k] - 'A' + 'a' : type[k]);
      key[k] = '\0';
      jb_puts(b, any ? "," : ",\"digests\":{");
      jb_str(b, key);
      jb_puts(b, ":");
      jb_str(b, n->text.p);
      any = 1;
    }
  }
  if (any)
    jb_puts(b, "}");
}

static void scanners_write(struct jbuf *b)
{
  int any = 0;
  for (size_t i = 0; i < nscanners; i++) {
    if (!scanners[i].first)
      continue;
    jb_puts(b, any ? "," : ",\"scanners\":{");
    jb_str(b, scanners[i].name);
    jb_puts(b, ":[");
    for (const struct jnode *n = scanners[i].first; n; n = n->next) {
      node_write(b, n);
      if (n->next)
        jb_puts(b, ",");
    }
    jb_puts(b, "]");
    any = 1;
  }
  if (any)
    jb_puts(b, "}");
}

void Tf_jsonl_flow_end(void)
{
  if (!jf || !in_flow)
    return;
  digests_write(&line);
  scanners_write(&line);
  jb_puts(&line, "}\n");
  write_line(&line);
  scanners_clear();
  in_flow = 0;
}

void Tf_jsonl_scope_begin(const char *scanner)
{
  struct jscanner *grown;
  if (!jf || (!in_flow && !in_summary))
    return;
  open_node = NULL;
  cur = NULL;
  for (size_t i = 0; i < nscanners; i++) {
    if (strcmp(scanners[i].name, scanner) == 0) {
      cur = &scanners[i];
      return;
    }
  }
  if (nscanners == cap_scanners) {
    size_t cap = cap_scanners ? 2 * cap_scanners : 8;
    grown = realloc(scanners, cap * sizeof(*scanners));
    if (!grown)
      return;
    scanners = grown;
    cap_scanners = cap;
  }
  memset(&scanners[nscanners], 0, sizeof(*scanners));
  scanners[nscanners].name = strdup(scanner);
  if (!scanners[nscanners].name)
    return;
  cur = &scanners[nscanners++];
}

void Tf_jsonl_scope_end(void)
{
  cur = NULL;
  open_node = NULL;
}

void Tf_jsonl_start(const char *name)
{
  struct jnode *n;
  if (!cur)
    return;
  n = calloc(1, sizeof(*n));
  if (!n || !(n->name = strdup(name))) {
    free(n);
    line.failed = 1; /* the flow's line would be incomplete */
    return;
  }
  n->parent = open_node;
  if (open_node) {
    if (open_node->last)
      open_node->last->next = n;
    else
      open_node->first = n;
    open_node->last = n;
  } else {
    if (cur->last)
      cur->last->next = n;
    else
      cur->first = n;
    cur->last = n;
  }
  open_node = n;
}

void Tf_jsonl_attr(const char *name, const char *value)
{
  char **grown;
  if (!cur || !open_node)
    return;
  grown = realloc(open_node->attrs, (open_node->nattrs + 2) * sizeof(char *));
  if (!grown) {
    line.failed = 1;
    return;
  }
  open_node->attrs = grown;
  grown[open_node->nattrs] = strdup(name);
  grown[open_node->nattrs + 1] = strdup(value ? value : "");
  if (!grown[open_node->nattrs] || !grown[open_node->nattrs + 1]) {
    free(grown[open_node->nattrs]);
    free(grown[open_node->nattrs + 1]);
    line.failed = 1;
    return;
  }
  open_node->nattrs += 2;
}

void Tf_jsonl_text(const char *text)
{
  if (!cur || !open_node || !text)
    return;
  jb_puts(&open_node->text, text);
  if (open_node->text.failed)
    line.failed = 1;
}

void Tf_jsonl_end(void)
{
  if (cur && open_node)
    open_node = open_node->parent;
}

void Tf_jsonl_summary_begin(void)
{
  if (!jf)
    return;
  if (in_flow)
    Tf_jsonl_flow_end();
  scanners_clear();
  in_summary = 1;
}

void Tf_jsonl_scanner_failure(const char *scanner, const char *event, const char *reason,
                              const char *flow)
{
  if (!jf)
    return;
  jb_puts(&failures, failures.len ? ",{\"scanner\":" : "{\"scanner\":");
  jb_str(&failures, scanner);
  jb_key(&failures, "event");
  jb_str(&failures, event);
  jb_key(&failures, "reason");
  jb_str(&failures, reason);
  if (flow && *flow) {
    jb_key(&failures, "filename");
    jb_str(&failures, flow);
  }
  jb_puts(&failures, "}");
}

static double tv_sec(const struct timeval *tv)
{
  return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static void jb_seconds(struct jbuf *b, const char *key, double v)
{
  char num[40];
  snprintf(num, sizeof(num), "%.6f", v);
  jb_key(b, key);
  jb_puts(b, num);
}

tf_err Tf_jsonl_close(const struct tf_run_stats *st)
{
  struct jbuf b = {0};
  struct rusage ru;
  struct timeval now;
  tf_err e = TF_OK;
  if (!jf)
    return TF_OK;
  if (in_flow)
    Tf_jsonl_flow_end();
  gettimeofday(&now, NULL);
  getrusage(RUSAGE_SELF, &ru);
  jb_puts(&b, "{\"type\":\"summary\"");
  jb_key(&b, "program");
  jb_str(&b, "TCPFLOW");
  jb_key(&b, "version");
  jb_str(&b, PACKAGE_VERSION);
  jb_key(&b, "command_line");
  jb_str(&b, tf_opt.command_line ? tf_opt.command_line : "");
  jb_key(&b, "start_time");
  jb_time(&b, &open_tv);
  jb_key(&b, "open_fds_at_end");
  jb_u64(&b, (uint64_t)st->open_fds_at_end);
  jb_key(&b, "max_open_flows");
  jb_u64(&b, (uint64_t)st->max_open_flows);
  jb_key(&b, "total_flows");
  jb_u64(&b, st->total_flows);
  jb_key(&b, "flow_map_size");
  jb_u64(&b, st->flow_map_size);
  jb_key(&b, "total_packets");
  jb_u64(&b, st->total_packets);
  jb_puts(&b, ",\"frames\":{\"read\":");
  jb_u64(&b, st->frames_read);
  jb_key(&b, "not_ip");
  jb_u64(&b, st->frames_not_ip);
  jb_key(&b, "not_tcp");
  jb_u64(&b, st->frames_not_tcp);
  jb_key(&b, "malformed");
  jb_u64(&b, st->frames_malformed);
  jb_key(&b, "unsupported_link");
  jb_u64(&b, st->frames_unsupported_link);
  jb_key(&b, "fragments_dropped");
  jb_u64(&b, st->fragments_dropped);
  jb_puts(&b, "}");
  if (failures.len || failures.failed) {
    jb_puts(&b, ",\"scanner_failures\":[");
    jb_put(&b, failures.p ? failures.p : "", failures.len);
    jb_puts(&b, "]");
    b.failed |= failures.failed;
  }
  scanners_write(&b);
  jb_puts(&b, ",\"rusage\":{\"maxrss\":");
  jb_u64(&b, (uint64_t)ru.ru_maxrss);
  jb_seconds(&b, "utime", tv_sec(&ru.ru_utime));
  jb_seconds(&b, "stime", tv_sec(&ru.ru_stime));
  jb_seconds(&b, "clocktime", tv_sec(&now) - tv_sec(&open_tv));
  jb_puts(&b, "}}\n");
  write_line(&b);
  jb_free(&b);
  if (fclose(jf) != 0 && !write_failed) {
    Tf_log_error("cannot write %s: %s", jpath, strerror(errno));
    write_failed = 1;
  }
  jf = NULL;
  if (write_failed)
    e = TF_ERR_OUTPUT;
  scanners_clear();
  free(scanners);
  scanners = NULL;
  cap_scanners = 0;
  jb_free(&line);
  jb_free(&failures);
  free(jpath);
  jpath = NULL;
  in_summary = 0;
  return e;
}
