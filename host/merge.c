/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Merging partitioned runs (merge.h).  Shard reports are read with
 * libxml2's tree API and the merged report is written with xmlTextWriter
 * in report.c's layout, element by element, so it reads like a single
 * run's.  -j workers that wrote into the output directory leave indexed
 * reports instead: only what surrounds their flows is read as a tree; the
 * flows themselves are copied byte for byte, merged by close number from
 * the N files read front to back (merge_stream_*), so neither time nor
 * memory goes into parsing them.  What a merge cannot reproduce is the resources each process used:
 * open_fds_at_end and max_open_flows are the sums of the shards', rusage
 * the sums (maxrss and clocktime the largest); command_line is the merge's.
 *
 * Shards of one capture set (mode "shard") each counted every connection,
 * so their flow numbers and close numbers are global already: flows are
 * put in close_seq order.  Fanout members (mode "fanout") each saw only
 * their own packets: flows are ordered by the packet time of their close
 * (those closed at the end of input last, by start time), and session ids
 * are given again in the order of the sessions' first packets.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "merge.h"
#include "options.h"
#include "output.h"

#define X(s) ((const xmlChar *)(s))
#define PATH_LEN 4096
#define MERGE_STREAM_BUF (32 * 1024) /* per -j worker report read */
#define MERGE_ATTR_RING 8 /* merge_attr values alive at once */

struct merge_shard {
  const char *dir;          /* --merge: the shard's directory; NULL for -j */
  char report[PATH_LEN];
  xmlDocPtr doc;
  xmlNodePtr partition;     /* <tcpflow:partition> */
  unsigned long index, count;
  char prefix[PATH_LEN];    /* "<its outdir>/" as its file names start */
};

struct merge_flow {
  xmlNodePtr node;          /* the <fileobject> */
  int shard;
  int at_end;               /* closed at the end of input */
  uint64_t close_seq;
  double close_time;        /* fanout: packet time of the close */
  double start_time;
  uint64_t session;         /* fanout: given again */
  uint64_t old_session;
};

/* -j direct (Tf_merge_jobs): a worker's indexed report, read front to back. */
struct merge_stream {
  FILE *report;
  FILE *index;
  const char *report_path;
  uint64_t pos;             /* offset in report of the next byte read */
  uint64_t entry[3];        /* close_seq, start, end of the next flow */
  int has;                  /* entry holds a flow */
  int failed;               /* its worker failed: copy only what holds up */
  uint64_t size;            /* of the report file */
  FILE *jsonl;              /* its report.jsonl: a line per index entry */
  char *buf;                /* report's stdio buffer; owned */
};

struct merge_state {
  struct merge_shard *shards;
  struct merge_stream *streams; /* -j direct: flows come from these */
  int nstreams;
  tf_err stream_err;
  int lenient;              /* -j stopped early: prefixes of the input */
  FILE *jout;               /* -j: the merged report.jsonl, or NULL */
  const char *jout_path;
  char *line;               /* a report.jsonl line; getline's */
  size_t line_cap;
  int n;
  int fanout;
  struct merge_flow *flows;
  size_t nflows;
  const char *outdir;       /* --merge: the target; NULL for -j */
  int strict;               /* -j: refuse what --merge only warns about */
  xmlTextWriterPtr w;
  const char *command_line; /* of this tcpflow, for the merged report */
  xmlChar *attr_ring[MERGE_ATTR_RING];    /* merge_attr's values; freed by merge_free */
  int attr_at;
};

/* ------------------------------------------------------------ reading */

static int merge_is(xmlNodePtr n, const char *prefix, const char *name)
{
  if (!n || n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
    return 0;
  if (!prefix)
    return !n->ns || !n->ns->prefix;
  return n->ns && n->ns->prefix && strcmp((const char *)n->ns->prefix, prefix) == 0;
}

static xmlNodePtr merge_child(xmlNodePtr parent, const char *prefix, const char *name)
{
  for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
    if (merge_is(c, prefix, name))
      return c;
  return NULL;
}

/* The attribute's value or "".  The string is libxml2's, kept in m's
 * ring of the last MERGE_ATTR_RING so that a few may be compared without
 * the callers freeing each; it is valid until that many more are read, and
 * merge_free frees the ring. */
static const char *merge_attr(struct merge_state *m, xmlNodePtr n, const char *name)
{
  xmlChar *v = n ? xmlGetProp(n, X(name)) : NULL;
  m->attr_at = (m->attr_at + 1) % MERGE_ATTR_RING;
  xmlFree(m->attr_ring[m->attr_at]);
  m->attr_ring[m->attr_at] = v;
  return v ? (const char *)v : "";
}

static double merge_parse_time(const char *s)
{
  struct tm tm;
  int usec = 0;
  memset(&tm, 0, sizeof(tm));
  if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
             &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const char *dot = strchr(s, '.');
  if (dot)
    usec = (int)strtol(dot + 1, NULL, 10); /* digits of the report's own format */
  return (double)timegm(&tm) + usec / 1e6;
}

static tf_err merge_load(struct merge_state *m, struct merge_shard *s)
{
  xmlNodePtr root;
  if (!s->doc)
    s->doc = xmlReadFile(s->report, NULL, XML_PARSE_NOBLANKS | XML_PARSE_NONET);
  if (!s->doc) {
    Tf_log_error("--merge: %s: not a readable tcpflow report", s->report);
    return TF_ERR_INPUT;
  }
  root = xmlDocGetRootElement(s->doc);
  s->partition = merge_child(root, "tcpflow", "partition");
  if (!merge_is(root, NULL, "dfxml") || !s->partition) {
    Tf_log_error("--merge: %s is not the report of a partitioned run (made with --shard, "
                 "-j or --fanout)", s->report);
    return TF_ERR_INPUT;
  }
  s->index = strtoul(merge_attr(m, s->partition, "index"), NULL, 10);
  s->count = strtoul(merge_attr(m, s->partition, "count"), NULL, 10);
  const char *od = merge_attr(m, s->partition, "outdir");
  if (strcmp(od, ".") == 0 || *od == '\0')
    s->prefix[0] = '\0';
  else
    snprintf(s->prefix, sizeof(s->prefix), "%s/", od);
  return TF_OK;
}

/* Shards of one run agree on how it was made. */
static tf_err merge_check_same(struct merge_state *m, int i)
{
  static const char *const attrs[] = {"mode", "count", "hash", "options", "filter"};
  static const char *const input_attrs[] = {"kind", "name", "size", "digest"};
  const struct merge_shard *a = &m->shards[0], *b = &m->shards[i];
  xmlNodePtr ia, ib;
  for (size_t k = 0; k < sizeof(attrs) / sizeof(attrs[0]); k++) {
    const char *va = merge_attr(m, a->partition, attrs[k]);
    const char *vb = merge_attr(m, b->partition, attrs[k]);
    if (strcmp(va, vb) != 0) {
      Tf_log_error("--merge: %s and %s were made differently: %s '%s' and '%s'", a->report,
                   b->report, attrs[k], va, vb);
      return TF_ERR_INPUT;
    }
  }
  ia = merge_child(a->partition, "tcpflow", "input");
  ib = merge_child(b->partition, "tcpflow", "input");
  while (ia || ib) {
    if (!ia || !ib) {
      Tf_log_error("--merge: %s and %s read a different number of captures", a->report,
                   b->report);
      return TF_ERR_INPUT;
    }
    for (size_t k = 0; k < sizeof(input_attrs) / sizeof(input_attrs[0]); k++) {
      const char *va = merge_attr(m, ia, input_attrs[k]);
      const char *vb = merge_attr(m, ib, input_attrs[k]);
      if (strcmp(va, vb) != 0) {
        Tf_log_error("--merge: %s and %s read different captures: %s (%s %s) and %s (%s %s)",
                     a->report, b->report, merge_attr(m, ia, "path"), input_attrs[k], va,
                     merge_attr(m, ib, "path"), input_attrs[k], vb);
        return TF_ERR_INPUT;
      }
    }
    do
      ia = ia->next;
    while (ia && !merge_is(ia, "tcpflow", "input"));
    do
      ib = ib->next;
    while (ib && !merge_is(ib, "tcpflow", "input"));
  }
  return TF_OK;
}

/* Every partition 0..N-1 exactly once (shards of a capture set). */
static tf_err merge_check_complete(const struct merge_state *m)
{
  unsigned long count = m->shards[0].count;
  int *seen;
  char missing[512] = "";
  size_t at = 0;
  tf_err e = TF_OK;
  if (count < 1 || count > 1024) {
    Tf_log_error("--merge: %s: partition count %lu is out of range", m->shards[0].report, count);
    return TF_ERR_INPUT;
  }
  seen = calloc(count, sizeof(*seen));
  if (!seen)
    return TF_ERR_NOMEM;
  for (int i = 0; i < m->n && e == TF_OK; i++) {
    unsigned long k = m->shards[i].index;
    if (k >= count) {
      Tf_log_error("--merge: %s: partition %lu of %lu is out of range", m->shards[i].report, k,
                   count);
      e = TF_ERR_INPUT;
    } else if (seen[k]) {
      Tf_log_error("--merge: %s and %s are both partition %lu/%lu: shards overlap",
                   m->shards[seen[k] - 1].report, m->shards[i].report, k, count);
      e = TF_ERR_INPUT;
    } else {
      seen[k] = i + 1;
    }
  }
  for (unsigned long k = 0; k < count && e == TF_OK; k++)
    if (!seen[k] && at < sizeof(missing) - 16)
      at += (size_t)snprintf(missing + at, sizeof(missing) - at, "%s%lu/%lu", at ? ", " : "",
                             k, count);
  if (e == TF_OK && at) {
    Tf_log_error("--merge: shards missing: %s", missing);
    e = TF_ERR_INPUT;
  }
  free(seen);
  return e;
}

/* The run totals every shard of a capture set counted alike. */
static tf_err merge_check_totals(const struct merge_state *m, int i)
{
  static const char *const leaves[] = {"total_flows", "flow_map_size", "total_packets"};
  xmlNodePtr ra = xmlDocGetRootElement(m->shards[0].doc);
  xmlNodePtr rb = xmlDocGetRootElement(m->shards[i].doc);
  for (size_t k = 0; k < sizeof(leaves) / sizeof(leaves[0]); k++) {
    xmlChar *va = xmlNodeGetContent(merge_child(ra, NULL, leaves[k]));
    xmlChar *vb = xmlNodeGetContent(merge_child(rb, NULL, leaves[k]));
    int same = va && vb && xmlStrcmp(va, vb) == 0;
    if (!same)
      Tf_log_error("--merge: %s and %s did not read the same packets (%s %s and %s): a shard "
                   "was interrupted or read other captures", m->shards[0].report,
                   m->shards[i].report, leaves[k], va ? (char *)va : "missing",
                   vb ? (char *)vb : "missing");
    xmlFree(va);
    xmlFree(vb);
    if (!same)
      return TF_ERR_INPUT;
  }
  return TF_OK;
}

/* The flows' container: the last <configuration> under the root. */
static xmlNodePtr merge_flow_parent(xmlDocPtr doc)
{
  xmlNodePtr last = NULL;
  for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next)
    if (merge_is(c, NULL, "configuration"))
      last = c;
  return last;
}

static tf_err merge_collect(struct merge_state *m)
{
  size_t cap = 0;
  for (int i = 0; i < m->n; i++) {
    xmlNodePtr parent = merge_flow_parent(m->shards[i].doc);
    for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next) {
      xmlNodePtr order, tf;
      struct merge_flow *f;
      if (!merge_is(c, NULL, "fileobject"))
        continue;
      order = merge_child(c, "tcpflow", "order");
      tf = merge_child(c, NULL, "tcpflow");
      if (!order || !tf) {
        Tf_log_error("--merge: %s: a flow without its order: not a partitioned report",
                     m->shards[i].report);
        return TF_ERR_INPUT;
      }
      if (m->nflows == cap) {
        size_t ncap = cap ? cap * 2 : 1024;
        struct merge_flow *nf = realloc(m->flows, ncap * sizeof(*nf));
        if (!nf)
          return TF_ERR_NOMEM;
        m->flows = nf;
        cap = ncap;
      }
      f = &m->flows[m->nflows++];
      memset(f, 0, sizeof(*f));
      f->node = c;
      f->shard = i;
      f->close_seq = strtoull(merge_attr(m, order, "close_seq"), NULL, 10);
      f->at_end = !xmlHasProp(order, X("close_time"));
      f->close_time = strtod(merge_attr(m, order, "close_time"), NULL);
      f->start_time = merge_parse_time(merge_attr(m, tf, "startime"));
      f->old_session = strtoull(merge_attr(m, tf, "session_id"), NULL, 10);
    }
  }
  return TF_OK;
}

static int merge_cmp_shard(const void *pa, const void *pb)
{
  const struct merge_flow *a = pa, *b = pb;
  return (a->close_seq > b->close_seq) - (a->close_seq < b->close_seq);
}

static int merge_cmp_fanout(const void *pa, const void *pb)
{
  const struct merge_flow *a = pa, *b = pb;
  if (a->at_end != b->at_end)
    return a->at_end - b->at_end;
  if (!a->at_end && a->close_time != b->close_time)
    return a->close_time < b->close_time ? -1 : 1;
  if (a->at_end && a->start_time != b->start_time)
    return a->start_time < b->start_time ? -1 : 1;
  if (a->shard != b->shard)
    return a->shard - b->shard;
  return (a->close_seq > b->close_seq) - (a->close_seq < b->close_seq);
}

/* Fanout: a session's number is its place among the sessions' first
 * packets, as one process capturing everything would count them. */
static int merge_cmp_session(const void *pa, const void *pb)
{
  const struct merge_flow *a = *(struct merge_flow *const *)pa;
  const struct merge_flow *b = *(struct merge_flow *const *)pb;
  if (a->shard != b->shard)
    return a->shard - b->shard;
  if (a->old_session != b->old_session)
    return a->old_session < b->old_session ? -1 : 1;
  return a->start_time < b->start_time ? -1 : a->start_time > b->start_time;
}

static int merge_cmp_first(const void *pa, const void *pb)
{
  const struct merge_flow *a = *(struct merge_flow *const *)pa;
  const struct merge_flow *b = *(struct merge_flow *const *)pb;
  if (a->start_time != b->start_time)
    return a->start_time < b->start_time ? -1 : 1;
  if (a->shard != b->shard)
    return a->shard - b->shard;
  return a->old_session < b->old_session ? -1 : a->old_session > b->old_session;
}

static tf_err merge_renumber_sessions(struct merge_state *m)
{
  struct merge_flow **v = malloc((m->nflows ? m->nflows : 1) * sizeof(*v));
  size_t nfirst = 0;
  if (!v)
    return TF_ERR_NOMEM;
  for (size_t i = 0; i < m->nflows; i++)
    v[i] = &m->flows[i];
  /* The earliest flow of each (shard, session) stands for the session. */
  qsort(v, m->nflows, sizeof(*v), merge_cmp_session);
  for (size_t i = 0; i < m->nflows; i++)
    if (i == 0 || v[i]->shard != v[i - 1]->shard || v[i]->old_session != v[i - 1]->old_session)
      v[nfirst++] = v[i];
  qsort(v, nfirst, sizeof(*v), merge_cmp_first);
  for (size_t s = 0; s < nfirst; s++)
    for (size_t i = 0; i < m->nflows; i++)
      if (m->flows[i].shard == v[s]->shard && m->flows[i].old_session == v[s]->old_session)
        m->flows[i].session = s;
  free(v);
  return TF_OK;
}

/* ------------------------------------------------------------ writing */

static tf_err merge_stream_flows(struct merge_state *m);

static void merge_qname(xmlNodePtr n, const xmlChar *name, xmlNsPtr ns, char *buf, size_t len)
{
  if (ns && ns->prefix)
    snprintf(buf, len, "%s:%s", (const char *)ns->prefix, (const char *)name);
  else
    snprintf(buf, len, "%s", (const char *)name);
  (void)n;
}

/* A file name of a shard, as it reads in the merged directory. */
static void merge_rename_value(const struct merge_state *m, int shard, const char *v, char *buf,
                               size_t len)
{
  const char *p = m->shards[shard].prefix;
  size_t pl = strlen(p);
  int plain = !m->outdir || strcmp(m->outdir, ".") == 0;
  if (m->outdir && pl > 0 && strncmp(v, p, pl) == 0)
    snprintf(buf, len, "%s%s%s", plain ? "" : m->outdir, plain ? "" : "/", v + pl);
  else
    snprintf(buf, len, "%s", v);
}

static void merge_write_attrs(struct merge_state *m, xmlNodePtr n, int shard, int root,
                              const struct merge_flow *flow)
{
  char name[256], val[PATH_LEN];
  if (!root)
    for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
      snprintf(name, sizeof(name), ns->prefix ? "xmlns:%s" : "xmlns",
               ns->prefix ? (const char *)ns->prefix : "");
      xmlTextWriterWriteAttribute(m->w, X(name), ns->href);
    }
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    merge_qname(n, a->name, a->ns, name, sizeof(name));
    if (flow && m->fanout && strcmp(name, "session_id") == 0 && merge_is(n, NULL, "tcpflow"))
      snprintf(val, sizeof(val), "%llu", (unsigned long long)flow->session);
    else
      merge_rename_value(m, shard, v ? (const char *)v : "", val, sizeof(val));
    xmlTextWriterWriteAttribute(m->w, X(name), X(val));
    xmlFree(v);
  }
  if (root) /* report.c writes the root's namespace after its attribute */
    for (xmlNsPtr ns = n->nsDef; ns; ns = ns->next) {
      snprintf(name, sizeof(name), ns->prefix ? "xmlns:%s" : "xmlns",
               ns->prefix ? (const char *)ns->prefix : "");
      xmlTextWriterWriteAttribute(m->w, X(name), ns->href);
    }
}

static void merge_write_element(struct merge_state *m, xmlNodePtr n, int shard,
                                const struct merge_flow *flow)
{
  char name[256];
  merge_qname(n, n->name, n->ns, name, sizeof(name));
  xmlTextWriterStartElement(m->w, X(name));
  merge_write_attrs(m, n, shard, 0, flow);
  if (merge_is(n, NULL, "command_line") && m->command_line) {
    xmlTextWriterWriteString(m->w, X(m->command_line)); /* the merge's */
    xmlTextWriterEndElement(m->w);
    return;
  }
  for (xmlNodePtr c = n->children; c; c = c->next) {
    if (merge_is(c, "tcpflow", "order"))
      continue;
    if (c->type == XML_ELEMENT_NODE) {
      merge_write_element(m, c, shard, flow);
    } else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      char val[PATH_LEN];
      merge_rename_value(m, shard, (const char *)c->content, val, sizeof(val));
      xmlTextWriterWriteString(m->w, X(val));
    }
  }
  /* report.c writes empty leaves as <x></x> and empty containers as <x/> */
  if (!n->children && !n->properties && !merge_is(n, NULL, "configuration") &&
      !merge_is(n, NULL, "summary"))
    xmlTextWriterFullEndElement(m->w);
  else
    xmlTextWriterEndElement(m->w);
}

/* A leaf of the run statistics, the sum (or the largest) of the shards'. */
static void merge_write_stat(struct merge_state *m, xmlNodePtr n, const char *parent)
{
  const char *name = (const char *)n->name;
  /* Workers stopped early each read a prefix of the input: the longest
   * is what the run read. */
  int largest = strcmp(name, "maxrss") == 0 || strcmp(name, "clocktime") == 0 ||
                (m->lenient && !m->fanout && strcmp(name, "open_fds_at_end") != 0 &&
                 strcmp(name, "max_open_flows") != 0 && !parent);
  int is_float = strcmp(name, "utime") == 0 || strcmp(name, "stime") == 0 ||
                 strcmp(name, "clocktime") == 0;
  double acc = 0;
  for (int i = 0; i < m->n; i++) {
    xmlNodePtr r = xmlDocGetRootElement(m->shards[i].doc);
    xmlNodePtr p = parent ? merge_child(r, NULL, parent) : r;
    xmlChar *v = xmlNodeGetContent(merge_child(p, NULL, name));
    double d = v ? strtod((const char *)v, NULL) : 0;
    xmlFree(v);
    if (largest)
      acc = d > acc ? d : acc;
    else
      acc += d;
  }
  if (is_float)
    xmlTextWriterWriteFormatElement(m->w, n->name, "%.6f", acc);
  else
    xmlTextWriterWriteFormatElement(m->w, n->name, "%.0f", acc);
}

static void merge_write_frames(struct merge_state *m, xmlNodePtr n)
{
  xmlTextWriterStartElement(m->w, n->name);
  for (xmlAttrPtr a = n->properties; a; a = a->next) {
    unsigned long long sum = 0;
    for (int i = 0; i < m->n; i++) {
      xmlNodePtr f = merge_child(xmlDocGetRootElement(m->shards[i].doc), NULL, "frames");
      unsigned long long v = strtoull(merge_attr(m, f, (const char *)a->name), NULL, 10);
      if (m->fanout)
        sum += v;
      else if (v > sum) /* lenient: the longest prefix */
        sum = v;
    }
    xmlTextWriterWriteFormatAttribute(m->w, a->name, "%llu", sum);
  }
  xmlTextWriterEndElement(m->w);
}

/* A failure every shard reports alike (a scanner that could not be
 * loaded: no flow, the same reason everywhere) is one failure of the run. */
static int merge_failure_seen(struct merge_state *m, int upto, xmlNodePtr f)
{
  static const char *const attrs[] = {"scanner", "event", "reason", "flow"};
  for (int i = 0; i < upto; i++) {
    xmlNodePtr s = merge_child(xmlDocGetRootElement(m->shards[i].doc), NULL, "summary");
    for (xmlNodePtr c = s ? s->children : NULL; c; c = c->next) {
      size_t k = 0;
      if (!merge_is(c, NULL, "scanner_failure"))
        continue;
      while (k < sizeof(attrs) / sizeof(attrs[0]) &&
             strcmp(merge_attr(m, c, attrs[k]), merge_attr(m, f, attrs[k])) == 0)
        k++;
      if (k == sizeof(attrs) / sizeof(attrs[0]))
        return 1;
    }
  }
  return 0;
}

static void merge_write_summary(struct merge_state *m, xmlNodePtr n)
{
  xmlTextWriterStartElement(m->w, n->name);
  for (xmlNodePtr c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      merge_write_element(m, c, 0, NULL);
  /* Scanners of the other partitions only add their failures. */
  for (int i = 1; i < m->n; i++) {
    xmlNodePtr s = merge_child(xmlDocGetRootElement(m->shards[i].doc), NULL, "summary");
    for (xmlNodePtr c = s ? s->children : NULL; c; c = c->next)
      if (merge_is(c, NULL, "scanner_failure") && !merge_failure_seen(m, i, c))
        merge_write_element(m, c, i, NULL);
  }
  xmlTextWriterEndElement(m->w);
}

static int merge_is_total(xmlNodePtr c)
{
  static const char *const names[] = {"open_fds_at_end", "max_open_flows", "total_flows",
                                      "flow_map_size", "total_packets"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (merge_is(c, NULL, names[i]))
      return 1;
  return 0;
}

static void merge_write_root(struct merge_state *m)
{
  xmlNodePtr root = xmlDocGetRootElement(m->shards[0].doc);
  xmlNodePtr flows = merge_flow_parent(m->shards[0].doc);
  xmlTextWriterStartElement(m->w, root->name);
  merge_write_attrs(m, root, 0, 1, NULL);
  for (xmlNodePtr c = root->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE || merge_is(c, "tcpflow", "partition") ||
        merge_is(c, "tcpflow", "partition_check"))
      continue;
    if (c == flows) {
      xmlTextWriterStartElement(m->w, c->name);
      if (m->streams)
        m->stream_err = merge_stream_flows(m);
      for (size_t i = 0; i < m->nflows; i++)
        merge_write_element(m, m->flows[i].node, m->flows[i].shard, &m->flows[i]);
      xmlTextWriterEndElement(m->w);
    } else if (merge_is(c, NULL, "summary")) {
      merge_write_summary(m, c);
    } else if (merge_is(c, NULL, "frames") && (m->fanout || m->lenient)) {
      merge_write_frames(m, c);
    } else if (merge_is_total(c) &&
               (m->fanout || m->lenient || merge_is(c, NULL, "open_fds_at_end") ||
                merge_is(c, NULL, "max_open_flows"))) {
      merge_write_stat(m, c, NULL);
    } else if (merge_is(c, NULL, "rusage")) {
      xmlTextWriterStartElement(m->w, c->name);
      for (xmlNodePtr r = c->children; r; r = r->next)
        if (r->type == XML_ELEMENT_NODE)
          merge_write_stat(m, r, "rusage");
      xmlTextWriterEndElement(m->w);
    } else {
      merge_write_element(m, c, 0, NULL);
    }
  }
  xmlTextWriterEndElement(m->w);
}

static tf_err merge_write(struct merge_state *m, const char *path)
{
  tf_err e = TF_OK;
  /* Through stdio with a large buffer: libxml2 alone writes 4 KB at a
   * time, and a merged report of many flows is large. */
  size_t bufsize = 1 << 20;
  char *buf = malloc(bufsize); /* the stream's until fclose */
  FILE *fp = buf ? fopen(path, "we") : NULL;
  xmlOutputBufferPtr out = fp ? xmlOutputBufferCreateFile(fp, NULL) : NULL;
  if (fp)
    setvbuf(fp, buf, _IOFBF, bufsize); /* glibc ignores the size without a buffer */
  m->w = out ? xmlNewTextWriter(out) : NULL; /* owns out */
  if (!m->w) {
    Tf_log_error("--merge: cannot create report %s: %s", path,
                 buf ? strerror(errno) : "out of memory");
    if (fp)
      fclose(fp);
    free(buf);
    return TF_ERR_OUTPUT;
  }
  xmlTextWriterSetIndent(m->w, 1);
  xmlTextWriterSetIndentString(m->w, X("  "));
  xmlTextWriterSetQuoteChar(m->w, '\'');
  xmlTextWriterStartDocument(m->w, "1.0", "UTF-8", NULL);
  merge_write_root(m);
  if (xmlTextWriterEndDocument(m->w) < 0 || xmlTextWriterFlush(m->w) < 0) {
    Tf_log_error("--merge: cannot finish the report %s", path);
    e = TF_ERR_OUTPUT;
  }
  xmlFreeTextWriter(m->w); /* flushes into fp */
  m->w = NULL;
  if (fclose(fp) != 0 && e == TF_OK) {
    Tf_log_error("--merge: cannot write the report %s: %s", path, strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  free(buf);
  return e;
}

/* ------------------------------------------------------------ the set */

static void merge_free(struct merge_state *m)
{
  for (int i = 0; i < m->n; i++)
    if (m->shards[i].doc)
      xmlFreeDoc(m->shards[i].doc);
  free(m->shards);
  free(m->flows);
  for (int i = 0; i < MERGE_ATTR_RING; i++)
    xmlFree(m->attr_ring[i]);
}

static tf_err merge_prepare(struct merge_state *m)
{
  tf_err e;
  uint64_t mismatched = 0;
  for (int i = 0; i < m->n; i++)
    if ((e = merge_load(m, &m->shards[i])) != TF_OK)
      return e;
  m->fanout = strcmp(merge_attr(m, m->shards[0].partition, "mode"), "fanout") == 0;
  for (int i = 1; i < m->n; i++)
    if ((e = merge_check_same(m, i)) != TF_OK)
      return e;
  for (int i = 0; i < m->n; i++) {
    xmlNodePtr pc = merge_child(xmlDocGetRootElement(m->shards[i].doc), "tcpflow",
                                "partition_check");
    mismatched += strtoull(merge_attr(m, pc, "stragglers_mismatched"), NULL, 10);
  }
  if (!m->fanout) {
    if (!m->lenient && (e = merge_check_complete(m)) != TF_OK)
      return e;
    /* A late segment of a closed flow that differs from what the flow
     * saved starts a new flow; only its owner can see that, so the other
     * shards' numbers are off from there on.  The flows' bytes are right. */
    if (mismatched) {
      if (m->strict)
        return TF_ERR_MERGE_NUMBERING;
      Tf_log_warn("%s: %llu late segment(s) of closed flows differed from what the flow "
                  "saved; flow numbers, session ids and the order of the report may differ "
                  "from a single run's (the flows' bytes do not)",
                  m->streams ? "-j" : "--merge", (unsigned long long)mismatched);
    } else if (!m->lenient) {
      for (int i = 1; i < m->n; i++)
        if ((e = merge_check_totals(m, i)) != TF_OK)
          return e;
    }
  }
  if ((e = merge_collect(m)) != TF_OK)
    return e;
  if (m->nflows > 1) /* qsort's pointer must not be NULL, even for no elements */
    qsort(m->flows, m->nflows, sizeof(*m->flows), m->fanout ? merge_cmp_fanout : merge_cmp_shard);
  if (m->fanout)
    return merge_renumber_sessions(m);
  for (size_t i = 1; i < m->nflows && !mismatched; i++)
    if (m->flows[i].close_seq == m->flows[i - 1].close_seq) {
      Tf_log_error("--merge: %s and %s report the same flow: shards overlap",
                   m->shards[m->flows[i - 1].shard].report, m->shards[m->flows[i].shard].report);
      return TF_ERR_INPUT;
    }
  return TF_OK;
}

/* ------------------------------------------------------------ flow logs */

/* -j with report.jsonl: each worker's flow lines come in the order of its
 * index, so they are copied with the flows' XML; its last line is its
 * summary, and the merged summary is shard 0's with the figures every
 * worker counted for itself put together as in report.xml (merge_write_*).
 * The lines are jsonl.c's: one object each, members in a fixed order, no
 * spaces; the little reading done here (find a member, skip a value)
 * relies on nothing else. */

/* Past the JSON value at p (at a ',', '}' or ']' after a scalar); NULL
 * when the line ends first. */
static const char *jl_skip(const char *p)
{
  int depth = 0;
  for (;;) {
    char c = *p;
    if (c == '\0' || c == '\n')
      return NULL;
    if ((c == '}' || c == ']' || c == ',') && depth == 0)
      return p; /* the end of a scalar */
    if (c == '"') {
      for (p++; *p != '"'; p++) {
        if (!*p)
          return NULL;
        if (*p == '\\' && p[1])
          p++;
      }
    } else if (c == '{' || c == '[') {
      depth++;
    } else if (c == '}' || c == ']') {
      depth--;
    }
    p++;
    if (depth == 0 && (c == '"' || c == '}' || c == ']'))
      return p;
  }
}

/* The value of member key of the object at obj ('{'), or NULL. */
static const char *jl_member(const char *obj, const char *key)
{
  size_t kl = strlen(key);
  const char *p = obj && *obj == '{' ? obj + 1 : NULL;
  while (p && *p == '"') {
    const char *v = jl_skip(p);
    if (!v || *v != ':')
      return NULL;
    if ((size_t)(v - p) == kl + 2 && memcmp(p + 1, key, kl) == 0)
      return v + 1;
    p = jl_skip(v + 1);
    p = p && *p == ',' ? p + 1 : NULL;
  }
  return NULL;
}

/* The member key of the top-level object of line, or of its member
 * object `in` when not NULL. */
static const char *jl_find(const char *line, const char *in, const char *key)
{
  return jl_member(in ? jl_member(line, in) : line, key);
}

/* Replaces len bytes at `at` of the malloc'd *line with text. */
static tf_err jl_splice(char **line, size_t at, size_t len, const char *text)
{
  size_t n = strlen(*line), tl = strlen(text);
  char *r = malloc(n - len + tl + 1);
  if (!r)
    return TF_ERR_NOMEM;
  memcpy(r, *line, at);
  memcpy(r + at, text, tl);
  memcpy(r + at + tl, *line + at + len, n - at - len + 1);
  free(*line);
  *line = r;
  return TF_OK;
}

/* Sets the number at key (see jl_find) of *line to text. */
static tf_err jl_set(char **line, const char *in, const char *key, const char *text)
{
  const char *v = jl_find(*line, in, key);
  const char *end = v ? jl_skip(v) : NULL;
  if (!end)
    return TF_OK; /* not in this line: nothing to put together */
  return jl_splice(line, (size_t)(v - *line), (size_t)(end - v), text);
}

/* The workers' summary lines (one per shard, owned). */
struct jl_sums {
  char **lines;
  int n;
};

/* Sum (how 0), largest (1) or float sum (2) of a figure over the lines,
 * written into *base. */
static tf_err jl_combine(char **base, const struct jl_sums *s, const char *in, const char *key,
                         int how)
{
  char text[64];
  unsigned long long u = 0;
  double d = 0;
  for (int i = 0; i < s->n; i++) {
    const char *v = jl_find(s->lines[i], in, key);
    if (!v)
      continue;
    if (how == 2) {
      d += strtod(v, NULL);
    } else {
      unsigned long long x = strtoull(v, NULL, 10);
      u = how == 1 ? (x > u ? x : u) : u + x;
    }
  }
  if (how == 2)
    snprintf(text, sizeof(text), "%.6f", d);
  else
    snprintf(text, sizeof(text), "%llu", u);
  return jl_set(base, in, key, text);
}

/* Every worker's scanner failures, each once, in the base line. */
static tf_err jl_failures(char **base, const struct jl_sums *s)
{
  size_t len = 0, cap = 256;
  char *arr = malloc(cap);
  tf_err e = TF_OK;
  int any = 0;
  if (!arr)
    return TF_ERR_NOMEM;
  arr[len++] = '[';
  for (int i = 0; i < s->n && e == TF_OK; i++) {
    const char *p = jl_find(s->lines[i], NULL, "scanner_failures");
    for (p = p && *p == '[' ? p + 1 : NULL; p && *p == '{';) {
      const char *end = jl_skip(p);
      size_t il;
      if (!end)
        break;
      il = (size_t)(end - p);
      arr[len] = '\0';
      if (!memmem(arr, len, p, il)) { /* said once, as in report.xml */
        if (len + il + 3 > cap) {
          char *g = realloc(arr, (cap = 2 * (len + il + 3)));
          if (!g) {
            e = TF_ERR_NOMEM;
            break;
          }
          arr = g;
        }
        if (any)
          arr[len++] = ',';
        memcpy(arr + len, p, il);
        len += il;
        any = 1;
      }
      p = *end == ',' ? end + 1 : NULL;
    }
  }
  arr[len++] = ']';
  arr[len] = '\0';
  if (e == TF_OK && any) {
    const char *v = jl_find(*base, NULL, "scanner_failures");
    const char *frames = jl_find(*base, NULL, "frames");
    const char *fend = frames ? jl_skip(frames) : NULL;
    if (v) {
      e = jl_splice(base, (size_t)(v - *base), (size_t)(jl_skip(v) - v), arr);
    } else if (fend) { /* jsonl.c writes them after the frames */
      char *member = malloc(len + 32);
      if (!member) {
        e = TF_ERR_NOMEM;
      } else {
        snprintf(member, len + 32, ",\"scanner_failures\":%s", arr);
        e = jl_splice(base, (size_t)(fend - *base), 0, member);
        free(member);
      }
    }
  }
  free(arr);
  return e;
}

static int jl_is(const char *line, const char *type)
{
  char want[32];
  snprintf(want, sizeof(want), "{\"type\":\"%s\"", type);
  return strncmp(line, want, strlen(want)) == 0;
}

/* The stream's next flow line into the merged log. */
static tf_err merge_jsonl_flow(struct merge_state *m, struct merge_stream *st)
{
  ssize_t n = st->jsonl ? getline(&m->line, &m->line_cap, st->jsonl) : -1;
  if (n > 0 && m->line[n - 1] == '\n' && jl_is(m->line, "flow")) {
    if (fwrite(m->line, 1, (size_t)n, m->jout) != (size_t)n) {
      Tf_log_error("-j: cannot write %s: %s", m->jout_path, strerror(errno));
      return TF_ERR_OUTPUT;
    }
    return TF_OK;
  }
  if (st->failed) {
    st->has = 0;
    return TF_OK;
  }
  Tf_log_error("-j: the flow log of %s has fewer flows than its report", st->report_path);
  return TF_ERR_INTERNAL;
}

/* After the flows: the summary line. */
static tf_err merge_jsonl_summary(struct merge_state *m)
{
  static const char *const frames[] = {"read", "not_ip", "not_tcp", "malformed",
                                       "unsupported_link", "fragments_dropped"};
  struct jl_sums s = {NULL, 0};
  char *base = NULL;
  tf_err e = TF_OK;
  s.lines = calloc((size_t)m->nstreams, sizeof(*s.lines));
  if (!s.lines)
    return TF_ERR_NOMEM;
  for (int i = 0; i < m->nstreams && e == TF_OK; i++) {
    ssize_t n;
    if (m->streams[i].failed)
      continue;
    n = getline(&m->line, &m->line_cap, m->streams[i].jsonl);
    if (n <= 0 || m->line[n - 1] != '\n' || !jl_is(m->line, "summary")) {
      Tf_log_error("-j: the flow log of %s does not end with its summary",
                   m->streams[i].report_path);
      e = TF_ERR_INTERNAL;
    } else if (!(s.lines[s.n++] = strdup(m->line))) {
      e = TF_ERR_NOMEM;
    }
  }
  if (e == TF_OK && !(base = strdup(s.lines[0])))
    e = TF_ERR_NOMEM;
  if (e == TF_OK)
    e = jl_combine(&base, &s, NULL, "open_fds_at_end", 0);
  if (e == TF_OK)
    e = jl_combine(&base, &s, NULL, "max_open_flows", 0);
  if (e == TF_OK && m->lenient) {
    e = jl_combine(&base, &s, NULL, "total_flows", 1);
    if (e == TF_OK)
      e = jl_combine(&base, &s, NULL, "flow_map_size", 1);
    if (e == TF_OK)
      e = jl_combine(&base, &s, NULL, "total_packets", 1);
    for (size_t k = 0; k < sizeof(frames) / sizeof(frames[0]) && e == TF_OK; k++)
      e = jl_combine(&base, &s, "frames", frames[k], 1);
  }
  if (e == TF_OK)
    e = jl_failures(&base, &s);
  if (e == TF_OK)
    e = jl_combine(&base, &s, "rusage", "maxrss", 1);
  if (e == TF_OK)
    e = jl_combine(&base, &s, "rusage", "utime", 2);
  if (e == TF_OK)
    e = jl_combine(&base, &s, "rusage", "stime", 2);
  if (e == TF_OK && fputs(base, m->jout) < 0) {
    Tf_log_error("-j: cannot write %s: %s", m->jout_path, strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  for (int i = 0; i < s.n; i++)
    free(s.lines[i]);
  free(s.lines);
  free(base);
  return e;
}

/* ------------------------------------------------------------ streams */

/* The next index entry of a stream (has = 0 at its end). */
static tf_err merge_stream_next(struct merge_stream *st)
{
  size_t got = st->index ? fread(st->entry, 1, sizeof(st->entry), st->index) : 0;
  int bad;
  st->has = got == sizeof(st->entry);
  bad = (got != 0 && !st->has) ||
        (st->has && (st->entry[1] < st->pos || st->entry[2] < st->entry[1] + 32 ||
                     st->entry[2] > st->size));
  if (bad && st->failed) {
    /* What a killed worker had not written out yet. */
    st->has = 0;
    return TF_OK;
  }
  if (bad) {
    Tf_log_error("-j: the index of %s does not fit it", st->report_path);
    return TF_ERR_INTERNAL;
  }
  return TF_OK;
}

/* A failed worker's next flow has its first and last bytes. */
static int merge_stream_whole(struct merge_stream *st, const char *head, size_t hlen,
                              const char *tail, size_t tlen)
{
  char buf[32];
  int fd = fileno(st->report);
  return pread(fd, buf, hlen, (off_t)st->entry[1]) == (ssize_t)hlen &&
         memcmp(buf, head, hlen) == 0 &&
         pread(fd, buf, tlen, (off_t)(st->entry[2] - tlen)) == (ssize_t)tlen &&
         memcmp(buf, tail, tlen) == 0;
}

/* Copies the stream's next <fileobject> (its bytes as the worker wrote
 * them, which are -j 1's) into the merged report. */
static tf_err merge_stream_copy(struct merge_state *m, struct merge_stream *st)
{
  static const char head[] = "    <fileobject>";
  static const char tail[] = "</fileobject>\n";
  char buf[1 << 16];
  uint64_t left = m->w ? st->entry[2] - st->entry[1] : 0; /* report.jsonl only */
  int first = 1;
  tf_err e;
  if (st->failed &&
      !merge_stream_whole(st, head, sizeof(head) - 1, tail, sizeof(tail) - 1)) {
    st->has = 0;
    return TF_OK;
  }
  if (m->jout && (e = merge_jsonl_flow(m, st)) != TF_OK)
    return e;
  if (!st->has) /* a failed worker's flow log ends before its report */
    return TF_OK;
  if (left > 0 && st->entry[1] != st->pos && fseeko(st->report, (off_t)st->entry[1], SEEK_SET) != 0) {
    Tf_log_error("-j: cannot read %s: %s", st->report_path, strerror(errno));
    return TF_ERR_INTERNAL;
  }
  while (left > 0) {
    size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
    size_t got = fread(buf, 1, want, st->report);
    if (got != want) {
      Tf_log_error("-j: %s ends inside a flow", st->report_path);
      return TF_ERR_INTERNAL;
    }
    if (first && memcmp(buf, head, sizeof(head) - 1) != 0) {
      Tf_log_error("-j: %s: the index does not point at a flow", st->report_path);
      return TF_ERR_INTERNAL;
    }
    left -= got;
    if (left == 0 && (got < sizeof(tail) - 1 ||
                      memcmp(buf + got - (sizeof(tail) - 1), tail, sizeof(tail) - 1) != 0)) {
      Tf_log_error("-j: %s: the index does not end at a flow's end", st->report_path);
      return TF_ERR_INTERNAL;
    }
    if (xmlTextWriterWriteRawLen(m->w, X(buf), (int)got) < 0)
      return TF_ERR_OUTPUT;
    first = 0;
  }
  st->pos = st->entry[2];
  return merge_stream_next(st);
}

/* The flows of every worker in close order, inside the <configuration>
 * the writer has just started.  Raw text leaves the writer's indentation
 * alone, so this writes the line breaks and indentation around the flows
 * that the writer would have written (report.c's layout). */
static tf_err merge_stream_flows(struct merge_state *m)
{
  uint64_t last = 0;
  int any = 0;
  tf_err e = TF_OK;
  for (;;) {
    struct merge_stream *next = NULL;
    for (int i = 0; i < m->nstreams; i++)
      if (m->streams[i].has && (!next || m->streams[i].entry[0] < next->entry[0]))
        next = &m->streams[i];
    if (!next)
      break;
    if (any && next->entry[0] <= last) {
      Tf_log_error("-j: two workers report flow %llu: partitions overlap",
                   (unsigned long long)next->entry[0]);
      return TF_ERR_INTERNAL;
    }
    last = next->entry[0];
    if (!any && m->w && xmlTextWriterWriteRaw(m->w, X("\n")) < 0)
      return TF_ERR_OUTPUT;
    any = 1;
    if ((e = merge_stream_copy(m, next)) != TF_OK)
      return e;
  }
  if (any && m->w && xmlTextWriterWriteRaw(m->w, X("  ")) < 0)
    return TF_ERR_OUTPUT;
  return TF_OK;
}

/* A worker's report without its flows -- what precedes the first and
 * follows the last, a small well-formed document -- parsed for the run's
 * description and totals; st is left at the first flow. */
static tf_err merge_stream_open(struct merge_shard *s, struct merge_stream *st,
                                const char *report, const char *index)
{
  struct stat rs, is;
  uint64_t first[3], lastent[3];
  char *frame = NULL;
  size_t flen = 0;
  tf_err e = TF_OK;
  st->report_path = report;
  st->report = fopen(report, "rbe");
  st->index = fopen(index, "rbe");
  if (!st->report || !st->index || fstat(fileno(st->report), &rs) != 0 ||
      fstat(fileno(st->index), &is) != 0) {
    if (st->failed) { /* nothing to copy */
      st->has = 0;
      return TF_OK;
    }
    Tf_log_error("-j: cannot read the worker report %s: %s", st->report ? index : report,
                 strerror(errno));
    return TF_ERR_INTERNAL;
  }
  if ((st->buf = malloc(MERGE_STREAM_BUF)) != NULL)
    setvbuf(st->report, st->buf, _IOFBF, MERGE_STREAM_BUF);
  st->size = (uint64_t)rs.st_size;
  if (!s) /* a failed worker: its flows only */
    return merge_stream_next(st);
  snprintf(s->report, sizeof(s->report), "%s", report);
  if (is.st_size % (off_t)sizeof(first) != 0) {
    Tf_log_error("-j: the index of %s is cut short", report);
    return TF_ERR_INTERNAL;
  }
  if (is.st_size == 0) {
    first[1] = lastent[2] = (uint64_t)rs.st_size;
  } else if (fread(first, sizeof(first), 1, st->index) != 1 ||
             fseeko(st->index, is.st_size - (off_t)sizeof(lastent), SEEK_SET) != 0 ||
             fread(lastent, sizeof(lastent), 1, st->index) != 1 ||
             fseeko(st->index, 0, SEEK_SET) != 0) {
    Tf_log_error("-j: cannot read the index of %s", report);
    return TF_ERR_INTERNAL;
  }
  if (first[1] > lastent[2] || lastent[2] > (uint64_t)rs.st_size) {
    Tf_log_error("-j: the index of %s does not fit it", report);
    return TF_ERR_INTERNAL;
  }
  flen = (size_t)(first[1] + ((uint64_t)rs.st_size - lastent[2]));
  frame = malloc(flen ? flen : 1);
  if (!frame)
    return TF_ERR_NOMEM;
  if (fread(frame, 1, (size_t)first[1], st->report) != first[1] ||
      fseeko(st->report, (off_t)lastent[2], SEEK_SET) != 0 ||
      fread(frame + first[1], 1, flen - (size_t)first[1], st->report) != flen - first[1] ||
      fseeko(st->report, 0, SEEK_SET) != 0) {
    Tf_log_error("-j: cannot read the worker report %s", report);
    e = TF_ERR_INTERNAL;
  } else {
    s->doc = xmlReadMemory(frame, (int)flen, report, NULL, XML_PARSE_NOBLANKS | XML_PARSE_NONET);
    st->pos = 0;
    if (!s->doc) {
      Tf_log_error("-j: %s is not a readable worker report", report);
      e = TF_ERR_INTERNAL;
    } else {
      e = merge_stream_next(st);
    }
  }
  free(frame);
  return e;
}

tf_err Tf_merge_jobs(const char *const *reports, const char *const *indexes,
                     const char *const *jsonls, const int *ok, int n, int lenient,
                     const char *out_report, const char *out_jsonl, const char *command_line)
{
  struct merge_state m;
  tf_err e = TF_OK;
  memset(&m, 0, sizeof(m));
  m.command_line = command_line;
  m.shards = calloc((size_t)n, sizeof(*m.shards));
  m.streams = calloc((size_t)n, sizeof(*m.streams));
  if (!m.shards || !m.streams) {
    free(m.shards);
    free(m.streams);
    return TF_ERR_NOMEM;
  }
  m.nstreams = n;
  m.lenient = lenient;
  m.strict = !lenient;
  /* The shards are the workers that finished; the others add flows only. */
  for (int i = 0; i < n && e == TF_OK; i++) {
    struct merge_stream *st = &m.streams[i];
    st->failed = !ok[i];
    e = merge_stream_open(ok[i] ? &m.shards[m.n] : NULL, st, reports[i], indexes[i]);
    if (e != TF_OK && e != TF_ERR_NOMEM && ok[i]) {
      /* A worker that exited but could not finish its report (a full
       * disk): its flows only, as far as they hold. */
      Tf_log_warn("-j: the report of worker %d is not whole: only its flows are used", i);
      if (m.shards[m.n].doc)
        xmlFreeDoc(m.shards[m.n].doc);
      memset(&m.shards[m.n], 0, sizeof(m.shards[m.n]));
      if (st->report)
        fclose(st->report);
      if (st->index)
        fclose(st->index);
      free(st->buf);
      memset(st, 0, sizeof(*st));
      st->failed = 1;
      m.lenient = 1;
      m.strict = 0;
      e = merge_stream_open(NULL, st, reports[i], indexes[i]);
    }
    m.n += !st->failed;
    if (e == TF_OK && jsonls && !(m.streams[i].jsonl = fopen(jsonls[i], "rbe")) && ok[i]) {
      Tf_log_error("-j: cannot read the worker flow log %s: %s", jsonls[i], strerror(errno));
      e = TF_ERR_INTERNAL;
    }
  }
  if (e == TF_OK && m.n == 0) {
    Tf_log_error("-j: no worker finished; no report");
    e = TF_ERR_INTERNAL;
  }
  if (e == TF_OK)
    e = merge_prepare(&m);
  if (e == TF_OK && out_jsonl) {
    m.jout_path = out_jsonl;
    if (!(m.jout = fopen(out_jsonl, "we"))) {
      Tf_log_error("-j: cannot create report %s: %s", out_jsonl, strerror(errno));
      e = TF_ERR_OUTPUT;
    }
  }
  if (e == TF_OK && *out_report) {
    e = merge_write(&m, out_report);
    if (e == TF_OK)
      e = m.stream_err;
  } else if (e == TF_OK && m.jout) {
    e = merge_stream_flows(&m); /* the flow log alone */
  }
  if (e == TF_OK && m.jout)
    e = merge_jsonl_summary(&m);
  if (m.jout && fclose(m.jout) != 0 && e == TF_OK) {
    Tf_log_error("-j: cannot write %s: %s", out_jsonl, strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  free(m.line);
  for (int i = 0; i < n; i++) {
    if (m.streams[i].report)
      fclose(m.streams[i].report);
    if (m.streams[i].index)
      fclose(m.streams[i].index);
    if (m.streams[i].jsonl)
      fclose(m.streams[i].jsonl);
    free(m.streams[i].buf);
  }
  free(m.streams);
  merge_free(&m);
  return e;
}

/* ------------------------------------------------------------ files */

struct merge_file {
  char *rel;                /* path below the shard directory; owned */
  int shard;
};

struct merge_files {
  struct merge_file *v;
  size_t n, cap;
};

static tf_err merge_list(struct merge_files *fl, const struct merge_shard *s, int shard,
                         const char *rel)
{
  char path[PATH_LEN];
  DIR *d;
  struct dirent *de;
  tf_err e = TF_OK;
  snprintf(path, sizeof(path), "%s%s%s", s->dir, *rel ? "/" : "", rel);
  d = opendir(path);
  if (!d) {
    Tf_log_error("--merge: cannot read directory %s: %s", path, strerror(errno));
    return TF_ERR_INPUT;
  }
  while (e == TF_OK && (de = readdir(d))) {
    char sub[PATH_LEN], full[2 * PATH_LEN + 2];
    struct stat st;
    /* ".", "..", and the hidden storage of an interrupted -FX run */
    if (de->d_name[0] == '.' && (!de->d_name[1] || strcmp(de->d_name, "..") == 0 ||
                                 strncmp(de->d_name, ".tcpflow-", 9) == 0))
      continue;
    snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
    snprintf(full, sizeof(full), "%s/%s", s->dir, sub);
    if (strcmp(full, s->report) == 0 || lstat(full, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      e = merge_list(fl, s, shard, sub);
      continue;
    }
    if (fl->n == fl->cap) {
      size_t cap = fl->cap ? fl->cap * 2 : 1024;
      struct merge_file *nv = realloc(fl->v, cap * sizeof(*nv));
      if (!nv) {
        e = TF_ERR_NOMEM;
        break;
      }
      fl->v = nv;
      fl->cap = cap;
    }
    fl->v[fl->n].rel = strdup(sub);
    fl->v[fl->n].shard = shard;
    if (!fl->v[fl->n].rel)
      e = TF_ERR_NOMEM;
    else
      fl->n++;
  }
  closedir(d);
  return e;
}

static int merge_cmp_file(const void *pa, const void *pb)
{
  const struct merge_file *a = pa, *b = pb;
  return strcmp(a->rel, b->rel);
}

/* A file system boundary: copy (mode and times kept), then remove. */
static tf_err merge_copy(const char *from, const char *to)
{
  char buf[1 << 16];
  struct stat st;
  struct timespec ts[2];
  int in = open(from, O_RDONLY | O_CLOEXEC), out;
  ssize_t n;
  tf_err e = TF_OK;
  if (in < 0 || fstat(in, &st) != 0) {
    Tf_log_error("--merge: cannot read %s: %s", from, strerror(errno));
    if (in >= 0)
      close(in);
    return TF_ERR_INPUT;
  }
  out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 0777);
  if (out < 0) {
    Tf_log_error("--merge: cannot create %s: %s", to, strerror(errno));
    close(in);
    return TF_ERR_OUTPUT;
  }
  while (e == TF_OK && (n = read(in, buf, sizeof(buf))) != 0) {
    if (n < 0 || write(out, buf, (size_t)n) != n) {
      Tf_log_error("--merge: cannot copy %s to %s: %s", from, to, strerror(errno));
      e = TF_ERR_OUTPUT;
    }
  }
  ts[0] = st.st_atim;
  ts[1] = st.st_mtim;
  if (e == TF_OK && futimens(out, ts) != 0)
    Tf_log_warn("--merge: cannot keep the time of %s: %s", to, strerror(errno));
  if (close(out) != 0 && e == TF_OK) {
    Tf_log_error("--merge: cannot write %s: %s", to, strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  close(in);
  if (e == TF_OK && unlink(from) != 0)
    Tf_log_warn("--merge: copied %s but cannot remove it: %s", from, strerror(errno));
  if (e != TF_OK)
    unlink(to);
  return e;
}

static tf_err merge_move(const struct merge_state *m, const struct merge_file *f)
{
  char from[PATH_LEN], to[PATH_LEN];
  snprintf(from, sizeof(from), "%s/%s", m->shards[f->shard].dir, f->rel);
  snprintf(to, sizeof(to), "%s/%s", m->outdir, f->rel);
  if (Tf_output_mkdirs(to) != TF_OK)
    return TF_ERR_OUTPUT;
  if (rename(from, to) == 0)
    return TF_OK;
  if (errno == EXDEV)
    return merge_copy(from, to);
  Tf_log_error("--merge: cannot move %s to %s: %s", from, to, strerror(errno));
  return TF_ERR_OUTPUT;
}

static tf_err merge_files(struct merge_state *m)
{
  struct merge_files fl = {NULL, 0, 0};
  tf_err e = TF_OK;
  for (int i = 0; i < m->n && e == TF_OK; i++)
    e = merge_list(&fl, &m->shards[i], i, "");
  if (e == TF_OK && fl.n > 1) /* fl.v is NULL when no shard has a file */
    qsort(fl.v, fl.n, sizeof(*fl.v), merge_cmp_file);
  /* Refuse before moving anything. */
  for (size_t i = 0; i < fl.n && e == TF_OK; i++) {
    char to[PATH_LEN];
    struct stat st;
    if (i > 0 && strcmp(fl.v[i].rel, fl.v[i - 1].rel) == 0) {
      if (m->strict) {
        e = TF_ERR_MERGE_NUMBERING;
        break;
      }
      Tf_log_error("--merge: %s is in both %s and %s: shards overlap", fl.v[i].rel,
                   m->shards[fl.v[i - 1].shard].dir, m->shards[fl.v[i].shard].dir);
      e = TF_ERR_INPUT;
      break;
    }
    snprintf(to, sizeof(to), "%s/%s", m->outdir, fl.v[i].rel);
    if (lstat(to, &st) == 0 && m->strict) {
      e = TF_ERR_MERGE_NUMBERING; /* -j 1 would count it: cN */
    } else if (lstat(to, &st) == 0) {
      Tf_log_error("--merge: %s exists already; nothing was moved", to);
      e = TF_ERR_OUTPUT;
    }
  }
  for (size_t i = 0; i < fl.n && e == TF_OK; i++)
    e = merge_move(m, &fl.v[i]);
  for (size_t i = 0; i < fl.n; i++)
    free(fl.v[i].rel);
  free(fl.v);
  return e;
}

static int merge_same_dir(const char *a, const char *b)
{
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

tf_err Tf_merge_dirs(const char *const *dirs, int n, const char *outdir, const char *out_report,
                     int strict, const char *command_line)
{
  struct merge_state m;
  char report_buf[PATH_LEN + 16], probe[PATH_LEN + 2];
  struct stat st;
  tf_err e;
  if (n < 1) {
    Tf_log_error("--merge: no shard directories given (tcpflow --merge -o OUT DIR...)");
    return TF_ERR_USAGE;
  }
  memset(&m, 0, sizeof(m));
  m.command_line = command_line;
  m.shards = calloc((size_t)n, sizeof(*m.shards));
  if (!m.shards)
    return TF_ERR_NOMEM;
  m.n = n;
  m.outdir = outdir;
  m.strict = strict;
  snprintf(probe, sizeof(probe), "%s/", outdir);
  e = Tf_output_mkdirs(probe);
  for (int i = 0; i < n && e == TF_OK; i++) {
    m.shards[i].dir = dirs[i];
    snprintf(m.shards[i].report, sizeof(m.shards[i].report), "%s/report.xml", dirs[i]);
    if (stat(dirs[i], &st) != 0 || !S_ISDIR(st.st_mode)) {
      Tf_log_error("--merge: %s is not a directory", dirs[i]);
      e = TF_ERR_INPUT;
    } else if (merge_same_dir(dirs[i], outdir)) {
      Tf_log_error("--merge: the output directory %s is one of the shards", outdir);
      e = TF_ERR_USAGE;
    }
  }
  if (e == TF_OK)
    e = merge_prepare(&m);
  if (!out_report) {
    snprintf(report_buf, sizeof(report_buf), "%s/report.xml", outdir);
    out_report = report_buf;
  }
  if (e == TF_OK && *out_report && lstat(out_report, &st) == 0) {
    if (strict) {
      e = TF_ERR_MERGE_NUMBERING;
    } else {
      Tf_log_error("--merge: %s exists already; nothing was moved", out_report);
      e = TF_ERR_OUTPUT;
    }
  }
  if (e == TF_OK)
    e = merge_files(&m);
  if (e == TF_OK && *out_report)
    e = merge_write(&m, out_report);
  merge_free(&m);
  return e;
}
