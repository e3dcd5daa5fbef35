/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Copyright (C) 2026 The tcpflow developers */
/*
 * Streaming zlib inflation shared by the http and gzip scanners (see
 * inflate.h).
 */
#include "inflate.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Enough to hold whatever may precede a zlib header error, so the raw
 * deflate retry can replay it. */
#define GZ_STASH 64
#define GZ_OUTBUF 16384

struct gz_inflater {
  z_stream strm;
  int raw;          /* currently decoding raw deflate */
  int raw_fallback; /* a raw retry is still allowed */
  int mid_stream;   /* input was consumed since the last stream end */
  int stopped;
  enum gz_status status;
  struct gz_limits lim;
  gz_sink_fn sink;
  void *arg;
  uint64_t in, out;
  uint8_t stash[GZ_STASH]; /* input seen before any output, for the retry */
  size_t stash_len;
};

const char *Gz_status_name(enum gz_status st)
{
  switch (st) {
  case GZ_OK: return "ok";
  case GZ_TRUNCATED: return "truncated";
  case GZ_CORRUPT: return "corrupt";
  case GZ_CAPPED: return "capped";
  case GZ_SINK_ERROR: return "write_error";
  }
  return "unknown";
}

static int gz_start(struct gz_inflater *z, int raw)
{
  memset(&z->strm, 0, sizeof(z->strm));
  z->raw = raw;
  /* 15+32: zlib picks gzip or zlib framing from the header itself. */
  return inflateInit2(&z->strm, raw ? -15 : 15 + 32) == Z_OK ? 0 : -1;
}

struct gz_inflater *Gz_inflater_new(int raw_fallback, const struct gz_limits *lim,
                                    gz_sink_fn sink, void *arg)
{
  struct gz_inflater *z = calloc(1, sizeof(*z));
  if (!z)
    return NULL;
  z->raw_fallback = raw_fallback;
  z->lim = *lim;
  z->sink = sink;
  z->arg = arg;
  if (gz_start(z, 0) != 0) {
    free(z);
    return NULL;
  }
  return z;
}

static void gz_stop(struct gz_inflater *z, enum gz_status st)
{
  z->status = st;
  z->stopped = 1;
}

/* Hands decoded bytes to the sink, trimmed to the caps. */
static int gz_emit(struct gz_inflater *z, const uint8_t *buf, size_t n)
{
  uint64_t allowed = UINT64_MAX;
  int capped = 0;
  if (z->lim.max_out)
    allowed = z->lim.max_out;
  if (z->lim.max_ratio) {
    uint64_t by_ratio = z->in * (uint64_t)z->lim.max_ratio;
    if (by_ratio < GZ_RATIO_FLOOR)
      by_ratio = GZ_RATIO_FLOOR;
    if (by_ratio < allowed)
      allowed = by_ratio;
  }
  if (z->out + n > allowed) {
    n = allowed > z->out ? (size_t)(allowed - z->out) : 0;
    capped = 1;
  }
  if (n && z->sink(z->arg, buf, n) != 0) {
    gz_stop(z, GZ_SINK_ERROR);
    return -1;
  }
  z->out += n;
  if (capped) {
    gz_stop(z, GZ_CAPPED);
    return -1;
  }
  return 0;
}

/* Runs zlib over one input buffer; returns the zlib error that stopped it,
 * or Z_OK when all input was taken. */
static int gz_run(struct gz_inflater *z, const uint8_t *buf, size_t len)
{
  uint8_t out[GZ_OUTBUF];
  z_stream *s = &z->strm;
  s->next_in = (Bytef *)(uintptr_t)buf;
  s->avail_in = (uInt)len;
  while (!z->stopped) {
    uInt before = s->avail_in;
    int rc;
    s->next_out = out;
    s->avail_out = sizeof(out);
    if (s->avail_in)
      z->mid_stream = 1;
    rc = inflate(s, Z_NO_FLUSH);
    z->in += before - s->avail_in;
    if (sizeof(out) - s->avail_out > 0 && gz_emit(z, out, sizeof(out) - s->avail_out) != 0)
      return Z_OK;
    if (rc == Z_STREAM_END) {
      z->mid_stream = 0;
      if (s->avail_in == 0)
        return Z_OK;
      /* Another gzip member follows (RFC 1952 allows several). */
      if (inflateReset(s) != Z_OK)
        return Z_MEM_ERROR;
      continue;
    }
    if (rc == Z_BUF_ERROR || (rc == Z_OK && s->avail_in == 0 && s->avail_out != 0))
      return Z_OK;
    if (rc != Z_OK)
      return rc;
  }
  return Z_OK;
}

int Gz_inflater_feed(struct gz_inflater *z, const uint8_t *buf, size_t len)
{
  int rc;
  if (z->stopped)
    return -1;
  if (len == 0)
    return 0;
  rc = gz_run(z, buf, len);
  if (rc == Z_DATA_ERROR && z->raw_fallback && !z->raw && z->out == 0) {
    /* No zlib header: replay what came so far as raw deflate. */
    z->raw_fallback = 0;
    inflateEnd(&z->strm);
    z->in = 0;
    if (gz_start(z, 1) != 0) {
      gz_stop(z, GZ_CORRUPT);
      return -1;
    }
    rc = gz_run(z, z->stash, z->stash_len);
    if (rc == Z_OK && !z->stopped)
      rc = gz_run(z, buf, len);
  }
  if (z->stopped)
    return -1;
  if (rc != Z_OK) {
    gz_stop(z, GZ_CORRUPT);
    return -1;
  }
  if (z->raw_fallback && z->out == 0) {
    if (z->stash_len + len <= sizeof(z->stash)) {
      memcpy(z->stash + z->stash_len, buf, len);
      z->stash_len += len;
    } else {
      z->raw_fallback = 0; /* too late for a header error anyway */
    }
  }
  return 0;
}

enum gz_status Gz_inflater_finish(struct gz_inflater *z)
{
  if (!z->stopped && z->mid_stream)
    gz_stop(z, GZ_TRUNCATED);
  return z->status;
}

uint64_t Gz_inflater_out(const struct gz_inflater *z)
{
  return z->out;
}

uint64_t Gz_inflater_in(const struct gz_inflater *z)
{
  return z->in;
}

void Gz_inflater_free(struct gz_inflater *z)
{
  if (!z)
    return;
  inflateEnd(&z->strm);
  free(z);
}
