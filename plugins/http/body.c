/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/* Body files of HTTP messages: <flow>-HTTPBODY-NNN[.ext], inflated unless
 * -Z, with the still-compressed bytes in a -GZIP companion on request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "http.h"
#include "mime.h"

/* Longest suffix: "-HTTPBODY-" + 10 digits + "." + extension + "-GZIP". */
#define BODY_SUFFIX 96

static void body_alert(const struct http_body *b, const char *what, const char *path)
{
  char line[4096];
  int n;
  if (b->cfg->alert_fd < 0)
    return;
  n = snprintf(line, sizeof(line), "%s\t%s\n", what, path);
  if (n > 0 && (size_t)n < sizeof(line) && write(b->cfg->alert_fd, line, (size_t)n) != n)
    b->host->log(b->ctx, TFS_LOG_WARN, "http_alert_fd: write failed");
}

static tfs_output *body_open(struct http_body *b, const char *tail)
{
  char suffix[BODY_SUFFIX];
  const char *ext = Http_mime_ext(b->rec->content_type);
  tfs_output *out;
  /* The name comes from the counter and the MIME table only, never from
   * the message, so no URI can steer where the file goes. */
  snprintf(suffix, sizeof(suffix), "-HTTPBODY-%03u%s%s%s", b->rec->number, ext ? "." : "",
           ext ? ext : "", tail);
  if (!b->flow || !b->flow->path ||
      b->host->output_open(b->ctx, b->flow, suffix, &out) != TFS_OK) {
    b->failed = 1;
    return NULL;
  }
  return out;
}

/* Decoded bytes go to the body file (opened on the first one). */
static int body_sink(void *arg, const uint8_t *buf, size_t len)
{
  struct http_body *b = arg;
  if (b->failed)
    return -1;
  if (!b->out) {
    b->out = body_open(b, "");
    if (!b->out)
      return -1;
    body_alert(b, "open", b->host->output_path(b->out));
  }
  if (b->host->output_write(b->out, buf, len) != TFS_OK) {
    b->failed = 1;
    return -1;
  }
  EVP_DigestUpdate(b->md5, buf, len);
  b->rec->decoded_length += len;
  return 0;
}

static int body_encoded(const char *enc)
{
  return enc && (!strcasecmp(enc, "gzip") || !strcasecmp(enc, "x-gzip") ||
                 !strcasecmp(enc, "deflate"));
}

void Http_body_begin(struct http_body *b, const struct tfs_host *host, tfs_ctx *ctx,
                     const struct http_config *cfg, struct http_record *rec)
{
  memset(b, 0, sizeof(*b));
  b->host = host;
  b->ctx = ctx;
  b->cfg = cfg;
  b->rec = rec;
  b->md5 = EVP_MD_CTX_new();
  if (!b->md5 || !EVP_DigestInit_ex(b->md5, EVP_md5(), NULL))
    b->failed = 1;
  if (cfg->decompress && body_encoded(rec->content_encoding)) {
    b->inf = Tfl_inflate_new(1, &cfg->lim, body_sink, b);
    if (!b->inf)
      b->failed = 1;
  }
}

void Http_body_data(struct http_body *b, const struct tfs_flow_info *flow,
                    const uint8_t *data, size_t len, int missing)
{
  b->flow = flow;
  b->rec->body_length += len;
  if (missing) {
    b->rec->gap_bytes += len;
    /* Zeros in place of deflate data decode to garbage or an error at
     * best: what was inflated before the gap stays, nothing after it is
     * inflated.  Plain and -GZIP files still get the zeros, as the flow
     * file holds them. */
    b->gap = 1;
  }
  if (b->failed || len == 0)
    return;
  if (!b->inf) {
    body_sink(b, data, len);
    return;
  }
  if (b->cfg->keep_compressed && !b->raw_out && !b->failed)
    b->raw_out = body_open(b, "-GZIP");
  if (b->raw_out && b->host->output_write(b->raw_out, data, len) != TFS_OK)
    b->failed = 1;
  if (!b->gap)
    Tfl_inflate_feed(b->inf, data, len);
}

static char *body_strdup(const char *s)
{
  return s ? strdup(s) : NULL;
}

void Http_body_end(struct http_body *b, const struct tfs_flow_info *flow)
{
  struct http_record *rec = b->rec;
  b->flow = flow;
  if (b->inf) {
    enum tfl_inflate_status gs = Tfl_inflate_finish(b->inf);
    /* Even when a stream had ended before the gap, another may have begun
     * in it: the output cannot be called whole. */
    if (b->gap && gs == TFL_INFLATE_OK)
      gs = TFL_INFLATE_TRUNCATED;
    rec->decode = Tfl_inflate_status_name(gs);
    Tfl_inflate_free(b->inf);
  }
  if (b->raw_out) {
    rec->compressed_file = body_strdup(b->host->output_path(b->raw_out));
    b->host->output_close(b->raw_out, 1);
  }
  if (b->out) {
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned dlen = 0, i;
    rec->file = body_strdup(b->host->output_path(b->out));
    if (EVP_DigestFinal_ex(b->md5, d, &dlen) && dlen == 16)
      for (i = 0; i < dlen; i++)
        snprintf(rec->md5 + 2 * i, 3, "%02x", d[i]);
    if (rec->file)
      body_alert(b, "close", rec->file);
    b->host->output_close(b->out, 1);
  }
  if (b->failed && !rec->decode)
    rec->decode = "write_error";
  EVP_MD_CTX_free(b->md5);
  memset(b, 0, sizeof(*b));
}
