/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Internal interfaces of the http scanner module, shared by its files:
 * http.c (events, parsing, report), body.c (body files), pair.c (request to
 * response pairing), sync.c (finding message starts).
 */
#ifndef TF_HTTP_H
#define TF_HTTP_H

#include <stdint.h>
#include <tcpflow/scanner.h>

#include "tfl_inflate.h"

enum http_kind { HTTP_KIND_NONE = 0, HTTP_KIND_REQUEST, HTTP_KIND_RESPONSE };

struct http_config {
  int decompress;      /* not -Z */
  int keep_compressed; /* http_keep_compressed=YES */
  int alert_fd;        /* http_alert_fd, -1 = off */
  struct tfl_inflate_limits lim;
};

/* One parsed message, kept until the flow's report is written. */
struct http_record {
  int kind;
  unsigned number;      /* NNN of its body file */
  uint64_t offset;      /* flow offset of the start line */
  int status_code;      /* responses */
  char method[24];      /* requests, or the paired request; "" unknown */
  char *uri;            /* idem; NULL unknown */
  char *content_type;
  char *content_encoding;
  int has_body_offset;
  uint64_t body_offset; /* first body byte handed over by the parser */
  uint64_t body_length; /* body bytes after de-chunking */
  uint64_t gap_bytes;   /* of those, never captured (zeros in the file) */
  uint64_t head_gap_bytes; /* never captured, inside the status line */
  uint64_t decoded_length; /* bytes written to the body file */
  char *file;           /* body file, NULL when empty */
  char *compressed_file;
  char md5[33];
  const char *end;      /* how the message ended */
  const char *decode;   /* inflation status, NULL when not inflated */
};

/* Body file of one message: created on the first byte, inflated when the
 * encoding says so, deleted when nothing was written. */
struct http_body {
  const struct tfs_host *host;
  tfs_ctx *ctx;
  const struct http_config *cfg;
  struct http_record *rec;
  const struct tfs_flow_info *flow; /* of the current call */
  tfs_output *out, *raw_out;
  struct tfl_inflater *inf;
  void *md5;
  int failed;
  int gap; /* bytes are missing: inflation stopped there */
};

void Http_body_begin(struct http_body *b, const struct tfs_host *host, tfs_ctx *ctx,
                     const struct http_config *cfg, struct http_record *rec);
/* missing: data is the zeros that stand for bytes the capture lost. */
void Http_body_data(struct http_body *b, const struct tfs_flow_info *flow,
                    const uint8_t *data, size_t len, int missing);
/* Finishes the body and completes rec (file, lengths, md5, decode). */
void Http_body_end(struct http_body *b, const struct tfs_flow_info *flow);

/* Session id -> queue of (method, URI) of the requests seen on it. */
struct http_pairs;
struct http_pairs *Http_pairs_new(void);
void Http_pairs_free(struct http_pairs *pp);
void Http_pairs_push(struct http_pairs *pp, uint64_t session, const char *method,
                     const char *uri);
/* Oldest unanswered request of the session; 0 when none.  *uri is
 * malloc'd (may be NULL). */
int Http_pairs_pop(struct http_pairs *pp, uint64_t session, char *method, size_t method_size,
                   char **uri);
/* The response flow of the session is done: drop what is left, and refuse
 * the pushes of a request flow closing later, until it closes. */
void Http_pairs_done(struct http_pairs *pp, uint64_t session);
void Http_pairs_request_closed(struct http_pairs *pp, uint64_t session);

/* Kind of message a complete line (with its \n) starts, or HTTP_KIND_NONE. */
int Http_sync_kind(const char *line, size_t len);
/* The start of a line, cut short, begins "HTTP/1.x NNN ". */
int Http_sync_status_prefix(const char *line, size_t len);

#endif
