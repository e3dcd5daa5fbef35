/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * The DFXML report, written through xmlout.h (the layout of libxml2's
 * xmlTextWriter, without its cost per call).  Every text and attribute
 * value goes through Tfl_escape_text (tfl_escape.h: invalid XML characters and invalid UTF-8 become
 * "\xHH", a backslash "\\"), and every name a scanner gives is checked
 * here, so nothing a packet, a -T template or a scanner supplies can make
 * the report ill-formed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <libxml/xmlversion.h>
#include <pcap/pcap.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "tfl_escape.h"
#include "jsonl.h"
#include "log.h"
#include "options.h"
#include "report.h"
#include "xmlout.h"

static struct tf_xmlout *w; /* report.xml while open */
static int depth;        /* elements open */
static int scope_floor;  /* scanners may not close below this depth */
static const char *scope_owner; /* the scanner whose XML calls these are */
static int scope_on;     /* inside a scanner's scope (either report open) */
static int sdepth;       /* elements the scanner in scope has open */
static int open_content; /* the innermost of them has text or a child */
static size_t scope_bytes; /* names, values and text the scanner added */
static int refusals_logged;

/* Limits that keep what scanners write readable by every XML parser:
 * libxml2 refuses documents nested deeper than 256 elements and text nodes
 * or attribute values over 10 MB (without XML_PARSE_HUGE), and a name of
 * this length is a bug, not a name. */
#define REPORT_MAX_SCANNER_DEPTH 64
#define REPORT_MAX_VALUE (1024 * 1024)
#define REPORT_MAX_NAME 256
#define REPORT_MAX_REFUSALS_LOGGED 20
/* What one scanner may add to one flow (or to the summary) in all: the
 * JSON-lines log holds it in memory until the flow closes. */
#define REPORT_MAX_SCOPE (16 * 1024 * 1024)

/* Attribute names of the element a scanner has open, to refuse a second
 * attribute of the same name (a well-formedness error).  Owned here;
 * emptied when the element receives content or is closed. */
static char **open_attrs;
static size_t n_open_attrs;
static size_t cap_open_attrs;
static size_t open_text_len; /* escaped bytes of text in the open element */
static int summary_written;
static struct timeval start_tv;
static void (*provenance)(void *arg);
static void *provenance_arg;

/* -j workers (Tf_report_set_index): each flow's <fileobject> is known by
 * its byte range in the report, written with its close number to the
 * index for the parent's streaming merge (merge.h).  NULL/0 otherwise. */
static const char *index_path;
static FILE *index_fp;
static uint64_t index_seq;     /* close number of the flow being written */
static uint64_t index_start;   /* where its <fileobject> starts */
static int index_flows;        /* flows written so far */

/* Deferred completion (SDK 1.2, Tf_report_defer): while a scanner that may
 * finish flows later is active, or an entry waits, each flow's entry is
 * recorded rather than written -- its fields, then every scope's accepted
 * XML calls -- and written by replaying the same calls through the
 * functions below once it and every entry before it are complete, so the
 * bytes are those of a report written at close.  The scanner calls are
 * checked when they are made (the checks depend only on the scope), so
 * replaying them never refuses one. */
struct report_seg {
  const char *scanner; /* borrowed: module names outlive the report */
  char *ops;           /* 'S' name, 'A' name value, 'T' text ('\0' ends
                          each string), 'E'; owned */
  size_t len, cap;
};
struct report_entry {
  struct report_entry *next;
  struct tf_flow flow;  /* a copy: path is path_buf, no other pointer is read */
  char *path_buf;       /* owned, path_cap bytes */
  size_t path_cap;
  uint64_t filesize;
  int ordered, order_at_end;
  uint64_t order_seq, order_flow_id;
  struct timeval order_when;
  struct report_seg *segs; /* one per scope, in order; owned, with the ops
                              buffers of all cap_segs kept for reuse */
  size_t nsegs, cap_segs;
  int holes;            /* scopes a scanner has still to complete */
};
static int deferring;              /* Tf_report_set_deferring */
static struct report_entry *rec;   /* entry being recorded (its close or a fill) */
static struct report_seg *rec_seg; /* the scope calls go to, or NULL: written */
static struct report_entry *queue_head, *queue_tail; /* complete or not, in close order */
static size_t queue_bytes;         /* their recorded calls */
static size_t queue_len;
/* Written entries kept with their buffers: a flow costs no allocation once
 * the queue has been as long as it gets. */
static struct report_entry *spare_entries;
static int nspare_entries;
#define REPORT_SPARE_ENTRIES 256
#define REPORT_SPARE_MAX_BYTES (64 * 1024) /* a larger entry is not kept */

int Tf_report_is_open(void)
{
  return w != NULL || Tf_jsonl_is_open();
}

static void start(const char *name)
{
  if (Tf_xmlout_start(w, name) >= 0)
    depth++;
}

static void end(void)
{
  if (depth > 0) {
    Tf_xmlout_end(w);
    depth--;
  }
}

/* The escaped form of value (tfl_tfl_escape.h), or NULL when memory ran out;
 * *tmp receives what the caller frees. */
static const char *esc(const char *value, char **tmp)
{
  size_t n = strlen(value);
  *tmp = NULL;
  if (Tfl_escape_is_clean(value, n))
    return value;
  *tmp = Tfl_escape_text(value, n);
  return *tmp;
}

/* One recorded call: op and up to two strings.  -1 when memory ran out
 * (the call is refused, as a failed write would be). */
static int rec_put(char op, const char *a, const char *b)
{
  size_t na = a ? strlen(a) + 1 : 0, nb = b ? strlen(b) + 1 : 0;
  size_t need = rec_seg->len + 1 + na + nb;
  if (need > rec_seg->cap) {
    size_t cap = rec_seg->cap ? 2 * rec_seg->cap : 256;
    char *grown;
    while (cap < need)
      cap *= 2;
    if (!(grown = realloc(rec_seg->ops, cap)))
      return -1;
    queue_bytes += cap - rec_seg->cap;
    rec_seg->ops = grown;
    rec_seg->cap = cap;
  }
  rec_seg->ops[rec_seg->len++] = op;
  if (a)
    memcpy(rec_seg->ops + rec_seg->len, a, na);
  rec_seg->len += na;
  if (b)
    memcpy(rec_seg->ops + rec_seg->len, b, nb);
  rec_seg->len += nb;
  return 0;
}

static int attr(const char *name, const char *value)
{
  char *tmp;
  const char *v = esc(value ? value : "", &tmp);
  /* Quoted with ' by xmlout (libxml2's writer left the apostrophe alone
   * although the report quotes attribute values with it). */
  int rc = v ? Tf_xmlout_attr(w, name, v) : -1;
  free(tmp);
  return rc;
}

static void leaf(const char *name, const char *value)
{
  char *tmp;
  const char *v = esc(value ? value : "", &tmp);
  if (v)
    Tf_xmlout_leaf(w, name, v);
  free(tmp);
}

static void leaf_u64(const char *name, uint64_t v)
{
  Tf_xmlout_leaf_u64(w, name, v);
}

/* A leaf of printf-formatted content (numbers only: not escaped). */
static void leaf_fmt(const char *name, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
static void leaf_fmt(const char *name, const char *fmt, ...)
{
  char buf[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  Tf_xmlout_leaf(w, name, buf);
}

/* d digits of v, zero-padded, at p. */
static char *report_digits(char *p, unsigned long v, int d)
{
  for (int i = d - 1; i >= 0; i--) {
    p[i] = (char)('0' + v % 10);
    v /= 10;
  }
  return p + d;
}

/* Two per flow: gmtime_r, strftime and snprintf cost more than the rest
 * of a <fileobject>.  Years 1970..9999 (every pcap time stamp) are
 * formatted here, from the day count (the civil-from-days algorithm of
 * H. Hinnant's "chrono-compatible low-level date algorithms"); anything
 * else goes through the C library as before. */
void Tf_report_format_time(const struct timeval *tv, char *buf, size_t n)
{
  struct tm tm;
  time_t t = tv->tv_sec;
  size_t len;
  if (t >= 0 && t <= 253402300799LL && tv->tv_usec >= 0 && tv->tv_usec < 1000000 && n >= 28) {
    long long days = t / 86400;
    long secs = (long)(t % 86400);
    long long z = days + 719468;
    long long era = z / 146097;
    long doe = (long)(z - era * 146097);
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = (long)(yoe + era * 400) + (month <= 2);
    char *p = buf;
    p = report_digits(p, (unsigned long)year, 4);
    *p++ = '-';
    p = report_digits(p, (unsigned long)month, 2);
    *p++ = '-';
    p = report_digits(p, (unsigned long)day, 2);
    *p++ = 'T';
    p = report_digits(p, (unsigned long)(secs / 3600), 2);
    *p++ = ':';
    p = report_digits(p, (unsigned long)(secs / 60 % 60), 2);
    *p++ = ':';
    p = report_digits(p, (unsigned long)(secs % 60), 2);
    if (tv->tv_usec) {
      *p++ = '.';
      p = report_digits(p, (unsigned long)tv->tv_usec, 6);
    }
    *p++ = 'Z';
    *p = '\0';
    return;
  }
  gmtime_r(&t, &tm);
  len = strftime(buf, n, "%Y-%m-%dT%H:%M:%S", &tm);
  if (tv->tv_usec)
    snprintf(buf + len, n - len, ".%06ldZ", (long)tv->tv_usec);
  else
    snprintf(buf + len, n - len, "Z");
}

static void report_creator(void)
{
  struct utsname u;
  struct passwd *pw = getpwuid(getuid());
  char buf[128];
  struct timeval now;
  start("creator");
  attr("version", "1.0");
  leaf("program", "TCPFLOW");
  /* Our own version; compat names the tcpflow whose command line, file
     names and report this one reproduces (tools that read <version> to
     pick a parser get the answer without mistaking us for it). */
  start("version");
  attr("compat", "1.6.1");
  Tf_xmlout_text(w, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
  end();
  start("build_environment");
#ifdef __VERSION__
  leaf("compiler", __VERSION__);
#endif
  leaf("CFLAGS", TF_BUILD_CFLAGS);
  leaf("LDFLAGS", TF_BUILD_LDFLAGS);
  leaf("compilation_date", TF_BUILD_DATE); /* SOURCE_DATE_EPOCH, not __DATE__ */
  start("library");
  attr("name", "libpcap");
  attr("version", pcap_lib_version());
  end();
  start("library");
  attr("name", "libxml2");
  attr("version", LIBXML_DOTTED_VERSION);
  end();
  end();
  start("execution_environment");
  if (uname(&u) == 0) {
    leaf("os_sysname", u.sysname);
    leaf("os_release", u.release);
    leaf("os_version", u.version);
    leaf("host", u.nodename);
    leaf("arch", u.machine);
  }
  leaf("command_line", tf_opt.command_line ? tf_opt.command_line : "");
  leaf_u64("uid", getuid());
  leaf("username", pw ? pw->pw_name : "");
  gettimeofday(&now, NULL);
  now.tv_usec = 0;
  Tf_report_format_time(&now, buf, sizeof(buf));
  leaf("start_time", buf);
  end();
  end();
}

void Tf_report_set_index(const char *path)
{
  index_path = path;
}

tf_err Tf_report_open(const char *path, const char *jsonl_path)
{
  gettimeofday(&start_tv, NULL);
  if (jsonl_path) {
    tf_err e = Tf_jsonl_open(jsonl_path);
    if (e != TF_OK || !path)
      return e;
  }
  w = Tf_xmlout_create(path);
  if (!w) {
    Tf_log_error("cannot create report %s: %s", path, strerror(errno));
    return TF_ERR_OUTPUT;
  }
  if (index_path && !(index_fp = fopen(index_path, "wbe"))) {
    Tf_log_error("cannot create %s: %s", index_path, strerror(errno));
    (void)Tf_xmlout_close(w); /* nothing of it is kept */
    w = NULL;
    return TF_ERR_OUTPUT;
  }
  index_flows = 0;
  Tf_xmlout_declaration(w);
  start("dfxml");
  attr("xmloutputversion", "1.0");
  /* Scanners add tcpflow:-prefixed elements anywhere below. */
  attr("xmlns:tcpflow", "http://afflib.org/tcpflow/");
  start("metadata");
  attr("xmlns", "http://afflib.org/tcpflow/");
  attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  attr("xmlns:dc", "http://purl.org/dc/elements/1.1/");
  leaf("dc:type", "Feature Extraction");
  end();
  report_creator();
  start("configuration");
  end();
  leaf_fmt("tdelta", "%lld", (long long)tf_opt.tdelta);
  if (provenance)
    provenance(provenance_arg);
  start("configuration");
  Tf_xmlout_flush(w);
  return TF_OK;
}

static void attr_u64(const char *name, uint64_t v)
{
  Tf_xmlout_attr_u64(w, name, v);
}

static void attr_mac(const char *name, const uint8_t *m)
{
  static const char hex[] = "0123456789abcdef";
  char buf[18];
  for (int i = 0; i < 6; i++) {
    buf[3 * i] = hex[m[i] >> 4];
    buf[3 * i + 1] = hex[m[i] & 15];
    buf[3 * i + 2] = i < 5 ? ':' : '\0';
  }
  Tf_xmlout_attr(w, name, buf);
}

static int mac_zero(const uint8_t *m)
{
  static const uint8_t zero[6];
  return memcmp(m, zero, 6) == 0;
}

/* inet_ntop's text; IPv4 without its sprintf (two per flow). */
static void report_addr(int family, const uint8_t *a, char *buf, size_t n)
{
  if (family == 4 && n >= 16) {
    char *p = buf;
    for (int i = 0; i < 4; i++) {
      p += Tf_xmlout_u64(p, a[i]);
      *p++ = '.';
    }
    p[-1] = '\0';
    return;
  }
  inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)n);
}

static void flow_begin_now(const struct tf_flow *f, uint64_t filesize);

void Tf_report_set_deferring(int on)
{
  deferring = on;
}

/* A new recorded entry for f, or NULL when memory ran out (then the entry
 * is written now, which is in order only when nothing waits). */
/* Memory held by e. */
static size_t entry_size(const struct report_entry *e)
{
  size_t n = sizeof(*e) + e->path_cap + e->cap_segs * sizeof(*e->segs);
  for (size_t i = 0; i < e->cap_segs; i++)
    n += e->segs[i].cap;
  return n;
}

static struct report_entry *entry_new(const struct tf_flow *f, uint64_t filesize)
{
  struct report_entry *e = spare_entries;
  size_t plen = f->path ? strlen(f->path) + 1 : 0;
  if (e) {
    spare_entries = e->next;
    nspare_entries--;
  } else if (!(e = calloc(1, sizeof(*e)))) {
    return NULL;
  }
  if (plen > e->path_cap) {
    char *grown = realloc(e->path_buf, plen);
    if (!grown) {
      free(e->path_buf);
      free(e);
      return NULL;
    }
    e->path_buf = grown;
    e->path_cap = plen;
  }
  e->next = NULL;
  e->flow = *f;
  e->flow.path = f->path ? memcpy(e->path_buf, f->path, plen) : NULL;
  /* Nothing reads them, and nothing may: they belong to the live flow. */
  e->flow.seen = NULL;
  e->flow.scanner_slots = NULL;
  e->flow.wbuf = NULL;
  e->flow.findx = NULL;
  e->flow.kpcap = NULL;
  e->filesize = filesize;
  e->ordered = 0;
  e->nsegs = 0;
  e->holes = 0;
  queue_bytes += entry_size(e);
  return e;
}

static void entry_destroy(struct report_entry *e)
{
  for (size_t i = 0; i < e->cap_segs; i++)
    free(e->segs[i].ops);
  free(e->segs);
  free(e->path_buf);
  free(e);
}

/* A written entry: kept for the next flow, or freed. */
static void entry_free(struct report_entry *e)
{
  size_t n = entry_size(e);
  queue_bytes -= n;
  if (nspare_entries < REPORT_SPARE_ENTRIES && n <= REPORT_SPARE_MAX_BYTES) {
    e->next = spare_entries;
    spare_entries = e;
    nspare_entries++;
    return;
  }
  entry_destroy(e);
}

/* The spare entries, at the end of the report. */
static void spare_entries_free(void)
{
  while (spare_entries) {
    struct report_entry *e = spare_entries;
    spare_entries = e->next;
    entry_destroy(e);
  }
  nspare_entries = 0;
}

void Tf_report_flow_begin(const struct tf_flow *f, uint64_t filesize)
{
  if ((deferring || queue_head) && Tf_report_is_open() && (rec = entry_new(f, filesize)))
    return;
  flow_begin_now(f, filesize);
}

static void flow_begin_now(const struct tf_flow *f, uint64_t filesize)
{
  char buf[INET6_ADDRSTRLEN + 32];
  /* jsonl.c writes the same fields under the same conditions. */
  Tf_jsonl_flow_begin(f, filesize);
  if (!w)
    return;
  if (index_fp) {
    /* The first flow's start tag also closes <configuration>'s: ">\n". */
    index_start = Tf_xmlout_tell(w) + (index_flows == 0 ? 2 : 0);
    index_seq = UINT64_MAX;
  }
  start("fileobject");
  if (f->path && !f->temp_storage)
    leaf("filename", f->path);
  leaf_u64("filesize", filesize);
  start("tcpflow");
  /* Times, family and addresses are ASCII digits, letters, '.', ':' and
   * '-' that we formatted: nothing to escape. */
  Tf_report_format_time(&f->first_ts, buf, sizeof(buf));
  Tf_xmlout_attr(w, "startime", buf);
  Tf_report_format_time(&f->last_ts, buf, sizeof(buf));
  Tf_xmlout_attr(w, "endtime", buf);
  /* Only links that have MAC addresses report them (1.6.1 printed the
   * first bytes of any frame). */
  if (f->have_macs && !(mac_zero(f->mac_dst) && mac_zero(f->mac_src))) {
    attr_mac("mac_daddr", f->mac_dst);
    attr_mac("mac_saddr", f->mac_src);
  }
  Tf_xmlout_attr(w, "family", f->key.family == 4 ? "2" : "10");
  report_addr(f->key.family, f->key.src, buf, sizeof(buf));
  Tf_xmlout_attr(w, "src_ipn", buf);
  report_addr(f->key.family, f->key.dst, buf, sizeof(buf));
  Tf_xmlout_attr(w, "dst_ipn", buf);
  attr_u64("srcport", f->key.sport);
  attr_u64("dstport", f->key.dport);
  attr_u64("packets", f->packets);
  if (f->out_of_order_count)
    attr_u64("out_of_order_count", f->out_of_order_count);
  if (f->violations)
    attr_u64("violations", f->violations);
  attr_u64("len", f->len);
  if (f->caplen != f->len)
    attr_u64("caplen", f->caplen);
  if (f->vlan >= 0)
    attr_u64("vlan", (uint64_t)f->vlan);
  attr_u64("session_id", f->session_id);
  end();
}

void Tf_report_set_provenance(void (*write)(void *arg), void *arg)
{
  provenance = write;
  provenance_arg = arg;
}

void Tf_report_elem_start(const char *name)
{
  if (w)
    start(name);
}

void Tf_report_elem_attr(const char *name, const char *value)
{
  if (w)
    attr(name, value);
}

void Tf_report_elem_end(void)
{
  if (w)
    end();
}

void Tf_report_flow_order(uint64_t close_seq, const struct timeval *when, uint64_t flow_id)
{
  char buf[64];
  if (rec) {
    rec->ordered = 1;
    rec->order_seq = close_seq;
    rec->order_at_end = when == NULL;
    if (when)
      rec->order_when = *when;
    rec->order_flow_id = flow_id;
    return;
  }
  if (!w)
    return;
  if (index_fp) { /* the index says it */
    index_seq = close_seq;
    return;
  }
  start("tcpflow:order");
  attr_u64("close_seq", close_seq);
  if (when) {
    snprintf(buf, sizeof(buf), "%lld.%06ld", (long long)when->tv_sec, (long)when->tv_usec);
    attr("close_time", buf);
  }
  attr_u64("flow_id", flow_id);
  end();
}

static void flow_end_now(void);
static void queue_write(int all);

void Tf_report_flow_end(void)
{
  if (rec) {
    if (queue_tail)
      queue_tail->next = rec;
    else
      queue_head = rec;
    queue_tail = rec;
    queue_len++;
    rec = NULL;
    queue_write(0);
    return;
  }
  flow_end_now();
}

/* The recorded calls of one scope, written as Tf_report_xml_* would have
 * written them at close, without checking them again (they were checked
 * when recorded).  A failed write shows at Tf_report_close. */
static void seg_replay(const struct report_seg *g)
{
  const char *p = g->ops, *stop = g->ops + g->len;
  Tf_report_scope_begin(g->scanner);
  while (p < stop) {
    char op = *p++;
    const char *a = p, *b, *v;
    char *tmp;
    switch (op) {
    case 'S':
      p += strlen(a) + 1;
      if (w && Tf_xmlout_start(w, a) < 0)
        break;
      if (w)
        depth++;
      Tf_jsonl_start(a);
      break;
    case 'A':
      b = a + strlen(a) + 1;
      p = b + strlen(b) + 1;
      if (w && attr(a, b) < 0)
        break;
      Tf_jsonl_attr(a, b);
      break;
    case 'T':
      p += strlen(a) + 1;
      v = esc(a, &tmp);
      if (!v)
        break;
      if (w)
        Tf_xmlout_text(w, v, strlen(v));
      free(tmp);
      Tf_jsonl_text(a);
      break;
    default: /* 'E' */
      if (w)
        end();
      Tf_jsonl_end();
      break;
    }
  }
  Tf_report_scope_end();
}

/* Writes the entries at the head of the queue that are complete, or with
 * all != 0 every entry as it is (a scope still to be completed stays as
 * far as it got: its scanner was stopped, or the run is ending). */
static void queue_write(int all)
{
  struct report_entry *e;
  while ((e = queue_head) && (all || e->holes == 0)) {
    queue_head = e->next;
    if (!queue_head)
      queue_tail = NULL;
    queue_len--;
    flow_begin_now(&e->flow, e->filesize);
    if (e->ordered)
      Tf_report_flow_order(e->order_seq, e->order_at_end ? NULL : &e->order_when,
                           e->order_flow_id);
    for (size_t i = 0; i < e->nsegs; i++)
      seg_replay(&e->segs[i]);
    flow_end_now();
    entry_free(e);
  }
}

int Tf_report_defer(struct tf_report_hole *h)
{
  h->entry = NULL;
  h->seg = 0;
  if (!rec || !rec_seg)
    return -1;
  h->entry = rec;
  h->seg = (size_t)(rec_seg - rec->segs);
  rec->holes++;
  return 0;
}

void Tf_report_fill_begin(const struct tf_report_hole *h, const char *scanner)
{
  struct report_entry *e = h->entry;
  Tf_report_scope_begin(scanner);
  if (!e)
    return;
  rec = e;
  rec_seg = &e->segs[h->seg];
  scope_on = 1;
}

void Tf_report_fill_end(void)
{
  rec = NULL;
  Tf_report_scope_end();
}

void Tf_report_hole_close(const struct tf_report_hole *h)
{
  struct report_entry *e = h->entry;
  if (!e)
    return;
  e->holes--;
  queue_write(0);
}

size_t Tf_report_pending_bytes(void)
{
  return queue_bytes;
}

size_t Tf_report_pending_flows(void)
{
  return queue_len;
}

/* An entry being recorded when the run ends abruptly (exit() inside a
 * callback) is written as far as it got, like a fileobject left open. */
static void queue_flush_all(void)
{
  if (rec && !rec_seg) {
    Tf_report_flow_end();
  } else if (rec) { /* inside a scope */
    struct report_entry *e = rec;
    int filling = e->next || e == queue_tail;
    rec = NULL;
    rec_seg = NULL;
    if (!filling) {
      rec = e;
      Tf_report_flow_end();
    }
  }
  queue_write(1);
}

static void flow_end_now(void)
{
  Tf_jsonl_flow_end();
  if (!w)
    return;
  end(); /* fileobject */
  if (index_fp) {
    uint64_t entry[3] = {index_seq, index_start, Tf_xmlout_tell(w)};
    /* A failed write shows at Tf_report_close (ferror). */
    (void)fwrite(entry, sizeof(entry), 1, index_fp);
    index_flows++;
  }
}

static void open_attrs_clear(void)
{
  for (size_t i = 0; i < n_open_attrs; i++)
    free(open_attrs[i]);
  n_open_attrs = 0;
  open_text_len = 0;
}

void Tf_report_scope_begin(const char *scanner)
{
  scope_floor = depth;
  scope_on = Tf_report_is_open();
  sdepth = 0;
  open_content = 0;
  scope_owner = scanner;
  scope_bytes = 0;
  open_attrs_clear();
  if (rec) { /* recorded: a new scope of the entry */
    struct report_seg *grown;
    rec_seg = NULL;
    if (rec->nsegs == rec->cap_segs) {
      size_t cap = rec->cap_segs ? 2 * rec->cap_segs : 4;
      if (!(grown = realloc(rec->segs, cap * sizeof(*grown)))) {
        scope_on = 0; /* the scanner's calls are refused */
        return;
      }
      queue_bytes += (cap - rec->cap_segs) * sizeof(*grown);
      memset(grown + rec->cap_segs, 0, (cap - rec->cap_segs) * sizeof(*grown));
      rec->segs = grown;
      rec->cap_segs = cap;
    }
    rec_seg = &rec->segs[rec->nsegs++];
    rec_seg->len = 0; /* its ops buffer is reused */
    rec_seg->scanner = scanner;
    return;
  }
  Tf_jsonl_scope_begin(scanner);
}

void Tf_report_scope_end(void)
{
  /* Recorded: elements left open are closed when the scope is replayed. */
  int recorded = rec_seg != NULL;
  rec_seg = NULL;
  while (!recorded && w && depth > scope_floor)
    end();
  scope_floor = 0;
  scope_on = 0;
  sdepth = 0;
  scope_owner = NULL;
  open_attrs_clear();
  if (!recorded)
    Tf_jsonl_scope_end();
}

/* A refused call: one log line naming the scanner, the call and why (the
 * offending name escaped: no control character reaches the terminal). */
static int refuse(const char *call, const char *what, const char *name)
{
  char *tmp = NULL;
  const char *shown = name ? esc(name, &tmp) : "(null)";
  if (refusals_logged < REPORT_MAX_REFUSALS_LOGGED) {
    Tf_log_warn("scanner '%s': %s refused: %s '%.300s'", scope_owner ? scope_owner : "?", call,
                what, shown ? shown : "?");
    if (++refusals_logged == REPORT_MAX_REFUSALS_LOGGED)
      Tf_log_warn("further refused report calls are not logged");
  }
  free(tmp);
  return -1;
}

int Tf_report_name_ok(const char *name)
{
  size_t n;
  if (!name)
    return 0;
  n = strlen(name);
  if (n > REPORT_MAX_NAME)
    return 0;
  /* The only prefix declared for scanners is tcpflow: (on <dfxml>); any
   * other, xml: and xmlns: included, would be a namespace error, and an
   * attribute "xmlns" would change the namespace of what follows. */
  if (strcmp(name, "xmlns") == 0)
    return 0;
  if (strncmp(name, "tcpflow:", 8) == 0) {
    name += 8;
    n -= 8;
  }
  return Tfl_escape_ncname_ok(name, n);
}

int Tf_report_xml_start(const char *name)
{
  if (!scope_on)
    return -1;
  if (!Tf_report_name_ok(name))
    return refuse("xml_start", "invalid element name", name);
  if (sdepth >= REPORT_MAX_SCANNER_DEPTH)
    return refuse("xml_start", "elements nested too deep for", name);
  if (scope_bytes + strlen(name) > REPORT_MAX_SCOPE)
    return refuse("xml_start", "over 16 MiB for this flow, element", name);
  if (rec_seg) {
    if (rec_put('S', name, NULL) < 0)
      return -1;
  } else if (w) {
    if (Tf_xmlout_start(w, name) < 0)
      return -1;
    depth++;
  }
  scope_bytes += strlen(name);
  sdepth++;
  open_content = 0;
  open_attrs_clear();
  if (!rec_seg)
    Tf_jsonl_start(name);
  return 0;
}

int Tf_report_xml_attr(const char *name, const char *value)
{
  char **grown;
  if (!scope_on || sdepth == 0)
    return -1;
  if (!Tf_report_name_ok(name))
    return refuse("xml_attr", "invalid attribute name", name);
  if (open_content)
    return refuse("xml_attr", "after text or a child element, attribute", name);
  if (value && strlen(value) > REPORT_MAX_VALUE)
    return refuse("xml_attr", "value over 1 MiB for attribute", name);
  for (size_t i = 0; i < n_open_attrs; i++)
    if (strcmp(open_attrs[i], name) == 0)
      return refuse("xml_attr", "second value for attribute", name);
  if (scope_bytes + strlen(name) + (value ? strlen(value) : 0) > REPORT_MAX_SCOPE)
    return refuse("xml_attr", "over 16 MiB for this flow, attribute", name);
  if (n_open_attrs == cap_open_attrs) {
    size_t cap = cap_open_attrs ? 2 * cap_open_attrs : 8;
    grown = realloc(open_attrs, cap * sizeof(*open_attrs));
    if (!grown)
      return -1;
    open_attrs = grown;
    cap_open_attrs = cap;
  }
  if (rec_seg ? rec_put('A', name, value ? value : "") < 0 : w && attr(name, value) < 0)
    return -1;
  open_attrs[n_open_attrs] = strdup(name);
  if (open_attrs[n_open_attrs])
    n_open_attrs++;
  scope_bytes += strlen(name) + (value ? strlen(value) : 0);
  if (!rec_seg)
    Tf_jsonl_attr(name, value);
  return 0;
}

int Tf_report_xml_text(const char *text)
{
  char *tmp;
  const char *v;
  int rc;
  size_t n = text ? strlen(text) : 0;
  if (!scope_on || sdepth == 0)
    return -1;
  if (n > REPORT_MAX_VALUE || open_text_len + n > REPORT_MAX_VALUE)
    return refuse("xml_text", "text over 1 MiB in one element, in element", "");
  if (scope_bytes + n > REPORT_MAX_SCOPE)
    return refuse("xml_text", "over 16 MiB for this flow, text", "");
  v = esc(text ? text : "", &tmp);
  rc = -1;
  if (v) {
    rc = 0;
    if (rec_seg)
      rc = rec_put('T', text ? text : "", NULL); /* escaped when replayed */
    else if (w)
      Tf_xmlout_text(w, v, strlen(v));
  }
  if (rc >= 0) {
    open_text_len += strlen(v);
    open_content = 1; /* text closes the start tag: no more attributes */
    scope_bytes += n;
    if (!rec_seg)
      Tf_jsonl_text(text ? text : "");
  }
  free(tmp);
  return rc < 0 ? -1 : 0;
}

int Tf_report_xml_end(void)
{
  if (!scope_on || sdepth == 0)
    return -1;
  if (rec_seg) {
    if (rec_put('E', NULL, NULL) < 0)
      return -1;
  } else if (w) {
    end();
  }
  sdepth--;
  open_content = 1; /* the parent now has a child */
  open_attrs_clear();
  if (!rec_seg)
    Tf_jsonl_end();
  return 0;
}

void Tf_report_summary_begin(void)
{
  queue_flush_all();
  Tf_jsonl_summary_begin();
  if (!w)
    return;
  /* Leave the fileobject wrapper (the second <configuration>). */
  while (depth > 1)
    end();
  start("summary");
  summary_written = 1;
}

void Tf_report_scanner_failure(const char *scanner, const char *event, const char *reason,
                               const char *flow)
{
  Tf_jsonl_scanner_failure(scanner, event, reason, flow);
  if (!w)
    return;
  start("scanner_failure");
  attr("scanner", scanner);
  attr("event", event);
  attr("reason", reason);
  if (flow && *flow)
    attr("filename", flow);
  end();
}

void Tf_report_summary_end(void)
{
  if (!w)
    return;
  while (depth > 1)
    end();
}

static double tv_seconds(const struct timeval *tv)
{
  return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

tf_err Tf_report_close(const struct tf_run_stats *st)
{
  struct rusage ru;
  struct timeval now;
  tf_err e;
  queue_flush_all();
  spare_entries_free();
  e = Tf_jsonl_close(st);
  if (!w)
    return e;
  scope_floor = 0;
  while (depth > 1)
    end();
  if (!summary_written) {
    start("summary");
    end();
  }
  leaf_u64("open_fds_at_end", (uint64_t)st->open_fds_at_end);
  leaf_u64("max_open_flows", (uint64_t)st->max_open_flows);
  leaf_u64("total_flows", st->total_flows);
  leaf_u64("flow_map_size", st->flow_map_size);
  leaf_u64("total_packets", st->total_packets);
  if (tf_opt.part_count > 1 || tf_opt.fanout_group) {
    /* For --merge, which removes it: see Tf_report_flow_order. */
    start("tcpflow:partition_check");
    attr_u64("stragglers_assumed", st->stragglers_assumed);
    attr_u64("stragglers_mismatched", st->stragglers_mismatched);
    end();
  }
  /* Beyond 1.6.1: what could not be used, so a reader knows what is missing. */
  start("frames");
  attr_u64("read", st->frames_read);
  attr_u64("not_ip", st->frames_not_ip);
  attr_u64("not_tcp", st->frames_not_tcp);
  attr_u64("malformed", st->frames_malformed);
  attr_u64("unsupported_link", st->frames_unsupported_link);
  attr_u64("fragments_dropped", st->fragments_dropped);
  end();
  getrusage(RUSAGE_SELF, &ru);
  gettimeofday(&now, NULL);
  start("rusage");
  leaf_fmt("utime", "%.6f", tv_seconds(&ru.ru_utime));
  leaf_fmt("stime", "%.6f", tv_seconds(&ru.ru_stime));
  leaf_u64("maxrss", (uint64_t)ru.ru_maxrss);
  leaf_u64("minflt", (uint64_t)ru.ru_minflt);
  leaf_u64("majflt", (uint64_t)ru.ru_majflt);
  leaf_u64("nswap", (uint64_t)ru.ru_nswap);
  leaf_u64("inblock", (uint64_t)ru.ru_inblock);
  leaf_u64("oublock", (uint64_t)ru.ru_oublock);
  leaf_fmt("clocktime", "%.6f", tv_seconds(&now) - tv_seconds(&start_tv));
  end();
  if (Tf_xmlout_close(w) != 0) {
    Tf_log_error("cannot finish the report: %s", strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  w = NULL;
  if (index_fp && fclose(index_fp) != 0 && e == TF_OK) {
    Tf_log_error("cannot write %s: %s", index_path, strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  index_fp = NULL;
  depth = 0;
  open_attrs_clear();
  free(open_attrs);
  open_attrs = NULL;
  cap_open_attrs = 0;
  return e;
}
