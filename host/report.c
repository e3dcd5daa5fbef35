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
#include "tfl_list.h"
#include "run.h"
#include "xmlout.h"


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
  struct tfl_list node; /* in the queue, or in the spare entries */
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
#define REPORT_SPARE_ENTRIES 256
#define REPORT_SPARE_MAX_BYTES (64 * 1024) /* a larger entry is not kept */

/* The report of a run (report.xml and report.jsonl), owned by the run:
 * created by Tf_report_open, freed by Tf_report_close.  The functions
 * below do nothing for a run without one (rep NULL). */
struct tf_report {
  const struct tf_options *opt;
  struct tf_xmlout *w;      /* report.xml while open */
  struct tf_jsonl *jl;      /* report.jsonl while open; owned */
  int depth;                /* elements open */
  int scope_floor;          /* scanners may not close below this depth */
  const char *scope_owner;  /* the scanner whose XML calls these are */
  int scope_on;             /* inside a scanner's scope (either report open) */
  int sdepth;               /* elements the scanner in scope has open */
  int open_content;         /* the innermost of them has text or a child */
  size_t scope_bytes;       /* names, values and text the scanner added */
  int refusals_logged;
  /* Attribute names of the element a scanner has open, to refuse a second
   * attribute of the same name (a well-formedness error).  Owned; emptied
   * when the element receives content or is closed. */
  char **open_attrs;
  size_t n_open_attrs;
  size_t cap_open_attrs;
  size_t open_text_len;     /* escaped bytes of text in the open element */
  int summary_written;
  struct timeval start_tv;
  /* -j workers (opt->report_index): each flow's <fileobject> is known by
   * its byte range in the report, written with its close number to the
   * index for the parent's streaming merge (merge.h).  NULL/0 otherwise. */
  FILE *index_fp;
  uint64_t index_seq;       /* close number of the flow being written */
  uint64_t index_start;     /* where its <fileobject> starts */
  int index_flows;          /* flows written so far */
  /* Deferred completion (see struct report_entry). */
  const int *deferring;               /* the run's scanners_defer (report.h) */
  struct report_entry *rec;           /* entry being recorded (its close or a fill) */
  struct report_seg *rec_seg;         /* the scope calls go to, or NULL: written */
  struct tfl_list queue;              /* entries, complete or not, in close order */
  size_t queue_bytes;                 /* their recorded calls */
  size_t queue_len;
  /* Written entries kept with their buffers: a flow costs no allocation
   * once the queue has been as long as it gets. */
  struct tfl_list spare_entries;
  int nspare_entries;
};

int Tf_report_is_open(const struct tf_report *rep)
{
  return rep && (rep->w != NULL || rep->jl != NULL);
}

static void start(struct tf_report *rep, const char *name)
{
  if (Tf_xmlout_start(rep->w, name) >= 0)
    rep->depth++;
}

static void end(struct tf_report *rep)
{
  if (rep->depth > 0) {
    Tf_xmlout_end(rep->w);
    rep->depth--;
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
static int rec_put(struct tf_report *rep, char op, const char *a, const char *b)
{
  size_t na = a ? strlen(a) + 1 : 0, nb = b ? strlen(b) + 1 : 0;
  size_t need = rep->rec_seg->len + 1 + na + nb;
  if (need > rep->rec_seg->cap) {
    size_t cap = rep->rec_seg->cap ? 2 * rep->rec_seg->cap : 256;
    char *grown;
    while (cap < need)
      cap *= 2;
    if (!(grown = realloc(rep->rec_seg->ops, cap)))
      return -1;
    rep->queue_bytes += cap - rep->rec_seg->cap;
    rep->rec_seg->ops = grown;
    rep->rec_seg->cap = cap;
  }
  rep->rec_seg->ops[rep->rec_seg->len++] = op;
  if (a)
    memcpy(rep->rec_seg->ops + rep->rec_seg->len, a, na);
  rep->rec_seg->len += na;
  if (b)
    memcpy(rep->rec_seg->ops + rep->rec_seg->len, b, nb);
  rep->rec_seg->len += nb;
  return 0;
}

static int attr(struct tf_report *rep, const char *name, const char *value)
{
  char *tmp;
  const char *v = esc(value ? value : "", &tmp);
  /* Quoted with ' by xmlout (libxml2's writer left the apostrophe alone
   * although the report quotes attribute values with it). */
  int rc = v ? Tf_xmlout_attr(rep->w, name, v) : -1;
  free(tmp);
  return rc;
}

static void leaf(struct tf_report *rep, const char *name, const char *value)
{
  char *tmp;
  const char *v = esc(value ? value : "", &tmp);
  if (v)
    Tf_xmlout_leaf(rep->w, name, v);
  free(tmp);
}

static void leaf_u64(struct tf_report *rep, const char *name, uint64_t v)
{
  Tf_xmlout_leaf_u64(rep->w, name, v);
}

/* A leaf of printf-formatted content (numbers only: not escaped). */
static void leaf_fmt(struct tf_report *rep, const char *name, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
static void leaf_fmt(struct tf_report *rep, const char *name, const char *fmt, ...)
{
  char buf[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  Tf_xmlout_leaf(rep->w, name, buf);
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

static void report_creator(struct tf_report *rep)
{
  struct utsname u;
  struct passwd *pw = getpwuid(getuid());
  char buf[128];
  struct timeval now;
  start(rep, "creator");
  attr(rep, "version", "1.0");
  leaf(rep, "program", "TCPFLOW");
  /* Our own version; compat names the tcpflow whose command line, file
     names and report this one reproduces (tools that read <version> to
     pick a parser get the answer without mistaking us for it). */
  start(rep, "version");
  attr(rep, "compat", "1.6.1");
  Tf_xmlout_text(rep->w, PACKAGE_VERSION, strlen(PACKAGE_VERSION));
  end(rep);
  start(rep, "build_environment");
#ifdef __VERSION__
  leaf(rep, "compiler", __VERSION__);
#endif
  leaf(rep, "CFLAGS", TF_BUILD_CFLAGS);
  leaf(rep, "LDFLAGS", TF_BUILD_LDFLAGS);
  leaf(rep, "compilation_date", TF_BUILD_DATE); /* SOURCE_DATE_EPOCH, not __DATE__ */
  start(rep, "library");
  attr(rep, "name", "libpcap");
  attr(rep, "version", pcap_lib_version());
  end(rep);
  start(rep, "library");
  attr(rep, "name", "libxml2");
  attr(rep, "version", LIBXML_DOTTED_VERSION);
  end(rep);
  end(rep);
  start(rep, "execution_environment");
  if (uname(&u) == 0) {
    leaf(rep, "os_sysname", u.sysname);
    leaf(rep, "os_release", u.release);
    leaf(rep, "os_version", u.version);
    leaf(rep, "host", u.nodename);
    leaf(rep, "arch", u.machine);
  }
  leaf(rep, "command_line", rep->opt->command_line ? rep->opt->command_line : "");
  leaf_u64(rep, "uid", getuid());
  leaf(rep, "username", pw ? pw->pw_name : "");
  gettimeofday(&now, NULL);
  now.tv_usec = 0;
  Tf_report_format_time(&now, buf, sizeof(buf));
  leaf(rep, "start_time", buf);
  end(rep);
  end(rep);
}

static void open_attrs_clear(struct tf_report *rep);
static void spare_entries_free(struct tf_report *rep);

/* Frees rep and what it owns; its files are closed already. */
static void report_free(struct tf_report *rep)
{
  open_attrs_clear(rep);
  free(rep->open_attrs);
  spare_entries_free(rep);
  free(rep);
}

tf_err Tf_report_open(struct tf_run *run, const char *path, const char *jsonl_path)
{
  struct tf_report *rep = calloc(1, sizeof(*rep));
  const char *index_path = run->opt->report_index;
  if (!rep)
    return TF_ERR_NOMEM;
  rep->opt = run->opt;
  rep->deferring = &run->scanners_defer;
  Tfl_list_init(&rep->queue);
  Tfl_list_init(&rep->spare_entries);
  gettimeofday(&rep->start_tv, NULL);
  if (jsonl_path) {
    tf_err e = Tf_jsonl_open(&rep->jl, run->opt, jsonl_path);
    if (e != TF_OK) {
      free(rep);
      return e;
    }
    if (!path) {
      run->report = rep;
      return TF_OK;
    }
  }
  rep->w = Tf_xmlout_create(path);
  if (!rep->w) {
    Tf_log_error("cannot create report %s: %s", path, strerror(errno));
    Tf_jsonl_abandon(rep->jl);
    report_free(rep);
    return TF_ERR_OUTPUT;
  }
  if (index_path && !(rep->index_fp = fopen(index_path, "wbe"))) {
    Tf_log_error("cannot create %s: %s", index_path, strerror(errno));
    (void)Tf_xmlout_close(rep->w); /* nothing of it is kept */
    Tf_jsonl_abandon(rep->jl);
    report_free(rep);
    return TF_ERR_OUTPUT;
  }
  run->report = rep;
  rep->index_flows = 0;
  Tf_xmlout_declaration(rep->w);
  start(rep, "dfxml");
  attr(rep, "xmloutputversion", "1.0");
  /* Scanners add tcpflow:-prefixed elements anywhere below. */
  attr(rep, "xmlns:tcpflow", "http://afflib.org/tcpflow/");
  start(rep, "metadata");
  attr(rep, "xmlns", "http://afflib.org/tcpflow/");
  attr(rep, "xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
  attr(rep, "xmlns:dc", "http://purl.org/dc/elements/1.1/");
  leaf(rep, "dc:type", "Feature Extraction");
  end(rep);
  report_creator(rep);
  start(rep, "configuration");
  end(rep);
  leaf_fmt(rep, "tdelta", "%lld", (long long)rep->opt->tdelta);
  if (run->provenance)
    run->provenance(rep, run->provenance_arg);
  start(rep, "configuration");
  Tf_xmlout_flush(rep->w);
  return TF_OK;
}

static void attr_u64(struct tf_report *rep, const char *name, uint64_t v)
{
  Tf_xmlout_attr_u64(rep->w, name, v);
}

static void attr_mac(struct tf_report *rep, const char *name, const uint8_t *m)
{
  static const char hex[] = "0123456789abcdef";
  char buf[18];
  for (int i = 0; i < 6; i++) {
    buf[3 * i] = hex[m[i] >> 4];
    buf[3 * i + 1] = hex[m[i] & 15];
    buf[3 * i + 2] = i < 5 ? ':' : '\0';
  }
  Tf_xmlout_attr(rep->w, name, buf);
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

static void flow_begin_now(struct tf_report *rep, const struct tf_flow *f, uint64_t filesize);

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

static struct report_entry *entry_new(struct tf_report *rep, const struct tf_flow *f,
                                      uint64_t filesize)
{
  struct tfl_list *spare = Tfl_list_first(&rep->spare_entries);
  struct report_entry *e;
  size_t plen = f->path ? strlen(f->path) + 1 : 0;
  if (spare) {
    Tfl_list_remove(spare);
    e = TFL_LIST_ENTRY(spare, struct report_entry, node);
    rep->nspare_entries--;
  } else if ((e = calloc(1, sizeof(*e))) != NULL) {
    Tfl_list_init(&e->node);
  } else {
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
  rep->queue_bytes += entry_size(e);
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
static void entry_free(struct tf_report *rep, struct report_entry *e)
{
  size_t n = entry_size(e);
  rep->queue_bytes -= n;
  if (rep->nspare_entries < REPORT_SPARE_ENTRIES && n <= REPORT_SPARE_MAX_BYTES) {
    Tfl_list_push_front(&rep->spare_entries, &e->node);
    rep->nspare_entries++;
    return;
  }
  entry_destroy(e);
}

/* The spare entries, at the end of the report. */
static void spare_entries_free(struct tf_report *rep)
{
  struct tfl_list *n;
  while ((n = Tfl_list_first(&rep->spare_entries)) != NULL) {
    Tfl_list_remove(n);
    entry_destroy(TFL_LIST_ENTRY(n, struct report_entry, node));
  }
  rep->nspare_entries = 0;
}

void Tf_report_flow_begin(struct tf_report *rep, const struct tf_flow *f, uint64_t filesize)
{
  if (!rep)
    return;
  if ((*rep->deferring || !Tfl_list_empty(&rep->queue)) && Tf_report_is_open(rep) &&
      (rep->rec = entry_new(rep, f, filesize)))
    return;
  flow_begin_now(rep, f, filesize);
}

static void flow_begin_now(struct tf_report *rep, const struct tf_flow *f, uint64_t filesize)
{
  char buf[INET6_ADDRSTRLEN + 32];
  /* jsonl.c writes the same fields under the same conditions. */
  Tf_jsonl_flow_begin(rep->jl, f, filesize);
  if (!rep->w)
    return;
  if (rep->index_fp) {
    /* The first flow's start tag also closes <configuration>'s: ">\n". */
    rep->index_start = Tf_xmlout_tell(rep->w) + (rep->index_flows == 0 ? 2 : 0);
    rep->index_seq = UINT64_MAX;
  }
  start(rep, "fileobject");
  if (f->path && !f->temp_storage)
    leaf(rep, "filename", f->path);
  leaf_u64(rep, "filesize", filesize);
  start(rep, "tcpflow");
  /* Times, family and addresses are ASCII digits, letters, '.', ':' and
   * '-' that we formatted: nothing to escape. */
  Tf_report_format_time(&f->first_ts, buf, sizeof(buf));
  Tf_xmlout_attr(rep->w, "startime", buf);
  Tf_report_format_time(&f->last_ts, buf, sizeof(buf));
  Tf_xmlout_attr(rep->w, "endtime", buf);
  /* Only links that have MAC addresses report them (1.6.1 printed the
   * first bytes of any frame). */
  if (f->have_macs && !(mac_zero(f->mac_dst) && mac_zero(f->mac_src))) {
    attr_mac(rep, "mac_daddr", f->mac_dst);
    attr_mac(rep, "mac_saddr", f->mac_src);
  }
  Tf_xmlout_attr(rep->w, "family", f->key.family == 4 ? "2" : "10");
  report_addr(f->key.family, f->key.src, buf, sizeof(buf));
  Tf_xmlout_attr(rep->w, "src_ipn", buf);
  report_addr(f->key.family, f->key.dst, buf, sizeof(buf));
  Tf_xmlout_attr(rep->w, "dst_ipn", buf);
  attr_u64(rep, "srcport", f->key.sport);
  attr_u64(rep, "dstport", f->key.dport);
  attr_u64(rep, "packets", f->packets);
  if (f->out_of_order_count)
    attr_u64(rep, "out_of_order_count", f->out_of_order_count);
  if (f->violations)
    attr_u64(rep, "violations", f->violations);
  attr_u64(rep, "len", f->len);
  if (f->caplen != f->len)
    attr_u64(rep, "caplen", f->caplen);
  if (f->vlan >= 0)
    attr_u64(rep, "vlan", (uint64_t)f->vlan);
  attr_u64(rep, "session_id", f->session_id);
  end(rep);
}

void Tf_report_elem_start(struct tf_report *rep, const char *name)
{
  if (!rep)
    return;
  if (rep->w)
    start(rep, name);
}

void Tf_report_elem_attr(struct tf_report *rep, const char *name, const char *value)
{
  if (!rep)
    return;
  if (rep->w)
    attr(rep, name, value);
}

void Tf_report_elem_end(struct tf_report *rep)
{
  if (!rep)
    return;
  if (rep->w)
    end(rep);
}

void Tf_report_flow_order(struct tf_report *rep, uint64_t close_seq, const struct timeval *when,
                          uint64_t flow_id)
{
  if (!rep)
    return;
  char buf[64];
  if (rep->rec) {
    rep->rec->ordered = 1;
    rep->rec->order_seq = close_seq;
    rep->rec->order_at_end = when == NULL;
    if (when)
      rep->rec->order_when = *when;
    rep->rec->order_flow_id = flow_id;
    return;
  }
  if (!rep->w)
    return;
  if (rep->index_fp) { /* the index says it */
    rep->index_seq = close_seq;
    return;
  }
  start(rep, "tcpflow:order");
  attr_u64(rep, "close_seq", close_seq);
  if (when) {
    snprintf(buf, sizeof(buf), "%lld.%06ld", (long long)when->tv_sec, (long)when->tv_usec);
    attr(rep, "close_time", buf);
  }
  attr_u64(rep, "flow_id", flow_id);
  end(rep);
}

static void flow_end_now(struct tf_report *rep);
static void queue_write(struct tf_report *rep, int all);

void Tf_report_flow_end(struct tf_report *rep)
{
  if (!rep)
    return;
  if (rep->rec) {
    Tfl_list_push_back(&rep->queue, &rep->rec->node);
    rep->queue_len++;
    rep->rec = NULL;
    queue_write(rep, 0);
    return;
  }
  flow_end_now(rep);
}

/* The recorded calls of one scope, written as Tf_report_xml_* would have
 * written them at close, without checking them again (they were checked
 * when recorded).  A failed write shows at Tf_report_close. */
static void seg_replay(struct tf_report *rep, const struct report_seg *g)
{
  const char *p = g->ops, *stop = g->ops + g->len;
  Tf_report_scope_begin(rep, g->scanner);
  while (p < stop) {
    char op = *p++;
    const char *a = p, *b, *v;
    char *tmp;
    switch (op) {
    case 'S':
      p += strlen(a) + 1;
      if (rep->w && Tf_xmlout_start(rep->w, a) < 0)
        break;
      if (rep->w)
        rep->depth++;
      Tf_jsonl_start(rep->jl, a);
      break;
    case 'A':
      b = a + strlen(a) + 1;
      p = b + strlen(b) + 1;
      if (rep->w && attr(rep, a, b) < 0)
        break;
      Tf_jsonl_attr(rep->jl, a, b);
      break;
    case 'T':
      p += strlen(a) + 1;
      v = esc(a, &tmp);
      if (!v)
        break;
      if (rep->w)
        Tf_xmlout_text(rep->w, v, strlen(v));
      free(tmp);
      Tf_jsonl_text(rep->jl, a);
      break;
    default: /* 'E' */
      if (rep->w)
        end(rep);
      Tf_jsonl_end(rep->jl);
      break;
    }
  }
  Tf_report_scope_end(rep);
}

/* Writes the entries at the head of the queue that are complete, or with
 * all != 0 every entry as it is (a scope still to be completed stays as
 * far as it got: its scanner was stopped, or the run is ending). */
static void queue_write(struct tf_report *rep, int all)
{
  struct tfl_list *n;
  while ((n = Tfl_list_first(&rep->queue)) != NULL) {
    struct report_entry *e = TFL_LIST_ENTRY(n, struct report_entry, node);
    if (!all && e->holes > 0)
      break;
    Tfl_list_remove(n);
    rep->queue_len--;
    flow_begin_now(rep, &e->flow, e->filesize);
    if (e->ordered)
      Tf_report_flow_order(rep, e->order_seq, e->order_at_end ? NULL : &e->order_when,
                           e->order_flow_id);
    for (size_t i = 0; i < e->nsegs; i++)
      seg_replay(rep, &e->segs[i]);
    flow_end_now(rep);
    entry_free(rep, e);
  }
}

int Tf_report_defer(struct tf_report *rep, struct tf_report_hole *h)
{
  h->entry = NULL;
  h->seg = 0;
  if (!rep || !rep->rec || !rep->rec_seg)
    return -1;
  h->entry = rep->rec;
  h->seg = (size_t)(rep->rec_seg - rep->rec->segs);
  rep->rec->holes++;
  return 0;
}

void Tf_report_fill_begin(struct tf_report *rep, const struct tf_report_hole *h,
                          const char *scanner)
{
  if (!rep)
    return;
  struct report_entry *e = h->entry;
  Tf_report_scope_begin(rep, scanner);
  if (!e)
    return;
  rep->rec = e;
  rep->rec_seg = &e->segs[h->seg];
  rep->scope_on = 1;
}

void Tf_report_fill_end(struct tf_report *rep)
{
  if (!rep)
    return;
  rep->rec = NULL;
  Tf_report_scope_end(rep);
}

void Tf_report_hole_close(struct tf_report *rep, const struct tf_report_hole *h)
{
  if (!rep)
    return;
  struct report_entry *e = h->entry;
  if (!e)
    return;
  e->holes--;
  queue_write(rep, 0);
}

size_t Tf_report_pending_bytes(struct tf_report *rep)
{
  if (!rep)
    return 0;
  return rep->queue_bytes;
}

size_t Tf_report_pending_flows(struct tf_report *rep)
{
  if (!rep)
    return 0;
  return rep->queue_len;
}

/* An entry being recorded when the run ends abruptly (exit() inside a
 * callback) is written as far as it got, like a fileobject left open. */
static void queue_flush_all(struct tf_report *rep)
{
  if (rep->rec && !rep->rec_seg) {
    Tf_report_flow_end(rep);
  } else if (rep->rec) { /* inside a scope */
    struct report_entry *e = rep->rec;
    int filling = Tfl_list_linked(&e->node); /* a fill of a queued entry */
    rep->rec = NULL;
    rep->rec_seg = NULL;
    if (!filling) {
      rep->rec = e;
      Tf_report_flow_end(rep);
    }
  }
  queue_write(rep, 1);
}

static void flow_end_now(struct tf_report *rep)
{
  Tf_jsonl_flow_end(rep->jl);
  if (!rep->w)
    return;
  end(rep); /* fileobject */
  if (rep->index_fp) {
    uint64_t entry[3] = {rep->index_seq, rep->index_start, Tf_xmlout_tell(rep->w)};
    /* A failed write shows at Tf_report_close (ferror). */
    (void)fwrite(entry, sizeof(entry), 1, rep->index_fp);
    rep->index_flows++;
  }
}

static void open_attrs_clear(struct tf_report *rep)
{
  for (size_t i = 0; i < rep->n_open_attrs; i++)
    free(rep->open_attrs[i]);
  rep->n_open_attrs = 0;
  rep->open_text_len = 0;
}

void Tf_report_scope_begin(struct tf_report *rep, const char *scanner)
{
  if (!rep)
    return;
  rep->scope_floor = rep->depth;
  rep->scope_on = Tf_report_is_open(rep);
  rep->sdepth = 0;
  rep->open_content = 0;
  rep->scope_owner = scanner;
  rep->scope_bytes = 0;
  open_attrs_clear(rep);
  if (rep->rec) { /* recorded: a new scope of the entry */
    struct report_seg *grown;
    rep->rec_seg = NULL;
    if (rep->rec->nsegs == rep->rec->cap_segs) {
      size_t cap = rep->rec->cap_segs ? 2 * rep->rec->cap_segs : 4;
      if (!(grown = realloc(rep->rec->segs, cap * sizeof(*grown)))) {
        rep->scope_on = 0; /* the scanner's calls are refused */
        return;
      }
      rep->queue_bytes += (cap - rep->rec->cap_segs) * sizeof(*grown);
      memset(grown + rep->rec->cap_segs, 0, (cap - rep->rec->cap_segs) * sizeof(*grown));
      rep->rec->segs = grown;
      rep->rec->cap_segs = cap;
    }
    rep->rec_seg = &rep->rec->segs[rep->rec->nsegs++];
    rep->rec_seg->len = 0; /* its ops buffer is reused */
    rep->rec_seg->scanner = scanner;
    return;
  }
  Tf_jsonl_scope_begin(rep->jl, scanner);
}

void Tf_report_scope_end(struct tf_report *rep)
{
  if (!rep)
    return;
  /* Recorded: elements left open are closed when the scope is replayed. */
  int recorded = rep->rec_seg != NULL;
  rep->rec_seg = NULL;
  while (!recorded && rep->w && rep->depth > rep->scope_floor)
    end(rep);
  rep->scope_floor = 0;
  rep->scope_on = 0;
  rep->sdepth = 0;
  rep->scope_owner = NULL;
  open_attrs_clear(rep);
  if (!recorded)
    Tf_jsonl_scope_end(rep->jl);
}

/* A refused call: one log line naming the scanner, the call and why (the
 * offending name escaped: no control character reaches the terminal). */
static int refuse(struct tf_report *rep, const char *call, const char *what, const char *name)
{
  char *tmp = NULL;
  const char *shown = name ? esc(name, &tmp) : "(null)";
  if (rep->refusals_logged < REPORT_MAX_REFUSALS_LOGGED) {
    Tf_log_warn("scanner '%s': %s refused: %s '%.300s'",
                rep->scope_owner ? rep->scope_owner : "?", call,
                what, shown ? shown : "?");
    if (++rep->refusals_logged == REPORT_MAX_REFUSALS_LOGGED)
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

int Tf_report_xml_start(struct tf_report *rep, const char *name)
{
  if (!rep)
    return -1;
  if (!rep->scope_on)
    return -1;
  if (!Tf_report_name_ok(name))
    return refuse(rep, "xml_start", "invalid element name", name);
  if (rep->sdepth >= REPORT_MAX_SCANNER_DEPTH)
    return refuse(rep, "xml_start", "elements nested too deep for", name);
  if (rep->scope_bytes + strlen(name) > REPORT_MAX_SCOPE)
    return refuse(rep, "xml_start", "over 16 MiB for this flow, element", name);
  if (rep->rec_seg) {
    if (rec_put(rep, 'S', name, NULL) < 0)
      return -1;
  } else if (rep->w) {
    if (Tf_xmlout_start(rep->w, name) < 0)
      return -1;
    rep->depth++;
  }
  rep->scope_bytes += strlen(name);
  rep->sdepth++;
  rep->open_content = 0;
  open_attrs_clear(rep);
  if (!rep->rec_seg)
    Tf_jsonl_start(rep->jl, name);
  return 0;
}

int Tf_report_xml_attr(struct tf_report *rep, const char *name, const char *value)
{
  if (!rep)
    return -1;
  char **grown;
  if (!rep->scope_on || rep->sdepth == 0)
    return -1;
  if (!Tf_report_name_ok(name))
    return refuse(rep, "xml_attr", "invalid attribute name", name);
  if (rep->open_content)
    return refuse(rep, "xml_attr", "after text or a child element, attribute", name);
  if (value && strlen(value) > REPORT_MAX_VALUE)
    return refuse(rep, "xml_attr", "value over 1 MiB for attribute", name);
  for (size_t i = 0; i < rep->n_open_attrs; i++)
    if (strcmp(rep->open_attrs[i], name) == 0)
      return refuse(rep, "xml_attr", "second value for attribute", name);
  if (rep->scope_bytes + strlen(name) + (value ? strlen(value) : 0) > REPORT_MAX_SCOPE)
    return refuse(rep, "xml_attr", "over 16 MiB for this flow, attribute", name);
  if (rep->n_open_attrs == rep->cap_open_attrs) {
    size_t cap = rep->cap_open_attrs ? 2 * rep->cap_open_attrs : 8;
    grown = realloc(rep->open_attrs, cap * sizeof(*rep->open_attrs));
    if (!grown)
      return -1;
    rep->open_attrs = grown;
    rep->cap_open_attrs = cap;
  }
  if (rep->rec_seg ? rec_put(rep, 'A', name, value ? value : "") < 0
                   : rep->w && attr(rep, name, value) < 0)
    return -1;
  rep->open_attrs[rep->n_open_attrs] = strdup(name);
  if (rep->open_attrs[rep->n_open_attrs])
    rep->n_open_attrs++;
  rep->scope_bytes += strlen(name) + (value ? strlen(value) : 0);
  if (!rep->rec_seg)
    Tf_jsonl_attr(rep->jl, name, value);
  return 0;
}

int Tf_report_xml_text(struct tf_report *rep, const char *text)
{
  if (!rep)
    return -1;
  char *tmp;
  const char *v;
  int rc;
  size_t n = text ? strlen(text) : 0;
  if (!rep->scope_on || rep->sdepth == 0)
    return -1;
  if (n > REPORT_MAX_VALUE || rep->open_text_len + n > REPORT_MAX_VALUE)
    return refuse(rep, "xml_text", "text over 1 MiB in one element, in element", "");
  if (rep->scope_bytes + n > REPORT_MAX_SCOPE)
    return refuse(rep, "xml_text", "over 16 MiB for this flow, text", "");
  v = esc(text ? text : "", &tmp);
  rc = -1;
  if (v) {
    rc = 0;
    if (rep->rec_seg)
      rc = rec_put(rep, 'T', text ? text : "", NULL); /* escaped when replayed */
    else if (rep->w)
      Tf_xmlout_text(rep->w, v, strlen(v));
  }
  if (rc >= 0) {
    rep->open_text_len += strlen(v);
    rep->open_content = 1; /* text closes the start tag: no more attributes */
    rep->scope_bytes += n;
    if (!rep->rec_seg)
      Tf_jsonl_text(rep->jl, text ? text : "");
  }
  free(tmp);
  return rc < 0 ? -1 : 0;
}

int Tf_report_xml_end(struct tf_report *rep)
{
  if (!rep)
    return -1;
  if (!rep->scope_on || rep->sdepth == 0)
    return -1;
  if (rep->rec_seg) {
    if (rec_put(rep, 'E', NULL, NULL) < 0)
      return -1;
  } else if (rep->w) {
    end(rep);
  }
  rep->sdepth--;
  rep->open_content = 1; /* the parent now has a child */
  open_attrs_clear(rep);
  if (!rep->rec_seg)
    Tf_jsonl_end(rep->jl);
  return 0;
}

void Tf_report_summary_begin(struct tf_report *rep)
{
  if (!rep)
    return;
  queue_flush_all(rep);
  Tf_jsonl_summary_begin(rep->jl);
  if (!rep->w)
    return;
  /* Leave the fileobject wrapper (the second <configuration>). */
  while (rep->depth > 1)
    end(rep);
  start(rep, "summary");
  rep->summary_written = 1;
}

void Tf_report_scanner_failure(struct tf_report *rep, const char *scanner, const char *event,
                               const char *reason,
                               const char *flow)
{
  if (!rep)
    return;
  Tf_jsonl_scanner_failure(rep->jl, scanner, event, reason, flow);
  if (!rep->w)
    return;
  start(rep, "scanner_failure");
  attr(rep, "scanner", scanner);
  attr(rep, "event", event);
  attr(rep, "reason", reason);
  if (flow && *flow)
    attr(rep, "filename", flow);
  end(rep);
}

void Tf_report_summary_end(struct tf_report *rep)
{
  if (!rep)
    return;
  if (!rep->w)
    return;
  while (rep->depth > 1)
    end(rep);
}

static double tv_seconds(const struct timeval *tv)
{
  return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

tf_err Tf_report_close(struct tf_run *run, const struct tf_run_stats *st)
{
  struct tf_report *rep = run->report;
  struct rusage ru;
  struct timeval now;
  tf_err e;
  if (!rep)
    return TF_OK;
  run->report = NULL;
  queue_flush_all(rep);
  spare_entries_free(rep);
  e = Tf_jsonl_close(rep->jl, st);
  rep->jl = NULL;
  if (!rep->w) {
    report_free(rep);
    return e;
  }
  rep->scope_floor = 0;
  while (rep->depth > 1)
    end(rep);
  if (!rep->summary_written) {
    start(rep, "summary");
    end(rep);
  }
  leaf_u64(rep, "open_fds_at_end", (uint64_t)st->open_fds_at_end);
  leaf_u64(rep, "max_open_flows", (uint64_t)st->max_open_flows);
  leaf_u64(rep, "total_flows", st->total_flows);
  leaf_u64(rep, "flow_map_size", st->flow_map_size);
  leaf_u64(rep, "total_packets", st->total_packets);
  if (rep->opt->part_count > 1 || rep->opt->fanout_group) {
    /* For --merge, which removes it: see Tf_report_flow_order. */
    start(rep, "tcpflow:partition_check");
    attr_u64(rep, "stragglers_assumed", st->stragglers_assumed);
    attr_u64(rep, "stragglers_mismatched", st->stragglers_mismatched);
    end(rep);
  }
  /* Beyond 1.6.1: what could not be used, so a reader knows what is missing. */
  start(rep, "frames");
  attr_u64(rep, "read", st->frames_read);
  attr_u64(rep, "not_ip", st->frames_not_ip);
  attr_u64(rep, "not_tcp", st->frames_not_tcp);
  attr_u64(rep, "malformed", st->frames_malformed);
  attr_u64(rep, "unsupported_link", st->frames_unsupported_link);
  attr_u64(rep, "fragments_dropped", st->fragments_dropped);
  end(rep);
  getrusage(RUSAGE_SELF, &ru);
  gettimeofday(&now, NULL);
  start(rep, "rusage");
  leaf_fmt(rep, "utime", "%.6f", tv_seconds(&ru.ru_utime));
  leaf_fmt(rep, "stime", "%.6f", tv_seconds(&ru.ru_stime));
  leaf_u64(rep, "maxrss", (uint64_t)ru.ru_maxrss);
  leaf_u64(rep, "minflt", (uint64_t)ru.ru_minflt);
  leaf_u64(rep, "majflt", (uint64_t)ru.ru_majflt);
  leaf_u64(rep, "nswap", (uint64_t)ru.ru_nswap);
  leaf_u64(rep, "inblock", (uint64_t)ru.ru_inblock);
  leaf_u64(rep, "oublock", (uint64_t)ru.ru_oublock);
  leaf_fmt(rep, "clocktime", "%.6f", tv_seconds(&now) - tv_seconds(&rep->start_tv));
  end(rep);
  if (Tf_xmlout_close(rep->w) != 0) {
    Tf_log_error("cannot finish the report: %s", strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  rep->w = NULL;
  if (rep->index_fp && fclose(rep->index_fp) != 0 && e == TF_OK) {
    Tf_log_error("cannot write %s: %s", rep->opt->report_index, strerror(errno));
    e = TF_ERR_OUTPUT;
  }
  report_free(rep);
  return e;
}
