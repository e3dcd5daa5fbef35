/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * http scanner: parses HTTP/1.x requests and responses in any flow (found
 * by content, not port), writes each message body to
 * <flow>-HTTPBODY-NNN[.ext] as tcpflow 1.6.1 does, the header blocks to
 * <flow>-HTTP, and reports byte_runs plus one tcpflow:http_message per
 * message.  Data is streamed into http-parser as the host replays it.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "http.h"
#include "tfl_parse.h"

#define HTTP_LINE_MAX 8192        /* longest start line found when resyncing */
#define HTTP_HEAD_MAX (96 * 1024) /* beyond the parser's own 80 KiB limit */
#define HTTP_URI_MAX 2048
#define HTTP_FIELD_MAX 32
#define HTTP_VALUE_MAX 256
#define HTTP_RECORDS_MAX 100000

enum http_mode { HTTP_SYNC, HTTP_PARSE, HTTP_STOPPED };
enum http_pause { HTTP_PAUSE_NONE, HTTP_PAUSE_BEGIN, HTTP_PAUSE_HEADERS };

struct http_state {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  struct http_config cfg;
  struct http_pairs *pairs;

  /* the flow being replayed */
  const struct tfs_flow_info *flow; /* during a call only */
  uint64_t flow_id;
  int seen;
  int kind;
  enum http_mode mode;
  char line[HTTP_LINE_MAX];
  size_t line_len;
  uint64_t line_off;
  int line_skip; /* drop bytes up to the next \n */

  http_parser parser;
  enum http_pause pause;
  int stop_after; /* 101: what follows is another protocol */
  const uint8_t *chunk; /* buffer given to the parser, its end and flow offset */
  const uint8_t *chunk_end;
  uint64_t chunk_off;
  const uint8_t *head_mark; /* end of the last start-line or header piece in chunk */

  int in_msg, in_head;
  int in_chunk; /* inside a chunk's data (its size is known) */
  int filling;  /* the parser is reading zeros for missing bytes */
  int in_reason; /* the last buffer ended inside a reason phrase */
  unsigned counter;
  struct http_record cur;
  struct http_body body;
  char field[HTTP_FIELD_MAX + 1];
  size_t field_len;
  char value[HTTP_VALUE_MAX + 1];
  size_t value_len;
  int in_value;
  uint8_t *head;
  size_t head_len;
  tfs_output *head_out;
  char *head_path;
  uint64_t head_bytes;

  struct http_record *recs;
  size_t nrecs, cap_recs, dropped;
};

static const struct tfs_setting http_settings[] = {
  {"http_keep_compressed", "NO", "YES: also keep compressed bodies as -HTTPBODY-NNN-GZIP"},
  {"http_max_decompressed", "268435456", "most bytes inflated from one body"},
  {"http_max_ratio", "1000", "most inflated/compressed ratio past 1 MiB (0: off)"},
  {"http_alert_fd", "-1", "file descriptor told 'open\\tPATH' and 'close\\tPATH' of bodies"},
  {NULL, NULL, NULL},
};

/* A setting's number, or fallback when it is unset or not a number. */
static long long http_number(const char *s, long long fallback)
{
  int64_t v;
  return Tfl_parse_i64(s, INT64_MIN, INT64_MAX, &v) == 0 ? v : fallback;
}

static int http_init(const struct tfs_host *host, tfs_ctx *ctx, void **state)
{
  struct http_state *st = calloc(1, sizeof(*st));
  const char *keep, *nodec;
  long long max, ratio;
  if (!st)
    return TFS_ERROR;
  st->host = host;
  st->ctx = ctx;
  st->pairs = Http_pairs_new();
  st->head = malloc(HTTP_HEAD_MAX);
  if (!st->pairs || !st->head) {
    Http_pairs_free(st->pairs);
    free(st->head);
    free(st);
    return TFS_ERROR;
  }
  nodec = host->setting(ctx, "tcpflow.no_decompress");
  keep = host->setting(ctx, "http_keep_compressed");
  st->cfg.decompress = !Tfl_parse_bool(nodec);
  st->cfg.keep_compressed = Tfl_parse_bool(keep);
  st->cfg.alert_fd = (int)http_number(host->setting(ctx, "http_alert_fd"), -1);
  max = http_number(host->setting(ctx, "http_max_decompressed"), 268435456);
  ratio = http_number(host->setting(ctx, "http_max_ratio"), 1000);
  st->cfg.lim.max_out = max > 0 ? (uint64_t)max : 0;
  st->cfg.lim.max_ratio = ratio > 0 && ratio <= UINT32_MAX ? (uint32_t)ratio : 0;
  *state = st;
  return TFS_OK;
}

static void http_record_free(struct http_record *r)
{
  free(r->uri);
  free(r->content_type);
  free(r->content_encoding);
  free(r->file);
  free(r->compressed_file);
  memset(r, 0, sizeof(*r));
}

/* ---- messages ---- */

static void http_end_message(struct http_state *st, const char *end)
{
  struct http_record *grown;
  if (!st->in_msg)
    return;
  st->in_msg = st->in_head = 0;
  Http_body_end(&st->body, st->flow);
  st->cur.end = end;
  if (st->nrecs == st->cap_recs && st->cap_recs < HTTP_RECORDS_MAX) {
    size_t cap = st->cap_recs ? st->cap_recs * 2 : 16;
    grown = realloc(st->recs, cap * sizeof(*grown));
    if (grown) {
      st->recs = grown;
      st->cap_recs = cap;
    }
  }
  if (st->nrecs < st->cap_recs) {
    st->recs[st->nrecs++] = st->cur;
  } else {
    st->dropped++;
    http_record_free(&st->cur);
  }
  memset(&st->cur, 0, sizeof(st->cur));
}

static void http_head_put(struct http_state *st, const uint8_t *p, size_t n)
{
  if (n > HTTP_HEAD_MAX - st->head_len)
    n = HTTP_HEAD_MAX - st->head_len;
  memcpy(st->head + st->head_len, p, n);
  st->head_len += n;
}

/* The header block of a message, verbatim, goes to <flow>-HTTP. */
static void http_head_flush(struct http_state *st)
{
  if (!st->head_out && st->flow && st->flow->path) {
    if (st->host->output_open(st->ctx, st->flow, "-HTTP", &st->head_out) != TFS_OK)
      st->head_out = NULL;
    else
      st->head_path = strdup(st->host->output_path(st->head_out));
  }
  if (st->head_out && st->host->output_write(st->head_out, st->head, st->head_len) == TFS_OK)
    st->head_bytes += st->head_len;
  st->head_len = 0;
}

/* ---- http-parser callbacks ---- */

static int http_on_begin(http_parser *p)
{
  struct http_state *st = p->data;
  st->in_msg = 1;
  st->cur.kind = st->kind;
  st->cur.number = ++st->counter;
  st->in_chunk = 0;
  st->in_reason = 0;
  st->field_len = st->value_len = 0;
  st->in_value = 0;
  /* Pausing here tells the driver where the start line begins. */
  st->pause = HTTP_PAUSE_BEGIN;
  http_parser_pause(p, 1);
  return 0;
}

static int http_on_url(http_parser *p, const char *at, size_t len)
{
  struct http_state *st = p->data;
  size_t have = st->cur.uri ? strlen(st->cur.uri) : 0;
  char *grown;
  if (have + len > HTTP_URI_MAX)
    len = HTTP_URI_MAX - have;
  grown = realloc(st->cur.uri, have + len + 1);
  if (!grown)
    return 0;
  memcpy(grown + have, at, len);
  grown[have + len] = '\0';
  st->cur.uri = grown;
  return 0;
}

static void http_header_done(struct http_state *st)
{
  char **slot = NULL;
  st->field[st->field_len] = '\0';
  st->value[st->value_len] = '\0';
  if (!strcasecmp(st->field, "content-type"))
    slot = &st->cur.content_type;
  else if (!strcasecmp(st->field, "content-encoding"))
    slot = &st->cur.content_encoding;
  if (slot && !*slot)
    *slot = strdup(st->value);
  st->field_len = st->value_len = 0;
  st->in_value = 0;
}

/* Only tracks whether a buffer ended inside the reason phrase: free text
 * nothing depends on, which can absorb a gap (http_flow_data). */
static int http_on_status(http_parser *p, const char *at, size_t len)
{
  struct http_state *st = p->data;
  st->in_reason = (const uint8_t *)at + len == st->chunk_end;
  st->head_mark = (const uint8_t *)at + len;
  return 0;
}

static int http_on_field(http_parser *p, const char *at, size_t len)
{
  struct http_state *st = p->data;
  st->in_reason = 0;
  st->head_mark = (const uint8_t *)at + len;
  if (st->in_value)
    http_header_done(st);
  if (len > HTTP_FIELD_MAX - st->field_len)
    len = HTTP_FIELD_MAX - st->field_len;
  memcpy(st->field + st->field_len, at, len);
  st->field_len += len;
  return 0;
}

static int http_on_value(http_parser *p, const char *at, size_t len)
{
  struct http_state *st = p->data;
  st->in_value = 1;
  st->head_mark = (const uint8_t *)at + len;
  while (st->value_len == 0 && len && (*at == ' ' || *at == '\t')) {
    at++;
    len--;
  }
  if (len > HTTP_VALUE_MAX - st->value_len)
    len = HTTP_VALUE_MAX - st->value_len;
  memcpy(st->value + st->value_len, at, len);
  st->value_len += len;
  return 0;
}

/* A response that cannot be paired (its request flow is replayed after
 * it) may answer a HEAD, whose Content-Length announces a body that never
 * comes: when the bytes right after the header block are a status line,
 * that is what happened.  Only what this parser buffer holds is looked at. */
static int http_looks_headless(const struct http_state *st, const http_parser *p)
{
  static const char status_line[] = "HTTP/1.";
  const uint8_t *q = st->head_mark, *end = st->chunk_end;
  if (!q || !(p->flags & F_CONTENTLENGTH) || p->content_length == 0)
    return 0;
  while (q < end && *q != '\n') /* the end of the last header line */
    q++;
  if (q < end)
    q++;
  if (q < end && *q == '\r')
    q++;
  if (q >= end || *q != '\n') /* the blank line */
    return 0;
  q++;
  return (size_t)(end - q) >= sizeof(status_line) - 1 &&
         memcmp(q, status_line, sizeof(status_line) - 1) == 0;
}

static int http_on_headers(http_parser *p)
{
  struct http_state *st = p->data;
  int skip = 0;
  if (st->in_value)
    http_header_done(st);
  if (st->kind == HTTP_KIND_REQUEST) {
    snprintf(st->cur.method, sizeof(st->cur.method), "%s",
             http_method_str((enum http_method)p->method));
    Http_pairs_push(st->pairs, st->flow->session_id, st->cur.method, st->cur.uri);
  } else {
    st->cur.status_code = p->status_code;
    /* An interim 1xx answers no request; 101 hands over to another protocol. */
    if (p->status_code == 101)
      st->stop_after = 1;
    else if (p->status_code >= 200 &&
             Http_pairs_pop(st->pairs, st->flow->session_id, st->cur.method,
                            sizeof(st->cur.method), &st->cur.uri))
      /* The parser cannot know a response to HEAD has no body. */
      skip = !strcmp(st->cur.method, "HEAD");
    else if (p->status_code >= 200)
      skip = http_looks_headless(st, p);
  }
  Http_body_begin(&st->body, st->host, st->ctx, &st->cfg, &st->cur);
  st->in_reason = 0;
  /* Headers lost in a gap may have said where the body ends: only a
   * length or chunking seen after the gap, or no body at all, can be
   * trusted. */
  if (st->cur.head_gap_bytes && !skip && !(p->flags & (F_CHUNKED | F_CONTENTLENGTH)) &&
      p->status_code / 100 != 1 && p->status_code != 204 && p->status_code != 304)
    return -1;
  st->pause = HTTP_PAUSE_HEADERS;
  http_parser_pause(p, 1);
  return skip;
}

static int http_on_body(http_parser *p, const char *at, size_t len)
{
  struct http_state *st = p->data;
  if (!st->cur.has_body_offset) {
    st->cur.has_body_offset = 1;
    st->cur.body_offset = st->chunk_off + (uint64_t)((const uint8_t *)at - st->chunk);
  }
  Http_body_data(&st->body, st->flow, (const uint8_t *)at, len, st->filling);
  return 0;
}

/* The size of the chunk is in content_length; the last chunk has none. */
static int http_on_chunk_header(http_parser *p)
{
  struct http_state *st = p->data;
  st->in_chunk = p->content_length > 0;
  return 0;
}

static int http_on_chunk_complete(http_parser *p)
{
  struct http_state *st = p->data;
  st->in_chunk = 0;
  return 0;
}

static int http_on_complete(http_parser *p)
{
  struct http_state *st = p->data;
  http_end_message(st, p->upgrade || st->stop_after ? "upgrade" : "complete");
  return 0;
}

static const http_parser_settings http_callbacks = {
  .on_message_begin = http_on_begin,
  .on_url = http_on_url,
  .on_status = http_on_status,
  .on_header_field = http_on_field,
  .on_header_value = http_on_value,
  .on_headers_complete = http_on_headers,
  .on_body = http_on_body,
  .on_message_complete = http_on_complete,
  .on_chunk_header = http_on_chunk_header,
  .on_chunk_complete = http_on_chunk_complete,
};

/* ---- driving the parser ---- */

static void http_to_sync(struct http_state *st, const char *end, int at_line_start)
{
  http_end_message(st, end);
  st->mode = HTTP_SYNC;
  st->line_len = 0;
  st->line_skip = !at_line_start;
}

/* Parses from data; returns the bytes used (all, unless the parser
 * stopped). */
static size_t http_parse(struct http_state *st, const uint8_t *data, size_t len, uint64_t off)
{
  size_t used = 0;
  while (used < len && st->mode == HTTP_PARSE) {
    const uint8_t *p = data + used;
    size_t n;
    enum http_errno err;
    st->chunk = p;
    st->chunk_end = data + len;
    st->chunk_off = off + used;
    st->pause = HTTP_PAUSE_NONE;
    st->head_mark = NULL; /* the buffer may be the one an earlier call had */
    n = http_parser_execute(&st->parser, &http_callbacks, (const char *)p, len - used);
    err = HTTP_PARSER_ERRNO(&st->parser);
    if (err == HPE_PAUSED && st->pause == HTTP_PAUSE_BEGIN) {
      /* n includes the first byte of the start line. */
      st->cur.offset = off + used + n - 1;
      st->head_len = 0;
      st->in_head = 1;
      http_head_put(st, p + n - 1, 1);
    } else if (err == HPE_PAUSED && st->pause == HTTP_PAUSE_HEADERS) {
      /* n stops before the final LF, which the parser reads again. */
      http_head_put(st, p, n + 1);
      st->in_head = 0;
      http_head_flush(st);
    } else if (st->in_head) {
      http_head_put(st, p, n);
    }
    used += n;
    if (err == HPE_PAUSED) {
      http_parser_pause(&st->parser, 0);
      continue;
    }
    if (err != HPE_OK) {
      st->host->log(st->ctx, TFS_LOG_DEBUG, "flow %" PRIu64 " offset %" PRIu64 ": %s",
                    st->flow->flow_id, off + used, http_errno_name(err));
      /* After a gap in its status line the syntax error is most likely
       * the gap's doing: the line after it is joined to the reason phrase
       * whatever it held, headers may be missing, the callback above may
       * have given the message up. */
      http_to_sync(st, st->cur.head_gap_bytes ? "gap" : "parse_error", 0);
      return used;
    }
    if (st->parser.upgrade || st->stop_after) {
      http_end_message(st, "upgrade");
      st->mode = HTTP_STOPPED;
      return len;
    }
  }
  return used;
}

static void http_start_parser(struct http_state *st)
{
  http_parser_init(&st->parser, st->kind == HTTP_KIND_REQUEST ? HTTP_REQUEST : HTTP_RESPONSE);
  st->parser.data = st;
  st->stop_after = 0;
  st->mode = HTTP_PARSE;
}

/* Looks for a line that starts a message; returns the bytes used. */
static size_t http_sync(struct http_state *st, const uint8_t *data, size_t len, uint64_t off)
{
  const uint8_t *nl = memchr(data, '\n', len);
  size_t take = nl ? (size_t)(nl - data) + 1 : len;
  int kind;
  if (st->line_skip) {
    st->line_skip = !nl;
    return take;
  }
  if (st->line_len == 0)
    st->line_off = off;
  if (take > sizeof(st->line) - st->line_len) {
    /* Longer than any start line we accept. */
    st->line_len = 0;
    st->line_skip = !nl;
    return take;
  }
  memcpy(st->line + st->line_len, data, take);
  st->line_len += take;
  if (!nl)
    return take;
  kind = Http_sync_kind(st->line, st->line_len);
  if (kind != HTTP_KIND_NONE && (st->kind == HTTP_KIND_NONE || st->kind == kind)) {
    size_t line_len = st->line_len;
    st->kind = kind;
    http_start_parser(st);
    st->line_len = 0;
    http_parse(st, (const uint8_t *)st->line, line_len, st->line_off);
    if (st->mode == HTTP_SYNC)
      st->line_skip = 0; /* the next byte begins a line */
  }
  st->line_len = 0;
  return take;
}

/* Bytes of the body still to come whose extent is known: the rest of a
 * Content-Length body or of a chunk's data.  0 in a header block, a
 * chunk-size line or a body that runs until the connection closes, where
 * zeros would be taken for syntax. */
static uint64_t http_body_room(const struct http_state *st)
{
  const http_parser *p = &st->parser;
  if (st->mode != HTTP_PARSE || !st->in_msg || st->in_head)
    return 0;
  if (p->flags & F_CHUNKED)
    return st->in_chunk ? p->content_length : 0;
  return p->content_length == ULLONG_MAX ? 0 : p->content_length;
}

/* Missing bytes inside a body or a reason phrase: the parser reads them as
 * the zeros the flow file holds there (as 1.6.1 does), so the body keeps
 * its length and what follows the gap is parsed where it belongs. */
static void http_fill_gap(struct http_state *st, uint64_t off, size_t len)
{
  static const uint8_t zeros[16384];
  st->filling = 1;
  while (len && st->mode == HTTP_PARSE) {
    size_t n = len < sizeof(zeros) ? len : sizeof(zeros);
    http_parse(st, zeros, n, off);
    off += n;
    len -= n;
  }
  st->filling = 0;
}

static void http_reset_flow(struct http_state *st)
{
  size_t i;
  if (st->in_msg)
    http_end_message(st, "incomplete");
  for (i = 0; i < st->nrecs; i++)
    http_record_free(&st->recs[i]);
  free(st->recs);
  if (st->head_out)
    st->host->output_close(st->head_out, 1);
  free(st->head_path);
  st->recs = NULL;
  st->nrecs = st->cap_recs = st->dropped = 0;
  st->head_out = NULL;
  st->head_path = NULL;
  st->head_bytes = 0;
  st->seen = 0;
  st->kind = HTTP_KIND_NONE;
  st->mode = HTTP_SYNC;
  st->line_len = 0;
  st->line_skip = 0;
  st->counter = 0;
}

static int http_flow_data(void *state, const struct tfs_flow_info *flow, uint64_t offset,
                          const uint8_t *data, size_t len)
{
  struct http_state *st = state;
  st->flow = flow;
  if (!st->seen || st->flow_id != flow->flow_id) {
    http_reset_flow(st);
    st->seen = 1;
    st->flow_id = flow->flow_id;
  }
  if (!data) {
    uint64_t room;
    size_t fill;
    /* A status line cut by the gap: the parser takes it up, so the gap
     * can fall in its reason phrase below. */
    if (st->mode == HTTP_SYNC && !st->line_skip && st->kind != HTTP_KIND_REQUEST &&
        Http_sync_status_prefix(st->line, st->line_len)) {
      size_t line_len = st->line_len;
      st->kind = HTTP_KIND_RESPONSE;
      http_start_parser(st);
      st->line_len = 0;
      http_parse(st, (const uint8_t *)st->line, line_len, st->line_off);
    }
    if (st->mode == HTTP_PARSE && st->in_reason) {
      /* The rest of the line after the gap joins the reason phrase; the
       * headers that follow it are parsed. */
      st->cur.head_gap_bytes += len;
      room = len;
    } else {
      room = http_body_room(st);
    }
    fill = room < len ? (size_t)room : len;
    http_fill_gap(st, offset, fill);
    /* Past the body, what the parser would read is not what was sent:
     * look for the next message start after the gap. */
    if (fill < len) {
      if (st->mode == HTTP_PARSE)
        http_to_sync(st, "gap", 1);
      else if (st->mode == HTTP_SYNC) {
        st->line_len = 0;
        st->line_skip = 0;
      }
    }
    if (st->nrecs || st->in_msg || st->kind != HTTP_KIND_NONE)
      st->host->log(st->ctx, TFS_LOG_DEBUG, "flow %" PRIu64 ": gap of %zu bytes at %" PRIu64,
                    flow->flow_id, len, offset);
    st->flow = NULL;
    return TFS_OK;
  }
  while (len && st->mode != HTTP_STOPPED) {
    size_t used = st->mode == HTTP_PARSE ? http_parse(st, data, len, offset)
                                         : http_sync(st, data, len, offset);
    data += used;
    len -= used;
    offset += used;
  }
  st->flow = NULL;
  return TFS_OK;
}

/* ---- report ---- */

static void http_attr_u64(struct http_state *st, const char *name, uint64_t v)
{
  char num[24];
  snprintf(num, sizeof(num), "%" PRIu64, v);
  st->host->xml_attr(st->ctx, name, num);
}

static void http_attr_str(struct http_state *st, const char *name, const char *v)
{
  if (v && *v)
    st->host->xml_attr(st->ctx, name, v);
}

static void http_report_message(struct http_state *st, const struct http_record *r)
{
  const struct tfs_host *h = st->host;
  h->xml_start(st->ctx, "tcpflow:http_message");
  h->xml_attr(st->ctx, "kind", r->kind == HTTP_KIND_REQUEST ? "request" : "response");
  http_attr_u64(st, "number", r->number);
  http_attr_u64(st, "offset", r->offset);
  if (r->kind == HTTP_KIND_RESPONSE && r->status_code)
    http_attr_u64(st, "status", (uint64_t)r->status_code);
  http_attr_str(st, "method", r->method);
  http_attr_str(st, "uri", r->uri);
  http_attr_str(st, "content_type", r->content_type);
  http_attr_str(st, "content_encoding", r->content_encoding);
  if (r->has_body_offset)
    http_attr_u64(st, "body_offset", r->body_offset);
  http_attr_u64(st, "body_length", r->body_length);
  http_attr_u64(st, "decoded_length", r->decoded_length);
  if (r->gap_bytes)
    http_attr_u64(st, "gap_bytes", r->gap_bytes);
  if (r->head_gap_bytes)
    http_attr_u64(st, "head_gap_bytes", r->head_gap_bytes);
  http_attr_str(st, "file", r->file);
  http_attr_str(st, "md5", r->file ? r->md5 : NULL);
  http_attr_str(st, "compressed_file", r->compressed_file);
  http_attr_str(st, "decode", r->decode);
  http_attr_str(st, "end", r->end);
  h->xml_end(st->ctx);
}

static void http_report(struct http_state *st)
{
  const struct tfs_host *h = st->host;
  size_t i;
  /* The byte_runs block exactly as tcpflow 1.6.1 writes it. */
  h->xml_start(st->ctx, "byte_runs");
  for (i = 0; i < st->nrecs; i++) {
    const struct http_record *r = &st->recs[i];
    if (!r->file)
      continue;
    h->xml_start(st->ctx, "byte_run");
    http_attr_u64(st, "file_offset", r->body_offset);
    h->xml_start(st->ctx, "fileobject");
    h->xml_start(st->ctx, "filename");
    h->xml_text(st->ctx, r->file);
    h->xml_end(st->ctx);
    h->xml_start(st->ctx, "filesize");
    {
      char num[24];
      snprintf(num, sizeof(num), "%" PRIu64, r->decoded_length);
      h->xml_text(st->ctx, num);
    }
    h->xml_end(st->ctx);
    h->xml_end(st->ctx);
    h->xml_end(st->ctx);
  }
  h->xml_end(st->ctx);
  if (st->head_path) {
    h->xml_start(st->ctx, "tcpflow:http_headers");
    h->xml_attr(st->ctx, "file", st->head_path);
    http_attr_u64(st, "length", st->head_bytes);
    h->xml_end(st->ctx);
  }
  for (i = 0; i < st->nrecs; i++)
    http_report_message(st, &st->recs[i]);
  if (st->dropped) {
    h->xml_start(st->ctx, "tcpflow:http_dropped");
    http_attr_u64(st, "messages", st->dropped);
    h->xml_end(st->ctx);
  }
}

static int http_flow_close(void *state, const struct tfs_flow_info *flow)
{
  struct http_state *st = state;
  st->flow = flow;
  if (st->seen && st->flow_id == flow->flow_id && st->kind != HTTP_KIND_NONE) {
    /* End of flow: completes a body that runs until the connection closes. */
    if (st->mode == HTTP_PARSE)
      http_parser_execute(&st->parser, &http_callbacks, NULL, 0);
    http_end_message(st, "truncated");
    if (st->kind == HTTP_KIND_RESPONSE)
      Http_pairs_done(st->pairs, flow->session_id);
    else
      Http_pairs_request_closed(st->pairs, flow->session_id);
    http_report(st);
  }
  http_reset_flow(st);
  st->flow = NULL;
  return TFS_OK;
}

static void http_fini(void *state)
{
  struct http_state *st = state;
  if (!st)
    return;
  http_reset_flow(st);
  Http_pairs_free(st->pairs);
  free(st->head);
  free(st);
}

static const struct tfs_scanner http_scanner = {
  TFS_ABI_MAJOR, TFS_ABI_MINOR, sizeof(struct tfs_scanner),
  "http", "1.0", "HTTP/1.x bodies and headers of requests and responses on any port",
  TFS_SCANNER_WANTS_DATA | TFS_SCANNER_PARALLEL_SAFE, http_settings,
  http_init, NULL, http_flow_data, http_flow_close, NULL, NULL, http_fini, NULL, NULL, NULL,
};

TFS_SCANNER_ENTRY(http_scanner)
