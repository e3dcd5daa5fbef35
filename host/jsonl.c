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

/* report.jsonl of a run, owned by its report (Tf_jsonl_open, Tf_jsonl_close). */
struct tf_jsonl {
  const struct tf_options *opt;
  FILE *jf;
  char *jpath;
  int write_failed;
  struct timeval open_tv;
  struct jbuf line;          /* the current flow's fields */
  int in_flow;
  int in_summary;
  struct jscanner *scanners; /* results of the flow or the summary */
  size_t nscanners, cap_scanners;
  struct jscanner *cur;      /* the scanner in scope, or NULL */
  struct jnode *open_node;   /* innermost element open, or NULL */
  struct jbuf failures;      /* the summary's scanner_failures items */
};

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

static void write_line(struct tf_jsonl *jl, struct jbuf *b)
{
  if (b->failed) {
    Tf_log_error("%s: out of memory, a line is missing", jl->jpath);
    jl->write_failed = 1;
    return;
  }
  if (jl->write_failed)
    return;
  if (fwrite(b->p, 1, b->len, jl->jf) != b->len || fflush(jl->jf) != 0) {
    Tf_log_error("cannot write %s: %s", jl->jpath, strerror(errno));
    jl->write_failed = 1;
  }
}

tf_err Tf_jsonl_open(struct tf_jsonl **out, const struct tf_options *opt, const char *path)
{
  struct tf_jsonl *jl = calloc(1, sizeof(*jl));
  *out = NULL;
  if (!jl)
    return TF_ERR_NOMEM;
  jl->opt = opt;
  gettimeofday(&jl->open_tv, NULL);
  jl->jf = fopen(path, "w");
  if (!jl) {
    Tf_log_error("cannot create report %s: %s", path, strerror(errno));
    free(jl);
    return TF_ERR_OUTPUT;
  }
  jl->jpath = strdup(path);
  if (!jl->jpath) {
    fclose(jl->jf);
    free(jl);
    return TF_ERR_NOMEM;
  }
  *out = jl;
  return TF_OK;
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

static void scanners_clear(struct tf_jsonl *jl)
{
  for (size_t i = 0; i < jl->nscanners; i++) {
    node_free(jl->scanners[i].first);
    free(jl->scanners[i].name);
  }
  jl->nscanners = 0;
  jl->cur = NULL;
  jl->open_node = NULL;
}

static void attr_hex(struct jbuf *b, const char *key, const uint8_t *m)
{
  char buf[24];
  snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
  jb_key(b, key);
  jb_str(b, buf);
}

void Tf_jsonl_flow_begin(struct tf_jsonl *jl, const struct tf_flow *f, uint64_t filesize)
{
  static const uint8_t zero[6];
  char buf[INET6_ADDRSTRLEN];
  int af = f->key.family == 4 ? AF_INET : AF_INET6;
  if (!jl)
    return;
  jl->line.len = 0;
  jl->line.failed = 0;
  scanners_clear(jl);
  jl->in_flow = 1;
  /* The fields and their conditions are those of Tf_report_flow_begin. */
  jb_puts(&jl->line, "{\"type\":\"flow\"");
  if (f->path && !f->temp_storage) {
    jb_key(&jl->line, "filename");
    jb_str(&jl->line, f->path);
  }
  jb_key(&jl->line, "filesize");
  jb_u64(&jl->line, filesize);
  jb_key(&jl->line, "startime");
  jb_time(&jl->line, &f->first_ts);
  jb_key(&jl->line, "endtime");
  jb_time(&jl->line, &f->last_ts);
  if (f->have_macs && !(memcmp(f->mac_dst, zero, 6) == 0 && memcmp(f->mac_src, zero, 6) == 0)) {
    attr_hex(&jl->line, "mac_daddr", f->mac_dst);
    attr_hex(&jl->line, "mac_saddr", f->mac_src);
  }
  jb_key(&jl->line, "family");
  jb_u64(&jl->line, f->key.family == 4 ? 2 : 10);
  inet_ntop(af, f->key.src, buf, sizeof(buf));
  jb_key(&jl->line, "src_ipn");
  jb_str(&jl->line, buf);
  inet_ntop(af, f->key.dst, buf, sizeof(buf));
  jb_key(&jl->line, "dst_ipn");
  jb_str(&jl->line, buf);
  jb_key(&jl->line, "srcport");
  jb_u64(&jl->line, f->key.sport);
  jb_key(&jl->line, "dstport");
  jb_u64(&jl->line, f->key.dport);
  jb_key(&jl->line, "packets");
  jb_u64(&jl->line, f->packets);
  if (f->out_of_order_count) {
    jb_key(&jl->line, "out_of_order_count");
    jb_u64(&jl->line, f->out_of_order_count);
  }
  if (f->violations) {
    jb_key(&jl->line, "violations");
    jb_u64(&jl->line, f->violations);
  }
  jb_key(&jl->line, "len");
  jb_u64(&jl->line, f->len);
  if (f->caplen != f->len) {
    jb_key(&jl->line, "caplen");
    jb_u64(&jl->line, f->caplen);
  }
  if (f->vlan >= 0) {
    jb_key(&jl->line, "vlan");
    jb_u64(&jl->line, (uint64_t)f->vlan);
  }
  jb_key(&jl->line, "session_id");
  jb_u64(&jl->line, f->session_id);
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
static void digests_write(struct tf_jsonl *jl, struct jbuf *b)
{
  int any = 0;
  for (size_t i = 0; i < jl->nscanners; i++) {
    for (const struct jnode *n = jl->scanners[i].first; n; n = n->next) {
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

static void scanners_write(struct tf_jsonl *jl, struct jbuf *b)
{
  int any = 0;
  for (size_t i = 0; i < jl->nscanners; i++) {
    if (!jl->scanners[i].first)
      continue;
    jb_puts(b, any ? "," : ",\"scanners\":{");
    jb_str(b, jl->scanners[i].name);
    jb_puts(b, ":[");
    for (const struct jnode *n = jl->scanners[i].first; n; n = n->next) {
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

void Tf_jsonl_flow_end(struct tf_jsonl *jl)
{
  if (!jl || !jl->in_flow)
    return;
  digests_write(jl, &jl->line);
  scanners_write(jl, &jl->line);
  jb_puts(&jl->line, "}\n");
  write_line(jl, &jl->line);
  scanners_clear(jl);
  jl->in_flow = 0;
}

void Tf_jsonl_scope_begin(struct tf_jsonl *jl, const char *scanner)
{
  struct jscanner *grown;
  if (!jl || (!jl->in_flow && !jl->in_summary))
    return;
  jl->open_node = NULL;
  jl->cur = NULL;
  for (size_t i = 0; i < jl->nscanners; i++) {
    if (strcmp(jl->scanners[i].name, scanner) == 0) {
      jl->cur = &jl->scanners[i];
      return;
    }
  }
  if (jl->nscanners == jl->cap_scanners) {
    size_t cap = jl->cap_scanners ? 2 * jl->cap_scanners : 8;
    grown = realloc(jl->scanners, cap * sizeof(*jl->scanners));
    if (!grown)
      return;
    jl->scanners = grown;
    jl->cap_scanners = cap;
  }
  memset(&jl->scanners[jl->nscanners], 0, sizeof(*jl->scanners));
  jl->scanners[jl->nscanners].name = strdup(scanner);
  if (!jl->scanners[jl->nscanners].name)
    return;
  jl->cur = &jl->scanners[jl->nscanners++];
}

void Tf_jsonl_scope_end(struct tf_jsonl *jl)
{
  if (!jl)
    return;
  jl->cur = NULL;
  jl->open_node = NULL;
}

void Tf_jsonl_start(struct tf_jsonl *jl, const char *name)
{
  struct jnode *n;
  if (!jl || !jl->cur)
    return;
  n = calloc(1, sizeof(*n));
  if (!n || !(n->name = strdup(name))) {
    free(n);
    jl->line.failed = 1; /* the flow's line would be incomplete */
    return;
  }
  n->parent = jl->open_node;
  if (jl->open_node) {
    if (jl->open_node->last)
      jl->open_node->last->next = n;
    else
      jl->open_node->first = n;
    jl->open_node->last = n;
  } else {
    if (jl->cur->last)
      jl->cur->last->next = n;
    else
      jl->cur->first = n;
    jl->cur->last = n;
  }
  jl->open_node = n;
}

void Tf_jsonl_attr(struct tf_jsonl *jl, const char *name, const char *value)
{
  char **grown;
  if (!jl || !jl->cur || !jl->open_node)
    return;
  grown = realloc(jl->open_node->attrs, (jl->open_node->nattrs + 2) * sizeof(char *));
  if (!grown) {
    jl->line.failed = 1;
    return;
  }
  jl->open_node->attrs = grown;
  grown[jl->open_node->nattrs] = strdup(name);
  grown[jl->open_node->nattrs + 1] = strdup(value ? value : "");
  if (!grown[jl->open_node->nattrs] || !grown[jl->open_node->nattrs + 1]) {
    free(grown[jl->open_node->nattrs]);
    free(grown[jl->open_node->nattrs + 1]);
    jl->line.failed = 1;
    return;
  }
  jl->open_node->nattrs += 2;
}

void Tf_jsonl_text(struct tf_jsonl *jl, const char *text)
{
  if (!jl || !jl->cur || !jl->open_node || !text)
    return;
  jb_puts(&jl->open_node->text, text);
  if (jl->open_node->text.failed)
    jl->line.failed = 1;
}

void Tf_jsonl_end(struct tf_jsonl *jl)
{
  if (!jl)
    return;
  if (jl->cur && jl->open_node)
    jl->open_node = jl->open_node->parent;
}

void Tf_jsonl_summary_begin(struct tf_jsonl *jl)
{
  if (!jl)
    return;
  if (jl->in_flow)
    Tf_jsonl_flow_end(jl);
  scanners_clear(jl);
  jl->in_summary = 1;
}

void Tf_jsonl_scanner_failure(struct tf_jsonl *jl, const char *scanner, const char *event,
                              const char *reason, const char *flow)
{
  if (!jl)
    return;
  jb_puts(&jl->failures, jl->failures.len ? ",{\"scanner\":" : "{\"scanner\":");
  jb_str(&jl->failures, scanner);
  jb_key(&jl->failures, "event");
  jb_str(&jl->failures, event);
  jb_key(&jl->failures, "reason");
  jb_str(&jl->failures, reason);
  if (flow && *flow) {
    jb_key(&jl->failures, "filename");
    jb_str(&jl->failures, flow);
  }
  jb_puts(&jl->failures, "}");
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

void Tf_jsonl_abandon(struct tf_jsonl *jl)
{
  if (!jl)
    return;
  (void)fclose(jl->jf); /* nothing was written: nothing to lose */
  free(jl->jpath);
  free(jl);
}

tf_err Tf_jsonl_close(struct tf_jsonl *jl, const struct tf_run_stats *st)
{
  struct jbuf b = {0};
  struct rusage ru;
  struct timeval now;
  tf_err e = TF_OK;
  if (!jl)
    return TF_OK;
  if (jl->in_flow)
    Tf_jsonl_flow_end(jl);
  gettimeofday(&now, NULL);
  getrusage(RUSAGE_SELF, &ru);
  jb_puts(&b, "{\"type\":\"summary\"");
  jb_key(&b, "program");
  jb_str(&b, "TCPFLOW");
  jb_key(&b, "version");
  jb_str(&b, PACKAGE_VERSION);
  jb_key(&b, "command_line");
  jb_str(&b, jl->opt->command_line ? jl->opt->command_line : "");
  jb_key(&b, "start_time");
  jb_time(&b, &jl->open_tv);
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
  if (jl->failures.len || jl->failures.failed) {
    jb_puts(&b, ",\"scanner_failures\":[");
    jb_put(&b, jl->failures.p ? jl->failures.p : "", jl->failures.len);
    jb_puts(&b, "]");
    b.failed |= jl->failures.failed;
  }
  scanners_write(jl, &b);
  jb_puts(&b, ",\"rusage\":{\"maxrss\":");
  jb_u64(&b, (uint64_t)ru.ru_maxrss);
  jb_seconds(&b, "utime", tv_sec(&ru.ru_utime));
  jb_seconds(&b, "stime", tv_sec(&ru.ru_stime));
  jb_seconds(&b, "clocktime", tv_sec(&now) - tv_sec(&jl->open_tv));
  jb_puts(&b, "}}\n");
  write_line(jl, &b);
  jb_free(&b);
  if (fclose(jl->jf) != 0 && !jl->write_failed) {
    Tf_log_error("cannot write %s: %s", jl->jpath, strerror(errno));
    jl->write_failed = 1;
  }
  if (jl->write_failed)
    e = TF_ERR_OUTPUT;
  scanners_clear(jl);
  free(jl->scanners);
  jl->scanners = NULL;
  jl->cap_scanners = 0;
  jb_free(&jl->line);
  jb_free(&jl->failures);
  free(jl->jpath);
  free(jl);
  return e;
}
